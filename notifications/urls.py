"""URLs of notifications (French paths: the portal is French first)."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/ouvrir/", views.notification_open, name="open"),
    path("tout-lire/", views.mark_all_read, name="mark_all_read"),
    path("groupe-lu/", views.mark_group_read, name="mark_group_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
