from django.urls import path

from guatu.baselines import views

app_name = "baselines"
urlpatterns = [
    path("projects/<slug:code>/baselines/", views.baselines_view, name="list"),
    path("projects/<slug:code>/adjustments/", views.adjustments_view, name="adjustments"),
    path("adjustments/<int:pk>/", views.adjustment_act_view, name="act"),
    path("items/<int:pk>/adjust/", views.propose_view, name="propose"),
    path("projects/<slug:code>/as-of/", views.as_of_view, name="as-of"),
]
