from django.urls import path

from guatu.supervision import agenda_views, reply_views, views

app_name = "supervision"
urlpatterns = [
    path("bulletins/", views.bulletin_list_view, name="bulletins"),
    path("bulletins/<int:pk>/", views.bulletin_view, name="bulletin"),
    path("bulletins/<int:pk>/bulletin.<str:fmt>", views.bulletin_file_view, name="bulletin-file"),
    path("bulletins/<int:pk>/rungs/", views.bulletin_rung_view, name="bulletin-rung"),
    path("escalations/", views.escalation_list_view, name="escalations"),
    path("escalations/templates/", views.notice_templates_view, name="notice-templates"),
    path("escalations/<int:pk>/notice.docx", views.notice_view, name="notice"),
    path("escalations/<int:pk>/", reply_views.escalation_view, name="escalation"),
    path("reply-files/<int:pk>", reply_views.reply_file_view, name="reply-file"),
    path("escalations/<int:pk>/notice.pdf", views.notice_pdf_view, name="notice-pdf"),
    path("scores/", views.score_view, name="scores"),
    path(
        "supervision/problems/<int:pk>/assignment.docx",
        views.assignment_view,
        name="problem-assignment-docx",
    ),
    path(
        "supervision/problems/<int:pk>/assignment.pdf",
        views.assignment_pdf_view,
        name="problem-assignment-pdf",
    ),
    path("supervision/agenda/", agenda_views.agenda_list_view, name="agenda"),
    path(
        "supervision/agenda/<int:pk>/agenda.docx",
        agenda_views.agenda_docx_view,
        name="agenda-docx",
    ),
    path("supervision/agenda/<int:pk>/agenda.pdf", agenda_views.agenda_pdf_view, name="agenda-pdf"),
]
