"""The client's address (accounts.addresses): behind the TLS load balancer, the entry of
X-Forwarded-For the trusted proxy appended; straight to the portal, REMOTE_ADDR. django-axes
(lockouts, login records) and the rate limits all count by it, and a spoofed header gains
nothing in either mode."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.test import RequestFactory
from django.urls import reverse

from accounts.addresses import client_address, normalise
from tests.accounts.test_rate_limits import signup_data
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

BALANCER = "10.0.0.2"
LOGIN_URL = reverse("accounts:login")
SIGNUP_URL = reverse("accounts:signup")
RESET_URL = reverse("accounts:password_reset")


@pytest.fixture
def behind_proxy(settings):
    """The production set-up: DJANGO_BEHIND_TLS_PROXY=1, one load balancer in front."""
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1
    return settings


def request_with(remote: str = BALANCER, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def through_proxy(forwarded: str) -> dict:
    """What the portal receives from the balancer for a client: the balancer's address, and
    X-Forwarded-For with the client's address appended."""
    return {"REMOTE_ADDR": BALANCER, "HTTP_X_FORWARDED_FOR": forwarded}


# --- The function ------------------------------------------------------------------------------


def test_the_settings_default_to_no_proxy_and_one_trusted_proxy():
    from pacte import settings as project_settings

    assert project_settings.BEHIND_TLS_PROXY is False
    assert project_settings.TRUSTED_PROXY_COUNT == 1
    assert project_settings.AXES_CLIENT_IP_CALLABLE == "accounts.addresses.client_address"


def test_client_address_behind_one_proxy_is_the_entry_it_appended(behind_proxy):
    assert client_address(request_with(forwarded="8.8.4.4")) == "8.8.4.4"


def test_client_address_behind_one_proxy_ignores_the_entries_the_client_sent(behind_proxy):
    # The client sent "X-Forwarded-For: 1.1.1.1, 9.9.9.9"; the balancer appended 8.8.4.4.
    request = request_with(forwarded="1.1.1.1, 9.9.9.9, 8.8.4.4")

    assert client_address(request) == "8.8.4.4"


def test_client_address_behind_two_proxies_is_the_second_entry_from_the_right(behind_proxy):
    behind_proxy.TRUSTED_PROXY_COUNT = 2
    # Spoofed by the client, then the client as the CDN saw it, then the CDN as the balancer
    # saw it.
    request = request_with(forwarded="1.1.1.1, 8.8.4.4, 198.51.100.20")

    assert client_address(request) == "8.8.4.4"


def test_client_address_behind_two_proxies_with_one_entry_is_remote_addr(behind_proxy):
    behind_proxy.TRUSTED_PROXY_COUNT = 2

    assert client_address(request_with(forwarded="8.8.4.4")) == BALANCER


def test_client_address_behind_a_proxy_without_the_header_is_remote_addr(behind_proxy):
    assert client_address(request_with()) == BALANCER
    assert client_address(request_with(forwarded="")) == BALANCER


@pytest.mark.parametrize("entry", ["unknown", "pas une IP", "", "999.1.1.1", "8.8.4.4.4"])
def test_client_address_behind_a_proxy_with_an_invalid_entry_is_remote_addr(behind_proxy, entry):
    assert client_address(request_with(forwarded=f"8.8.4.4, {entry}")) == BALANCER


def test_client_address_without_proxy_ignores_the_header(settings):
    settings.BEHIND_TLS_PROXY = False

    request = request_with(remote="203.0.113.7", forwarded="8.8.4.4, 1.1.1.1")

    assert client_address(request) == "203.0.113.7"


def test_client_address_of_a_unix_socket_is_empty(settings):
    settings.BEHIND_TLS_PROXY = False

    assert client_address(request_with(remote="")) == ""


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ("8.8.4.4", "8.8.4.4"),
        (" 8.8.4.4 ", "8.8.4.4"),
        ("8.8.4.4:52100", "8.8.4.4"),
        ("::ffff:8.8.4.4", "8.8.4.4"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("unknown", None),
        ("", None),
        ("8.8.4.4:", None),
    ],
)
def test_normalise(value, address):
    assert normalise(value) == address


