"""The personas' names, for the tests that go through each of them (their fixtures are in
`tests/conftest.py`): company A's people, each beside the one of organisation B that must see
nothing of A's, and the association's staff."""

PEOPLE = (
    "sme_user",
    "other_sme_user",
    "advisor",
    "other_advisor",
    "staff_user",
    "interlocutor",
    "other_interlocutor",
)
# With the administrator, who may use Django's admin.
WITH_ADMIN = (*PEOPLE, "admin_user")
# With someone not signed in.
EVERYONE = (*WITH_ADMIN, "anonymous_user")
