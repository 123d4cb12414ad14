from django.urls import path

from guatu.ledger import city_views, views

app_name = "ledger"
urlpatterns = [
    path("ledger/", views.ledger_view, name="ledger"),
    path("ledger/template.xlsx", views.template_view, name="template"),
    path("ledger/export.xlsx", views.export_view, name="export"),
    path("ledger/import/", views.import_view, name="import"),
    path("setup/city/", city_views.city_setup_view, name="city-setup"),
    path("setup/city/template.xlsx", city_views.city_template_view, name="city-template"),
]
