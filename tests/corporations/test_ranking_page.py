"""The ranking on an application's page: only staff see it, they propose from it (or outside
it, with a reason), and an interlocutor who declined is shown apart."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import caching, services
from applications.enums import Action, State
from corporations.enums import MatchStatus
from corporations.matching import Contact, Uncovered
from corporations.models import Absence, Interlocutor, Match, MemberCorporation
from tests.factories import (
    HostingOfferFactory,
    InterlocutorFactory,
    MemberCorporationFactory,
    PresenceFactory,
    sector,
)

pytestmark = pytest.mark.django_db


def propose_url(application) -> str:
    return reverse("applications:action", args=[application.pk, Action.PROPOSE])


@pytest.fixture
def spie(db):
    """Spie, in Hanoi too but in another trade (electrical installation, division 43)."""
    corporation = MemberCorporationFactory(name="Spie")
    PresenceFactory(corporation=corporation, country="VN", city="Hanoi", sectors=[sector("43")])
    return corporation


@pytest.fixture
def spie_interlocutor(spie):
    return InterlocutorFactory(
        corporation=spie,
        countries=["VN"],
        user__first_name="Anne",
        user__last_name="Roussel",
        job_title="Responsable Asie",
    )


@pytest.fixture
def hanoi_offer(alstom):
    """Alstom's desks in Hanoi: the SME asks for two."""
    return HostingOfferFactory(corporation=alstom, country="VN", city="Hanoi", desks=4)


# --- Who sees it --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees_ranking"),
    [
        ("sme_user", False),
        ("advisor", False),
        ("staff_user", True),
        ("admin_user", True),
    ],
)
def test_ranking_is_shown_only_to_staff(client, request, application_in, persona, sees_ranking):
    application = application_in(State.IN_REVIEW)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(application.get_absolute_url())

    assert response.status_code == 200
    assert ("ranking" in response.context) is sees_ranking
    assert ("propose_form" in response.context) is sees_ranking
    content = response.content.decode()
    assert ('data-testid="ranking"' in content) is sees_ranking
    assert ("Thomas Lambert" in content) is sees_ranking


@pytest.mark.parametrize(
    "state",
    [State.AWAITING_SPONSOR, State.AWAITING_INFORMATION, State.PROPOSED, State.ACCOMPANIED],
)
def test_ranking_is_shown_to_staff_only_when_they_can_propose(
    client, staff_user, application_in, state
):
    application = application_in(state)
    client.force_login(staff_user)

    response = client.get(application.get_absolute_url())

    assert response.status_code == 200
    assert "ranking" not in response.context


def test_interlocutor_never_sees_the_ranking(
    client, interlocutor, application_in, spie_interlocutor
):
    application = application_in(State.PROPOSED)
    client.force_login(interlocutor)

    response = client.get(application.get_absolute_url())

    assert "ranking" not in response.context
    assert "Anne Roussel" not in response.content.decode()


# --- What staff see -----------------------------------------------------------------------


def test_ranking_lists_the_available_interlocutors_best_first(
    client, staff_user, application_in, interlocutor, spie_interlocutor, other_interlocutor
):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)

    response = client.get(application.get_absolute_url())

    ranking = response.context["ranking"]
    assert [r.candidate.id for r in ranking.available] == [
        interlocutor.interlocutor.pk,
        spie_interlocutor.pk,
    ]
    assert ranking.unavailable == []
    assert ranking.nearby_only is False
    content = response.content.decode()
    assert "Même métier sur place (NAF 71)." in content
    assert "Présent à Hanoi." in content
    assert 'data-testid="nearby-only"' not in content
    # EDF is not in Vietnam: not ranked, but staff may still pick it outside the list.
    assert f'data-testid="candidate-{other_interlocutor.interlocutor.pk}"' not in content
    choices = list(response.context["propose_form"].fields["interlocutor"].queryset)
    assert choices == [
        interlocutor.interlocutor,
        other_interlocutor.interlocutor,
        spie_interlocutor,
    ]


