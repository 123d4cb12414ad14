from django.urls import path

from guatu.baselines import views

app_name = "baselines"
urlpatterns = [
    path("projects/<slug:code>/baselines/", views.baselines_view, name="list"),
    path("projects/<slug:code>/adjustments/", views.adjustments_view, name="adjustments"),
    path("adjustments/", views.adjustments_all_view, name="all"),
    path("adjustments/<int:pk>/", views.adjustment_view, name="request"),
    path("adjustments/<int:pk>/revise/", views.revise_view, name="revise"),
    path("items/<int:pk>/adjust/", views.propose_view, name="propose"),
    path("items/<int:pk>/adjust/preview/", views.preview_view, name="preview"),
    path("adjustments/<int:pk>/files/", views.attach_view, name="attach"),
    path("adjustment-files/<int:pk>", views.file_view, name="file"),
    path("projects/<slug:code>/as-of/", views.as_of_view, name="as-of"),
    path("projects/<slug:code>/as-of.xlsx", views.as_of_xlsx_view, name="as-of-xlsx"),
]
