"""URLs of privacy, under /mes-donnees/."""

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("telecharger/", views.export, name="export"),
    path("supprimer-mon-compte/", views.delete_account, name="delete_account"),
    path("conservation/", views.retention, name="retention"),
]