def test_each_ranked_row_carries_its_interlocutor_and_hosting_offer(
    client, staff_user, application_in, interlocutor, hanoi_offer
):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)

    response = client.get(application.get_absolute_url())

    (best,) = response.context["ranking"].available
    assert (best.candidate.id, best.offer_id) == (interlocutor.interlocutor.pk, hanoi_offer.pk)
    content = response.content.decode()
    assert f'<input type="hidden" name="interlocutor" value="{best.candidate.id}">' in content
    assert f'<input type="hidden" name="hosting_offer" value="{hanoi_offer.pk}">' in content
    assert '<input type="hidden" name="expected_state" value="in_review">' in content
    assert "Hébergement possible à Hanoi : 4 postes libres." in content


def test_unavailable_interlocutors_are_shown_apart_with_the_reason(
    client, staff_user, application_in, interlocutor, alstom
):
    application = application_in(State.IN_REVIEW)
    full = InterlocutorFactory(
        corporation=alstom, capacity=0, user__first_name="Paul", user__last_name="Plein"
    )
    away = InterlocutorFactory(corporation=alstom, user__first_name="Alice", user__last_name="Loin")
    today = timezone.localdate()
    Absence.objects.create(interlocutor=away, start=today, end=today + timedelta(days=10))
    client.force_login(staff_user)

    response = client.get(application.get_absolute_url())

    ranking = response.context["ranking"]
    assert [r.candidate.id for r in ranking.available] == [interlocutor.interlocutor.pk]
    assert {r.candidate.id: r.unavailable for r in ranking.unavailable} == {
        full.pk: "Capacité atteinte (0 dossier suivi).",
        away.pk: f"Absent jusqu'au {(today + timedelta(days=10)).strftime('%d/%m/%Y')}.",
    }
    content = response.content.decode()
    assert 'data-testid="ranking-unavailable"' in content
    assert f'data-testid="propose-{full.pk}"' not in content
    assert f'data-testid="propose-{away.pk}"' not in content


def test_declined_interlocutor_is_listed_apart_when_the_dossier_comes_back(
    client, staff_user, interlocutor, application_in, spie_interlocutor
):
    application = application_in(State.PROPOSED)
    client.force_login(interlocutor)
    client.post(
        reverse("applications:action", args=[application.pk, Action.DECLINE_MATCH]),
        {"reason": "Pas de bureau libre.", "expected_state": State.PROPOSED},
    )
    client.force_login(staff_user)

    response = client.get(application.get_absolute_url())

    ranking = response.context["ranking"]
    assert [r.candidate.id for r in ranking.available] == [spie_interlocutor.pk]
    assert [(r.candidate.id, r.unavailable) for r in ranking.unavailable] == [
        (interlocutor.interlocutor.pk, "A déjà décliné ce dossier.")
    ]
    assert (
        interlocutor.interlocutor
        not in response.context["propose_form"].fields["interlocutor"].queryset
    )
    assert "A déjà décliné ce dossier." in response.content.decode()


def test_sub_region_neighbours_come_with_a_clear_alert(
    client, staff_user, application_in, interlocutor
):
    # Alstom is in Vietnam only; Thailand is in the same sub-region, South-eastern Asia.
    application = application_in(State.IN_REVIEW, target_country="TH", target_city="Bangkok")
    client.force_login(staff_user)

    response = client.get(application.get_absolute_url())

    ranking = response.context["ranking"]
    assert ranking.nearby_only is True
    assert [(r.candidate.id, r.nearby) for r in ranking.available] == [
        (interlocutor.interlocutor.pk, True)
    ]
    content = response.content.decode()
    assert (
        "Aucun grand groupe membre n'est présent dans ce pays : voici ceux présents dans "
        "la même sous-région (Asie du Sud-Est)."
    ) in content
    assert 'data-testid="nearby"' in content


def test_no_candidate_at_all_says_so(client, staff_user, application_in, interlocutor):
    application = application_in(State.IN_REVIEW, target_country="BR", target_city="")
    client.force_login(staff_user)

    response = client.get(application.get_absolute_url())

    assert response.context["ranking"].available == []
    assert 'data-testid="no-candidate"' in response.content.decode()


