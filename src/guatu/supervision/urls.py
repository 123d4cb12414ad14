from django.urls import path

from guatu.supervision import views

app_name = "supervision"
urlpatterns = [
    path("bulletins/", views.bulletin_list_view, name="bulletins"),
    path("bulletins/<int:pk>/", views.bulletin_view, name="bulletin"),
    path("bulletins/<int:pk>/bulletin.<str:fmt>", views.bulletin_file_view, name="bulletin-file"),
    path("escalations/", views.escalation_list_view, name="escalations"),
    path("escalations/<int:pk>/notice.docx", views.notice_view, name="notice"),
    path("scores/", views.score_view, name="scores"),
]
