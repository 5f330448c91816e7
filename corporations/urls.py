"""URLs of corporations, under /groupes/ (French paths: the portal is French first)."""

from django.urls import path

from . import views

app_name = "corporations"

urlpatterns = [
    path("", views.corporation_list, name="list"),
    # Before the slugs: "profil" is this page, not a corporation.
    path("profil/", views.profile, name="profile"),
    path("<slug:slug>/", views.corporation_edit, name="corporation_edit"),
]