# --- Proposing ----------------------------------------------------------------------------


def test_propose_from_the_ranking_records_the_hosting_offer(
    client, staff_user, application_in, interlocutor, hanoi_offer
):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)

    response = client.post(
        propose_url(application),
        {
            "interlocutor": interlocutor.interlocutor.pk,
            "hosting_offer": hanoi_offer.pk,
            "expected_state": State.IN_REVIEW,
            "note": "Votre bureau de Hanoi leur irait bien.",
        },
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == ["Dossier proposé au correspondant."]
    application.refresh_from_db()
    assert application.state == State.PROPOSED
    match = Match.objects.get(application=application)
    assert (
        match.interlocutor,
        match.status,
        match.hosting_offer,
        match.off_list_reason,
        match.note,
        match.proposed_by,
    ) == (
        interlocutor.interlocutor,
        MatchStatus.PROPOSED,
        hanoi_offer,
        "",
        "Votre bureau de Hanoi leur irait bien.",
        staff_user,
    )
    event = application.events.get(action=Action.PROPOSE)
    assert event.note == (
        "Proposée à Thomas Lambert (Alstom).\nVotre bureau de Hanoi leur irait bien."
    )
    assert event.match == match


def test_propose_without_hosting_offer_when_the_ranking_found_none(
    client, staff_user, application_in, interlocutor
):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)

    client.post(
        propose_url(application),
        {
            "interlocutor": interlocutor.interlocutor.pk,
            "hosting_offer": "",
            "expected_state": State.IN_REVIEW,
            "note": "",
        },
    )

    match = Match.objects.get(application=application)
    assert (match.interlocutor, match.hosting_offer, match.off_list_reason) == (
        interlocutor.interlocutor,
        None,
        "",
    )


@pytest.mark.parametrize("offer", ["spie", "abc", "99999999999999999999"])
def test_propose_refuses_an_offer_of_another_corporation(
    client, staff_user, application_in, interlocutor, spie, spie_interlocutor, offer
):
    application = application_in(State.IN_REVIEW)
    spie_offer = HostingOfferFactory(corporation=spie, country="VN", city="Hanoi")
    client.force_login(staff_user)

    response = client.post(
        propose_url(application),
        {
            "interlocutor": interlocutor.interlocutor.pk,
            "hosting_offer": spie_offer.pk if offer == "spie" else offer,
            "expected_state": State.IN_REVIEW,
        },
    )

    assert response.status_code == 400
    assert (
        "Cette offre d&#x27;hébergement n&#x27;est pas une offre du groupe du correspondant dans "
        "le pays cible."
    ) in response.content.decode()
    assert Match.objects.filter(application=application).count() == 0


def test_off_list_proposal_needs_a_reason(
    client, staff_user, application_in, interlocutor, other_interlocutor
):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)

    response = client.post(
        propose_url(application),
        {
            "interlocutor": other_interlocutor.interlocutor.pk,
            "expected_state": State.IN_REVIEW,
            "off_list_reason": "  ",
            "note": "Un mot pour Marc.",
        },
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert "Expliquez pourquoi vous choisissez un correspondant hors de la liste." in content
    assert "Un mot pour Marc." in content  # what was typed is kept
    assert response.context["open_action"] == Action.PROPOSE
    assert "ranking" in response.context
    assert not Match.objects.filter(application=application).exists()
    application.refresh_from_db()
    assert application.state == State.IN_REVIEW


def test_off_list_proposal_records_its_reason(
    client, staff_user, application_in, interlocutor, other_interlocutor
):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)

    client.post(
        propose_url(application),
        {
            "interlocutor": other_interlocutor.interlocutor.pk,
            "expected_state": State.IN_REVIEW,
            "off_list_reason": "Marc a suivi le Vietnam pour EDF pendant dix ans.",
            "note": "",
        },
    )

    match = Match.objects.get(application=application)
    assert (match.interlocutor, match.off_list_reason, match.hosting_offer) == (
        other_interlocutor.interlocutor,
        "Marc a suivi le Vietnam pour EDF pendant dix ans.",
        None,
    )
    assert application.events.get(action=Action.PROPOSE).note == (
        "Proposée à Marc Durand (EDF).\n"
        "Choix hors de la liste : Marc a suivi le Vietnam pour EDF pendant dix ans."
    )


