"""Pages of the portal around applications: the SME's, the sponsor's, the association's and the
interlocutor's (the home page, which sends each person to their own, is `reports.views.public`)."""

from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Subquery
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can, rule_required
from accounts.ratelimits import exceeded, rate_limited
from accounts.ratelimits import message as rate_message
from accounts.roles import role_of
from companies.selectors import company_of
from core import page_cache
from corporations.enums import MatchStatus
from reference import m49
from sponsors.enums import Decision

from . import caching, clock, documents, lists, ranking, rows, selectors, services
from .enums import Action, State
from .forms import (
    ACTION_FORMS,
    ApplicationForm,
    DocumentForm,
    MessageForm,
    OwnerForm,
    SubmitForm,
)
from .models import Application
from .next_step import named_matches, next_step
from .services import DocumentRefused, WorkflowError

# --- The SME's applications ---------------------------------------------------------------


@login_required
def dashboard(request):
    company = company_of(request.user)
    if company is None:
        return redirect("home")

    def build(now):
        applications = list(
            selectors.with_news(
                rows.shown(lists.company_applications(request.user, request.GET), companies=False),
                request.user,
            )
        )
        declined = selectors.last_declines({a.pk for a in applications if a.state == State.DRAFT})
        for application in applications:
            application.last_decline = declined.get(application.pk)
        dashboard_rows = rows.rows(applications, date="updated_at", companies=False, now=now)
        context = {"company": company, "applications": applications, "rows": dashboard_rows}
        return context, _clocks_change_at(dashboard_rows, now)

    return _list_page(request, "dashboard", build)


@login_required
@rule_required("applications.add_application")
def application_create(request):
    company = company_of(request.user)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        application = services.create_draft(request.user, company, **form.draft_values())
        return _after_draft_saved(request, application)
    return render(request, "applications/application_form.html", {"form": form})


def _after_draft_saved(request, application):
    if "continue" in request.POST:
        return redirect("applications:submit", pk=application.pk)
    messages.success(
        request,
        _("Brouillon enregistré. Vous pouvez y revenir à tout moment avant de le soumettre."),
    )
    return redirect(application)


def _get_visible(request, pk) -> Application:
    """The application if this user may see it; a 404 otherwise, never a hint it exists."""
    return get_object_or_404(selectors.visible_applications(request.user), pk=pk)


@login_required
def application_edit(request, pk):
    application = _get_visible(request, pk)
    if not can(request.user, "applications.change_application", application):
        if application.state != State.DRAFT and can(
            request.user, "applications.submit_application", application
        ):
            messages.warning(
                request, _("Cette demande a été soumise : elle n'est plus modifiable.")
            )
            return redirect(application)
        raise PermissionDenied
    form = ApplicationForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(application.pk, request.user, **form.draft_values())
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect(application)
        return _after_draft_saved(request, application)
    return render(
        request, "applications/application_form.html", {"form": form, "application": application}
    )


