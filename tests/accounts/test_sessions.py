"""Sessions: a new key at login, closed after 2 hours idle and 12 hours after the login
(`accounts.middleware.SessionLifetimeMiddleware`), and "log out of all my sessions"."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")
SESSIONS_URL = reverse("accounts:sessions")
LOGOUT_EVERYWHERE_URL = reverse("accounts:logout_everywhere")
# A page for any logged-in user; anonymous users are sent to the login page.
PAGE = reverse("notifications:list")
PAGE_LOGIN_REDIRECT = f"{LOGIN_URL}?next={PAGE}"
# A Wednesday, 9:00 in Paris.
START = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
EXPIRED_MESSAGE = "Votre session a expiré : reconnectez-vous."


def log_in(client, user):
    response = client.post(LOGIN_URL, {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def is_logged_in(client) -> bool:
    response = client.get(PAGE)
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.url == PAGE_LOGIN_REDIRECT
    return False


def stay_active(client, traveller, duration: timedelta) -> None:
    """Let `duration` pass with a request at least every hour, each one still logged in."""
    while duration > timedelta(0):
        step = min(duration, timedelta(hours=1))
        traveller.shift(step)
        duration -= step
        assert is_logged_in(client)


# --- Login -----------------------------------------------------------------------------------


def test_login_gives_the_session_a_new_key(client, sme_user):
    # A key planted before the login (session fixation) is worth nothing afterwards.
    planted_key = client.session.session_key

    log_in(client, sme_user)

    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != planted_key
    assert SessionStore().exists(planted_key) is False
    assert SessionStore(new_key)["_auth_user_id"] == str(sme_user.pk)


def test_login_records_when_the_session_started(client, sme_user):
    with time_machine.travel(START, tick=False):
        log_in(client, sme_user)

        response = client.get(SESSIONS_URL)

    assert response.status_code == 200
    assert response.context["started_at"] == START
    assert response.context["ends_at"] == START + timedelta(hours=12)
    html = response.content.decode()
    assert "Ouverte le 2 décembre 2026 à 09:00." in html
    assert (
        "Elle se fermera d'elle-même après 120 minutes sans activité, et au plus tard "
        "le 2 décembre 2026 à 21:00." in html
    )


# --- Idle timeout: Django's session age, pushed back by the requests, at most once a minute ---


def test_idle_timeout_is_two_hours_renewed_at_most_once_a_minute():
    assert settings.SESSION_IDLE_SECONDS == 2 * 3600
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_SECONDS
    assert settings.SESSION_REFRESH_SECONDS == 60
    # Not Django's write on every request: the middleware marks the session modified.
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def session_writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if "django_session" in query["sql"] and not query["sql"].startswith("SELECT")
    ]


def session_reads(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if "django_session" in query["sql"] and query["sql"].startswith("SELECT")
    ]


def stored_expiry(client) -> datetime:
    return Session.objects.get(
        session_key=client.cookies[settings.SESSION_COOKIE_NAME].value
    ).expire_date


def test_a_request_within_the_minute_neither_writes_nor_reads_the_session_row(client, sme_user):
    with time_machine.travel(START, tick=False) as traveller:
        log_in(client, sme_user)
        traveller.shift(timedelta(seconds=59))

        with CaptureQueriesContext(connection) as queries:
            response = client.get(PAGE)

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    # Read from the cache, left as it is in the database.
    assert session_reads(queries) == []
    assert session_writes(queries) == []
    assert stored_expiry(client) == START + timedelta(hours=2)


def test_a_request_a_minute_after_the_last_push_pushes_the_expiry_back(client, sme_user):
    with time_machine.travel(START, tick=False) as traveller:
        log_in(client, sme_user)
        traveller.shift(timedelta(minutes=1))

        with CaptureQueriesContext(connection) as queries:
            response = client.get(PAGE)

        assert response.status_code == 200
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 7200
        assert len(session_writes(queries)) == 1
        # Two hours from this request on, in the database as in the cookie.
        assert stored_expiry(client) == START + timedelta(hours=2, minutes=1)
        traveller.shift(timedelta(hours=1, minutes=59, seconds=59))
        assert is_logged_in(client)


def test_a_session_closes_two_hours_after_its_last_push_at_the_latest(client, sme_user):
    # Used 30 seconds after the login (no push), then left: closed two hours after the login,
    # that is 1 h 59 min 30 s after its last request.
    with time_machine.travel(START, tick=False) as traveller:
        log_in(client, sme_user)
        traveller.shift(timedelta(seconds=30))
        assert is_logged_in(client)
        traveller.shift(timedelta(hours=1, minutes=59, seconds=31))

        assert not is_logged_in(client)


def test_an_unknown_session_cookie_is_not_brought_back_to_life(client):
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32

    response = client.get(reverse("home"))

    assert response.status_code == 200
    # Django's own answer to a cookie without a session: it is deleted.
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == ""
    assert SessionStore().exists("x" * 32) is False


def test_a_session_idle_for_two_hours_and_a_minute_is_logged_out(client, sme_user):
    with time_machine.travel(START, tick=False) as traveller:
        log_in(client, sme_user)
        traveller.shift(timedelta(hours=2, minutes=1))

        response = client.get(PAGE)

    assert response.status_code == 302
    assert response.url == PAGE_LOGIN_REDIRECT
    assert "_auth_user_id" not in client.session


def test_a_session_idle_for_less_than_two_hours_stays_logged_in(client, sme_user):
    with time_machine.travel(START, tick=False) as traveller:
        log_in(client, sme_user)
        traveller.shift(timedelta(hours=1, minutes=59))

        response = client.get(PAGE)

        # The request pushed the expiry two hours further, in the database as in the cookie.
        assert response.status_code == 200
        assert client.session.get_expiry_date() == START + timedelta(hours=3, minutes=59)
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 7200


# --- Absolute lifetime: 12 hours after the login, however active -----------------------------


def test_an_active_session_is_logged_out_twelve_hours_after_the_login(client, sme_user):
    with time_machine.travel(START, tick=False) as traveller:
        log_in(client, sme_user)
        stay_active(client, traveller, timedelta(hours=11, minutes=59))
        traveller.shift(timedelta(minutes=1))

        response = client.get(PAGE)

    assert response.status_code == 302
    assert response.url == PAGE_LOGIN_REDIRECT
    assert "_auth_user_id" not in client.session
    login_page = client.get(response.url)
    assert messages_of(login_page) == [EXPIRED_MESSAGE]


def test_an_expired_session_posting_a_form_goes_to_the_login_page(client, sme_user):
    with time_machine.travel(START, tick=False) as traveller:
        log_in(client, sme_user)
        stay_active(client, traveller, timedelta(hours=11, minutes=59))
        traveller.shift(timedelta(minutes=1))

        response = client.post(reverse("notifications:mark_all_read"))

    assert response.status_code == 302
    assert response.url == LOGIN_URL
    assert messages_of(client.get(LOGIN_URL)) == [EXPIRED_MESSAGE]


def test_logging_in_again_starts_a_new_twelve_hours(client, sme_user):
    with time_machine.travel(START, tick=False) as traveller:
        log_in(client, sme_user)
        stay_active(client, traveller, timedelta(hours=11, minutes=59))
        traveller.shift(timedelta(minutes=1))
        assert not is_logged_in(client)

        log_in(client, sme_user)

        stay_active(client, traveller, timedelta(hours=11, minutes=59))


def test_a_session_without_login_time_starts_its_clock_on_first_sight(client, sme_user):
    # A session opened before the lifetime existed.
    with time_machine.travel(START, tick=False) as traveller:
        log_in(client, sme_user)
        session = client.session
        del session["accounts_login_at"]
        session.save()
        traveller.shift(timedelta(hours=1))
        assert is_logged_in(client)
        stay_active(client, traveller, timedelta(hours=11, minutes=59))
        traveller.shift(timedelta(minutes=1))

        assert not is_logged_in(client)


def test_both_durations_come_from_the_settings(client, sme_user, settings):
    settings.SESSION_COOKIE_AGE = 10 * 60
    settings.SESSION_MAX_SECONDS = 30 * 60
    with time_machine.travel(START, tick=False) as traveller:
        log_in(client, sme_user)
        traveller.shift(timedelta(minutes=11))
        assert not is_logged_in(client)

        log_in(client, sme_user)
        traveller.shift(timedelta(minutes=9))
        assert is_logged_in(client)
        traveller.shift(timedelta(minutes=9))
        assert is_logged_in(client)
        traveller.shift(timedelta(minutes=9))
        assert is_logged_in(client)  # 27 minutes after the login
        traveller.shift(timedelta(minutes=3))

        response = client.get(PAGE)

    assert response.url == PAGE_LOGIN_REDIRECT
    assert messages_of(client.get(response.url)) == [EXPIRED_MESSAGE]


# --- Log out of all my sessions ---------------------------------------------------------------


def test_sessions_page_offers_to_log_out_everywhere(client, sme_user):
    client.force_login(sme_user)

    response = client.get(SESSIONS_URL)

    assert response.status_code == 200
    assert response.templates[0].name == "accounts/sessions.html"
    html = response.content.decode()
    assert f'<form method="post" action="{LOGOUT_EVERYWHERE_URL}">' in html
    assert "Se déconnecter de toutes mes sessions</button>" in html


def test_sessions_page_needs_a_login(client):
    response = client.get(SESSIONS_URL)

    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next={SESSIONS_URL}"


def test_logout_everywhere_ends_every_session_of_the_user_and_no_one_elses(
    sme_user, other_sme_user
):
    here, phone, colleague = Client(), Client(), Client()
    here.force_login(sme_user)
    phone.force_login(sme_user)
    colleague.force_login(other_sme_user)

    response = here.post(LOGOUT_EVERYWHERE_URL)

    assert response.status_code == 302
    assert response.url == LOGIN_URL
    assert messages_of(here.get(LOGIN_URL)) == [
        "Vous êtes déconnecté(e) de toutes vos sessions, sur tous vos appareils. "
        "Reconnectez-vous pour continuer."
    ]
    assert not is_logged_in(here)
    assert not is_logged_in(phone)
    assert is_logged_in(colleague)
    sme_user.refresh_from_db()
    assert len(sme_user.session_salt) == 64


def test_after_logging_out_everywhere_a_new_login_works(client, sme_user):
    client.force_login(sme_user)
    client.post(LOGOUT_EVERYWHERE_URL)

    log_in(client, sme_user)

    assert is_logged_in(client)


def test_logout_everywhere_needs_a_post(client, sme_user):
    client.force_login(sme_user)

    response = client.get(LOGOUT_EVERYWHERE_URL)

    assert response.status_code == 405
    assert is_logged_in(client)
    sme_user.refresh_from_db()
    assert sme_user.session_salt == ""


def test_logout_everywhere_needs_a_login(client, sme_user):
    phone = Client()
    phone.force_login(sme_user)

    response = client.post(LOGOUT_EVERYWHERE_URL)

    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next={LOGOUT_EVERYWHERE_URL}"
    assert is_logged_in(phone)


def test_without_a_session_salt_the_hash_is_djangos_own(sme_user):
    # Sessions opened before the salt existed stay valid after the upgrade.
    assert sme_user.session_salt == ""
    assert sme_user.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(sme_user)

    sme_user.end_all_sessions()

    assert sme_user.get_session_auth_hash() != AbstractBaseUser.get_session_auth_hash(sme_user)


def test_a_password_reset_still_ends_the_other_sessions(client, sme_user):
    phone = Client()
    phone.force_login(sme_user)
    uid = urlsafe_base64_encode(force_bytes(sme_user.pk))
    token = default_token_generator.make_token(sme_user)
    form_page = client.get(
        reverse("accounts:password_reset_confirm", args=[uid, token]), follow=True
    )
    new_password = "Nouveau-Hanoi-2026"

    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )

    assert done.url == reverse("accounts:password_reset_complete")
    assert not is_logged_in(phone)
