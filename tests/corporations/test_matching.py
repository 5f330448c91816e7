"""The matching engine alone: `rank(need, candidates)` over plain dataclasses, no database.

The scores are sums of the named weights of `corporations.matching`; two parts are computed
from the candidate's figures and written out here: the free capacity (`round(8 * free /
capacity)`: 8 when nobody is followed yet) and the smoothed record (7 for a newcomer).
"""

from dataclasses import replace
from datetime import date

from corporations.matching import (
    W_CITY,
    W_COUNTRY,
    W_COVERS_COUNTRY,
    W_DIVISION,
    W_FOLLOWS_SECTOR,
    W_HOSTING,
    W_HOSTING_CITY,
    W_SECTION,
    W_SUBREGION,
    W_VIE,
    Candidate,
    Need,
    Offer,
    Place,
    Ranked,
    Ranking,
    rank,
)
from reference import m49

TODAY = date(2026, 3, 2)

# What an environmental engineering consultancy (NAF 71, section M) asks for Vietnam.
VIETNAM = Need(country="VN", subregion="035", division="71", section="M", on=TODAY)
HANOI = replace(VIETNAM, city="Hanoi")

FREE_CAPACITY = 8  # nobody followed yet: the whole of W_CAPACITY
NEWCOMER_RECORD = 7  # round(10 * (0.6 + (4.0 - 1) / 4) / 2)


def place(country: str, city: str = "", divisions=(), sections=()) -> Place:
    return Place(
        country=country,
        city=city,
        divisions=frozenset(divisions),
        sections=frozenset(sections),
        subregion=m49.subregion_of(country),
    )


def candidate(id: int, *places: Place, **fields) -> Candidate:
    fields.setdefault("name", f"Correspondant {id}")
    fields.setdefault("corporation", "Grand Groupe")
    return Candidate(id=id, places=places, **fields)


def ids(ranked: list[Ranked]) -> list[int]:
    return [r.candidate.id for r in ranked]


def only(ranking: Ranking) -> Ranked:
    (ranked,) = ranking.available + ranking.unavailable
    return ranked


# --- Presence in the country and the city ----------------------------------------------------


def test_rank_presence_in_the_country_ranks_above_none():
    in_vietnam = candidate(1, place("VN", divisions=["71"], sections=["M"]))
    in_france = candidate(2, place("FR", "Paris", divisions=["71"], sections=["M"]))
    nowhere = candidate(3)

    ranking = rank(VIETNAM, [nowhere, in_france, in_vietnam])

    assert ids(ranking.available) == [1]
    assert ranking.unavailable == []
    assert ranking.nearby_only is False
    assert ranking.available[0].score == W_COUNTRY + W_DIVISION + FREE_CAPACITY + NEWCOMER_RECORD
    assert ranking.available[0].nearby is False


def test_rank_presence_in_the_country_is_worth_more_than_in_the_subregion():
    trades = {"divisions": ["71"], "sections": ["M"]}

    in_vietnam = only(rank(VIETNAM, [candidate(1, place("VN", **trades))]))
    in_thailand = only(rank(VIETNAM, [candidate(1, place("TH", **trades))]))

    assert in_vietnam.score - in_thailand.score == W_COUNTRY - W_SUBREGION


def test_rank_city_adds_its_bonus_and_says_so():
    in_hanoi = candidate(1, place("VN", "Hanoi", ["71"], ["M"]))
    in_saigon = candidate(2, place("VN", "Hô Chi Minh-Ville", ["71"], ["M"]))

    ranking = rank(HANOI, [in_saigon, in_hanoi])

    assert ids(ranking.available) == [1, 2]
    first, second = ranking.available
    assert first.score - second.score == W_CITY
    assert first.reasons == [
        "Présent dans le pays cible.",
        "Présent à Hanoi.",
        "Même métier sur place (NAF 71).",
        "Capacité : 0 dossier suivi sur 3.",
        "Nouveau correspondant : pas encore d'historique.",
    ]
    assert "Présent à Hanoi." not in second.reasons


