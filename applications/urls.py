"""URLs of the applications app (French paths: the portal is French first)."""

from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("nouvelle/", views.application_create, name="create"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/pdf/", views.application_pdf, name="pdf"),
    path("<int:pk>/modifier/", views.application_edit, name="edit"),
    path("<int:pk>/supprimer/", views.application_delete, name="delete"),
    path("<int:pk>/soumettre/", views.application_submit, name="submit"),
    path("<int:pk>/action/<slug:action>/", views.application_action, name="action"),
    path("<int:pk>/responsable/", views.assign_owner, name="assign_owner"),
    path("<int:pk>/messages/", views.message_post, name="message_post"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path("parrainage/", views.sponsor_queue, name="sponsor_queue"),
    path("instruction/", views.staff_queue, name="staff_queue"),
    path("correspondant/", views.interlocutor_queue, name="interlocutor_queue"),
]
