"""The entries of an application's timeline (`selectors.timeline`), written in Python.

An application's page lists its whole history, often some fifty events, messages, documents
and reminders: through Django's template language each cost about a fifth of a millisecond,
most of the page's time. The markup is the one the page had as a template: keep the two
parts of `_timeline.html` and this one alike.
"""

import functools
import html

from django import template
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import DateFormat
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.labels import labels_of
from core.rows import STAND_IN

from ..enums import DocumentKind

register = template.Library()


@register.simple_tag
def timeline_entries(entries) -> str:
    """`<li>` for each entry, oldest first, as `_timeline.html` lists them."""
    words = {
        "automatic": escape(_("Pacte PME (automatique)")),
        "former": escape(_("un ancien utilisateur")),
        "new": escape(_("Nouveau")),
        "internal": escape(_("Note interne — équipe Pacte PME")),
        "document": escape(_("Document joint :")),
        "reminder": _("Relance envoyée : %(milestone)s"),
        # The `date:"SHORT_DATETIME_FORMAT"` filter's format and time zone, looked up once.
        "format": get_format("SHORT_DATETIME_FORMAT"),
        "zone": timezone.get_current_timezone(),
        "urls": {},
    }
    # Everything written below is escaped, but for the translations of our own strings.
    return mark_safe("\n".join(_entry(entry, words) for entry in entries))  # noqa: S308  # nosec B308 B703


def _entry(entry, words: dict) -> str:
    item, kind = entry.item, entry.type
    internal = kind == "message" and item.is_internal
    classes = f"timeline-{kind} timeline-internal" if internal else f"timeline-{kind}"
    anchor = f' id="message-{item.pk}"' if kind == "message" else ""
    parts = [f'<li class="{classes}"{anchor} data-testid="entry-{kind}">']
    if entry.is_first_new:
        parts.append('<span id="first-new"></span>')
    if entry.actor is not None:
        who = escape(entry.actor.get_full_name() or entry.actor.email)
    else:
        who = words["automatic"] if kind == "reminder" else words["former"]
    at = _datetime(entry.at.astimezone(words["zone"]), words["format"])
    new = (
        f' <span class="badge text-bg-info" data-testid="new">{words["new"]}</span>'
        if entry.is_new
        else ""
    )
    parts.append(f'<div class="small text-body-secondary">{at} · {who}{new}</div>')
    if kind == "event":
        moved = f" → {escape(entry.state_label)}" if item.from_state != item.to_state else ""
        parts.append(f"<div><strong>{escape(entry.label)}</strong>{moved}</div>")
        if item.note:
            parts.append(f'<div class="pre-line" data-user-content>{escape(item.note)}</div>')
    elif kind == "message":
        parts.append(_message(item, entry.attachments, words))
    elif kind == "document":
        parts.append(
            f"<div><strong>{words['document']}</strong> "
            f'<a href="{_document_url(item, words)}">{escape(item.name)}</a> '
            f'<span class="small text-body-secondary">({escape(entry.label)}, '
            f"{filesizeformat(item.size)})</span></div>"
        )
    elif kind == "reminder":
        said = words["reminder"] % {"milestone": escape(entry.label)}
        parts.append(f'<div><i class="bi bi-alarm" aria-hidden="true"></i> {said}</div>')
    parts.append("</li>")
    return "\n".join(parts)


def escape(value) -> str:
    """`conditional_escape(value)`, without the lazy-argument wrapper it pays on each call
    (most of its time here, some ten calls per entry)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _datetime(moment, format: str) -> str:
    """`moment` as the `date` filter writes it in `format`: through `strftime` when the format
    has only numeric day, month, year, hour and minute (French's "d/m/Y H:i"), a tenth of
    `DateFormat`'s time; else through `DateFormat` (English's "P": "4 p.m.")."""
    pattern = _strftime_pattern(format)
    if pattern is None:
        return escape(DateFormat(moment).format(format))
    return escape(moment.strftime(pattern))


# Django's format characters that `strftime` writes alike (zero-padded numbers).
_NUMERIC = {"d": "%d", "m": "%m", "Y": "%Y", "H": "%H", "i": "%M"}


@functools.cache
def _strftime_pattern(format: str) -> str | None:
    pattern = []
    for char in format:
        if char in _NUMERIC:
            pattern.append(_NUMERIC[char])
        elif char.isalpha() or char == "\\":
            return None  # a character this does not write as Django does
        else:
            pattern.append("%%" if char == "%" else char)
    return "".join(pattern)


@register.simple_tag
def document_items(documents) -> str:
    """`<li>` for each document of the page's side list, as the template wrote them."""
    words = {
        "internal": escape(_("Note interne")),
        "attachment": escape(_("Pièce jointe d'un message")),
        "format": get_format("SHORT_DATE_FORMAT"),
        "zone": timezone.get_current_timezone(),
        "urls": {},
    }
    kinds = labels_of(DocumentKind)
    items = []
    for document in documents:
        message = document.message
        if message is not None:
            internal = (
                f'<span class="badge text-bg-warning">{words["internal"]}</span> '
                if message.is_internal
                else ""
            )
            what = f'{internal}<a href="#message-{message.pk}">{words["attachment"]}</a>'
        else:
            what = escape(kinds.get(document.kind, document.kind))
        at = _datetime(document.created_at.astimezone(words["zone"]), words["format"])
        items.append(
            '<li class="mb-2"><i class="bi bi-file-earmark-text" aria-hidden="true"></i>\n'
            f'<a href="{_document_url(document, words)}">{escape(document.name)}</a>\n'
            f'<div class="text-body-secondary">{what} · {filesizeformat(document.size)} · {at}'
            "</div>\n</li>"
        )
    # Escaped, but for the translations of our own strings.
    return mark_safe("\n".join(items))  # noqa: S308  # nosec B308 B703


def _document_url(document, words: dict) -> str:
    """`document.get_absolute_url()`, escaped: `reverse()` once per application on the page."""
    template = words["urls"].get(document.application_id)
    if template is None:
        url = reverse("applications:document", args=[document.application_id, STAND_IN])
        template = escape(url).replace("{", "{{").replace("}", "}}")
        template = template.replace(str(STAND_IN), "{}")
        words["urls"][document.application_id] = template
    return template.format(int(document.pk))


def _message(message, attachments: list, words: dict) -> str:
    internal = message.is_internal
    parts = [
        f'<div class="card{" border-warning bg-warning-subtle" if internal else ""} mt-1">',
        '<div class="card-body py-2">',
    ]
    if internal:
        parts.append(
            f'<span class="badge text-bg-warning mb-1" data-testid="internal-note">'
            f"{words['internal']}</span>"
        )
    parts.append(f'<div class="pre-line" data-user-content>{escape(message.body)}</div>')
    if attachments:
        parts.append('<ul class="list-inline small mb-0 mt-1" data-testid="attachments">')
        for document in attachments:
            parts.append(
                '<li class="list-inline-item"><i class="bi bi-paperclip" aria-hidden="true"></i> '
                f'<a href="{_document_url(document, words)}">{escape(document.name)}</a> '
                f'<span class="text-body-secondary">({filesizeformat(document.size)})</span></li>'
            )
        parts.append("</ul>")
    parts.append("</div>")
    parts.append("</div>")
    return "\n".join(parts)
