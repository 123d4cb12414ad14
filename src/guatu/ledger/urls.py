from django.urls import path

from guatu.ledger import views

app_name = "ledger"
urlpatterns = [
    path("ledger/", views.ledger_view, name="ledger"),
    path("ledger/template.xlsx", views.template_view, name="template"),
    path("ledger/export.xlsx", views.export_view, name="export"),
    path("ledger/import/", views.import_view, name="import"),
]
