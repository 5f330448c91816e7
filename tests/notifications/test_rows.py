"""The bell's list, written in Python: it says what its template said."""

from pathlib import Path

import pytest
from django.template import Context, Engine
from django.utils import timezone, translation

from notifications import rows
from notifications.enums import Kind
from notifications.models import Notification

pytestmark = pytest.mark.django_db

# The template's loop the rows replaced, kept here as what they must keep writing.
REFERENCE = Engine(
    dirs=[Path(__file__).parent], libraries={"i18n": "django.templatetags.i18n"}
).get_template("reference_items.html")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_items_are_what_the_template_wrote(language, sme_user):
    now = timezone.now()
    made = [
        ("unread, with an excerpt", 'Première ligne\n<b>deux</b> & "trois"', None),
        ("unread, without an excerpt", "", None),
        ("read <script>", "x" * 300, now),
        ("read, without an excerpt", "", now),
    ]
    for n, (title, excerpt, read_at) in enumerate(made):
        Notification.objects.create(
            user=sme_user,
            kind=Kind.MESSAGE if n % 2 else Kind.DECISION,
            source=f"test:{n}",
            title=title,
            excerpt=excerpt,
            url="/",
            read_at=read_at,
        )
    notifications = list(sme_user.notifications.all())

    with translation.override(language):
        expected = REFERENCE.render(Context({"page": {"object_list": notifications}}))
        written = "  " + "".join(rows.items(notifications))

    assert written == expected.strip("\n")  # the file's own first and last line breaks
    assert written.count('data-testid="mark-read"') == 2
