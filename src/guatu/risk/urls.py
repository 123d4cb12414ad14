from django.urls import path

from guatu.risk import views

app_name = "risk"
urlpatterns = [
    path("projects/<slug:code>/risk/", views.risk_view, name="project"),
    path("risk/nodes/", views.nodes_view, name="nodes"),
]