def test_rank_city_is_compared_without_case_or_spaces():
    ranked = only(rank(HANOI, [candidate(1, place("VN", " HANOI "))]))

    assert "Présent à Hanoi." in ranked.reasons


# --- Sector coherence ------------------------------------------------------------------------


def test_rank_same_division_above_same_section_above_none():
    same_division = candidate(1, place("VN", divisions=["71"], sections=["M"]))
    same_section = candidate(2, place("VN", divisions=["70"], sections=["M"]))
    no_common_trade = candidate(3, place("VN", divisions=["35"], sections=["D"]))

    ranking = rank(VIETNAM, [no_common_trade, same_section, same_division])

    assert ids(ranking.available) == [1, 2, 3]
    assert [r.score for r in ranking.available] == [
        W_COUNTRY + W_DIVISION + FREE_CAPACITY + NEWCOMER_RECORD,
        W_COUNTRY + W_SECTION + FREE_CAPACITY + NEWCOMER_RECORD,
        W_COUNTRY + FREE_CAPACITY + NEWCOMER_RECORD,
    ]
    assert [r.reasons[1] for r in ranking.available] == [
        "Même métier sur place (NAF 71).",
        "Métier voisin sur place (section NAF M).",
        "Aucun métier commun sur place.",
    ]


def test_rank_trades_of_every_presence_in_the_country_count():
    ranked = only(
        rank(
            VIETNAM,
            [candidate(1, place("VN", "Hanoi", ["35"], ["D"]), place("VN", "Da Nang", ["71"]))],
        )
    )

    assert "Même métier sur place (NAF 71)." in ranked.reasons


def test_rank_interlocutor_following_the_sector_adds_a_bonus():
    plain = candidate(1, place("VN"))
    follows_division = candidate(2, place("VN"), follows=frozenset({"71"}))
    follows_section = candidate(3, place("VN"), follows=frozenset({"M"}))

    ranking = rank(VIETNAM, [plain, follows_division, follows_section])

    scores = {r.candidate.id: r.score for r in ranking.available}
    assert scores[2] - scores[1] == W_FOLLOWS_SECTOR
    assert scores[3] - scores[1] == W_FOLLOWS_SECTOR
    assert "Le correspondant suit ce secteur." in ranking.available[0].reasons


# --- The interlocutor's countries ------------------------------------------------------------


def test_rank_covers_restricts_to_the_countries_the_interlocutor_follows():
    alstom = (place("VN", "Hanoi", ["71"], ["M"]), place("IN", "Bangalore", ["71"], ["M"]))
    india_only = candidate(1, *alstom, corporation="Alstom", covers=frozenset({"IN"}))
    vietnam = candidate(2, *alstom, corporation="Alstom", covers=frozenset({"VN"}))
    everywhere = candidate(3, *alstom, corporation="Alstom")

    ranking = rank(VIETNAM, [india_only, vietnam, everywhere])

    assert ids(ranking.available) == [2, 3]
    assert ranking.available[0].score - ranking.available[1].score == W_COVERS_COUNTRY
    assert "Le correspondant suit ce pays." in ranking.available[0].reasons
    assert "Le correspondant suit ce pays." not in ranking.available[1].reasons


def test_rank_interlocutor_covering_only_india_is_not_a_candidate_for_vietnam():
    alstom = (place("VN", "Hanoi", ["71"], ["M"]), place("IN", "Bangalore", ["71"], ["M"]))

    ranking = rank(HANOI, [candidate(1, *alstom, covers=frozenset({"IN"}))])

    assert ranking == Ranking(available=[], unavailable=[])
    assert ranking.nearby_only is False


# --- Hosting ---------------------------------------------------------------------------------