def test_an_unavailable_interlocutor_is_off_the_list(
    client, staff_user, application_in, interlocutor
):
    application = application_in(State.IN_REVIEW)
    Interlocutor.objects.filter(pk=interlocutor.interlocutor.pk).update(capacity=0)
    client.force_login(staff_user)

    response = client.post(
        propose_url(application),
        {"interlocutor": interlocutor.interlocutor.pk, "expected_state": State.IN_REVIEW},
    )

    assert response.status_code == 400
    assert "Expliquez pourquoi vous choisissez un correspondant hors de la liste." in (
        response.content.decode()
    )


def test_a_listed_interlocutor_picked_in_the_other_form_needs_no_reason(
    client, staff_user, application_in, interlocutor
):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)

    client.post(
        propose_url(application),
        {
            "interlocutor": interlocutor.interlocutor.pk,
            "expected_state": State.IN_REVIEW,
            "off_list_reason": "Sans objet.",
        },
    )

    assert Match.objects.get(application=application).off_list_reason == ""


def test_interlocutor_who_declined_cannot_be_proposed_again(
    client, staff_user, interlocutor, application_in
):
    application = application_in(State.PROPOSED)
    services.decline_match(application.pk, interlocutor, reason="Pas cette année.")
    client.force_login(staff_user)

    response = client.post(
        propose_url(application),
        {
            "interlocutor": interlocutor.interlocutor.pk,
            "expected_state": State.IN_REVIEW,
            "off_list_reason": "Il a changé d'avis.",
        },
    )

    assert response.status_code == 400
    assert "Ce correspondant ne peut pas recevoir ce dossier" in response.content.decode()
    assert application.matches.count() == 1


def test_someone_else_than_staff_cannot_propose(client, advisor, application_in, interlocutor):
    application = application_in(State.IN_REVIEW)
    client.force_login(advisor)

    response = client.post(
        propose_url(application),
        {
            "interlocutor": interlocutor.interlocutor.pk,
            "expected_state": State.IN_REVIEW,
            "off_list_reason": "Je préfère lui.",
        },
        follow=True,
    )

    assert not Match.objects.filter(application=application).exists()
    assert [str(m) for m in response.context["messages"]] == [
        "Vous n'avez pas le droit de faire cette action sur ce dossier."
    ]
    assert "ranking" not in response.context


# --- Queries ------------------------------------------------------------------------------


def _queries_for_detail(client, application) -> int:
    """The queries of a reload worked out again (not the page kept in the cache,
    `applications.caching`): the visit before it writes the visit's row (a reload with
    nothing new since writes nothing) and reads again what the cache let go."""
    client.get(application.get_absolute_url())
    caching.applications_changed(application.pk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(application.get_absolute_url())
    assert response.status_code == 200
    return len(queries)


def _add_candidate_corporation(n: int) -> None:
    corporation = MemberCorporationFactory(name=f"Groupe {n}")
    PresenceFactory(
        corporation=corporation, country="VN", city="Hanoi", sectors=[sector("71"), sector("43")]
    )
    PresenceFactory(corporation=corporation, country="TH", city="Bangkok")
    HostingOfferFactory(corporation=corporation, country="VN", city="Hanoi")
    InterlocutorFactory(corporation=corporation, sectors=[sector("71")])
    InterlocutorFactory(corporation=corporation, countries=[])


def test_staff_detail_queries_do_not_grow_with_the_candidates(
    client, staff_user, application_in, interlocutor
):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)
    _add_candidate_corporation(1)
    one = _queries_for_detail(client, application)

    for n in range(2, 6):
        _add_candidate_corporation(n)
    many = _queries_for_detail(client, application)

    caching.applications_changed(application.pk)
    assert len(client.get(application.get_absolute_url()).context["ranking"].available) == 11
    assert many == one


