"""Pages kept in the cache, rendered, until what they show changes.

The pages people work from all day (an application's page, the queues, the notifications) are
read far more often than what they show changes. Their main part (the `content` block:
everything but the navigation and the flash messages) is kept rendered in the cache under a
key that holds all it was worked out from (`request_key`):

- the person it was rendered for (`person`: their primary key and every role they hold), the
  language and the day;
- the query string (filters, page);
- the *generations* (`core.generations`) of the rows it shows, which the writes that change
  them move on: `applications.caching` (applications and their parts, the names shown,
  the queues) and `notifications.news` (a person's notifications) say which;
- and, for an entry, the next moment at which what it shows changes with time alone (a review
  clock turning a day, `valid_until`), and `PAGE_SECONDS` at most.

The CSRF token, different for each person and session, is never kept: the content is rendered
with a mark in its place (`csrf_mark`), replaced by the request's own token when served. A
bound form (a move refused, with its errors) is always rendered afresh.
"""

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

# The longest a rendered page is kept (seconds): a name shown that no generation follows (a
# label translated anew, a deployment) is seen at most this late.
PAGE_SECONDS = 10 * 60
MAX_AGE = timedelta(seconds=PAGE_SECONDS)
# How long the cache keeps a person's or an application's generation unread (seconds).
GENERATION_SECONDS = 24 * 60 * 60


@dataclass
class Cached:
    """A page's content as rendered, and what it needs to be served again."""

    html: str
    valid_until: datetime
    # An application's page: when each entry of its timeline happened and who did it, from
    # which the entries new to the person are told without reading them again; the newest;
    # and what was marked new when it was rendered (`applications.caching.new_since`).
    facts: list[tuple[datetime, int | None]] = field(default_factory=list)
    latest: datetime | None = None
    new_since: str = "-"


@functools.cache
def csrf_mark() -> str:
    """What stands for the CSRF token in a rendered page kept in the cache: the same in every
    process (derived from the secret key), which no one can type into a message by chance."""
    return "csrf-" + salted_hmac("core.page_cache", "csrf-mark").hexdigest()


def person(user) -> str:
    """The person a page is rendered for, as part of its key: who they are and every role they
    hold (a role given or taken away gives another key)."""

    def pk_of(relation: str, field_name: str = "pk") -> object:
        related = getattr(user, relation, None)
        return getattr(related, field_name, None) if related is not None else None

    return ":".join(
        str(part)
        for part in (
            user.pk,
            int(user.is_active),
            int(user.is_superuser),
            int(user.is_staff),
            pk_of("staff_membership"),
            pk_of("advisor_membership", "sponsor_body_id"),
            pk_of("interlocutor"),
            int(bool(pk_of("interlocutor", "is_active"))),
            pk_of("company_membership", "company_id"),
        )
    )


def key(*parts: object) -> str:
    # With the mark's end: a page rendered under another secret key is not served.
    return f"page:{csrf_mark()[-8:]}:" + ":".join(str(part) for part in parts)


def request_key(request, name: str, now: datetime, *generations: str) -> str:
    """The key of the page `name` as this person asks for it now, under these generations."""
    query = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:32]
    return key(
        name,
        person(request.user),
        translation.get_language() or "",
        timezone.localdate(now),
        query,
        *generations,
    )


def read(cache_key: str, now: datetime) -> Cached | None:
    cached = cache.get(cache_key)
    if cached is None or cached.valid_until <= now:
        return None
    return cached


def store(cache_key: str, cached: Cached, now: datetime) -> Cached:
    cached.valid_until = min(cached.valid_until, now + MAX_AGE)
    seconds = int((cached.valid_until - now).total_seconds())
    if seconds >= 1:
        cache.set(cache_key, cached, seconds)
    return cached


def content(request, cache_key: str, template_name: str, build, now: datetime) -> SafeString:
    """A page's content, from the cache or rendered from `build()`: its template's context
    and when what it shows next changes with time alone (None: not before `MAX_AGE`)."""
    cached = read(cache_key, now)
    if cached is None:
        context, changes_at = build()
        cached = store(
            cache_key,
            Cached(
                html=render_content(request, template_name, context),
                valid_until=changes_at or now + MAX_AGE,
            ),
            now,
        )
    return served(request, cached)


def render_content(request, template_name: str, context: dict) -> str:
    """The content rendered for the cache: the CSRF token's place marked, not filled."""
    return render_to_string(template_name, {**context, "csrf_token": csrf_mark()}, request)


def served(request, cached: Cached) -> SafeString:
    """The content as this request is served it: its own CSRF token in the mark's place."""
    html = cached.html
    if csrf_mark() in html:
        html = html.replace(csrf_mark(), get_token(request))
    # Rendered by the portal's templates, which escaped every value (bandit B308, B703).
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


def earliest(*moments: datetime | None) -> datetime | None:
    return min((moment for moment in moments if moment is not None), default=None)
