"""Routes of the pages."""

from django.urls import path

from guatu.web import my_work, views
from guatu.web.views import layout_map, places, prework, project_edit, task_force
from guatu.web.views import map as map_views

app_name = "web"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("home/", my_work.home_view, name="home"),
    path("my/", my_work.my_work_view, name="my-work"),
    path("projects/", views.project_list_view, name="project-list"),
    path("items/", views.item_list_view, name="item-list"),
    path("blockers/", views.blocker_board_view, name="blocker-board"),
    path("reports/", views.report_list_view, name="report-list"),
    path("map/places/", places.places_view, name="map-places"),
    path("projects/import/", views.project_import_view, name="project-import"),
    path("projects/new/", project_edit.project_create_view, name="project-create"),
    path("projects/prework/", prework.prework_template_view, name="prework"),
    path("projects/<slug:code>/prework/", prework.prework_apply_view, name="project-prework"),
    path("projects/<slug:code>/edit/", project_edit.project_edit_view, name="project-edit"),
    path("projects/<slug:code>/items/new/", project_edit.item_create_view, name="item-create"),
    path("projects/<slug:code>/links/", project_edit.links_view, name="project-links"),
    path("projects/<slug:code>/task-force/", task_force.task_force_view, name="project-task-force"),
    path(
        "projects/<slug:code>/links/<int:pk>/remove/",
        project_edit.link_remove_view,
        name="project-link-remove",
    ),
    path("items/<int:pk>/edit/", project_edit.item_edit_view, name="item-edit"),
    path("projects/<slug:code>/", views.project_detail_view, name="project-detail"),
    path("projects/<slug:code>/mspdi.xml", views.project_export_view, name="project-export"),
    path("projects/<slug:code>/wallchart/", views.wallchart_fragment_view, name="wallchart"),
    path(
        "projects/<slug:code>/wallchart.<str:fmt>",
        views.wallchart_export_view,
        name="wallchart-export",
    ),
    path("items/<int:pk>/", views.item_detail_view, name="item-detail"),
    path("items/<int:pk>/report/", views.item_report_view, name="item-report"),
    path("photos/<int:pk>/<str:kind>", views.photo_view, name="photo"),
    path("towns/", views.town_list_view, name="town-list"),
    path("rules/", views.rules_view, name="rules"),
    path("towns/<int:pk>/", views.town_detail_view, name="town-detail"),
    path("map/", map_views.map_view, name="map"),
    path("map/print.<str:fmt>", layout_map.layout_map_view, name="map-print"),
    path("region/", views.region_view, name="region"),
    path("region/<slug:code>/", views.region_city_view, name="region-city"),
]
