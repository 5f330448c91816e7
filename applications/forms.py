"""Forms for applications and each workflow action (the company's are `companies.forms`)."""

import functools
from collections.abc import Iterable

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from crispy_forms.utils import render_crispy_form
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from corporations.models import HostingOffer, Interlocutor
from reference.models import Sector
from reference.widgets import DateInput, SearchableSelect, Select
from sponsors.models import SponsorBody

from .enums import Action, DocumentKind, Outcome, State, SupportKind
from .models import Application
from .selectors import interlocutor_choices, proposable_interlocutors, staff_choices, team_members


class ReadOnce(BaseChoiceIterator):
    """Choices read by `read()` when first listed, then kept: plain (value, label) pairs that
    Django neither reads when the form is only validated nor normalises pair by pair (its
    callable choices are, on every listing)."""

    def __init__(self, read):
        self.read = functools.cache(read)

    def __iter__(self):
        return iter(self.read())


class RenderedOnce:
    """A crispy form whose unbound markup is written once per process and then reused:
    `{{ form.crispy_html }}` rather than `{% crispy form %}`, which costs 1.5 to 2 ms a form, and
    an application's page has up to five. The markup is kept under everything it is made of
    (the form's class, ids and fields: labels, help texts, initial values, widgets and their
    choices, in the active language); a bound form (its errors, what was typed) and a form
    with a model choice field whose choices are not given as plain pairs (`ReadOnce`) are
    rendered each time."""

    def crispy_html(self) -> str:
        key = None if self.is_bound else self._markup_key()
        if key is None:
            return render_crispy_form(self)
        markup = _MARKUP.get(key)
        if markup is None:
            markup = render_crispy_form(self)
            if len(_MARKUP) >= _MARKUP_MAX:
                _MARKUP.clear()  # a bound, rarely reached: start again
            _MARKUP[key] = markup
        return markup

    def _markup_key(self) -> tuple | None:
        fields = []
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and not isinstance(
                field.choices, ReadOnce
            ):
                return None  # its choices, read from the database, would be part of the key
            choices = getattr(field, "choices", ())
            fields.append(
                (
                    name,
                    type(field).__name__,
                    type(field.widget).__name__,
                    repr(sorted(field.widget.attrs.items())),
                    str(field.label),
                    str(field.help_text),
                    repr(self.get_initial_for_field(field, name)),
                    field.required,
                    field.disabled,
                    tuple((value, str(label)) for value, label in choices),
                )
            )
        return (type(self), self.auto_id, self.prefix, get_language(), tuple(fields))


# Unbound forms' markup (`RenderedOnce`): a few dozen variants (forms × states × languages),
# and a proposal form per list of proposable interlocutors; the bound is a guard.
_MARKUP: dict[tuple, str] = {}
_MARKUP_MAX = 500


