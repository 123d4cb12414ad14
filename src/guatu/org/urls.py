from django.urls import path

from guatu.org import views

app_name = "org"
urlpatterns = [
    path("setup/city/", views.city_setup_view, name="city-setup"),
    path("setup/city/template.xlsx", views.city_template_view, name="city-template"),
]
