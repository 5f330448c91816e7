"""The panel "Et maintenant ?" in the browser: its main action unfolds the form it names and
puts the focus in it, with the mouse or the keyboard."""

import pytest
from playwright.sync_api import expect

from applications.enums import State

pytestmark = [
    pytest.mark.browser,
    # The live server reads the data from another thread: it must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_main_action_unfolds_the_answer_form_and_focuses_it(journey, application_in, sme_user):
    application = application_in(State.AWAITING_INFORMATION)
    page = journey.page
    journey.log_in(sme_user)
    page.goto(journey.url("applications:detail", application.pk))
    panel = page.get_by_test_id("next-step")
    form = page.locator("#action-answer_information")

    expect(panel.get_by_test_id("next-step-waiting-for")).to_have_text("vous")
    expect(form).not_to_be_visible()
    expect(page.get_by_test_id("message-not-answer")).to_be_visible()
    panel.get_by_test_id("next-step-action").focus()
    page.keyboard.press("Enter")

    expect(form).to_be_visible()
    expect(form.locator("textarea").first).to_be_focused()
    journey.shot("sme-next-step-answer")