def test_rank_hosting_chooses_an_offer_with_enough_free_desks_in_the_city_first():
    need = replace(HANOI, wants_hosting=True, desks=2)
    offers = (
        Offer(id=11, country="VN", city="Hanoi", free_desks=1),  # too few desks
        Offer(id=12, country="VN", city="Hô Chi Minh-Ville", free_desks=5),
        Offer(id=13, country="VN", city="Hanoi", free_desks=2),
        Offer(id=14, country="TH", city="Bangkok", free_desks=9),  # not in the country
    )

    ranked = only(rank(need, [candidate(1, place("VN", "Hanoi"), offers=offers)]))

    assert ranked.offer_id == 13
    assert ranked.reasons[3:5] == [
        "Hébergement possible à Hanoi : 2 postes libres.",
        "L'offre est dans la ville visée.",
    ]


def test_rank_hosting_elsewhere_in_the_country_scores_less_than_in_the_city():
    need = replace(HANOI, wants_hosting=True, desks=2)
    in_hanoi = candidate(1, place("VN"), offers=(Offer(11, "VN", "Hanoi", 2),))
    in_saigon = candidate(2, place("VN"), offers=(Offer(12, "VN", "Hô Chi Minh-Ville", 2),))
    no_offer = candidate(3, place("VN"))

    ranking = rank(need, [no_offer, in_saigon, in_hanoi])

    assert ids(ranking.available) == [1, 2, 3]
    assert [r.offer_id for r in ranking.available] == [11, 12, None]
    assert [r.score for r in ranking.available] == [
        W_COUNTRY + W_HOSTING + W_HOSTING_CITY + FREE_CAPACITY + NEWCOMER_RECORD,
        W_COUNTRY + W_HOSTING + FREE_CAPACITY + NEWCOMER_RECORD,
        W_COUNTRY + FREE_CAPACITY + NEWCOMER_RECORD,
    ]


def test_rank_hosting_prefers_an_offer_taking_vie_when_vie_are_asked():
    need = replace(HANOI, wants_hosting=True, desks=2, vie=1)
    offers = (
        Offer(id=11, country="VN", city="Hanoi", free_desks=4, vie_accepted=False),
        Offer(id=12, country="VN", city="Hô Chi Minh-Ville", free_desks=2, vie_accepted=True),
    )

    ranked = only(rank(need, [candidate(1, place("VN", "Hanoi"), offers=offers)]))

    assert ranked.offer_id == 12
    assert ranked.reasons[3:5] == [
        "Hébergement possible à Hô Chi Minh-Ville : 2 postes libres.",
        "VIE acceptés.",
    ]
    assert ranked.score == (
        W_COUNTRY + W_CITY + W_HOSTING + W_VIE + FREE_CAPACITY + NEWCOMER_RECORD
    )


def test_rank_hosting_falls_back_to_an_offer_without_vie():
    need = replace(HANOI, wants_hosting=True, desks=2, vie=1)
    offers = (Offer(id=11, country="VN", city="Hanoi", free_desks=4, vie_accepted=False),)

    ranked = only(rank(need, [candidate(1, place("VN", "Hanoi"), offers=offers)]))

    assert ranked.offer_id == 11
    assert "VIE acceptés." not in ranked.reasons


def test_rank_hosting_without_a_fitting_offer_says_so():
    need = replace(HANOI, wants_hosting=True, desks=3)
    offers = (Offer(id=11, country="VN", city="Hanoi", free_desks=2),)

    ranked = only(rank(need, [candidate(1, place("VN", "Hanoi"), offers=offers)]))

    assert ranked.offer_id is None
    assert ranked.reasons[3] == (
        "Pas d'offre d'hébergement avec assez de postes libres dans le pays."
    )
    assert ranked.score == W_COUNTRY + W_CITY + FREE_CAPACITY + NEWCOMER_RECORD
    assert ranked.available is True


def test_rank_hosting_not_asked_chooses_no_offer():
    offers = (Offer(id=11, country="VN", city="Hanoi", free_desks=2),)

    ranked = only(rank(HANOI, [candidate(1, place("VN", "Hanoi"), offers=offers)]))

    assert ranked.offer_id is None


