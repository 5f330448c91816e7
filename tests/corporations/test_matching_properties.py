"""Properties of the matching engine, checked with hypothesis over generated plain data.

Small alphabets on purpose: five countries in three M49 sub-regions, a few cities, NAF
divisions of four sections, names and corporations that tie, so that the generated candidates
often meet in the same country, city and trade, and the tie-breaks and the fallback are hit.
"""

from dataclasses import replace
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corporations.matching import Candidate, Need, Offer, Place, Ranked, Ranking, rank
from reference import m49

# South-eastern Asia (035), Southern Asia (034), Western Europe (155).
COUNTRIES = ["VN", "TH", "MY", "IN", "FR"]
CITIES = ["", "Hanoi", "hanoi", "Bangkok", "Mumbai", "Paris"]
# NAF divisions and their sections.
SECTION_OF = {"71": "M", "70": "M", "35": "D", "42": "F", "43": "F", "30": "C"}
SECTIONS = sorted(set(SECTION_OF.values()))
NAMES = ["Anne Tran", "Marc Durand", "Thomas Lambert"]
CORPORATIONS = ["Alstom", "EDF", "Spie"]
TODAY = date(2026, 3, 2)
RETURN_DATE = date(2026, 3, 15)

# `database=None`: no `.hypothesis/` directory of saved examples in the working tree.
PROPERTY = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

countries = st.sampled_from(COUNTRIES)
cities = st.sampled_from(CITIES)
divisions = st.frozensets(st.sampled_from(sorted(SECTION_OF)), max_size=3)


@st.composite
def places(draw, country=countries) -> Place:
    where = draw(country)
    trades = draw(divisions)
    # A presence's sections: those of its divisions, and sometimes a section on its own.
    sections = frozenset(SECTION_OF[d] for d in trades) | draw(
        st.frozensets(st.sampled_from(SECTIONS), max_size=1)
    )
    return Place(
        country=where,
        city=draw(cities),
        divisions=trades,
        sections=sections,
        subregion=m49.subregion_of(where),
    )


@st.composite
def needs(draw) -> Need:
    country = draw(countries)
    division = draw(st.sampled_from(["", *sorted(SECTION_OF)]))
    # A company classified by a section only has no division (see `selectors.need_of`).
    section = SECTION_OF[division] if division else draw(st.sampled_from(SECTIONS))
    wants_hosting = draw(st.booleans())
    return Need(
        country=country,
        city=draw(cities),
        subregion=m49.subregion_of(country),
        division=division,
        section=section,
        wants_hosting=wants_hosting,
        desks=draw(st.integers(0, 4)) if wants_hosting else 0,
        vie=draw(st.integers(0, 2)) if wants_hosting else 0,
        on=TODAY,
    )


@st.composite
def candidate_lists(draw, max_size: int = 6) -> list[Candidate]:
    """Unique ids; some declined or absent, more of them full, most available."""
    size = draw(st.integers(0, max_size))
    offer_ids = iter(range(1, 1000))
    result = []
    for candidate_id in range(1, size + 1):
        offers = tuple(
            Offer(
                id=next(offer_ids),
                country=draw(countries),
                city=draw(cities),
                free_desks=draw(st.integers(0, 5)),
                vie_accepted=draw(st.booleans()),
            )
            for _ in range(draw(st.integers(0, 2)))
        )
        capacity = draw(st.sampled_from([3, 1, 2, 4, 0]))
        proposals = draw(st.integers(0, 12))
        accepted = draw(st.integers(0, proposals))
        rating_count = draw(st.integers(0, accepted))
        rating_sum = draw(st.integers(rating_count, 5 * rating_count))
        result.append(
            Candidate(
                id=candidate_id,
                name=draw(st.sampled_from(NAMES)),
                corporation=draw(st.sampled_from(CORPORATIONS)),
                # Half of them cover all their corporation's countries (empty), half a few.
                covers=draw(st.one_of(st.just(frozenset()), st.frozensets(countries, max_size=2))),
                follows=draw(st.frozensets(st.sampled_from(sorted(SECTION_OF) + SECTIONS))),
                places=tuple(draw(st.lists(places(), min_size=1, max_size=3))),
                offers=offers,
                capacity=capacity,
                # Up to one beyond capacity: the engine must not trust the constraint.
                open_accompaniments=draw(st.sampled_from(range(capacity + 2))),
                absent_until=draw(st.sampled_from([None] * 7 + [RETURN_DATE])),
                proposals=proposals,
                accepted=accepted,
                rating_sum=rating_sum,
                rating_count=rating_count,
                declined_this=draw(st.sampled_from([False] * 7 + [True])),
            )
        )
    return result


