"""Typography in each language: counts, numbers, money and dates (core.typography), the
sentences that count, and English without French spaces before its punctuation."""

from datetime import UTC, date, datetime
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from applications.documents import _megabytes
from applications.forms import MessageForm
from core import typography
from corporations.matching import Text, _say

NBSP = "\xa0"
PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def in_(language, function, *args):
    with translation.override(language):
        return function(*args)


def render(language: str, source: str, **context) -> str:
    with translation.override(language):
        return Template("{% load i18n typography %}" + source).render(Context(context))


# --- Numbers and money ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "french", "english"),
    [
        (4.8, 1, "4,8", "4.8"),
        (4.75, 1, "4,8", "4.8"),  # rounded half up, never truncated
        (5, 1, "5,0", "5.0"),
        (1200, None, f"1{NBSP}200", "1,200"),
        (1234567, None, f"1{NBSP}234{NBSP}567", "1,234,567"),
        (25.5, 1, "25,5", "25.5"),
        (None, None, "", ""),
    ],
)
def test_numbers_in_each_locale(value, decimals, french, english):
    assert in_("fr", typography.number, value, decimals) == french
    assert in_("en", typography.number, value, decimals) == english


@pytest.mark.parametrize(
    ("amount", "french", "english"),
    [
        (1200, f"1{NBSP}200{NBSP}€", "€1,200"),
        (900, f"900{NBSP}€", "€900"),
        (0, f"0{NBSP}€", "€0"),
        ("1250.50", f"1{NBSP}250,50{NBSP}€", "€1,250.50"),
        (None, "", ""),
    ],
)
def test_money_in_each_locale(amount, french, english):
    assert in_("fr", typography.money, amount) == french
    assert in_("en", typography.money, amount) == english


@pytest.mark.parametrize(
    ("value", "decimals", "french", "english"),
    [
        (42, 0, f"42{NBSP}%", "42%"),
        (77.777, "-1", f"77,8{NBSP}%", "77.8%"),
        (80.0, "-1", f"80{NBSP}%", "80%"),
        (None, 0, "", ""),
    ],
)
def test_percentages_in_each_locale(value, decimals, french, english):
    assert in_("fr", typography.percent, value, decimals) == french
    assert in_("en", typography.percent, value, decimals) == english


def test_the_filters_are_the_functions():
    assert render("fr", "{{ x|money }} · {{ y|number:1 }}", x=1200, y=4.75) == (
        f"1{NBSP}200{NBSP}€ · 4,8"
    )
    assert render("en", "{{ x|money }} · {{ y|number:1 }}", x=1200, y=4.75) == "€1,200 · 4.8"


def test_megabytes_in_each_locale():
    assert in_("fr", _megabytes, 1536 * 1024) == "1,5"
    assert in_("en", _megabytes, 1536 * 1024) == "1.5"
    assert in_("fr", _megabytes, 10 * 1024 * 1024) == "10"


# --- Dates: long in texts, short in lists ------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "french", "english"),
    [
        (date(2026, 2, 1), "1er février 2026", "February 1, 2026"),
        (date(2026, 12, 3), "3 décembre 2026", "December 3, 2026"),
        (date(2026, 9, 11), "11 septembre 2026", "September 11, 2026"),
        (None, "", ""),
    ],
)
def test_long_dates(day, french, english):
    assert in_("fr", typography.long_date, day) == french
    assert in_("en", typography.long_date, day) == english


def test_long_datetimes_are_local_time():
    moment = datetime(2026, 2, 1, 8, 30, tzinfo=UTC)  # 09:30 in Paris

    assert in_("fr", typography.long_datetime, moment) == "1er février 2026 à 09:30"
    assert in_("en", typography.long_datetime, moment) == "February 1, 2026, 9:30 a.m."
    assert in_("fr", typography.long_datetime, datetime(2026, 3, 15, 11, 5, tzinfo=UTC)) == (
        "15 mars 2026 à 12:05"
    )


def test_a_utc_moment_late_in_the_evening_is_the_next_day_in_paris():
    moment = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)

    assert in_("fr", typography.long_date, moment) == "1er février 2026"
    assert in_("fr", typography.list_date, moment) == "01/02/2026"


def test_list_dates():
    moment = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)

    assert in_("fr", typography.list_date, date(2026, 12, 3)) == "03/12/2026"
    assert in_("en", typography.list_date, date(2026, 12, 3)) == "12/03/2026"
    assert in_("fr", typography.list_datetime, moment) == "03/12/2026 09:00"


def test_the_date_filters_in_a_sentence():
    source = (
        "{% blocktranslate with date=day|long_date %}à partir du {{ date }}{% endblocktranslate %}"
    )
    assert render("fr", source, day=date(2026, 9, 1)) == "à partir du 1er septembre 2026"


# --- Counts: real plurals for 0, 1 and 2 -----------------------------------------------------


@pytest.mark.parametrize(
    ("count", "french", "english"),
    [
        (0, "Capacité : 0 dossier suivi sur 3.", "Capacity: 0 applications followed out of 3."),
        (1, "Capacité : 1 dossier suivi sur 3.", "Capacity: 1 application followed out of 3."),
        (2, "Capacité : 2 dossiers suivis sur 3.", "Capacity: 2 applications followed out of 3."),
    ],
)
def test_the_capacity_reason_counts(count, french, english):
    parameters = {"open": count, "capacity": 3}

    assert in_("fr", _say, Text.LOAD, parameters) == french
    assert in_("en", _say, Text.LOAD, parameters) == english


