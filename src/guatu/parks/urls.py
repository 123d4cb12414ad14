from django.urls import path

from guatu.parks import views

app_name = "parks"
urlpatterns = [
    path("parks/", views.park_list_view, name="parks"),
    path("parks/grading/", views.grading_view, name="grading"),
    path("parks/<slug:code>/", views.park_detail_view, name="park"),
    path("parks/<slug:code>/criteria/", views.criteria_view, name="criteria"),
    path("parks/<slug:code>/screen/", views.screen_view, name="screen"),
    path("parks/<slug:code>/allocate/", views.allocate_view, name="allocate"),
    path("parks/<slug:code>/results.xlsx", views.results_view, name="results"),
    path("applications/<int:pk>/", views.application_view, name="application"),
]
