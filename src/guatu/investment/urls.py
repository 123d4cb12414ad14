"""The pages of 投资调度 (docs/INVESTMENT.md). Each module adds its own patterns here."""

from guatu.investment import views_pages, views_photos, views_rankings, views_workbook

app_name = "investment"

urlpatterns = [
    *views_pages.urlpatterns,
    *views_photos.urlpatterns,
    *views_rankings.urlpatterns,
    *views_workbook.urlpatterns,
]
