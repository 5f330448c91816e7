"""The addresses a list shows on every row, made cheaply.

`reverse()` matches the URL pattern, converts and quotes its arguments on every call: on a
list, that is a row's largest cost after the template itself. `reverse_id` asks `reverse()`
once per view name (and script prefix, URL configuration and language), with a stand-in
id, and then only puts each row's id in its place: the same address, for views whose only
argument is an `<int:…>` id.
"""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# An id no row has, whose digits appear nowhere else in an address.
STAND_IN = 987654321987654321


def reverse_id(viewname: str, pk: int) -> str:
    """`reverse(viewname, args=[pk])`."""
    return _template(viewname, get_script_prefix(), get_urlconf(), get_language()).format(int(pk))


@functools.lru_cache(maxsize=256)
def _template(viewname: str, script_prefix: str, urlconf, language) -> str:
    url = reverse(viewname, args=[STAND_IN], urlconf=urlconf)
    escaped = url.replace("{", "{{").replace("}", "}}")
    if escaped.count(str(STAND_IN)) != 1:
        raise ValueError(f"{viewname}'s address does not show its id once: {url}")
    return escaped.replace(str(STAND_IN), "{}")
