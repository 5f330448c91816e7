"""Typography in the reader's language, decided here once: numbers, money and dates.

French in French, English in English (the active language), for the templates
(`{% load typography %}`, a library named in settings.TEMPLATES) and for the Python that
writes rows and sentences (applications.rows, corporations.matching):

- numbers: the locale's decimal mark and thousands grouping, in both languages and whatever
  USE_THOUSAND_SEPARATOR says (it stays off: it would group years and references too):
  "4,8" and "1 200" in French (a no-break space, Django's French THOUSAND_SEPARATOR), "4.8"
  and "1,200" in English; rounded, never truncated.
- shares through `percent`: "42 %" in French (a no-break space), "42%" in English.
- money, always through `money`: "1 200 €" in French (a no-break space before the sign),
  "€1,200" in English; whole euros unless there are cents.
- dates, one format per kind of place:
  - lists and tables (rows, timelines, queues, digests): the short date, `list_date`
    ("03/12/2026", "12/03/2026") and `list_datetime`;
  - texts (sentences, mails, headings): the long date, `long_date` ("1er février 2026",
    "February 1, 2026") and `long_datetime` ("1er février 2026 à 09:30",
    "February 1, 2026, 9:30 a.m."); in French, the first day of a month is "1er";
  - a list's headings by day (the notifications): `day_heading`, the weekday and the day
    ("lundi 30 novembre", "Monday, November 30"), with the year when it is not this year's.
- counts: `ngettext` and `{% blocktranslate count %}` in place (they need the sentence).
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils import formats, timezone, translation

register = template.Library()

NBSP = "\xa0"

# The long formats, by language; "1er" is added for French below.
LONG_DATE = {"fr": "j F Y", "en": "F j, Y"}
LONG_DATETIME = {"fr": r"j F Y \à H:i", "en": "F j, Y, P"}


def _french() -> bool:
    return (translation.get_language() or "fr").startswith("fr")


def _local(value):
    """An aware datetime in the portal's time zone (what the `date` filter shows)."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def number(value, decimals: int | None = None) -> str:
    """`value` in the active locale's format, grouped by thousands, rounded half up to
    `decimals` places (as many as it has when None)."""
    if value is None or value == "":
        return ""
    if decimals is not None:
        decimals = int(decimals)  # from a template, `{{ value|number:1 }}`
        value = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def money(amount) -> str:
    """An amount in euros: "1 200 €" in French, "€1,200" in English."""
    if amount is None or amount == "":
        return ""
    amount = Decimal(str(amount))
    decimals = 0 if amount == amount.to_integral_value() else 2
    figure = number(amount, decimals)
    return f"{figure}{NBSP}€" if _french() else f"€{figure}"


def percent(value, decimals=0) -> str:
    """A share: "42 %" in French (a no-break space before the sign), "42%" in English;
    `decimals` as `floatformat`'s ("-1": one decimal, only when needed)."""
    if value is None or value == "":
        return ""
    figure = floatformat(value, decimals)
    return f"{figure}{NBSP}%" if _french() else f"{figure}%"


def _french_day(fmt: str, value) -> str:
    """`fmt` with "1er" for the first of the month: Django's formats have no ordinal for
    French, so the day ("j") is followed by two literals on that day."""
    return fmt.replace("j", r"j\e\r", 1) if value.day == 1 else fmt


def long_date(value) -> str:
    """The date in a sentence: "1er février 2026", "3 décembre 2026"; "February 1, 2026"."""
    if value in (None, ""):
        return ""
    value = _local(value)
    if _french():
        return formats.date_format(value, _french_day(LONG_DATE["fr"], value))
    return formats.date_format(value, LONG_DATE["en"])


def long_datetime(value) -> str:
    """A moment in a sentence: "1er février 2026 à 09:30"; "February 1, 2026, 9:30 a.m."."""
    if value in (None, ""):
        return ""
    value = _local(value)
    if _french():
        return formats.date_format(value, _french_day(LONG_DATETIME["fr"], value))
    return formats.date_format(value, LONG_DATETIME["en"])


def day_heading(value, this_year: int | None = None) -> str:
    """A day heading a list: "lundi 30 novembre", "mardi 1er décembre"; "Monday, November 30";
    with its year ("lundi 30 novembre 2025", "Monday, November 30, 2025") when it is not
    `this_year` (the current year when None)."""
    if value in (None, ""):
        return ""
    value = _local(value)
    if this_year is None:
        this_year = timezone.localdate().year
    year = value.year != this_year
    if _french():
        return formats.date_format(value, _french_day("l j F" + (" Y" if year else ""), value))
    return formats.date_format(value, "l, F j" + (", Y" if year else ""))


def list_date(value) -> str:
    """The date in a list or a table: "03/12/2026" ("12/03/2026" in English)."""
    if value in (None, ""):
        return ""
    return formats.date_format(_local(value), "SHORT_DATE_FORMAT")


def list_datetime(value) -> str:
    """A moment in a list or a table: "03/12/2026 09:30"."""
    if value in (None, ""):
        return ""
    return formats.date_format(_local(value), "SHORT_DATETIME_FORMAT")


# --- Template filters: the same functions. `expects_localtime` as Django's `date` filter. ---

register.filter("number", number)
register.filter("money", money)
register.filter("percent", percent)
register.filter("long_date", long_date, expects_localtime=True)
register.filter("long_datetime", long_datetime, expects_localtime=True)
register.filter("list_date", list_date, expects_localtime=True)
register.filter("list_datetime", list_datetime, expects_localtime=True)