@login_required
@require_POST
def application_delete(request, pk):
    application = _get_visible(request, pk)
    if not can(request.user, "applications.delete_application", application):
        raise PermissionDenied
    try:
        services.delete_draft(application.pk, request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect(application)
    messages.success(request, _("Le brouillon a été supprimé."))
    return redirect("applications:dashboard")


@login_required
def application_submit(request, pk):
    """The last step of filing: the whole application as it will be sent, each part with a
    link to change it, then the choice of the sponsor body and the sending."""
    application = _get_visible(request, pk)
    if not can(request.user, "applications.submit_application", application):
        raise PermissionDenied
    if application.state != State.DRAFT:
        messages.info(request, _("Cette demande a déjà été soumise."))
        return redirect(application)
    bodies = selectors.sponsor_bodies_for(application.company)
    initial = {"expected_state": application.state}
    if application.sponsor_body_id:
        initial["sponsor_body"] = application.sponsor_body_id
    form = SubmitForm(request.POST or None, bodies=bodies, initial=initial)
    missing = services.missing_for_submission(application)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit(
                application.pk,
                request.user,
                sponsor_body=form.cleaned_data["sponsor_body"],
                expected_state=form.cleaned_data["expected_state"] or None,
            )
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            worded = selectors.worded_delays()
            messages.success(
                request,
                _(
                    "Votre demande est envoyée à %(body)s pour parrainage. Vous serez prévenu "
                    "par e-mail de sa décision. %(sponsor)s %(review)s"
                )
                % {
                    "body": form.cleaned_data["sponsor_body"],
                    "sponsor": worded.sponsor_sentence,
                    "review": worded.review_sentence,
                },
            )
            return redirect(application)
    covering = {
        body.pk
        for body in bodies
        if body.covers(application.company.region, application.company.department)
    }
    return render(
        request,
        "applications/application_submit.html",
        {
            "application": application,
            "company": application.company,
            "documents": list(selectors.documents_for(request.user, application)),
            "form": form,
            "missing": missing,
            "covering": covering,
            "delays": selectors.worded_delays(),
        },
        # A refused sending: the page again, with the choice made kept.
        status=400 if request.method == "POST" else 200,
    )


@login_required
def application_detail(request, pk):
    started = timezone.now()
    # Read with its owner (the clock shows them), this user's previous visit and whether
    # they have unread notifications about it.
    application = selectors.application_page_of(request.user, pk)
    if application is None:
        raise Http404
    since = application.last_visit
    page = _detail_page(request, application, since, started)
    # Before the page is written: the bell counts what this visit read.
    services.record_visit(
        request.user,
        application,
        previous=since,
        at=started,
        unread=application.has_news,
        latest=page.latest,
    )
    return render(
        request,
        "applications/application_detail.html",
        {"application": application, "content": page_cache.served(request, page)},
    )


def _detail_page(request, application, since, now) -> page_cache.Cached:
    """The page's content as this person sees it, from the cache when nothing it shows has
    changed since it was rendered (`caching`, `core.page_cache`)."""
    user = request.user
    key = caching.detail_key(application, user, now)
    cached = page_cache.read(key, now)
    if cached is not None and cached.new_since == caching.new_since(cached.facts, since, user.pk):
        return cached
    context = _detail_context(request, application, since=since)
    timeline = context["timeline"]
    facts = [(entry.at, entry.actor.pk if entry.actor else None) for entry in timeline]
    review = clock.clock_of(application, now)
    return page_cache.store(
        key,
        page_cache.Cached(
            html=page_cache.render_content(request, "applications/_detail_content.html", context),
            valid_until=(review and review.changes_at(now)) or now + page_cache.MAX_AGE,
            facts=facts,
            latest=max((at for at, _actor in facts), default=None),
            new_since=caching.new_since(facts, since, user.pk),
        ),
        now,
    )


def _detail_context(
    request,
    application,
    action_form=None,
    ranking=None,
    owner_form=None,
    document_form=None,
    message_form=None,
    since=None,
) -> dict:
    """The page of an application, panel by panel; the forms given are bound ones to show with
    their errors (what the user typed kept). `ranking`: the cached ranking the view already
    read."""
    user = request.user
    # Read first: the permission checks below look at the interlocutor's matches too.
    matches = list(
        application.matches.select_related(
            "interlocutor__user", "interlocutor__corporation", "hosting_offer"
        )
    )
    application.known_matches = matches
    actions = services.available_actions(user, application)
    if services.can_rate(user, application):
        actions.append(Action.RATE)
    context = {"application": application, "actions": actions}
    context |= _actions_panel(user, application, actions, action_form, ranking)
    is_staff = can(user, "accounts.view_staff_queue")
    context |= _history_panel(user, application, matches, since)
    context |= _draft_panel(user, application, actions, context["endorsements"])
    context |= _matches_panel(matches, is_staff)
    context |= _conversation_panel(user, application, actions, document_form, message_form)
    context |= _owner_panel(user, application, owner_form)
    context["next_step"] = next_step(
        application,
        role_of(user),
        actions,
        selectors.delay_estimates(timezone.now()),
        named_matches(matches, user.pk, is_staff),
        ranking_shown="ranking" in context,
    )
    return context


def _actions_panel(user, application, actions, action_form, ranking) -> dict:
    """A form for each move this user may make (the bound one given, as typed, open); for staff
    who may propose, the ranking to propose from."""
    if Action.PROPOSE in actions and can(user, "applications.view_ranking", application):
        ranking = ranking or _ranking_of(application)
    else:
        ranking = None
    forms = {}
    for action in actions:
        if action == Action.SUBMIT:
            continue
        if action_form is not None and action_form[0] == action:
            forms[action] = action_form[1]  # The bound form with its errors, as typed.
        else:
            forms[action] = ACTION_FORMS[action](
                application=application, action=action, **_form_kwargs(action, ranking)
            )
    panel = {"open_action": action_form[0] if action_form else None}
    if ranking is not None:
        # Staff propose from the ranking (its rows, or the form for anyone else), not from
        # the accordion of the other actions.
        panel["ranking"] = ranking.ranking
        panel["ranking_as_of"] = ranking.as_of
        panel["propose_form"] = forms.pop(Action.PROPOSE)
        panel["subregion"] = m49.subregion_name(m49.subregion_of(str(application.target_country)))
    panel["action_forms"] = [(action, Action(action).label, form) for action, form in forms.items()]
    return panel


def _history_panel(user, application, matches, since) -> dict:
    """The timeline (what is new since `since`), the requests for information with the pauses
    of the clock, the endorsements and the documents: each list read once, in one query, and
    shared by the parts of the page that show it."""
    documents = list(
        selectors.documents_for(user, application).select_related("message", "uploaded_by")
    )
    endorsements = list(application.endorsements.select_related("advisor", "sponsor_body"))
    information_requests = list(application.information_requests.select_related("asked_by"))
    for item in information_requests:
        item.files = [d for d in documents if d.information_request_id == item.pk]
    timeline = selectors.timeline(
        user, application, since=since, documents=documents, matches=matches
    )
    return {
        "timeline": timeline,
        "since": since,
        "new_count": sum(entry.is_new for entry in timeline),
        "information_requests": information_requests,
        "pauses": clock.pauses_of(application, information_requests),
        "endorsements": endorsements,
        "documents": documents,
    }


def _draft_panel(user, application, actions, endorsements) -> dict:
    """What the SME may do with its draft, and why the sponsor sent it back, if it did."""
    panel = {
        "can_edit": can(user, "applications.change_application", application),
        "can_submit": Action.SUBMIT in actions,
    }
    if application.state == State.DRAFT:
        panel["last_decline"] = next(
            (e for e in endorsements if e.decision == Decision.DECLINED), None
        )
    return panel


def _matches_panel(matches, is_staff: bool) -> dict:
    """Every proposal, for staff; the accompaniment under way, for everyone who sees it."""
    panel = {"matches": matches} if is_staff else {}
    panel["current_match"] = next(
        (match for match in matches if match.status == MatchStatus.ACCEPTED), None
    )
    return panel


def _conversation_panel(user, application, actions, document_form, message_form) -> dict:
    """The forms to attach a document and to write a message (or a note), as this user may."""
    panel = {}
    if can(user, "applications.attach_document", application):
        panel["document_form"] = document_form or DocumentForm()
    message_form = message_form or _message_form(user, application, actions=actions)
    if message_form is not None:
        panel["message_form"] = message_form
        panel["can_post_message"] = not message_form.notes_only
    # When information is requested, a message is not the answer: the page says so beside
    # the message form, to the SME who may answer.
    panel["answer_pending"] = Action.ANSWER_INFORMATION in actions
    return panel


def _owner_panel(user, application, owner_form) -> dict:
    """The form to hand over who follows the review, for staff once the review started."""
    if application.endorsed_at and can(user, "applications.assign_owner", application):
        return {"owner_form": owner_form or OwnerForm(application=application)}
    return {}


def _ranking_of(application):
    """The cached ranking, with the interlocutors the application may be proposed to (the same
    rows and matches decide both)."""
    return ranking.ranking_of(
        application, proposable=lambda: selectors.interlocutor_choices(application)
    )


def _form_kwargs(action, ranking) -> dict:
    """What an action's form needs beyond the application: the (cached) ranking's available
    interlocutors for a proposal (anyone else needs a reason), and whom it lists."""
    if action != Action.PROPOSE:
        return {}
    if ranking is None:
        return {}
    return {
        "ranked_ids": {ranked.candidate.id for ranked in ranking.ranking.available},
        "choices": lambda: ranking.proposable,
    }


@login_required
@rate_limited
def application_action(request, pk, action):
    """One workflow move (POST): validate its form, call its service, say what happened."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if action not in ACTION_FORMS:
        raise Http404
    application = _get_visible(request, pk)
    ranking = None
    if action == Action.PROPOSE and can(request.user, "applications.view_ranking", application):
        ranking = _ranking_of(application)
    form = ACTION_FORMS[action](
        request.POST,
        request.FILES,
        application=application,
        action=action,
        **_form_kwargs(action, ranking),
    )
    if not form.is_valid() or (
        # An action that carries files (an answer with documents) counts as an upload.
        form.cleaned_data.get("attachments") and exceeded(request, "upload", form)
    ):
        # Keep what the user typed and show the errors where they typed it.
        context = _detail_context(request, application, (action, form), ranking)
        if action not in context["actions"]:
            # The form was checked against a state that is gone: say which one it is now.
            messages.error(request, services.no_longer_possible(application))
            return redirect(application)
        return render(request, "applications/application_detail.html", context, status=400)
    verb = services.VERBS[action]
    try:
        verb(application.pk, request.user, **form.service_kwargs())
    except DocumentRefused as error:
        form.add_error("attachments", error.message)
        context = _detail_context(request, application, (action, form), ranking)
        return render(request, "applications/application_detail.html", context, status=400)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, SUCCESS_MESSAGES[action])
    if not selectors.visible_applications(request.user).filter(pk=pk).exists():
        # The move took the application out of this user's sight (a declined proposal).
        return redirect("home")
    return redirect(application)


@login_required
@require_POST
def assign_owner(request, pk):
    """Staff hand the review over to a member of the team."""
    application = _get_visible(request, pk)
    if not can(request.user, "applications.assign_owner", application):
        raise PermissionDenied
    form = OwnerForm(request.POST, application=application)
    if not form.is_valid():
        context = _detail_context(request, application, owner_form=form)
        return render(request, "applications/application_detail.html", context, status=400)
    owner = form.cleaned_data["owner"]
    try:
        services.assign_owner(application.pk, request.user, owner=owner)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("L'instruction est confiée à %(owner)s.")
            % {"owner": owner.get_full_name() or owner.email},
        )
    return redirect(application)


@login_required
@require_GET
def application_pdf(request, pk):
    """The application as a PDF, as this user sees its page but never with internal notes:
    to whoever may see it (404 for anyone else), as an attachment never sniffed."""
    application = _get_visible(request, pk)
    if exceeded(request, "pdf"):
        messages.error(request, rate_message("pdf"))
        return redirect(application)
    # Imported here: WeasyPrint loads Pango, which the rest of the portal does not need.
    from . import pdf

    response = HttpResponse(
        pdf.render_application(request.user, application), content_type="application/pdf"
    )
    response["Content-Disposition"] = content_disposition_header(
        True, f"{application.reference}.pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Documents --------------------------------------------------------------------------


@login_required
@require_POST
@rate_limited
def document_upload(request, pk):
    """The SME attaches a document; a refusal says why on the page, the nature chosen kept."""
    application = _get_visible(request, pk)
    if not can(request.user, "applications.attach_document", application):
        raise PermissionDenied
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid() and not exceeded(request, "upload", form):
        try:
            document = services.attach_document(
                application.pk,
                request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except WorkflowError as error:
            form.add_error("file", error.message)
        else:
            messages.success(
                request, _("« %(name)s » est joint à la demande.") % {"name": document.name}
            )
            return redirect(application)
    context = _detail_context(request, application, document_form=form)
    return render(request, "applications/application_detail.html", context, status=400)


def _message_form(user, application, *args, actions=None) -> MessageForm | None:
    """The conversation's form for this user, or None when they may write nothing: staff
    keep notes once the conversation is over (`notes_only`). While a question waits for this
    user's answer, the form asks whether the message is that answer (`actions`: the user's
    available actions, when already known)."""
    can_post = can(user, "applications.post_message", application)
    can_write_note = can(user, "applications.write_note", application)
    if not (can_post or can_write_note):
        return None
    if actions is None:
        actions = services.available_actions(user, application)
    return MessageForm(
        *args,
        can_write_note=can_write_note,
        notes_only=not can_post,
        answer_pending=Action.ANSWER_INFORMATION in actions,
    )


@login_required
@require_POST
@rate_limited
def message_post(request, pk):
    """A message in the conversation (or a staff note), with its documents. A refusal shows
    on the page, what was typed kept."""
    application = _get_visible(request, pk)
    form = _message_form(request.user, application, request.POST, request.FILES)
    if form is None:
        raise PermissionDenied
    if form.is_valid() and not (
        # Only a message with documents counts as an upload.
        form.cleaned_data["attachments"] and exceeded(request, "upload", form)
    ):
        try:
            if form.is_the_answer:
                services.answer_information(
                    application.pk,
                    request.user,
                    answer=form.cleaned_data["body"],
                    uploads=form.cleaned_data["attachments"],
                )
                messages.success(request, SUCCESS_MESSAGES[Action.ANSWER_INFORMATION])
                return redirect(application)
            message = services.post_message(application.pk, request.user, **form.service_kwargs())
        except DocumentRefused as error:
            form.add_error("attachments", error.message)
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Note interne enregistrée.") if message.is_internal else _("Message envoyé."),
            )
            return redirect(f"{application.get_absolute_url()}#message-{message.pk}")
    context = _detail_context(request, application, message_form=form)
    return render(request, "applications/application_detail.html", context, status=400)


@login_required
def document_download(request, pk, document_pk):
    """A document, to whoever may see its application (404 for anyone else), as an
    attachment never sniffed; behind nginx, the transfer is handed over to it."""
    application = _get_visible(request, pk)
    document = get_object_or_404(selectors.documents_for(request.user, application), pk=document_pk)
    if not document.file:  # its file erased when the application was archived
        messages.info(request, _("Ce document a été effacé à l'archivage du dossier."))
        return redirect(application)
    return documents.download(document.file, name=document.name, content_type=document.content_type)


SUCCESS_MESSAGES = {
    Action.ENDORSE: _("Demande parrainée : elle part en instruction chez Pacte PME."),
    Action.DECLINE_ENDORSEMENT: _("Parrainage refusé : la PME en est informée avec votre motif."),
    Action.REQUEST_INFORMATION: _(
        "Question envoyée à la PME. Le délai d'instruction est suspendu."
    ),
    Action.ANSWER_INFORMATION: _("Réponse envoyée à l'équipe Pacte PME."),
    Action.PROPOSE: _("Dossier proposé au correspondant."),
    Action.ACCEPT_MATCH: _("Vous accompagnez désormais cette PME."),
    Action.DECLINE_MATCH: _("Proposition déclinée : le dossier revient à l'équipe Pacte PME."),
    Action.REJECT: _("Demande refusée : la PME en est informée avec votre motif."),
    Action.WITHDRAW: _("Votre demande est retirée."),
    Action.CLOSE: _("Accompagnement clôturé."),
    Action.RATE: _("Merci pour votre évaluation."),
}


# --- Queues ------------------------------------------------------------------------------

QUEUE_PAGE_SIZE = 50


def _page(request, queryset):
    """The page of `queryset` the query string asks for. Its rows are read by one query that
    finds the page's keys in the list's own table first (sorted, limited), then joins the
    related rows (`select_related`) to those 50 only: PostgreSQL would otherwise join every
    matching row before sorting them (7 ms rather than 1 on the staff queue's 600 rows)."""
    page = Paginator(queryset, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    if not page.paginator.count:
        # Nothing to fetch: Django would still compile the whole query to find that out.
        page.object_list = []
        return page
    query = page.object_list.query
    keys = queryset.values("pk")[query.low_mark : query.high_mark]
    page.object_list = queryset.filter(pk__in=Subquery(keys))
    return page


def _list_page(request, name: str, build):
    """A list of applications whose content is kept in the cache until what it shows changes
    (`caching`, `core.page_cache`): `build(now)` gives its template's context and the next
    moment it changes with time alone. The page is `applications/<name>.html`, its content
    `applications/_<name>_content.html`."""
    now = timezone.now()
    content = page_cache.content(
        request,
        caching.list_key(request, name, now),
        f"applications/_{name}_content.html",
        lambda: build(now),
        now,
    )
    return render(request, f"applications/{name}.html", {"content": content})


@login_required
@rule_required("sponsors.view_sponsor_queue")
def sponsor_queue(request):
    def build(now):
        queue = lists.sponsor_queue(request.user, request.GET)
        applications = _page(request, selectors.with_news(rows.shown(queue), request.user))
        queue_rows = rows.rows(applications, date="submitted_at", now=now)
        context = {
            "applications": applications,
            "rows": queue_rows,
            "show_all": lists.sponsor_shows_all(request.GET),
            "body": request.user.advisor_membership.sponsor_body,
        }
        return context, _clocks_change_at(queue_rows, now)

    return _list_page(request, "sponsor_queue", build)


@login_required
@rule_required("accounts.view_staff_queue")
def staff_queue(request):
    def build(now):
        form = lists.staff_queue_form(request.GET)
        queue = lists.staff_queue(request.user, request.GET, form=form)
        applications = _page(request, selectors.with_news(rows.shown(queue), request.user))
        counts = selectors.staff_queue_counts(now)
        queue_rows = rows.rows(applications, date="endorsed_at", now=now)
        context = {
            "applications": applications,
            "rows": queue_rows,
            "form": form,
            "counts": counts.by_state,
            "awaiting_sponsor": counts.awaiting_sponsor,
            "overdue": counts.overdue,
        }
        return context, page_cache.earliest(
            _clocks_change_at(queue_rows, now), counts.next_overdue_at
        )

    return _list_page(request, "staff_queue", build)


@login_required
@rule_required("corporations.view_interlocutor_queue")
def interlocutor_queue(request):
    """The proposals awaiting the interlocutor's answer, all of them on every page (unanswered,
    one expires after the reminder settings' `proposal_expiry_days`), then the SMEs they
    follow, which only grow: those by pages."""
    user = request.user

    def build(now):
        proposals = list(
            selectors.with_news(
                rows.shown(
                    selectors.interlocutor_proposals(user), "application__", extra=["created_at"]
                ),
                user,
                "application",
            )
        )
        followed = _page(
            request,
            selectors.with_news(
                rows.shown(
                    selectors.interlocutor_followed(user), "application__", extra=["decided_at"]
                ),
                user,
                "application",
            ),
        )
        of_match = attrgetter("application")
        proposal_rows = rows.rows(proposals, application=of_match, date="created_at", now=now)
        followed_rows = rows.rows(followed, application=of_match, date="decided_at", now=now)
        context = {
            "proposals": proposals,
            "proposal_rows": proposal_rows,
            "followed": followed,
            "followed_rows": followed_rows,
        }
        return context, _clocks_change_at(proposal_rows + followed_rows, now)

    return _list_page(request, "interlocutor_queue", build)


def _clocks_change_at(queue_rows, now):
    return caching.clocks_change_at((row.application for row in queue_rows), now)
