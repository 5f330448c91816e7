"""URLs of accounts, under /comptes/."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import two_factor, views

app_name = "accounts"

urlpatterns = [
    path("inscription/", views.signup, name="signup"),
    path("inscription/envoyee/", views.signup_done, name="signup_done"),
    path("verification/nouveau-lien/", views.resend_verification, name="resend_verification"),
    path("verification/<uidb64>/<token>/", views.verify_email, name="verify_email"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("double-authentification/", two_factor.status, name="two_factor"),
    path("double-authentification/configuration/", two_factor.setup, name="two_factor_setup"),
    path("double-authentification/verification/", two_factor.verify, name="two_factor_verify"),
    path(
        "double-authentification/codes-de-secours/",
        two_factor.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path(
        "double-authentification/codes-de-secours/nouveaux/",
        two_factor.regenerate_recovery_codes,
        name="two_factor_regenerate_codes",
    ),
    path("double-authentification/desactivation/", two_factor.disable, name="two_factor_disable"),
    path("mon-compte/", views.account, name="account"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/deconnexion-partout/", views.logout_everywhere, name="logout_everywhere"),
    path("verrouillages/", views.lockout_list, name="lockout_list"),
    path("verrouillages/debloquer/", views.lockout_unlock, name="lockout_unlock"),
    path("invitations/nouvelle/", views.invitation_create, name="invitation_create"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
