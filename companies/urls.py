"""URLs of the companies app, under `demandes/entreprise/` (French paths: the portal is French
first)."""

from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("nouvelle/", views.company_create, name="create"),
    path("", views.company_edit, name="edit"),
    path("inviter/", views.company_invite, name="invite"),
]
