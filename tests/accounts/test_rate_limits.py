"""Rate limits (accounts.ratelimits): sign-up, password reset and new verification links per
address; invitations and uploads per user. Over the rate: a 429 with the same page, what was
typed kept and a message, nothing stored and no mail sent. The rates are set to 2 an hour
here; the cache they count in is emptied before each test (tests/conftest.py)."""

import re
from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import ratelimits
from accounts.models import Invitation, User
from applications.enums import Action, DocumentKind, State
from applications.models import Document, InformationRequest, Message
from tests.factories import CompanyMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# Django writes its durations with a non-breaking space.
LIMITED = "Trop de tentatives : réessayez dans 1\xa0heure."
OTHER_ADDRESS = "203.0.113.7"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PASSWORD = "Hanoi-2007-bureaux"


@pytest.fixture(autouse=True)
def tiny_rates(settings):
    settings.RATE_LIMITS = {group: "2/h" for group in settings.RATE_LIMITS}


def pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def stored_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def textarea(page: str, name: str) -> str:
    [content] = re.findall(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', page, re.S)
    return content


def non_field_errors(response, name: str = "form") -> list[str]:
    return list(response.context[name].non_field_errors())


# --- The rates ---------------------------------------------------------------------------------


def test_the_default_rates(settings):
    from pacte import settings as project_settings

    assert project_settings.RATE_LIMITS == {
        "signup": "5/h",
        "password_reset": "5/h",
        "resend_verification": "5/h",
        "invitation": "30/h",
        "upload": "60/h",
        "pdf": "60/h",
        "export": "20/h",
    }


@pytest.mark.parametrize(
    ("rate", "period"),
    [
        ("5/h", timedelta(hours=1)),
        ("100/15m", timedelta(minutes=15)),
        ("3/d", timedelta(days=1)),
        ("10/30s", timedelta(seconds=30)),
        ("10/", timedelta(seconds=1)),
    ],
)
def test_period_of_a_rate(rate, period):
    assert ratelimits.period_of(rate) == period


def test_a_malformed_rate_is_an_error():
    with pytest.raises(ValueError, match="Not a rate: '5 per hour'"):
        ratelimits.period_of("5 per hour")


def test_the_message_gives_the_rates_period(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "3/15m"}

    assert ratelimits.message("signup") == "Trop de tentatives : réessayez dans 15\xa0minutes."


def test_the_cache_checks_are_clean():
    """django-ratelimit's checks, as `manage.py check` reports them (development settings)."""
    reported = [check for check in run_checks(tags=["caches"]) if not check.is_silenced()]

    assert reported == []


# --- Sign-up, per address ------------------------------------------------------------------


SIGNUP_URL = reverse("accounts:signup")


def signup_data(number: int) -> dict:
    return {
        "first_name": "Claire",
        "last_name": f"Martin{number}",
        "email": f"claire.martin{number}@asconit.example",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }


def test_signup_over_the_rate_is_refused_with_what_was_typed_kept(client, mailoutbox):
    first = client.post(SIGNUP_URL, signup_data(1))
    second = client.post(SIGNUP_URL, signup_data(2))

    third = client.post(SIGNUP_URL, signup_data(3))

    assert (first.status_code, second.status_code, third.status_code) == (302, 302, 429)
    assert non_field_errors(third) == [LIMITED]
    content = third.content.decode()
    assert LIMITED in content
    assert 'value="Martin3"' in content
    assert 'value="claire.martin3@asconit.example"' in content
    assert sorted(User.objects.values_list("email", flat=True)) == [
        "claire.martin1@asconit.example",
        "claire.martin2@asconit.example",
    ]
    assert [mail.to for mail in mailoutbox] == [
        ["claire.martin1@asconit.example"],
        ["claire.martin2@asconit.example"],
    ]


def test_signup_from_another_address_is_not_limited(client):
    client.post(SIGNUP_URL, signup_data(1))
    client.post(SIGNUP_URL, signup_data(2))

    response = client.post(SIGNUP_URL, signup_data(3), REMOTE_ADDR=OTHER_ADDRESS)

    assert response.status_code == 302
    assert User.objects.count() == 3


def test_signup_with_mistakes_uses_up_the_rate(client, mailoutbox):
    """Every attempt counts, a typo'd form too: probing costs the same whatever the form."""
    for _ in range(2):
        refused = client.post(SIGNUP_URL, {**signup_data(1), "password2": "autre-chose-2026"})
        assert refused.status_code == 200

    response = client.post(SIGNUP_URL, signup_data(1))

    assert response.status_code == 429
    assert non_field_errors(response) == [LIMITED]
    assert 'value="claire.martin1@asconit.example"' in response.content.decode()
    assert User.objects.count() == 0
    assert mailoutbox == []


def test_signup_with_a_taken_address_counts_like_a_new_one(client, mailoutbox):
    UserFactory(email="claire.martin1@asconit.example")
    client.post(SIGNUP_URL, signup_data(1))
    client.post(SIGNUP_URL, signup_data(1))

    over = client.post(SIGNUP_URL, signup_data(1))

    assert over.status_code == 429
    assert non_field_errors(over) == [LIMITED]
    assert len(mailoutbox) == 2


def test_an_invalid_signup_over_the_rate_shows_its_own_errors_and_the_limit(client):
    client.post(SIGNUP_URL, signup_data(1))
    client.post(SIGNUP_URL, signup_data(2))

    response = client.post(SIGNUP_URL, {**signup_data(3), "first_name": ""})

    assert response.status_code == 429
    assert response.context["form"].errors == {
        "__all__": [LIMITED],
        "first_name": ["Ce champ est obligatoire."],
    }
    content = response.content.decode()
    assert 'value="Martin3"' in content
    assert PASSWORD not in content
    assert User.objects.count() == 2


# --- Password reset, per address -----------------------------------------------------------


RESET_URL = reverse("accounts:password_reset")


def test_password_reset_over_the_rate_sends_nothing(client, sme_user, mailoutbox):
    first = client.post(RESET_URL, {"email": sme_user.email})
    second = client.post(RESET_URL, {"email": "inconnu@example.com"})

    third = client.post(RESET_URL, {"email": sme_user.email})

    assert (first.status_code, second.status_code, third.status_code) == (302, 302, 429)
    assert [t.name for t in third.templates][0] == "registration/password_reset_form.html"
    assert non_field_errors(third) == [LIMITED]
    assert 'value="claire.martin@asconit.example"' in third.content.decode()
    assert len(mailoutbox) == 1


def test_password_reset_from_another_address_is_not_limited(client, sme_user, mailoutbox):
    client.post(RESET_URL, {"email": sme_user.email})
    client.post(RESET_URL, {"email": sme_user.email})

    response = client.post(RESET_URL, {"email": sme_user.email}, REMOTE_ADDR=OTHER_ADDRESS)

    assert response.status_code == 302
    assert len(mailoutbox) == 3


# --- New verification link, per address ----------------------------------------------------


RESEND_URL = reverse("accounts:resend_verification")


def test_resend_verification_over_the_rate_sends_nothing(client, mailoutbox):
    UserFactory(email="nouveau@pme.example", is_active=False, last_login=None)
    client.post(RESEND_URL, {"email": "nouveau@pme.example"})
    client.post(RESEND_URL, {"email": "nouveau@pme.example"})

    response = client.post(RESEND_URL, {"email": "nouveau@pme.example"})

    assert response.status_code == 429
    assert [t.name for t in response.templates][0] == "accounts/resend_verification.html"
    assert non_field_errors(response) == [LIMITED]
    assert 'value="nouveau@pme.example"' in response.content.decode()
    assert len(mailoutbox) == 2


# --- Invitations, per user -----------------------------------------------------------------


INVITE_URL = reverse("accounts:invitation_create")
COLLEAGUE_URL = reverse("companies:invite")


def staff_invitation(number: int) -> dict:
    return {
        "role": "staff",
        "sponsor_body": "",
        "corporation": "",
        "first_name": "Nina",
        "last_name": f"Roux{number}",
        "email": f"nina.roux{number}@pacte-pme.example",
    }


def colleague(number: int) -> dict:
    return {
        "first_name": "Paul",
        "last_name": f"Girard{number}",
        "email": f"paul.girard{number}@asconit.example",
    }


def test_staff_invitations_over_the_rate_are_refused(client, staff_user, mailoutbox):
    client.force_login(staff_user)
    client.post(INVITE_URL, staff_invitation(1))
    client.post(INVITE_URL, staff_invitation(2))

    response = client.post(INVITE_URL, staff_invitation(3))

    assert response.status_code == 429
    assert non_field_errors(response) == [LIMITED]
    assert 'value="nina.roux3@pacte-pme.example"' in response.content.decode()
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "nina.roux1@pacte-pme.example",
        "nina.roux2@pacte-pme.example",
    ]
    assert len(mailoutbox) == 2


