from django.urls import path

from guatu.risk import views

app_name = "risk"
urlpatterns = [
    path("projects/<slug:code>/risk/", views.risk_view, name="project"),
    path("projects/<slug:code>/risk/items.xlsx", views.items_xlsx_view, name="items-xlsx"),
    path("projects/<slug:code>/risk/estimates/", views.estimate_view, name="estimate"),
    path(
        "projects/<slug:code>/risk/estimates/<int:pk>/clear/",
        views.estimate_clear_view,
        name="estimate-clear",
    ),
    path("risk/nodes/", views.nodes_view, name="nodes"),
]
