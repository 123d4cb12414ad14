from django.urls import path

from guatu.intake import views

app_name = "intake"
urlpatterns = [path("intake/", views.intake_view, name="intake")]