@pytest.mark.parametrize(
    ("free", "french", "english"),
    [
        (0, "0 poste libre.", "0 free desks."),
        (1, "1 poste libre.", "1 free desk."),
        (2, "2 postes libres.", "2 free desks."),
    ],
)
def test_the_hosting_reason_counts(free, french, english):
    parameters = {"city": "Hanoi", "free": free}

    assert in_("fr", _say, Text.HOSTING, parameters) == f"Hébergement possible à Hanoi : {french}"
    assert in_("en", _say, Text.HOSTING, parameters) == f"Hosting possible in Hanoi: {english}"


def test_the_record_reason_counts_and_writes_the_rating_in_the_locale():
    one = {"accepted": 1, "proposals": 1, "rating": 4.75}
    two = {"accepted": 1, "proposals": 2, "rating": 4.0}

    assert in_("fr", _say, Text.RECORD_RATED, one) == (
        "1 sur 1 proposition acceptée, note moyenne 4,8/5."
    )
    assert in_("en", _say, Text.RECORD_RATED, one) == (
        "1 of 1 proposal accepted, average rating 4.8/5."
    )
    assert in_("fr", _say, Text.RECORD, two) == "1 sur 2 propositions acceptées."
    assert in_("en", _say, Text.RECORD, two) == "1 of 2 proposals accepted."


@pytest.mark.parametrize(
    ("reserved", "desks", "french", "english"),
    [
        (0, 1, "0 sur 1 poste occupé", "0 of 1 desk taken"),
        (1, 1, "1 sur 1 poste occupé", "1 of 1 desk taken"),
        (1, 2, "1 sur 2 postes occupés", "1 of 2 desks taken"),
        (2, 2, "2 sur 2 postes occupés", "2 of 2 desks taken"),
    ],
)
def test_the_desks_taken_count(reserved, desks, french, english):
    source = (
        "{% blocktranslate with reserved=r count desks=d %}{{ reserved }} sur {{ desks }} poste "
        "occupé{% plural %}{{ reserved }} sur {{ desks }} postes occupés{% endblocktranslate %}"
    )
    assert render("fr", source, r=reserved, d=desks) == french
    assert render("en", source, r=reserved, d=desks) == english


# --- The help text of attachments, in the reader's language -----------------------------------


def test_the_attachments_help_text_follows_the_language():
    limit = settings.DOCUMENT_MAX_BYTES // (1024 * 1024)
    count = settings.DOCUMENT_MAX_PER_REQUEST

    with translation.override("en"):
        english = str(MessageForm().fields["attachments"].help_text)
    with translation.override("fr"):
        french = str(MessageForm().fields["attachments"].help_text)

    assert english == (
        f"Up to {count} files: PDF, PNG, JPEG, DOCX, XLSX, ODT or ODS; {limit} MB at most each."
    )
    assert french == (
        f"Jusqu'à {count} fichiers : PDF, PNG, JPEG, DOCX, XLSX, ODT ou ODS ; {limit} Mo au "
        "plus chacun."
    )


# --- English punctuation ---------------------------------------------------------------------


def test_no_english_translation_has_french_spacing_or_quotes():
    offences = [
        (entry.msgid, text)
        for entry in polib.pofile(str(PO))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        if any(mark in text for mark in (" :", " ;", " ?", " !", NBSP + ":", "«", "»"))
    ]

    assert offences == []


def test_label_and_quote_in_english_and_in_french():
    source = (
        "{% blocktranslate with label=a value=b %}{{ label }} : {{ value }}{% endblocktranslate %}"
        " {% blocktranslate with quote=q %}« {{ quote }} »{% endblocktranslate %}"
    )
    assert render("en", source, a="Date", b="x", q="Yes") == "Date: x “Yes”"
    assert render("fr", source, a="Date", b="x", q="Oui") == "Date : x « Oui »"


def test_the_list_separator_in_each_language():
    source = '{% translate " ; " context "list separator" %}'

    assert render("en", source) == "; "
    assert render("fr", source) == " ; "


def test_every_counted_message_has_its_french_plural_forms():
    french = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    counted = {
        (entry.msgctxt, entry.msgid, entry.msgid_plural)
        for entry in polib.pofile(str(PO))
        if entry.msgid_plural
    }
    forms = {
        (entry.msgctxt, entry.msgid, entry.msgid_plural): entry.msgstr_plural
        for entry in polib.pofile(str(french))
    }

    assert set(forms) == counted
    assert all(forms[key] == {0: key[1], 1: key[2]} for key in counted)


@pytest.mark.parametrize(
    ("day", "french", "english"),
    [
        (date(2026, 11, 30), "lundi 30 novembre", "Monday, November 30"),
        (date(2026, 12, 1), "mardi 1er décembre", "Tuesday, December 1"),
        (date(2025, 12, 1), "lundi 1er décembre 2025", "Monday, December 1, 2025"),
    ],
)
def test_day_headings_give_the_year_when_it_is_another(day, french, english):
    assert in_("fr", typography.day_heading, day, 2026) == french
    assert in_("en", typography.day_heading, day, 2026) == english