class ApplicationForm(forms.ModelForm):
    """The SME's application; a draft may be saved before everything is filled in."""

    # Said under the error summary's title (reference.templatetags.form_fields).
    error_summary_note = _(
        "La demande n'est pas encore enregistrée : corrigez les champs signalés ci-dessous. "
        "Ce que vous avez saisi est conservé."
    )

    support_kinds = forms.MultipleChoiceField(
        label=_("Appui demandé"),
        choices=SupportKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un type d'appui.")},
        help_text=_("Un grand groupe peut apporter plusieurs appuis à la fois."),
    )

    class Meta:
        model = Application
        fields = [
            "target_country",
            "target_city",
            "support_kinds",
            "maturity",
            "description",
            "hosting_desks",
            "hosting_vie_count",
            "hosting_start_date",
            "hosting_budget",
        ]
        widgets = {
            "target_country": SearchableSelect(empty_label=_("Choisissez un pays")),
            "maturity": Select(empty_label=_("Choisissez où en est votre projet")),
            "hosting_start_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["support_kinds"] = [kind.value for kind in self.instance.support_kinds]
        self.fields["target_country"].error_messages["required"] = _(
            "Choisissez le pays cible de votre projet."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Votre projet"),
                Div(
                    Div("target_country", css_class="col-md-6"),
                    Div("target_city", css_class="col-md-6"),
                    css_class="row",
                ),
                "support_kinds",
                "maturity",
                "description",
            ),
            Fieldset(
                _("Hébergement (si vous le demandez)"),
                HTML(
                    '<p class="text-body-secondary small">'
                    + str(
                        _(
                            "Des postes dans les bureaux d'un grand groupe, parfois à prix "
                            "coûtant, pour vos salariés ou vos VIE."
                        )
                    )
                    + "</p>"
                ),
                Div(
                    Div(Field("hosting_desks", min=1), css_class="col-md-3"),
                    Div(Field("hosting_vie_count", min=0), css_class="col-md-3"),
                    Div("hosting_start_date", css_class="col-md-3"),
                    Div(Field("hosting_budget", min=0), css_class="col-md-3"),
                    css_class="row",
                ),
            ),
        )

    def clean_hosting_start_date(self):
        start = self.cleaned_data.get("hosting_start_date")
        if start and start < timezone.localdate():
            raise ValidationError(_("La date de début ne peut pas être dans le passé."))
        return start

    def clean(self):
        cleaned = super().clean()
        kinds = cleaned.get("support_kinds") or []
        if SupportKind.HOSTING in kinds:
            if not cleaned.get("hosting_desks"):
                self.add_error(
                    "hosting_desks",
                    _("Indiquez combien de postes de travail vous souhaitez faire héberger."),
                )
            desks, vie = cleaned.get("hosting_desks") or 0, cleaned.get("hosting_vie_count") or 0
            if desks and vie > desks:
                self.add_error(
                    "hosting_vie_count",
                    _("Le nombre de VIE ne peut pas dépasser le nombre de postes."),
                )
        return cleaned

    def draft_values(self) -> dict[str, object]:
        """The application's fields as filled in here (once valid), for `services.create_draft`
        and `services.update_draft`: the kinds of support as their three flags, no hosting
        details without hosting."""
        kinds = set(self.cleaned_data.get("support_kinds") or [])
        values = {
            name: getattr(self.instance, name)
            for name in self._meta.fields
            if name != "support_kinds"
        }
        values["wants_advice"] = SupportKind.ADVICE in kinds
        values["wants_hosting"] = SupportKind.HOSTING in kinds
        values["wants_commercial"] = SupportKind.COMMERCIAL in kinds
        if not values["wants_hosting"]:
            for field in ("hosting_desks", "hosting_vie_count", "hosting_start_date"):
                values[field] = None
            values["hosting_budget"] = None
        return values


class SponsorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, body):
        return f"{body.name} ({body.get_kind_display()})"


class SubmitForm(forms.Form):
    """Pick the sponsor body and send the application to it."""

    sponsor_body = SponsorChoiceField(
        label=_("Organisme parrain"),
        queryset=SponsorBody.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez l'organisme qui parrainera votre demande.")},
    )
    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, bodies: list[SponsorBody], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["sponsor_body"]
        field.queryset = SponsorBody.objects.filter(pk__in=[body.pk for body in bodies])
        # Keep the order given (bodies covering the company's region first).
        field.choices = [(body.pk, field.label_from_instance(body)) for body in bodies]
        self.helper = FormHelper()
        self.helper.form_tag = False


# --- Workflow action forms: one per action, each with the state the user saw. -------------


class ActionForm(RenderedOnce, forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, application: Application, action: str, **kwargs):
        # Several action forms share a page: ids carry the action to stay unique.
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["expected_state"].initial = application.state
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's <form> has its token

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["expected_state"] = data.get("expected_state") or None
        return data


def _text(label, *, required: bool, help_text: str = "", required_message: str = ""):
    field = forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )
    if required_message:
        field.error_messages["required"] = required_message
    return field


class EndorseForm(ActionForm):
    note = _text(_("Commentaire pour l'équipe Pacte PME (facultatif)"), required=False)


class DeclineEndorsementForm(ActionForm):
    reason = _text(
        _("Motif du refus"),
        required=True,
        help_text=_("La PME le verra et pourra corriger sa demande."),
        required_message=_("Indiquez à la PME le motif du refus de parrainage."),
    )


