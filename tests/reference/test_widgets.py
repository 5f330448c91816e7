"""The shared select widgets write, byte for byte, what Django's own widgets write."""

import datetime

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from reference import widgets
from reference.models import Sector

CHOICES = [
    ("", "Tous"),
    ("fr", "France & « outre-mer »"),
    ("x<y", mark_safe("<b>déjà sûr</b>")),
    (3, 1200),
    ("date", datetime.date(2026, 2, 1)),
    ("lazy", gettext_lazy("Tous les dossiers en cours")),
    (
        "Europe",
        [("de", "Allemagne"), ("it", 'Italie "ital"'), (None, "Aucun")],
    ),
    ("", [("es", "Espagne")]),
    (None, "Rien"),
]

VALUES = [None, "", "fr", ["fr", "de"], ["es"], 3, "x<y", "nothing", ["", "lazy", "date"]]

ATTRS = [
    None,
    {"id": "id_f"},
    {"id": "id_f", "required": True, "aria-describedby": "id_f_error", "aria-invalid": "true"},
    {"disabled": False, "data-x": mark_safe("<ok>"), "title": 'a "b" <c>'},
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize(
    ("ours", "django"),
    [(widgets.Select, forms.Select), (widgets.SelectMultiple, forms.SelectMultiple)],
)
def test_select_writes_what_django_writes(ours, django, value, attrs, language):
    widget_attrs = {"class": "form-select", "size": 4}
    with override(language):
        expected = django(attrs=widget_attrs, choices=CHOICES).render("f", value, attrs)
        rendered = ours(attrs=widget_attrs, choices=CHOICES).render("f<", value, attrs)
        assert rendered == expected.replace('name="f"', 'name="f&lt;"')


def test_select_with_no_choices_writes_what_django_writes():
    assert widgets.Select().render("f", None) == forms.Select().render("f", None)


@pytest.mark.django_db
def test_select_of_a_model_choice_field_writes_what_django_writes():
    sectors = list(Sector.objects.order_by("code")[:3])  # the NAF sectors the migration loads

    class Ours(forms.Form):
        sector = forms.ModelChoiceField(Sector.objects.order_by("code"), widget=widgets.Select)

    class Djangos(forms.Form):
        sector = forms.ModelChoiceField(Sector.objects.order_by("code"))

    for data in [None, {"sector": sectors[1].pk}, {"sector": "nope"}]:
        assert str(Ours(data)["sector"]) == str(Djangos(data)["sector"])


def test_select_with_its_own_template_keeps_it():
    class Custom(widgets.Select):
        template_name = "django/forms/widgets/input.html"

    assert Custom().render("f", "x").startswith("<input")


def test_select_whose_options_are_made_otherwise_is_rendered_by_django():
    def create_option(self, *args, **kwargs):
        option = forms.Select.create_option(self, *args, **kwargs)
        option["attrs"]["data-tag"] = "x"
        return option

    Tagged = type("Tagged", (widgets.Select,), {"create_option": create_option})
    DjangoTagged = type("DjangoTagged", (forms.Select,), {"create_option": create_option})

    assert 'data-tag="x"' in Tagged(choices=CHOICES).render("f", "fr")
    assert Tagged(choices=CHOICES).render("f", "fr") == DjangoTagged(choices=CHOICES).render(
        "f", "fr"
    )


# --- crispy_field -------------------------------------------------------------------------------


class FilterForm(forms.Form):
    country = forms.ChoiceField(
        label="Pays <cible>", required=False, choices=CHOICES[:4], widget=widgets.Select
    )
    body = forms.ChoiceField(label="Parrain", choices=[("1", "CCI"), ("2", "CCE")])
    django_select = forms.ChoiceField(label="Tri", required=False, choices=[("", "Temps")])
    tagged = forms.ChoiceField(
        label="Classé",
        required=False,
        choices=[("a", "A")],
        help_text="Une <b>aide</b>",
        widget=widgets.Select(attrs={"class": "form-select-sm"}),
    )
    mine = forms.BooleanField(label="Seulement les miens", required=False)
    needed = forms.BooleanField(label="Obligatoire")


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"country": "fr", "body": "2", "mine": "on", "needed": "on", "tagged": "a"},
        {"country": "nope", "body": "9", "tagged": "z"},
    ],
)
def test_crispy_field_writes_what_crispy_writes(data, language):
    import re

    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    def same_text(html):
        html = re.sub(r"\s+", " ", str(html))
        return re.sub(
            r" ?(</?(?:div|label|p|strong|span|select|option|input)\b[^>]*>) ?", r"\1", html
        )

    with override(language):
        ours, theirs = FilterForm(data), FilterForm(data)
        for name in ours.fields:
            assert same_text(widgets.crispy_field(ours[name])) == same_text(
                as_crispy_field(theirs[name])
            ), name


def test_select_empty_label_replaces_only_the_empty_choice():
    choices = [
        ("", "---------"),
        ("fr", "France"),
        ("Europe", [("", "Aucun"), ("de", "Allemagne")]),
    ]
    expected = forms.Select(choices=choices).render("f", "")
    with override("en"):
        rendered = widgets.Select(
            choices=choices, empty_label=gettext_lazy("Choisissez un pays")
        ).render("f", "")

    assert rendered == expected.replace(
        '<option value="" selected>---------</option>',
        '<option value="" selected>Choose a country</option>',
    )
    assert '<option value="">Aucun</option>' in rendered  # a group's own choice kept


