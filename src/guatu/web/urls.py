"""Routes of the pages."""

from django.urls import path

from guatu.web import views

app_name = "web"
urlpatterns = [
    path("", views.project_list_view, name="project-list"),
    path("projects/<slug:code>/", views.project_detail_view, name="project-detail"),
]