# --- Capacity and record ---------------------------------------------------------------------


def test_rank_capacity_scores_the_share_left_free():
    def capacity_points(capacity: int, open_accompaniments: int) -> int:
        person = candidate(
            1, place("VN"), capacity=capacity, open_accompaniments=open_accompaniments
        )
        return only(rank(VIETNAM, [person])).score - W_COUNTRY - NEWCOMER_RECORD

    assert [capacity_points(4, n) for n in range(4)] == [8, 6, 4, 2]
    assert [capacity_points(3, n) for n in range(3)] == [8, 5, 3]


def test_rank_capacity_reason_gives_the_figures():
    person = candidate(1, place("VN"), capacity=4, open_accompaniments=1)

    assert "Capacité : 1 dossier suivi sur 4." in only(rank(VIETNAM, [person])).reasons


def test_rank_record_newcomer_is_not_below_one_declined_proposal():
    newcomer = candidate(1, place("VN"))
    declined_once = candidate(2, place("VN"), proposals=1)

    ranking = rank(VIETNAM, [declined_once, newcomer])

    assert ids(ranking.available) == [1, 2]
    assert [r.score for r in ranking.available] == [
        W_COUNTRY + FREE_CAPACITY + NEWCOMER_RECORD,
        W_COUNTRY + FREE_CAPACITY + 6,
    ]
    assert ranking.available[0].reasons[-1] == "Nouveau correspondant : pas encore d'historique."
    assert ranking.available[1].reasons[-1] == "0 sur 1 proposition acceptée."


def test_rank_record_ten_accepted_rated_five_is_above_a_newcomer():
    newcomer = candidate(1, place("VN"))
    seasoned = candidate(2, place("VN"), proposals=10, accepted=10, rating_sum=50, rating_count=10)

    ranking = rank(VIETNAM, [newcomer, seasoned])

    assert ids(ranking.available) == [2, 1]
    assert ranking.available[0].score == W_COUNTRY + FREE_CAPACITY + 9
    assert ranking.available[0].reasons[-1] == (
        "10 sur 10 propositions acceptées, note moyenne 5,0/5."
    )


# --- Unavailable: set apart with the reason --------------------------------------------------


def test_rank_declined_this_application_is_set_apart():
    ranking = rank(
        VIETNAM, [candidate(1, place("VN")), candidate(2, place("VN"), declined_this=True)]
    )

    assert ids(ranking.available) == [1]
    assert ids(ranking.unavailable) == [2]
    assert ranking.unavailable[0].unavailable == "A déjà décliné ce dossier."
    assert ranking.unavailable[0].available is False


def test_rank_full_interlocutor_is_set_apart():
    full = candidate(2, place("VN"), capacity=3, open_accompaniments=3)

    ranking = rank(VIETNAM, [candidate(1, place("VN")), full])

    assert ids(ranking.available) == [1]
    assert ids(ranking.unavailable) == [2]
    assert ranking.unavailable[0].unavailable == "Capacité atteinte (3 dossiers suivis)."
    assert ranking.unavailable[0].score == W_COUNTRY + NEWCOMER_RECORD


def test_rank_absent_interlocutor_is_set_apart_with_the_date_of_return():
    absent = candidate(2, place("VN"), absent_until=date(2026, 3, 15))

    ranking = rank(VIETNAM, [candidate(1, place("VN")), absent])

    assert ids(ranking.available) == [1]
    assert ids(ranking.unavailable) == [2]
    assert ranking.unavailable[0].unavailable == "Absent jusqu'au 15/03/2026."
    # Set apart, not penalised: the score is the one they would have if present.
    assert ranking.unavailable[0].score == ranking.available[0].score


