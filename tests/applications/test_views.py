"""Pages and actions through the Django test client: who may see and do what, forms, queries."""

import pytest
from django.urls import reverse

from applications.enums import Action, State
from applications.models import Application, ApplicationEvent
from tests.factories import (
    ApplicationFactory,
    CompanyMembershipFactory,
    make_application_in,
)
from tests.personas import PEOPLE

pytestmark = pytest.mark.django_db

PERSONAS = PEOPLE


def login_as(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    return user


# --- Who may open an application --------------------------------------------------------

# For an application of company A in each state: the personas that may open it.
CAN_VIEW = {
    State.DRAFT: {"sme_user"},
    State.AWAITING_SPONSOR: {"sme_user", "advisor", "staff_user"},
    State.IN_REVIEW: {"sme_user", "advisor", "staff_user"},
    State.PROPOSED: {"sme_user", "advisor", "staff_user", "interlocutor"},
    State.ACCOMPANIED: {"sme_user", "advisor", "staff_user", "interlocutor"},
    State.CLOSED: {"sme_user", "advisor", "staff_user", "interlocutor"},
}


@pytest.mark.parametrize("state", list(CAN_VIEW))
@pytest.mark.parametrize("persona", PERSONAS)
def test_application_detail_visible_only_to_those_concerned(
    client, request, application_in, state, persona
):
    application = application_in(state)
    login_as(client, request, persona)

    response = client.get(application.get_absolute_url())

    expected = 200 if persona in CAN_VIEW[state] else 404
    assert response.status_code == expected
    if expected == 200:
        assert application.company.legal_name in response.content.decode()


def test_application_detail_sends_anonymous_to_login(client, application_in):
    application = application_in(State.IN_REVIEW)

    response = client.get(application.get_absolute_url())

    assert response.status_code == 302
    assert (
        response["Location"] == f"{reverse('accounts:login')}?next={application.get_absolute_url()}"
    )


@pytest.mark.parametrize(
    "url_name", ["detail", "edit", "submit", "delete", "action"], ids=lambda name: name
)
@pytest.mark.parametrize("persona", ["other_sme_user", "other_advisor", "other_interlocutor"])
def test_application_pages_are_404_for_other_organisations(
    client, request, application_in, url_name, persona
):
    application = application_in(State.PROPOSED)
    login_as(client, request, persona)
    args = [application.pk, Action.ACCEPT_MATCH] if url_name == "action" else [application.pk]
    url = reverse(f"applications:{url_name}", args=args)

    response = client.post(url) if url_name in ("delete", "action") else client.get(url)

    assert response.status_code == 404
    assert Application.objects.get(pk=application.pk).state == State.PROPOSED


@pytest.mark.parametrize("url_name", ["edit", "submit", "delete", "action"])
def test_application_pages_send_anonymous_to_login(client, draft_application, url_name):
    args = (
        [draft_application.pk, Action.WITHDRAW] if url_name == "action" else [draft_application.pk]
    )
    url = reverse(f"applications:{url_name}", args=args)

    response = client.post(url) if url_name in ("delete", "action") else client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- Queues and role pages ----------------------------------------------------------------

ROLE_PAGES = {
    "applications:dashboard": "sme_user",
    "applications:create": "sme_user",
    "companies:edit": "sme_user",
    "applications:sponsor_queue": "advisor",
    "applications:staff_queue": "staff_user",
    "applications:interlocutor_queue": "interlocutor",
}


@pytest.mark.parametrize("url_name", list(ROLE_PAGES))
def test_role_pages_send_anonymous_to_login(client, db, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={reverse(url_name)}"


@pytest.mark.parametrize("url_name", list(ROLE_PAGES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_role_pages_open_only_to_their_role(client, request, url_name, persona):
    login_as(client, request, persona)

    response = client.get(reverse(url_name))

    owner = ROLE_PAGES[url_name]
    same_role = persona.replace("other_", "") == owner.replace("other_", "")
    if same_role:
        assert response.status_code == 200
    elif url_name in ("applications:dashboard", "companies:edit"):
        # People without a company are sent home, which sends them to their own queue.
        assert response.status_code == 302
        assert response["Location"] == reverse("home")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("sme_user", "applications:dashboard"),
        ("advisor", "applications:sponsor_queue"),
        ("staff_user", "applications:staff_queue"),
        ("admin_user", "applications:staff_queue"),
        ("interlocutor", "applications:interlocutor_queue"),
    ],
)
def test_home_sends_each_role_to_its_page(client, request, persona, target):
    login_as(client, request, persona)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse(target)


def test_home_sends_a_new_user_to_describe_the_company(client, db):
    user = CompanyMembershipFactory().user
    user.company_membership.delete()
    user.refresh_from_db()
    client.force_login(user)

    response = client.get(reverse("home"))

    assert response["Location"] == reverse("companies:create")


def test_home_explains_the_programme_to_anonymous_visitors(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "chasser en meute" in response.content.decode().lower()


def test_sponsor_queue_lists_only_the_body_applications(
    client, advisor, application_in, other_sponsor_body
):
    mine = application_in(State.AWAITING_SPONSOR)
    theirs = make_application_in(State.AWAITING_SPONSOR, sponsor_body=other_sponsor_body)
    client.force_login(advisor)

    response = client.get(reverse("applications:sponsor_queue"))

    assert list(response.context["applications"]) == [mine]
    assert theirs.company.legal_name not in response.content.decode()


def test_staff_queue_filters_by_country(client, staff_user, application_in):
    hanoi = application_in(State.IN_REVIEW)
    application_in(State.IN_REVIEW, target_country="BR", target_city="São Paulo")
    client.force_login(staff_user)

    response = client.get(reverse("applications:staff_queue"), {"country": "VN"})

    assert list(response.context["applications"]) == [hanoi]


def test_interlocutor_queue_lists_proposals_and_followed_smes(client, interlocutor, application_in):
    proposed = application_in(State.PROPOSED)
    followed = application_in(State.ACCOMPANIED)
    client.force_login(interlocutor)

    response = client.get(reverse("applications:interlocutor_queue"))

    assert [m.application for m in response.context["proposals"]] == [proposed]
    assert [m.application for m in response.context["followed"]] == [followed]


# --- Query counts of the lists ------------------------------------------------------------


def _queries_for(client, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("persona", "url_name", "state"),
    [
        ("sme_user", "applications:dashboard", State.DRAFT),
        ("advisor", "applications:sponsor_queue", State.AWAITING_SPONSOR),
        ("staff_user", "applications:staff_queue", State.IN_REVIEW),
        ("interlocutor", "applications:interlocutor_queue", State.PROPOSED),
    ],
)
def test_list_pages_make_as_many_queries_for_one_row_as_for_many(
    client, request, application_in, persona, url_name, state, django_assert_max_num_queries
):
    login_as(client, request, persona)
    application_in(state)
    one = _queries_for(client, reverse(url_name), django_assert_max_num_queries)
    for _ in range(5):
        if state == State.PROPOSED:
            # One interlocutor can be proposed one application at a time per application.
            application_in(state)
        else:
            application_in(state)
    many = _queries_for(client, reverse(url_name), django_assert_max_num_queries)

    assert many == one


# --- Actions through the pages ------------------------------------------------------------


def test_action_by_someone_without_the_right_changes_nothing_and_says_why(
    client, sme_user, application_in
):
    application = application_in(State.AWAITING_SPONSOR)
    events_before = ApplicationEvent.objects.filter(application=application).count()
    client.force_login(sme_user)

    response = client.post(
        reverse("applications:action", args=[application.pk, Action.ENDORSE]),
        {"expected_state": State.AWAITING_SPONSOR},
        follow=True,
    )

    assert Application.objects.get(pk=application.pk).state == State.AWAITING_SPONSOR
    assert ApplicationEvent.objects.filter(application=application).count() == events_before
    assert [str(m) for m in response.context["messages"]] == [
        "Vous n'avez pas le droit de faire cette action sur ce dossier."
    ]


def test_action_twice_is_refused_the_second_time(client, advisor, application_in):
    application = application_in(State.AWAITING_SPONSOR)
    client.force_login(advisor)
    url = reverse("applications:action", args=[application.pk, Action.ENDORSE])
    client.post(url, {"expected_state": State.AWAITING_SPONSOR})

    response = client.post(url, {"expected_state": State.AWAITING_SPONSOR}, follow=True)

    assert Application.objects.get(pk=application.pk).state == State.IN_REVIEW
    assert application.events.filter(action=Action.ENDORSE).count() == 1
    messages = [str(m) for m in response.context["messages"]]
    assert messages[-1].startswith("Cette action n'est plus possible")


def test_decline_without_reason_keeps_the_page_and_says_so(client, advisor, application_in):
    application = application_in(State.AWAITING_SPONSOR)
    client.force_login(advisor)

    response = client.post(
        reverse("applications:action", args=[application.pk, Action.DECLINE_ENDORSEMENT]),
        {"reason": "  ", "expected_state": State.AWAITING_SPONSOR},
    )

    assert response.status_code == 400
    assert "Indiquez à la PME le motif du refus de parrainage." in response.content.decode()
    assert Application.objects.get(pk=application.pk).state == State.AWAITING_SPONSOR


def test_reject_form_error_keeps_what_was_typed(client, staff_user, application_in):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)

    response = client.post(
        reverse("applications:action", args=[application.pk, Action.CLOSE]),
        {"note": "Texte saisi", "expected_state": State.IN_REVIEW},
    )

    # Close is not possible in review: the user is told, nothing changes.
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).state == State.IN_REVIEW


def test_propose_page_ranks_the_interlocutors_present_in_the_country(
    client, staff_user, application_in, interlocutor, other_interlocutor
):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)

    response = client.get(application.get_absolute_url())

    # Staff propose from the ranking, not from the accordion of the other actions.
    assert [action for action, _label, _form in response.context["action_forms"]] == [
        Action.REQUEST_INFORMATION,
        Action.REJECT,
    ]
    ranking = response.context["ranking"]
    assert [r.candidate.id for r in ranking.available] == [interlocutor.interlocutor.pk]
    # Anyone else may still be picked, with a reason.
    form = response.context["propose_form"]
    assert list(form.fields["interlocutor"].queryset) == [
        interlocutor.interlocutor,
        other_interlocutor.interlocutor,
    ]
    assert form.ranked_ids == {interlocutor.interlocutor.pk}