def test_staff_detail_queries_do_not_grow_with_the_corporations_nobody_covers(
    client, staff_user, application_in, interlocutor
):
    application = application_in(State.IN_REVIEW, target_country="BR", target_city="")
    client.force_login(staff_user)
    _present_in_brazil_without_interlocutor_there(["Groupe1"])
    one = _queries_for_detail(client, application)

    _present_in_brazil_without_interlocutor_there([f"Groupe{n}" for n in range(2, 7)])
    many = _queries_for_detail(client, application)

    caching.applications_changed(application.pk)
    assert len(client.get(application.get_absolute_url()).context["ranking"].uncovered) == 6
    assert many == one


def test_a_stale_propose_form_says_what_state_the_application_is_in(
    client, staff_user, interlocutor, application_in
):
    # Another member of staff proposed it a moment ago, from the same ranking.
    application = application_in(State.PROPOSED)
    client.force_login(staff_user)

    response = client.post(
        propose_url(application),
        {"interlocutor": interlocutor.interlocutor.pk, "expected_state": State.IN_REVIEW},
        follow=True,
    )

    assert response.redirect_chain == [(application.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Cette action n'est plus possible : le dossier est maintenant « Proposée à un grand "
        "groupe ». La page a été mise à jour, vérifiez son état avant de recommencer."
    ]
    assert application.matches.count() == 1


# --- Nobody covers the country ----------------------------------------------------------------


def _present_in_brazil_without_interlocutor_there(names: list[str]) -> dict:
    """Member corporations established in Brazil whose interlocutors all cover other countries,
    each with a coordinator (who follows France)."""
    coordinators = {}
    for name in names:
        corporation = MemberCorporation.objects.filter(
            name=name
        ).first() or MemberCorporationFactory(name=name)
        PresenceFactory(corporation=corporation, country="BR", city="São Paulo")
        coordinators[name] = InterlocutorFactory(
            corporation=corporation,
            countries=["FR"],
            is_coordinator=True,
            user__first_name="Coordination",
            user__last_name=name,
            user__email=f"coordination@{name.lower()}.example",
        )
        InterlocutorFactory(corporation=corporation, countries=["DE"])
    return coordinators


def test_corporations_present_where_nobody_covers_are_listed_with_their_coordinators(
    client, staff_user, application_in, interlocutor
):
    # Alstom (the fixture's, whose interlocutor covers Vietnam) is there too.
    _present_in_brazil_without_interlocutor_there(
        ["Alstom", "Schneider", "EDF", "Renault", "TotalEnergies"]
    )
    # Renault's second coordinator; an inactive one; a corporation no longer a member.
    renault = MemberCorporation.objects.get(name="Renault")
    InterlocutorFactory(
        corporation=renault,
        countries=["FR"],
        is_coordinator=True,
        user__first_name="Inès",
        user__last_name="Arnaud",
        user__email="ines.arnaud@renault.example",
    )
    InterlocutorFactory(corporation=renault, is_coordinator=True, is_active=False)
    gone = MemberCorporationFactory(name="Ancien Groupe", is_active=False)
    PresenceFactory(corporation=gone, country="BR", city="Rio de Janeiro")
    # Spie is there but names nobody yet.
    PresenceFactory(corporation=MemberCorporationFactory(name="Spie"), country="BR", city="")
    application = application_in(State.IN_REVIEW, target_country="BR", target_city="")
    client.force_login(staff_user)

    response = client.get(application.get_absolute_url())

    ranking = response.context["ranking"]
    assert (ranking.available, ranking.unavailable, ranking.uncovered_nearby) == ([], [], False)
    assert [
        (present.corporation, present.coordinators, present.countries)
        for present in ranking.uncovered
    ] == [
        ("Alstom", (Contact("Coordination Alstom", "coordination@alstom.example"),), ()),
        ("EDF", (Contact("Coordination EDF", "coordination@edf.example"),), ()),
        (
            "Renault",
            (
                Contact("Inès Arnaud", "ines.arnaud@renault.example"),
                Contact("Coordination Renault", "coordination@renault.example"),
            ),
            (),
        ),
        ("Schneider", (Contact("Coordination Schneider", "coordination@schneider.example"),), ()),
        ("Spie", (), ()),
        (
            "TotalEnergies",
            (Contact("Coordination TotalEnergies", "coordination@totalenergies.example"),),
            (),
        ),
    ]
    content = response.content.decode()
    assert (
        "Aucun correspondant ne couvre ce pays (Brésil), mais ces grands groupes y sont "
        "implantés : demandez un correspondant à l'un de leurs coordinateurs."
    ) in content
    assert (
        '<a href="mailto:ines.arnaud@renault.example">Inès Arnaud</a>, '
        '<a href="mailto:coordination@renault.example">Coordination Renault</a>'
    ) in content
    assert "<strong>Spie</strong> —\n    aucun coordinateur enregistré</li>" in content
    assert "Ancien Groupe" not in content
    assert 'data-testid="no-candidate"' not in content
    assert "ni dans sa sous-région" not in content


def test_corporations_present_only_in_the_sub_region_are_listed_with_their_countries(
    client, staff_user, application_in, interlocutor
):
    # Argentina: nobody there; Brazil and Chile are in the same sub-region.
    _present_in_brazil_without_interlocutor_there(["Renault"])
    PresenceFactory(
        corporation=MemberCorporation.objects.get(name="Renault"), country="CL", city=""
    )
    application = application_in(State.IN_REVIEW, target_country="AR", target_city="")
    client.force_login(staff_user)

    response = client.get(application.get_absolute_url())

    ranking = response.context["ranking"]
    assert (ranking.available, ranking.unavailable, ranking.uncovered_nearby) == ([], [], True)
    assert ranking.uncovered == [
        Uncovered(
            corporation="Renault",
            coordinators=(Contact("Coordination Renault", "coordination@renault.example"),),
            countries=("Brésil", "Chili"),
        )
    ]
    content = response.content.decode()
    assert (
        "Aucun grand groupe membre n'est présent dans ce pays, et aucun correspondant ne couvre "
        "sa sous-région (Amérique latine et Caraïbes), mais ces grands groupes y sont "
        "implantés : demandez un correspondant à l'un de leurs coordinateurs."
    ) in content
    assert "<strong>Renault</strong> (Brésil, Chili) —" in content
    assert 'data-testid="no-candidate"' not in content


def test_neighbours_and_corporations_present_but_not_covering_are_both_shown(
    client, staff_user, application_in, interlocutor
):
    # Thailand: Spie is there, its interlocutors cover other countries; Alstom's covers
    # Vietnam, in the same sub-region.
    spie = MemberCorporationFactory(name="Spie")
    PresenceFactory(corporation=spie, country="TH", city="Bangkok")
    InterlocutorFactory(
        corporation=spie,
        countries=["FR"],
        is_coordinator=True,
        user__first_name="Anne",
        user__last_name="Roussel",
        user__email="anne.roussel@spie.example",
    )
    application = application_in(State.IN_REVIEW, target_country="TH", target_city="Bangkok")
    client.force_login(staff_user)

    response = client.get(application.get_absolute_url())

    ranking = response.context["ranking"]
    assert ranking.nearby_only is True
    assert [r.candidate.id for r in ranking.available] == [interlocutor.interlocutor.pk]
    assert (ranking.uncovered, ranking.uncovered_nearby) == (
        [Uncovered("Spie", (Contact("Anne Roussel", "anne.roussel@spie.example"),))],
        False,
    )
    content = response.content.decode()
    assert (
        "Aucun correspondant ne couvre ce pays (Thaïlande), mais ces grands groupes y sont "
        "implantés : demandez un correspondant à l'un de leurs coordinateurs."
    ) in content
    assert "Plus bas, les correspondants présents dans la même sous-région (Asie du Sud-Est)." in (
        content
    )
    # Not "no member corporation is present in this country": Spie is.
    assert 'data-testid="nearby-only"' not in content