def test_rank_unavailable_reason_declined_comes_before_full_and_absent():
    everything = candidate(
        1,
        place("VN"),
        declined_this=True,
        capacity=1,
        open_accompaniments=1,
        absent_until=date(2026, 3, 15),
    )
    full_and_absent = replace(everything, id=2, declined_this=False)

    ranking = rank(VIETNAM, [everything, full_and_absent])

    assert [(r.candidate.id, r.unavailable) for r in ranking.unavailable] == [
        (1, "A déjà décliné ce dossier."),
        (2, "Capacité atteinte (1 dossier suivi)."),
    ]


# --- The M49 sub-region fallback -------------------------------------------------------------


def test_rank_subregion_fallback_when_nobody_is_present_in_the_country():
    in_thailand = candidate(1, place("TH", "Bangkok", ["71"], ["M"]), corporation="Spie")
    in_india = candidate(2, place("IN", "Bangalore", ["71"], ["M"]))  # Southern Asia

    ranking = rank(HANOI, [in_india, in_thailand])

    assert ids(ranking.available) == [1]
    assert ranking.available[0].nearby is True
    assert ranking.nearby_only is True
    assert ranking.available[0].reasons[:2] == [
        "Présent dans la même sous-région (TH), pas dans le pays.",
        "Même métier sur place (NAF 71).",
    ]
    assert ranking.available[0].score == (
        W_SUBREGION + W_DIVISION + FREE_CAPACITY + NEWCOMER_RECORD
    )


def test_rank_subregion_neighbours_are_not_listed_when_someone_is_in_the_country():
    in_vietnam = candidate(1, place("VN"))
    in_thailand = candidate(2, place("TH", "Bangkok", ["71"], ["M"]))

    ranking = rank(HANOI, [in_thailand, in_vietnam])

    assert ids(ranking.available) == [1]
    assert ids(ranking.unavailable) == []
    assert ranking.available[0].nearby is False
    assert ranking.nearby_only is False


def test_rank_subregion_fallback_lists_every_neighbour_country_covered():
    neighbour = candidate(
        1,
        place("TH", "Bangkok"),
        place("MY", "Kuala Lumpur"),
        place("ID", "Jakarta"),
        covers=frozenset({"TH", "MY"}),
    )

    ranked = only(rank(VIETNAM, [neighbour]))

    assert ranked.reasons[0] == "Présent dans la même sous-région (MY, TH), pas dans le pays."


def test_rank_subregion_fallback_keeps_unavailable_neighbours_apart():
    ranking = rank(
        VIETNAM,
        [candidate(1, place("TH")), candidate(2, place("MY"), declined_this=True)],
    )

    assert ids(ranking.available) == [1]
    assert ids(ranking.unavailable) == [2]
    assert ranking.nearby_only is True


def test_rank_nobody_anywhere_gives_an_empty_ranking():
    ranking = rank(VIETNAM, [candidate(1, place("FR"))])

    assert ranking == Ranking(available=[], unavailable=[])
    assert ranking.nearby_only is False


# --- Order -----------------------------------------------------------------------------------


def test_rank_ties_are_broken_by_corporation_then_name_then_id():
    people = [
        candidate(4, place("VN"), corporation="EDF", name="Anne Tran"),
        candidate(3, place("VN"), corporation="Alstom", name="Marc Durand"),
        candidate(2, place("VN"), corporation="Alstom", name="Anne Tran"),
        candidate(1, place("VN"), corporation="Alstom", name="Anne Tran"),
    ]

    assert ids(rank(VIETNAM, people).available) == [1, 2, 3, 4]


def test_rank_subregion_fallback_keeps_whoever_follows_the_target_country_from_a_neighbour():
    # Follows Vietnam from the group's Bangkok office: knows the target country.
    from_bangkok = candidate(1, place("TH", "Bangkok"), covers=frozenset({"VN"}))
    elsewhere = candidate(2, place("TH", "Bangkok"), covers=frozenset({"IN"}))

    ranking = rank(VIETNAM, [from_bangkok, elsewhere])

    assert ids(ranking.available) == [1]
    assert "Le correspondant suit ce pays." in ranking.available[0].reasons
