"""The 月报 workbook: download the month's template, upload it filled in (all or nothing)."""

urlpatterns: list = []