def test_interlocutor_decline_returns_to_staff_and_hides_it_from_them(
    client, interlocutor, application_in
):
    application = application_in(State.PROPOSED)
    client.force_login(interlocutor)

    response = client.post(
        reverse("applications:action", args=[application.pk, Action.DECLINE_MATCH]),
        {"reason": "Pas de bureau libre.", "expected_state": State.PROPOSED},
    )

    assert response["Location"] == reverse("home")
    assert Application.objects.get(pk=application.pk).state == State.IN_REVIEW
    assert client.get(application.get_absolute_url()).status_code == 404


def test_sme_rates_a_closed_accompaniment(client, sme_user, application_in):
    application = application_in(State.CLOSED)
    client.force_login(sme_user)

    client.post(
        reverse("applications:action", args=[application.pk, Action.RATE]),
        {"rating": "4", "comment": "Très utile.", "expected_state": State.CLOSED},
    )

    application.refresh_from_db()
    assert (application.rating, application.rating_comment) == (4, "Très utile.")
    assert application.events.last().action == Action.RATE


def test_sponsor_decline_reason_is_shown_to_the_sme(client, sme_user, advisor, application_in):
    application = application_in(State.AWAITING_SPONSOR)
    client.force_login(advisor)
    client.post(
        reverse("applications:action", args=[application.pk, Action.DECLINE_ENDORSEMENT]),
        {"reason": "Présentez d'abord le projet en comité.", "expected_state": "awaiting_sponsor"},
    )
    client.force_login(sme_user)

    detail = client.get(application.get_absolute_url()).content.decode()
    dashboard = client.get(reverse("applications:dashboard")).content.decode()

    assert "Présentez d&#x27;abord le projet en comité." in detail
    assert "Présentez d&#x27;abord le projet en comité." in dashboard