def test_select_empty_label_survives_the_form_s_copy_of_the_widget():
    class Form(forms.Form):
        country = forms.ChoiceField(
            choices=[("", "---------"), ("vn", "Viêt Nam")],
            widget=widgets.Select(empty_label="Choisissez un pays"),
        )

    assert '<option value="" selected>Choisissez un pays</option>' in str(Form()["country"])
    chosen = str(Form({"country": "vn"})["country"])
    assert '<option value="vn" selected>Viêt Nam</option>' in chosen


# --- The searchable picker's selects (static/js/picker.js) ---------------------------------


def test_searchable_select_writes_the_select_with_the_picker_s_words_in_french():
    widget = widgets.SearchableSelect(
        attrs={"class": "form-select"}, choices=[("", "Choisissez un pays"), ("VN", "Viêt Nam")]
    )

    with override("fr"):
        rendered = widget.render("target_country", "VN", {"id": "id_target_country"})

    assert rendered == (
        '<select name="target_country" class="form-select" id="id_target_country"'
        ' data-picker="single" data-picker-no-results="Aucun résultat"'
        ' data-picker-results-one="%(count)s résultat"'
        ' data-picker-results-other="%(count)s résultats">'
        '\n  <option value="">Choisissez un pays</option>\n'
        '\n  <option value="VN" selected>Viêt Nam</option>\n'
        "\n</select>"
    )


def test_searchable_select_multiple_writes_the_chips_words_in_english():
    widget = widgets.SearchableSelectMultiple(
        attrs={"size": 8}, choices=[("FR", "France"), ("VN", "Vietnam")]
    )

    with override("en"):
        rendered = widget.render("countries", ["VN"], {"id": "id_countries"})

    assert rendered == (
        '<select name="countries" size="8" id="id_countries" data-picker="multiple"'
        ' data-picker-no-results="No results"'
        ' data-picker-results-one="%(count)s result"'
        ' data-picker-results-other="%(count)s results"'
        ' data-picker-search="Type to search"'
        ' data-picker-chosen="Your choices: %(label)s"'
        ' data-picker-remove="Remove %(item)s"'
        ' data-picker-added="Added: %(item)s"'
        ' data-picker-removed="Removed: %(item)s" multiple>'
        '\n  <option value="FR">France</option>\n'
        '\n  <option value="VN" selected>Vietnam</option>\n'
        "\n</select>"
    )


@pytest.mark.parametrize("kind", [widgets.SearchableSelect, widgets.SearchableSelectMultiple])
def test_searchable_selects_keep_the_python_rendering(kind):
    assert kind()._renders_in_python() is True


@pytest.mark.django_db
def test_every_long_list_is_a_searchable_select():
    from accounts.forms import InvitationForm
    from applications.forms import ApplicationForm, StaffQueueFilterForm
    from companies.forms import CompanyForm
    from corporations.forms import HostingOfferForm, PresenceForm, ProfileForm
    from reports.forms import FiguresFilterForm

    def kind(form, name):
        return type(form.fields[name].widget)

    staff_filters = StaffQueueFilterForm()
    figures = FiguresFilterForm(with_sponsor_body=True)
    single = [
        kind(ApplicationForm(), "target_country"),
        kind(CompanyForm(), "sector"),
        kind(CompanyForm(), "department"),
        kind(staff_filters, "country"),
        kind(staff_filters, "sector"),
        kind(staff_filters, "sponsor_body"),
        kind(figures, "country"),
        kind(figures, "sponsor_body"),
        kind(PresenceForm(), "country"),
        kind(HostingOfferForm(), "country"),
        kind(InvitationForm(), "sponsor_body"),
    ]
    multiple = [
        kind(ProfileForm(), "countries"),
        kind(ProfileForm(), "sectors"),
        kind(PresenceForm(), "sectors"),
    ]

    assert set(single) == {widgets.SearchableSelect}
    assert set(multiple) == {widgets.SearchableSelectMultiple}


@pytest.mark.django_db
def test_the_ctrl_click_hint_is_only_for_a_page_without_the_picker(interlocutor):
    from corporations.forms import ProfileForm

    with override("fr"):
        form = ProfileForm(instance=interlocutor.interlocutor)
        countries = str(form.fields["countries"].help_text)
        sectors = str(form.fields["sectors"].help_text)

    assert countries == (
        "Laissez vide si vous suivez tous les pays où votre groupe est présent. "
        '<span class="picker-nojs">Actuellement : Viêt Nam. '
        "Ctrl (ou Cmd sur Mac) + clic pour en choisir plusieurs.</span>"
    )
    assert sectors == (
        'Divisions NAF. <span class="picker-nojs">Actuellement : 71 – '
        "Activités d&#x27;architecture et d&#x27;ingénierie ; activités de contrôle et analyses "
        "techniques. Ctrl (ou Cmd sur Mac) + clic pour en choisir plusieurs.</span>"
    )
