from django.urls import path

from guatu.screens import views

app_name = "screens"
urlpatterns = [
    path("screen/<str:token>/", views.screen_view, name="wall"),
    path("screens/", views.screen_list_view, name="list"),
]