def test_another_staff_member_may_still_invite(client, staff_user, staff_colleague):
    client.force_login(staff_user)
    client.post(INVITE_URL, staff_invitation(1))
    client.post(INVITE_URL, staff_invitation(2))
    client.force_login(staff_colleague)

    response = client.post(INVITE_URL, staff_invitation(3))

    assert response.status_code == 302
    assert Invitation.objects.count() == 3


def test_colleague_invitations_over_the_rate_are_refused(client, sme_user, mailoutbox):
    client.force_login(sme_user)
    client.post(COLLEAGUE_URL, colleague(1))
    client.post(COLLEAGUE_URL, colleague(2))

    response = client.post(COLLEAGUE_URL, colleague(3))

    assert response.status_code == 429
    assert non_field_errors(response, "invite_form") == [LIMITED]
    content = response.content.decode()
    assert LIMITED in content
    assert 'value="paul.girard3@asconit.example"' in content
    assert Invitation.objects.count() == 2
    assert len(mailoutbox) == 2


def test_a_colleague_of_the_same_company_may_still_invite(client, sme_user, company):
    other_member = CompanyMembershipFactory(company=company).user
    client.force_login(sme_user)
    client.post(COLLEAGUE_URL, colleague(1))
    client.post(COLLEAGUE_URL, colleague(2))
    client.force_login(other_member)

    response = client.post(COLLEAGUE_URL, colleague(3))

    assert response.status_code == 302
    assert Invitation.objects.count() == 3


