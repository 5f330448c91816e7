"""Invitations: who may invite, the form's rules, the mail, and accepting on the link."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, StaffMembership, User
from corporations.models import Interlocutor
from sponsors.models import Advisor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("accounts:invitation_create")
PASSWORD = "Portage-Hanoi-2026"


def invitation_data(**overrides):
    return {
        "role": "staff",
        "sponsor_body": "",
        "corporation": "",
        "first_name": "Nina",
        "last_name": "Roux",
        "email": "Nina.Roux@pacte-pme.example",
        **overrides,
    }


# --- Who may invite ------------------------------------------------------------------------


def test_invitation_page_redirects_anonymous_to_login(client):
    response = client.get(CREATE_URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={CREATE_URL}"


@pytest.mark.parametrize("persona", ["sme_user", "advisor", "interlocutor"])
def test_invitation_page_is_forbidden_to_other_roles(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    get = client.get(CREATE_URL)
    post = client.post(CREATE_URL, invitation_data())

    assert get.status_code == 403
    assert post.status_code == 403
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("persona", ["staff_user", "admin_user"])
def test_invitation_page_is_open_to_staff_and_superusers(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(CREATE_URL)

    assert response.status_code == 200
    assert response.templates[0].name == "accounts/invitation_create.html"


# --- The form ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "field", "message"),
    [
        ("advisor", "sponsor_body", "Choisissez l'organisme parrain du conseiller."),
        ("interlocutor", "corporation", "Choisissez le grand groupe du correspondant."),
    ],
)
def test_invitation_requires_the_organisation_of_the_role(
    client, staff_user, mailoutbox, role, field, message
):
    client.force_login(staff_user)

    response = client.post(CREATE_URL, invitation_data(role=role))

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert Invitation.objects.count() == 0
    assert mailoutbox == []


def test_invitation_of_an_existing_user_is_refused(client, staff_user, sme_user):
    client.force_login(staff_user)

    response = client.post(CREATE_URL, invitation_data(email="CLAIRE.MARTIN@asconit.example"))

    assert response.context["form"].errors == {
        "email": ["Cette personne a déjà un compte sur le portail."]
    }
    assert Invitation.objects.count() == 0


def test_invitation_cannot_be_for_an_sme(client, staff_user):
    client.force_login(staff_user)

    response = client.post(CREATE_URL, invitation_data(role="company"))

    assert list(response.context["form"].errors) == ["role"]


def test_invitation_ignores_an_organisation_of_another_role(client, staff_user, sponsor_body):
    client.force_login(staff_user)

    client.post(CREATE_URL, invitation_data(role="staff", sponsor_body=sponsor_body.pk))

    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.sponsor_body) == ("staff", None)


def test_invitation_mail_and_pending_list(client, staff_user, sponsor_body, mailoutbox, link_in):
    client.force_login(staff_user)

    response = client.post(
        CREATE_URL, invitation_data(role="advisor", sponsor_body=sponsor_body.pk), follow=True
    )

    invitation = Invitation.objects.get()
    assert invitation.email == "nina.roux@pacte-pme.example"
    assert invitation.invited_by == staff_user
    assert invitation.sponsor_body == sponsor_body
    assert [str(m) for m in response.context["messages"]] == [
        "Invitation envoyée à nina.roux@pacte-pme.example (Conseiller d'un organisme parrain)."
    ]
    assert list(response.context["pending"]) == [invitation]
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["nina.roux@pacte-pme.example"]
    assert mail.subject == "[Pacte PME] Invitation à rejoindre le portail"
    assert mail.body.startswith("Bonjour Nina,\n")
    assert (
        "Julie Petit vous invite à rejoindre le portail Pacte PME international en tant que : "
        "Conseiller d'un organisme parrain.\n"
        "Organisme parrain : CCI Lyon Métropole Saint-Étienne Roanne\n"
    ) in mail.body
    assert link_in(mail) == f"/comptes/invitations/{invitation.token}/"


def test_invitation_pending_list_skips_accepted_and_expired(client, staff_user, make_invitation):
    pending = make_invitation(email="a@example.com")
    make_invitation(email="b@example.com", accepted_at=timezone.now())
    make_invitation(email="c@example.com", created_at=timezone.now() - timedelta(days=15))
    client.force_login(staff_user)

    response = client.get(CREATE_URL)

    assert list(response.context["pending"]) == [pending]


def test_invitation_pending_list_query_count_does_not_grow(
    client, staff_user, make_invitation, sponsor_body, alstom
):
    client.force_login(staff_user)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CREATE_URL).status_code == 200
        return len(queries)

    make_invitation(email="a@example.com", role="advisor", sponsor_body=sponsor_body)
    one = count_queries()
    make_invitation(email="b@example.com", role="interlocutor", corporation=alstom)
    make_invitation(email="c@example.com", role="advisor", sponsor_body=sponsor_body)
    make_invitation(email="d@example.com", invited_by=UserFactory())
    many = count_queries()

    assert many == one


# --- Accepting -----------------------------------------------------------------------------


def _invite_and_accept(client, staff_user, link_in, mailoutbox, **data):
    client.force_login(staff_user)
    client.post(CREATE_URL, invitation_data(**data))
    client.logout()
    link = link_in(mailoutbox[-1])
    page = client.get(link)
    assert page.status_code == 200
    return page, client.post(link, {"password1": PASSWORD, "password2": PASSWORD})


def test_accepting_an_advisor_invitation_makes_an_advisor_of_the_body(
    client, staff_user, sponsor_body, mailoutbox, link_in
):
    page, response = _invite_and_accept(
        client, staff_user, link_in, mailoutbox, role="advisor", sponsor_body=sponsor_body.pk
    )

    user = User.objects.get(email="nina.roux@pacte-pme.example")
    assert Advisor.objects.get(user=user).sponsor_body == sponsor_body
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert "Julie Petit vous invite" in page.content.decode()
    assert "<strong>Conseiller d&#x27;un organisme parrain</strong>" in page.content.decode()


def test_accepting_a_staff_invitation_makes_a_staff_member(client, staff_user, mailoutbox, link_in):
    _invite_and_accept(client, staff_user, link_in, mailoutbox, role="staff")

    user = User.objects.get(email="nina.roux@pacte-pme.example")
    assert StaffMembership.objects.filter(user=user, is_lead=False).count() == 1
    assert user.has_perm("accounts.invite_users") is True


def test_accepting_an_interlocutor_invitation_makes_an_interlocutor_of_the_corporation(
    client, staff_user, alstom, mailoutbox, link_in
):
    _invite_and_accept(
        client, staff_user, link_in, mailoutbox, role="interlocutor", corporation=alstom.pk
    )

    interlocutor = Interlocutor.objects.get(user__email="nina.roux@pacte-pme.example")
    assert interlocutor.corporation == alstom
    assert interlocutor.capacity == 3
    assert interlocutor.is_active is True


def test_accepting_logs_in_the_new_active_user(client, staff_user, mailoutbox, link_in):
    _, response = _invite_and_accept(client, staff_user, link_in, mailoutbox)

    user = User.objects.get(email="nina.roux@pacte-pme.example")
    assert (user.first_name, user.last_name, user.is_active) == ("Nina", "Roux", True)
    assert user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    invitation = Invitation.objects.get()
    assert invitation.user == user
    assert invitation.accepted_at is not None
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Bienvenue sur le portail Pacte PME international, Nina !"
    ]


def test_accepting_refuses_a_weak_or_mismatched_password(client, make_invitation):
    invitation = make_invitation()
    url = invitation.get_absolute_url()

    weak = client.post(
        url, {"password1": "nouvelle.personne.pacte", "password2": "nouvelle.personne.pacte"}
    )
    mismatch = client.post(url, {"password1": PASSWORD, "password2": PASSWORD + "x"})

    assert [e.code for e in weak.context["form"].errors.as_data()["password2"]] == [
        "password_too_similar"
    ]
    assert mismatch.context["form"].errors == {
        "password2": ["Les deux mots de passe ne correspondent pas."]
    }
    assert User.objects.filter(email=invitation.email).count() == 0


def test_accepting_refuses_when_the_address_has_an_account_now(client, make_invitation):
    invitation = make_invitation()
    UserFactory(email="Nouvelle.Personne@pacte-test.example")

    response = client.post(
        invitation.get_absolute_url(), {"password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Un compte existe déjà avec l'adresse nouvelle.personne@pacte-test.example. "
        "Connectez-vous avec ce compte ou contactez l'équipe Pacte PME."
    ]
    assert StaffMembership.objects.filter(user__email__iexact=invitation.email).count() == 0
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert "_auth_user_id" not in client.session


def test_accepting_an_expired_invitation_is_refused(client, make_invitation):
    invitation = make_invitation()

    with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)):
        get = client.get(invitation.get_absolute_url())
        post = client.post(
            invitation.get_absolute_url(), {"password1": PASSWORD, "password2": PASSWORD}
        )

    assert get.status_code == 410
    assert post.status_code == 410
    assert "Ce lien d'invitation a expiré" in get.content.decode()
    assert User.objects.filter(email=invitation.email).count() == 0


def test_accepting_an_invitation_on_its_last_day_works(client, make_invitation):
    invitation = make_invitation()

    with time_machine.travel(timezone.now() + timedelta(days=13, hours=23)):
        response = client.post(
            invitation.get_absolute_url(), {"password1": PASSWORD, "password2": PASSWORD}
        )

    assert response.status_code == 302


def test_accepting_a_used_invitation_is_refused(client, make_invitation):
    invitation = make_invitation()
    url = invitation.get_absolute_url()
    client.post(url, {"password1": PASSWORD, "password2": PASSWORD})
    client.logout()

    response = client.post(url, {"password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 410
    assert "Cette invitation a déjà été acceptée" in response.content.decode()
    assert User.objects.filter(email=invitation.email).count() == 1


def test_accepting_an_unknown_token_is_not_found(client):
    response = client.get(reverse("accounts:invitation_accept", args=["inconnu"]))

    assert response.status_code == 404
    assert "Ce lien d'invitation n'est pas valide" in response.content.decode()


def test_accept_invitation_service_refuses_twice(make_invitation):
    invitation = make_invitation()
    services.accept_invitation(invitation, PASSWORD)

    with pytest.raises(services.InvitationError) as error:
        services.accept_invitation(invitation, PASSWORD)

    assert error.value.message == "Cette invitation a déjà été acceptée."
    assert User.objects.filter(email=invitation.email).count() == 1
