"""The bell's list, marking as read, the preferences, and the digest's unsubscribe link."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core import page_cache

from . import news, rows, services
from .forms import PreferencesForm

PAGE_SIZE = 30


@login_required
def notification_list(request):
    """The person's notifications, newest first, by day and by application (`rows.days`: a
    page holds PAGE_SIZE notifications, grouped within it); the page's content kept in the
    cache until one of them changes (`core.page_cache`, `news`; its key holds the day, which
    "Aujourd'hui" and "Hier" follow)."""

    def build():
        notifications = request.user.notifications.select_related("application__company")
        page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
        return {"page": page, "days": rows.days(page.object_list, timezone.localdate(now))}, None

    now = timezone.now()
    content = page_cache.content(
        request,
        page_cache.request_key(request, "notifications", now, news.current(request.user.pk)),
        "notifications/_notification_list_content.html",
        build,
        now,
    )
    return render(request, "notifications/notification_list.html", {"content": content})


@login_required
@require_POST
def notification_open(request, pk):
    """Mark one notification read; then to what it is about, or back to the list."""
    notification = get_object_or_404(request.user.notifications, pk=pk)
    services.mark_read(request.user, pk=notification.pk)
    if request.POST.get("stay"):
        return _back_to_list(request)
    if url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_group_read(request):
    """Mark read one group of the list: a day's notifications about one application ("-":
    about none), posted as "2026-12-03:12"."""
    day, _sep, application = request.POST.get("group", "").partition(":")
    try:
        day = date.fromisoformat(day)
        application_id = None if application == "-" else int(application)
    except ValueError:
        return _back_to_list(request)
    if day == date.max:  # no day after it to end the group
        return _back_to_list(request)
    count = services.mark_group_read(request.user, day=day, application_id=application_id)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marquée comme lue.",
                "%(count)d notifications marquées comme lues.",
                count,
            )
            % {"count": count},
        )
    return _back_to_list(request)


def _back_to_list(request) -> HttpResponseRedirect:
    """To the list, on the page the button was on."""
    url = reverse("notifications:list")
    page = request.POST.get("page", "")
    if page.isdigit() and int(page) > 1:
        url += f"?page={int(page)}"
    return HttpResponseRedirect(url)


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_read(request.user)
    if count:
        messages.success(request, _("Toutes vos notifications sont marquées comme lues."))
    return redirect("notifications:list")


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, current=services.choices_of(request.user))
    if request.method == "POST" and form.is_valid():
        services.choose(request.user, form.choices())
        messages.success(request, _("Vos préférences de notification sont enregistrées."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@csrf_exempt  # the link is its own proof (signed); mail clients post to it (RFC 8058)
def unsubscribe(request, token):
    """The digest's link: no login; a page with one button, or the mail client's POST."""
    user = services.user_for_token(token)
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    if request.method == "POST":
        services.unsubscribe_from_digest(user)
        return render(request, "notifications/unsubscribe_done.html", {"target": user})
    return render(request, "notifications/unsubscribe.html", {"target": user, "token": token})