# --- Uploads, per user ---------------------------------------------------------------------


def upload(client, application, name: str):
    return client.post(
        reverse("applications:document_upload", args=[application.pk]),
        {"kind": DocumentKind.BUSINESS_PLAN, "file": pdf(name)},
    )


def post_message(client, application, body: str, files=()):
    data = {"body": body}
    if files:
        data["attachments"] = list(files)
    return client.post(reverse("applications:message_post", args=[application.pk]), data)


def test_document_uploads_over_the_rate_store_nothing(
    client, sme_user, application_in, private_storage, mailoutbox
):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)
    upload(client, application, "plan-1.pdf")
    upload(client, application, "plan-2.pdf")
    mails_before = len(mailoutbox)

    response = upload(client, application, "plan-3.pdf")

    assert response.status_code == 429
    assert non_field_errors(response, "document_form") == [LIMITED]
    assert 'value="business_plan" selected' in response.content.decode()
    assert sorted(Document.objects.values_list("name", flat=True)) == ["plan-1.pdf", "plan-2.pdf"]
    assert len(stored_files(private_storage)) == 2
    assert len(mailoutbox) == mails_before


def test_messages_with_files_over_the_rate_are_refused_with_the_text_kept(
    client, sme_user, application_in, private_storage, mailoutbox
):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)
    post_message(client, application, "Premier envoi", [pdf("a.pdf")])
    post_message(client, application, "Deuxième envoi", [pdf("b.pdf")])
    mails_before = len(mailoutbox)

    response = post_message(client, application, "Troisième envoi", [pdf("c.pdf")])

    assert response.status_code == 429
    assert non_field_errors(response, "message_form") == [LIMITED]
    assert textarea(response.content.decode(), "body") == "Troisième envoi"
    assert sorted(Message.objects.values_list("body", flat=True)) == [
        "Deuxième envoi",
        "Premier envoi",
    ]
    assert len(stored_files(private_storage)) == 2
    assert len(mailoutbox) == mails_before


