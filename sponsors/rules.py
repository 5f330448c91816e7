"""Permission predicates for sponsor advisors."""

import rules


def advisor_body_id(user) -> int | None:
    if not user.is_authenticated or not user.is_active:
        return None
    membership = getattr(user, "advisor_membership", None)
    return membership.sponsor_body_id if membership else None


@rules.predicate
def is_advisor(user) -> bool:
    return advisor_body_id(user) is not None


@rules.predicate
def is_advisor_of_sponsor(user, application) -> bool:
    body_id = advisor_body_id(user)
    return body_id is not None and application.sponsor_body_id == body_id


rules.add_perm("sponsors.view_sponsor_queue", is_advisor)