def ranked(ranking: Ranking) -> list[Ranked]:
    return ranking.available + ranking.unavailable


def score_of(ranking: Ranking, candidate_id: int) -> int | None:
    return next((r.score for r in ranked(ranking) if r.candidate.id == candidate_id), None)


def present_in(candidate: Candidate, country: str) -> bool:
    """The corporation operates in `country` and the interlocutor covers it."""
    return any(
        p.country == country and (not candidate.covers or country in candidate.covers)
        for p in candidate.places
    )


def present_in_subregion(candidate: Candidate, need: Need) -> bool:
    """The corporation operates in the target's sub-region, in a country the interlocutor
    covers, or the interlocutor covers the target country itself."""
    if need.subregion is None:
        return False
    neighbours = m49.countries_in(need.subregion)
    return any(
        p.country in neighbours
        and (not candidate.covers or bool({p.country, need.country} & candidate.covers))
        for p in candidate.places
    )


def outcome(ranking: Ranking) -> tuple:
    """Everything a ranking says, in its order."""

    def rows(items):
        return [
            (r.candidate.id, r.score, r.reasons, r.nearby, r.offer_id, r.unavailable) for r in items
        ]

    return rows(ranking.available), rows(ranking.unavailable)


@PROPERTY
@given(need=needs(), candidates=candidate_lists(), data=st.data())
def test_rank_presence_in_the_target_country_never_lowers_a_candidate(need, candidates, data):
    candidates = candidates or [Candidate(id=1, name="Anne Tran", corporation="Alstom")]
    # Grow a candidate who is ranked, when anyone is: the property says nothing of the others.
    listed = {r.candidate.id for r in ranked(rank(need, candidates))}
    indexes = [i for i, c in enumerate(candidates) if c.id in listed] or range(len(candidates))
    index = data.draw(st.sampled_from(indexes), label="index")
    new_place = data.draw(places(country=st.just(need.country)), label="new_place")
    before = score_of(rank(need, candidates), candidates[index].id)

    grown = replace(candidates[index], places=(*candidates[index].places, new_place))
    after = score_of(rank(need, [*candidates[:index], grown, *candidates[index + 1 :]]), grown.id)

    if before is not None:
        assert after is not None
        assert after >= before


@PROPERTY
@given(need=needs(), candidates=candidate_lists())
def test_rank_full_interlocutor_is_never_available(need, candidates):
    ranking = rank(need, candidates)

    for r in ranking.available:
        assert r.candidate.open_accompaniments < r.candidate.capacity
    full = {c.id for c in candidates if c.open_accompaniments >= c.capacity}
    assert full.isdisjoint(r.candidate.id for r in ranking.available)


@PROPERTY
@given(need=needs(), candidates=candidate_lists(), data=st.data())
def test_rank_does_not_depend_on_the_order_of_the_input(need, candidates, data):
    shuffled = data.draw(st.permutations(candidates), label="shuffled")

    assert outcome(rank(need, shuffled)) == outcome(rank(need, candidates))


@PROPERTY
@given(need=needs(), candidates=candidate_lists())
def test_rank_available_is_sorted_by_score_descending(need, candidates):
    ranking = rank(need, candidates)

    scores = [r.score for r in ranking.available]
    assert scores == sorted(scores, reverse=True)
    unavailable_scores = [r.score for r in ranking.unavailable]
    assert unavailable_scores == sorted(unavailable_scores, reverse=True)


@PROPERTY
@given(need=needs(), candidates=candidate_lists())
def test_rank_lists_the_country_or_only_failing_anyone_there_the_subregion(need, candidates):
    ranking = rank(need, candidates)

    anyone_in_country = any(present_in(c, need.country) for c in candidates)
    for r in ranked(ranking):
        if anyone_in_country:
            assert present_in(r.candidate, need.country)
            assert r.nearby is False
        else:
            assert present_in_subregion(r.candidate, need)
            assert r.nearby is True
    # And nobody who is there is left out.
    listed = {r.candidate.id for r in ranked(ranking)}
    if anyone_in_country:
        assert listed == {c.id for c in candidates if present_in(c, need.country)}
    else:
        assert listed == {c.id for c in candidates if present_in_subregion(c, need)}
    assert ranking.nearby_only is (bool(listed) and not anyone_in_country)