def test_messages_without_files_are_not_counted(client, sme_user, application_in):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)
    upload(client, application, "plan-1.pdf")
    upload(client, application, "plan-2.pdf")

    statuses = [post_message(client, application, f"Message {n}").status_code for n in range(3)]

    assert statuses == [302, 302, 302]
    assert upload(client, application, "plan-3.pdf").status_code == 429


def test_an_answer_with_files_over_the_rate_is_refused_and_kept(
    client, sme_user, application_in, private_storage, mailoutbox
):
    application = application_in(State.AWAITING_INFORMATION)
    client.force_login(sme_user)
    upload(client, application, "plan-1.pdf")
    upload(client, application, "plan-2.pdf")
    mails_before = len(mailoutbox)
    url = reverse("applications:action", args=[application.pk, Action.ANSWER_INFORMATION])

    response = client.post(
        url, {"answer": "Budget : 150 000 € la première année.", "attachments": [pdf("b.pdf")]}
    )

    assert response.status_code == 429
    page = response.content.decode()
    assert LIMITED in page
    assert textarea(page, "answer") == "Budget : 150 000 € la première année."
    assert InformationRequest.objects.get().answered_at is None
    application.refresh_from_db()
    assert application.state == State.AWAITING_INFORMATION
    assert len(stored_files(private_storage)) == 2
    assert len(mailoutbox) == mails_before


def test_an_answer_without_files_is_not_counted(client, sme_user, application_in):
    application = application_in(State.AWAITING_INFORMATION)
    client.force_login(sme_user)
    upload(client, application, "plan-1.pdf")
    upload(client, application, "plan-2.pdf")
    url = reverse("applications:action", args=[application.pk, Action.ANSWER_INFORMATION])

    response = client.post(url, {"answer": "Budget : 150 000 € la première année."})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW


def test_uploads_are_counted_per_user(client, sme_user, company, application_in):
    application = application_in(State.IN_REVIEW)
    other_member = CompanyMembershipFactory(company=company).user
    client.force_login(sme_user)
    upload(client, application, "plan-1.pdf")
    upload(client, application, "plan-2.pdf")
    client.force_login(other_member)

    response = upload(client, application, "plan-3.pdf")

    assert response.status_code == 302
    assert Document.objects.count() == 3


# --- Files built on demand, per user ---------------------------------------------------------


def test_pdfs_over_the_rate_are_refused_on_the_page(client, advisor, application_in, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "pdf": "2/h"}
    application = application_in(State.PROPOSED)
    url = reverse("applications:pdf", args=[application.pk])
    client.force_login(advisor)
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]

    response = client.get(url, follow=True)

    assert response.redirect_chain == [(application.get_absolute_url(), 302)]
    assert LIMITED in response.content.decode()


def test_background_exports_over_the_rate_queue_nothing(client, staff_user, settings):
    from reports.models import Export

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": "2/h"}
    client.force_login(staff_user)
    for state in ("in_review", "proposed"):
        client.post(reverse("reports:export_staff_queue", args=["csv"]) + f"?state={state}")

    response = client.post(
        reverse("reports:export_staff_queue", args=["xlsx"]) + "?state=accompanied", follow=True
    )

    assert response.redirect_chain == [(reverse("reports:export_list"), 302)]
    assert LIMITED in response.content.decode()
    assert Export.objects.count() == 2