class RequestInformationForm(ActionForm):
    question = _text(
        _("Question à la PME"),
        required=True,
        help_text=_("Le délai d'instruction est suspendu jusqu'à sa réponse."),
        required_message=_("Écrivez la question à poser à la PME."),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _files_help_text_now(count: int) -> str:
    return gettext(
        "Jusqu'à %(count)s fichiers : PDF, PNG, JPEG, DOCX, XLSX, ODT ou ODS ; %(limit)s Mo "
        "au plus chacun."
    ) % {"count": count, "limit": settings.DOCUMENT_MAX_BYTES // (1024 * 1024)}


_files_help_text = lazy(_files_help_text_now, str)


class MultipleFileField(forms.FileField):
    """Several files in one field, each checked as `FileField` checks one; at most `limit`
    (`DOCUMENT_MAX_PER_REQUEST`, from which the largest request body accepted is reckoned)."""

    def __init__(self, *args, limit: int | None = None, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.limit = limit or settings.DOCUMENT_MAX_PER_REQUEST
        # Lazy: the field is made once, when its form's class is, in no one's language.
        self.help_text = _files_help_text(self.limit)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > self.limit:
            raise forms.ValidationError(
                _("Joignez au plus %(count)s fichiers à la fois.") % {"count": self.limit}
            )
        cleaned = [super(MultipleFileField, self).clean(file, initial) for file in files]
        if self.required and not cleaned:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [file for file in cleaned if file]


def _attachments():
    return MultipleFileField(label=_("Pièces jointes (facultatif)"))


class AnswerInformationForm(ActionForm):
    answer = _text(_("Votre réponse"), required=True, required_message=_("Écrivez votre réponse."))
    attachments = _attachments()

    def service_kwargs(self) -> dict:
        data = super().service_kwargs()
        data["uploads"] = data.pop("attachments")
        return data


class ProposeForm(ActionForm):
    """Propose the application to an interlocutor: one the ranking lists as available (a row's
    button sends its hosting offer), or anyone else, with the reason for that choice."""

    interlocutor = forms.ModelChoiceField(
        label=_("Correspondant"),
        queryset=Interlocutor.objects.none(),
        widget=Select,
        error_messages={
            "required": _("Choisissez le correspondant à qui proposer le dossier."),
            "invalid_choice": _(
                "Ce correspondant ne peut pas recevoir ce dossier : il n'est plus actif ou le "
                "dossier lui a déjà été proposé."
            ),
        },
    )
    # The offer the ranking chose for the SME's desks; checked in `clean`, where its error can
    # be shown (a hidden field's own errors would not be).
    hosting_offer = forms.CharField(required=False, widget=forms.HiddenInput)
    off_list_reason = _text(
        _("Pourquoi ce correspondant ?"),
        required=False,
        help_text=_(
            "Obligatoire s'il n'est pas parmi les correspondants disponibles ci-dessus ; "
            "enregistré avec la proposition."
        ),
    )
    note = _text(_("Message au correspondant (facultatif)"), required=False)

    def __init__(self, *args, ranked_ids: Iterable[int] = (), choices=None, **kwargs):
        """`ranked_ids`: the interlocutors the ranking lists as available for this application;
        anyone else needs a reason. `choices`: returns the list `interlocutor_choices` reads
        (the view's is cached)."""
        super().__init__(*args, **kwargs)
        self.ranked_ids = frozenset(ranked_ids)
        field = self.fields["interlocutor"]
        field.queryset = proposable_interlocutors(self.application)  # what may be chosen
        # What is shown: read as plain rows, once, only when the form is rendered.
        read = choices or (lambda: interlocutor_choices(self.application))
        field.choices = ReadOnce(lambda: [("", field.empty_label), *read()])

    def clean(self):
        cleaned = super().clean()
        offer_id = cleaned.pop("hosting_offer", "")
        cleaned["hosting_offer"] = None
        interlocutor = cleaned.get("interlocutor")
        if interlocutor is None:
            return cleaned
        if offer_id and self.application.wants_hosting:
            offer = HostingOffer.objects.filter(
                pk=int(offer_id) if offer_id.isdecimal() and len(offer_id) < 10 else None,
                corporation_id=interlocutor.corporation_id,
                country=self.application.target_country,
            ).first()
            if offer is None:
                self.add_error(
                    None,
                    _(
                        "Cette offre d'hébergement n'est pas une offre du groupe du "
                        "correspondant dans le pays cible."
                    ),
                )
            cleaned["hosting_offer"] = offer
        if interlocutor.pk in self.ranked_ids:
            cleaned["off_list_reason"] = ""  # listed: nothing to justify
        elif not cleaned.get("off_list_reason", "").strip():
            self.add_error(
                "off_list_reason",
                _("Expliquez pourquoi vous choisissez un correspondant hors de la liste."),
            )
        return cleaned


class AcceptMatchForm(ActionForm):
    note = _text(_("Message à la PME et à l'équipe (facultatif)"), required=False)


class DeclineMatchForm(ActionForm):
    reason = _text(
        _("Motif"),
        required=True,
        help_text=_("Le dossier revient à l'équipe Pacte PME pour une autre mise en relation."),
        required_message=_("Indiquez pourquoi vous déclinez ce dossier."),
    )


class RejectForm(ActionForm):
    reason = _text(
        _("Motif du refus"),
        required=True,
        required_message=_("Indiquez à la PME le motif du refus."),
    )


class WithdrawForm(ActionForm):
    reason = _text(_("Pourquoi retirez-vous votre demande ? (facultatif)"), required=False)


class CloseForm(ActionForm):
    outcome = forms.ChoiceField(
        label=_("Résultat de l'accompagnement"),
        choices=[("", "---------"), *Outcome.choices],
        error_messages={"required": _("Choisissez le résultat de l'accompagnement.")},
    )
    note = _text(_("Commentaire (facultatif)"), required=False)


class RateForm(ActionForm):
    rating = forms.TypedChoiceField(
        label=_("Votre note"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une note de 1 à 5.")},
        help_text=_("5 : très satisfait ; 1 : pas du tout satisfait."),
    )
    comment = _text(_("Commentaire (facultatif)"), required=False)

    def service_kwargs(self) -> dict:
        return {"rating": self.cleaned_data["rating"], "comment": self.cleaned_data["comment"]}


ACTION_FORMS: dict[str, type[ActionForm]] = {
    Action.ENDORSE: EndorseForm,
    Action.DECLINE_ENDORSEMENT: DeclineEndorsementForm,
    Action.REQUEST_INFORMATION: RequestInformationForm,
    Action.ANSWER_INFORMATION: AnswerInformationForm,
    Action.PROPOSE: ProposeForm,
    Action.ACCEPT_MATCH: AcceptMatchForm,
    Action.DECLINE_MATCH: DeclineMatchForm,
    Action.REJECT: RejectForm,
    Action.WITHDRAW: WithdrawForm,
    Action.CLOSE: CloseForm,
    Action.RATE: RateForm,
}


class StaffQueueFilterForm(forms.Form):
    # Its selects list every sponsor body, sector and country: written in Python (`widgets`).
    state = forms.ChoiceField(
        label=_("État"),
        required=False,
        choices=[
            ("", _("Tous les dossiers en cours")),
            *[(s.value, s.label) for s in State if s not in (State.DRAFT,)],
        ],
        widget=Select,
    )
    country = forms.ChoiceField(label=_("Pays cible"), required=False, widget=SearchableSelect)
    sector = forms.ModelChoiceField(
        label=_("Secteur"),
        required=False,
        queryset=Sector.objects.all(),
        empty_label=_("Tous"),
        widget=SearchableSelect,
    )
    sponsor_body = forms.ModelChoiceField(
        label=_("Parrain"),
        required=False,
        queryset=SponsorBody.objects.all(),
        empty_label=_("Tous"),
        widget=SearchableSelect,
    )
    mine = forms.BooleanField(label=_("Seulement les miens"), required=False)
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("", _("Temps restant")),
            ("endorsed", _("Date de parrainage")),
        ],
        widget=Select,
    )

    def __init__(self, *args, countries=(), sectors=None, sponsor_bodies=None, **kwargs):
        """Each of `countries`, `sectors` and `sponsor_bodies` is the (value, label) pairs of
        its select, or a function that returns them, called only when the select is shown or a
        value checked against it (an export does neither). `sectors` and `sponsor_bodies`
        (`selectors.sector_choices`...) are cheaper than a model instance per option; what is
        chosen is still looked up in the fields' querysets."""
        super().__init__(*args, **kwargs)
        for name, choices in (
            ("country", countries),
            ("sector", sectors),
            ("sponsor_body", sponsor_bodies),
        ):
            if choices is not None:
                field = self.fields[name]
                empty = getattr(field, "empty_label", None) or _("Tous")
                field.choices = _LazyChoices(empty, choices)


class _LazyChoices(BaseChoiceIterator):
    """(value, label) pairs after an empty choice, worked out once, when first read. Django
    takes a BaseChoiceIterator as it is, rather than normalising each pair on every read."""

    def __init__(self, empty_label, choices):
        self.empty_label = empty_label
        self.choices = choices
        self.pairs = None

    def __iter__(self):
        if self.pairs is None:
            pairs = self.choices() if callable(self.choices) else self.choices
            self.pairs = [("", self.empty_label), *pairs]
        return iter(self.pairs)


class OwnerForm(forms.Form):
    """Staff hand an application's review over to a member of the team."""

    owner = forms.ModelChoiceField(
        label=_("Responsable de l'instruction"),
        queryset=User.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": _("Choisissez un membre actif de l'équipe Pacte PME."),
            "required": _("Choisissez un membre actif de l'équipe Pacte PME."),
        },
        widget=Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        if self.is_bound:  # whom it may be: only a sent form's validation reads it
            field.queryset = team_members()
        field.choices = ReadOnce(staff_choices)  # read when the form is rendered
        if not self.is_bound:
            self.initial["owner"] = application.owner_id


class DocumentForm(RenderedOnce, forms.Form):
    """A document the SME attaches to its application. What the file is (its type, its
    size, a zip bomb) is judged once, by `services.attach_document`; the view puts its
    refusal on the file field."""

    kind = forms.ChoiceField(
        label=_("Nature du document"),
        choices=DocumentKind.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    file = forms.FileField(
        label=_("Fichier"),
        error_messages={
            "required": _("Choisissez le fichier à joindre."),
            "empty": _("Ce fichier est vide."),
        },
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's <form> has its token
        self.fields["file"].help_text = _(
            "PDF, PNG, JPEG, DOCX, XLSX, ODT ou ODS ; %(limit)s Mo au plus."
        ) % {"limit": settings.DOCUMENT_MAX_BYTES // (1024 * 1024)}


class MessageForm(RenderedOnce, forms.Form):
    """A message in the conversation, with documents; staff may make it an internal note."""

    body = forms.CharField(
        label=_("Votre message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Écrivez votre message.")},
    )
    attachments = _attachments()
    internal = forms.BooleanField(
        label=_("Note interne : visible de l'équipe Pacte PME seulement"), required=False
    )

    # Asked only while a question of the association waits for this SME's answer: a message
    # does not resume the review clock, an answer does.
    is_answer = forms.TypedChoiceField(
        label=_("Ce message répond-il à la demande de compléments ?"),
        choices=[
            (True, _("Oui, c'est ma réponse : le délai d'instruction reprend.")),
            (False, _("Non, c'est un simple message : le délai reste en pause.")),
        ],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Dites si ce message est votre réponse à la demande de compléments.")
        },
    )

    def __init__(
        self,
        *args,
        can_write_note: bool = False,
        notes_only: bool = False,
        answer_pending: bool = False,
        **kwargs,
    ):
        kwargs.setdefault("auto_id", "id_message_%s")
        super().__init__(*args, **kwargs)
        self.notes_only = can_write_note and notes_only
        if not answer_pending:
            del self.fields["is_answer"]
        if not can_write_note:
            del self.fields["internal"]
        elif notes_only:  # the conversation is over; staff still keep notes
            self.fields["internal"].initial = True
            self.fields["internal"].disabled = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's <form> has its token

    @property
    def is_the_answer(self) -> bool:
        """The SME said this message answers the open question (`services.answer_information`)."""
        return self.cleaned_data.get("is_answer") is True

    def service_kwargs(self) -> dict:
        return {
            "body": self.cleaned_data["body"],
            "uploads": self.cleaned_data["attachments"],
            "internal": self.cleaned_data.get("internal", False),
        }
