from django.urls import path

from guatu.notify import views

app_name = "notify"
urlpatterns = [
    path("inbox/", views.inbox_view, name="inbox"),
    path("inbox/read/", views.inbox_read_view, name="inbox-read"),
    path("inbox/<int:pk>/", views.notice_open_view, name="notice"),
    path("notify/me/", views.preference_view, name="me"),
    path("notify/", views.settings_view, name="settings"),
    path("notify/robots/<int:pk>/", views.robot_change_view, name="robot"),
    path("notify/log/", views.log_view, name="log"),
    path("todo/", views.todo_view, name="todo"),
    path("todo/unreported/", views.unreported_view, name="unreported"),
]