# --- Behind the proxy, through the pages ---------------------------------------------------


def login(client, email, password, **meta):
    return client.post(LOGIN_URL, {"username": email, "password": password}, **meta)


def test_another_clients_failures_do_not_lock_out_the_owner(client, behind_proxy, sme_user):
    statuses = [
        login(
            client, sme_user.email, "mauvais-mot-de-passe", **through_proxy("8.8.4.4")
        ).status_code
        for _ in range(5)
    ]

    response = login(client, sme_user.email, TEST_PASSWORD, **through_proxy("1.1.1.1"))

    assert statuses == [200, 200, 200, 200, 429]
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(sme_user.pk)


def test_the_login_records_hold_the_clients_address(client, behind_proxy, sme_user):
    login(client, sme_user.email, "mauvais-mot-de-passe", **through_proxy("1.1.1.1, 8.8.4.4"))
    login(client, sme_user.email, TEST_PASSWORD, **through_proxy("[2001:db8::7]:443"))

    assert list(AccessLog.objects.values_list("username", "ip_address")) == [
        ("claire.martin@asconit.example", "2001:db8::7")
    ]


def test_the_failed_attempts_hold_the_clients_address(client, behind_proxy, sme_user):
    login(client, sme_user.email, "mauvais-mot-de-passe", **through_proxy("1.1.1.1, 8.8.4.4"))

    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [
        ("claire.martin@asconit.example", "8.8.4.4")
    ]


def test_a_client_rotating_a_spoofed_entry_is_still_locked_out(client, behind_proxy, sme_user):
    statuses = [
        login(
            client,
            sme_user.email,
            "mauvais-mot-de-passe",
            **through_proxy(f"192.0.2.{n}, 8.8.4.4"),
        ).status_code
        for n in range(6)
    ]

    assert statuses == [200, 200, 200, 200, 429, 429]


def test_a_spoofed_header_straight_to_the_portal_is_ignored(client, settings, sme_user):
    settings.BEHIND_TLS_PROXY = False
    statuses = [
        login(
            client,
            sme_user.email,
            "mauvais-mot-de-passe",
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        ).status_code
        for n in range(6)
    ]

    assert statuses == [200, 200, 200, 200, 429, 429]
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]


def test_signup_behind_the_proxy_is_limited_per_client(client, behind_proxy):
    statuses = [
        client.post(SIGNUP_URL, signup_data(n), **through_proxy(f"198.51.100.{n}")).status_code
        for n in range(7)
    ]

    assert statuses == [302] * 7


def test_signup_behind_the_proxy_limits_one_client_after_five(client, behind_proxy):
    statuses = [
        client.post(
            SIGNUP_URL, signup_data(n), **through_proxy(f"192.0.2.{n}, 8.8.4.4")
        ).status_code
        for n in range(7)
    ]

    assert statuses == [302, 302, 302, 302, 302, 429, 429]


def test_password_reset_behind_the_proxy_is_limited_per_client(client, behind_proxy, sme_user):
    statuses = [
        client.post(
            RESET_URL, {"email": sme_user.email}, **through_proxy(f"198.51.100.{n}")
        ).status_code
        for n in range(7)
    ]

    assert statuses == [302] * 7


def test_password_reset_behind_the_proxy_limits_one_client_after_five(
    client, behind_proxy, sme_user
):
    statuses = [
        client.post(
            RESET_URL, {"email": sme_user.email}, **through_proxy(f"192.0.2.{n}, 8.8.4.4")
        ).status_code
        for n in range(7)
    ]

    assert statuses == [302, 302, 302, 302, 302, 429, 429]


def test_password_reset_straight_to_the_portal_ignores_a_spoofed_header(client, settings, sme_user):
    settings.BEHIND_TLS_PROXY = False
    statuses = [
        client.post(
            RESET_URL,
            {"email": sme_user.email},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        ).status_code
        for n in range(7)
    ]

    assert statuses == [302, 302, 302, 302, 302, 429, 429]