def test_match_notes_are_hidden_from_the_sme(client, sme_user, interlocutor, application_in):
    application = application_in(State.PROPOSED)
    client.force_login(interlocutor)
    client.post(
        reverse("applications:action", args=[application.pk, Action.DECLINE_MATCH]),
        {"reason": "Motif interne au groupe.", "expected_state": State.PROPOSED},
    )
    client.force_login(sme_user)

    response = client.get(application.get_absolute_url())

    assert "Motif interne au groupe." not in response.content.decode()


# --- The admin's search finds an application by its company's SIREN however it is typed ---


def test_admin_application_search_finds_a_siren_however_typed(client, admin_user):
    application = ApplicationFactory(company__siren="982380578")
    ApplicationFactory()
    client.force_login(admin_user)

    response = client.get(
        reverse("admin:applications_application_changelist"), {"q": "982.380.578"}
    )

    assert list(response.context["cl"].result_list) == [application]


# --- Forms: the draft --------------------------------------------------------------------


def draft_data(**overrides):
    data = {
        "target_country": "VN",
        "target_city": "Hanoi",
        "support_kinds": ["advice", "hosting"],
        "maturity": "settling",
        "description": "Bureau d'études en environnement : qualité de l'eau à Hanoi.",
        "hosting_desks": "2",
        "hosting_vie_count": "1",
        "hosting_budget": "1200",
    }
    return {**data, **overrides}


def test_create_draft_then_come_back_to_it(client, sme_user):
    client.force_login(sme_user)

    response = client.post(reverse("applications:create"), draft_data())

    application = Application.objects.get()
    assert response["Location"] == application.get_absolute_url()
    assert application.state == State.DRAFT
    assert (application.wants_advice, application.wants_hosting) == (True, True)
    assert application.events.get().action == Action.CREATE
    edit = client.get(reverse("applications:edit", args=[application.pk]))
    assert "qualité de l&#x27;eau à Hanoi" in edit.content.decode()


