"""Pages: thin views that call a selector and render a template, one module per topic.

``projects`` (the list, a project's page, its MSPDI import and export),
``charts`` (the wall chart on screen and to print), ``items`` (an item's page
with its report, blocker and review forms, site photos), ``lists`` (the lists of
projects, work items, blockers and reports: search, filters, sorting, paging and
their Excel export), ``city`` (the dashboard and the towns), ``map`` (the map
page, 一张图: ``/map/``) and ``rules`` (the status rules). The routes in
``guatu.web.urls`` name each view from here.
"""

from guatu.web.views.charts import wallchart_export_view, wallchart_fragment_view
from guatu.web.views.city import dashboard_view, town_detail_view, town_list_view
from guatu.web.views.items import item_detail_view, item_report_view, photo_view
from guatu.web.views.lists import (
    blocker_board_view,
    item_list_view,
    project_list_view,
    report_list_view,
)
from guatu.web.views.projects import (
    project_detail_view,
    project_export_view,
    project_import_view,
)
from guatu.web.views.region import region_city_view, region_view
from guatu.web.views.rules import rules_view

__all__ = [
    "blocker_board_view",
    "dashboard_view",
    "item_detail_view",
    "item_list_view",
    "item_report_view",
    "photo_view",
    "project_detail_view",
    "project_export_view",
    "project_import_view",
    "project_list_view",
    "region_city_view",
    "region_view",
    "report_list_view",
    "rules_view",
    "town_detail_view",
    "town_list_view",
    "wallchart_export_view",
    "wallchart_fragment_view",
]
