"""Permission predicates and permissions on companies and applications.

Permissions here say who may act on an application; which actions its current state allows is
the transition table in `workflow.py`. A view needs both.
"""

import rules

from accounts.rules import is_association_staff
from corporations.rules import is_following_interlocutor, is_proposed_interlocutor
from sponsors.rules import is_advisor_of_sponsor

from .enums import State


def company_id_of(user) -> int | None:
    if not user.is_authenticated or not user.is_active:
        return None
    membership = getattr(user, "company_membership", None)
    return membership.company_id if membership else None


@rules.predicate
def has_company(user) -> bool:
    return company_id_of(user) is not None


@rules.predicate
def is_company_member(user, application) -> bool:
    company_id = company_id_of(user)
    return company_id is not None and application.company_id == company_id


@rules.predicate
def is_draft(user, application) -> bool:
    return application.state == State.DRAFT


@rules.predicate
def is_open(user, application) -> bool:
    return application.state not in State.terminal()


can_view = (
    is_company_member
    | (is_advisor_of_sponsor & ~is_draft)
    | (is_association_staff & ~is_draft)
    | is_proposed_interlocutor
    | is_following_interlocutor
)

rules.add_perm("applications.view_application", can_view)
rules.add_perm("applications.add_application", has_company)
# The company's own list of applications (its dashboard) and its export.
rules.add_perm("applications.view_company_applications", has_company)
rules.add_perm("applications.change_application", is_company_member & is_draft)
rules.add_perm("applications.delete_application", is_company_member & is_draft)
# One permission per workflow action, named after the action.
rules.add_perm("applications.submit_application", is_company_member)
rules.add_perm("applications.withdraw_application", is_company_member)
rules.add_perm("applications.answer_information_application", is_company_member)
rules.add_perm("applications.rate_application", is_company_member)
rules.add_perm("applications.endorse_application", is_advisor_of_sponsor)
rules.add_perm("applications.decline_endorsement_application", is_advisor_of_sponsor)
rules.add_perm("applications.request_information_application", is_association_staff)
rules.add_perm("applications.reject_application", is_association_staff)
rules.add_perm("applications.propose_application", is_association_staff)
# The matching ranking (scores, reasons, who declined): the association's working tool.
rules.add_perm("applications.view_ranking", is_association_staff)
# Who follows the review: assigned on endorsement, handed over by staff.
rules.add_perm("applications.assign_owner", is_association_staff & ~is_draft)
rules.add_perm("applications.accept_match_application", is_proposed_interlocutor)
rules.add_perm("applications.decline_match_application", is_proposed_interlocutor)
rules.add_perm("applications.close_application", is_association_staff | is_following_interlocutor)
# The SME attaches documents to its application while it is open.
rules.add_perm("applications.attach_document", is_company_member & is_open)
# The conversation: whoever may see the application once it is submitted writes in it while it
# is open (the interlocutor once it is proposed to them); staff also write internal notes,
# which only staff read, with their documents.
rules.add_perm("applications.post_message", can_view & ~is_draft & is_open)
rules.add_perm("applications.write_note", is_association_staff & ~is_draft)
rules.add_perm("applications.view_notes", is_association_staff)