def test_draft_with_errors_keeps_what_was_typed(client, sme_user):
    client.force_login(sme_user)

    response = client.post(
        reverse("applications:create"),
        draft_data(hosting_desks="", target_country=""),
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert Application.objects.count() == 0
    assert "Choisissez le pays cible de votre projet." in content
    assert "Indiquez combien de postes de travail vous souhaitez faire héberger." in content
    assert "qualité de l&#x27;eau à Hanoi" in content
    assert 'value="Hanoi"' in content


def test_draft_needs_at_least_one_kind_of_support(client, sme_user):
    client.force_login(sme_user)

    response = client.post(reverse("applications:create"), draft_data(support_kinds=[]))

    assert "Choisissez au moins un type d&#x27;appui." in response.content.decode()


def test_submit_page_puts_the_bodies_covering_the_company_first(
    client, sme_user, draft_application, other_sponsor_body, sponsor_body
):
    client.force_login(sme_user)

    response = client.get(reverse("applications:submit", args=[draft_application.pk]))

    choices = [label for _value, label in response.context["form"].fields["sponsor_body"].choices]
    assert choices[0].startswith("CCI Lyon Métropole Saint-Étienne Roanne")


def test_submit_sends_the_application_to_its_sponsor(
    client, sme_user, draft_application, sponsor_body
):
    client.force_login(sme_user)

    response = client.post(
        reverse("applications:submit", args=[draft_application.pk]),
        {"sponsor_body": sponsor_body.pk, "expected_state": State.DRAFT},
    )

    assert response["Location"] == draft_application.get_absolute_url()
    draft_application.refresh_from_db()
    assert (draft_application.state, draft_application.sponsor_body) == (
        State.AWAITING_SPONSOR,
        sponsor_body,
    )


def test_submitted_application_can_no_longer_be_edited(client, sme_user, application_in):
    application = application_in(State.AWAITING_SPONSOR)
    client.force_login(sme_user)

    response = client.get(reverse("applications:edit", args=[application.pk]))

    assert response["Location"] == application.get_absolute_url()


def test_sme_deletes_a_draft_but_not_a_submitted_application(client, sme_user, application_in):
    draft = application_in(State.DRAFT)
    submitted = application_in(State.AWAITING_SPONSOR)
    client.force_login(sme_user)

    client.post(reverse("applications:delete", args=[draft.pk]))
    refused = client.post(reverse("applications:delete", args=[submitted.pk]))

    assert list(Application.objects.all()) == [submitted]
    assert refused.status_code == 403


def test_interlocutor_queue_pages_the_followed_smes_under_the_proposals(
    client, interlocutor, application_in, monkeypatch
):
    from applications import views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    oldest, middle, newest = (application_in(State.ACCOMPANIED) for _ in range(3))
    proposed = application_in(State.PROPOSED)
    client.force_login(interlocutor)

    first = client.get(reverse("applications:interlocutor_queue"))
    second = client.get(reverse("applications:interlocutor_queue"), {"page": "2"})

    for page in (first, second):  # the proposals awaiting an answer, first, on every page
        assert [m.application for m in page.context["proposals"]] == [proposed]
        html = page.content.decode()
        assert html.index(proposed.reference) < html.index('data-testid="followed"')
    assert [m.application for m in first.context["followed"]] == [newest, middle]
    assert [m.application for m in second.context["followed"]] == [oldest]
    assert 'href="?page=2"' in first.content.decode()
    assert 'href="?page=1"' in second.content.decode()
    assert oldest.reference in second.content.decode()
    assert oldest.reference not in first.content.decode()


def test_interlocutor_queue_costs_the_same_queries_on_any_page_for_any_number_followed(
    client, interlocutor, application_in, monkeypatch
):
    from applications import views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    interlocutor.interlocutor.capacity = 10
    interlocutor.interlocutor.save(update_fields=["capacity"])
    application_in(State.ACCOMPANIED)
    application_in(State.PROPOSED)
    client.force_login(interlocutor)
    url = reverse("applications:interlocutor_queue")
    one = _queries_for(client, url, None)
    for _ in range(4):
        application_in(State.ACCOMPANIED)

    assert _queries_for(client, url, None) == one
    assert _queries_for(client, url + "?page=2", None) == one
    assert _queries_for(client, url + "?page=3", None) == one


def test_staff_queue_is_paginated_and_keeps_the_filters(
    client, staff_user, application_in, monkeypatch
):
    from applications import views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    oldest, middle, newest = (application_in(State.IN_REVIEW) for _ in range(3))
    client.force_login(staff_user)

    first = client.get(reverse("applications:staff_queue"), {"country": "VN"})
    second = client.get(reverse("applications:staff_queue"), {"country": "VN", "page": "2"})

    assert list(first.context["applications"]) == [oldest, middle]
    assert list(second.context["applications"]) == [newest]
    assert "?country=VN&amp;page=2" in first.content.decode()
