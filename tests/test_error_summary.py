"""After a failed submit, every form of the portal opens on a summary of its errors (how many,
with real plurals, and a link to each field), and each field in error says so to assistive
technology (aria-invalid, aria-describedby naming its message), groups of checkboxes and radio
buttons included. The focus is moved to the summary by static/js/forms.js (browser test:
tests/browser/test_keyboard_journey.py)."""

import re
from html import unescape

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from accounts.forms import LoginForm
from applications.enums import State
from applications.forms import ApplicationForm
from reference.templatetags.form_fields import ErrorItem, error_items

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(r"<div ([^>]*data-error-summary[^>]*)>(.*?)</div>", re.S)


def summary_of(content: str) -> dict:
    """The error summary of a page: its attributes, title, note and items (link, text)."""
    [(attrs, body)] = SUMMARY.findall(content)
    [title] = re.findall(r"<h2[^>]*>(.*?)</h2>", body, re.S)
    notes = re.findall(r"<p[^>]*>(.*?)</p>", body, re.S)
    items = []
    for item in re.findall(r"<li>(.*?)</li>", body, re.S):
        link = re.fullmatch(r'<a class="alert-link" href="([^"]*)">(.*?)</a>', item, re.S)
        items.append((link[1], unescape(link[2])) if link else ("", unescape(item)))
    return {
        "attrs": dict(re.findall(r'([\w-]+)="([^"]*)"', attrs)),
        "title": unescape(title),
        "note": unescape(notes[0]) if notes else "",
        "items": items,
    }


def tag(content: str, pattern: str) -> str:
    """The one opening tag that matches `pattern` (a regex over the tag's text)."""
    [found] = re.findall(rf"<{pattern}[^>]*>", content)
    return found


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


APPLICATION_WITHOUT_COUNTRY_NOR_SUPPORT = {"target_country": "", "target_city": "Hanoi"}


# --- The summary -------------------------------------------------------------------------------


def test_application_form_summary_in_french(client, sme_user):
    client.force_login(sme_user)

    response = client.post(
        reverse("applications:create"), {**APPLICATION_WITHOUT_COUNTRY_NOR_SUPPORT, "save": ""}
    )

    assert response.status_code == 200
    summary = summary_of(response.content.decode())
    assert summary == {
        "attrs": {
            "class": "alert alert-danger error-summary",
            "role": "alert",
            "tabindex": "-1",
            "data-testid": "error-summary",
        },
        "title": "Le formulaire contient 2 erreurs",
        "note": (
            "La demande n'est pas encore enregistrée : corrigez les champs signalés ci-dessous. "
            "Ce que vous avez saisi est conservé."
        ),
        "items": [
            ("#id_target_country", "Pays cible : Choisissez le pays cible de votre projet."),
            ("#id_support_kinds_0", "Appui demandé : Choisissez au moins un type d'appui."),
        ],
    }


def test_application_form_summary_in_english(client, sme_user):
    client.force_login(sme_user)
    english(client)

    response = client.post(
        reverse("applications:create"), {**APPLICATION_WITHOUT_COUNTRY_NOR_SUPPORT, "save": ""}
    )

    summary = summary_of(response.content.decode())
    assert (summary["title"], summary["note"], summary["items"]) == (
        "The form has 2 errors",
        "The application has not been saved yet: correct the fields flagged below. "
        "What you have entered has been kept.",
        [
            ("#id_target_country", "Target country: Choose your project's target country."),
            (
                "#id_support_kinds_0",
                "Assistance requested: Choose at least one type of assistance.",
            ),
        ],
    )


def test_one_error_is_singular_in_each_language(client, sme_user):
    client.force_login(sme_user)
    data = {**APPLICATION_WITHOUT_COUNTRY_NOR_SUPPORT, "target_country": "VN", "save": ""}

    french = summary_of(client.post(reverse("applications:create"), data).content.decode())
    english(client)
    english_ = summary_of(client.post(reverse("applications:create"), data).content.decode())

    assert french["title"] == "Le formulaire contient 1 erreur"
    assert english_["title"] == "The form has 1 error"
    assert french["items"] == [
        ("#id_support_kinds_0", "Appui demandé : Choisissez au moins un type d'appui.")
    ]


def test_no_summary_before_the_form_is_sent(client, sme_user):
    client.force_login(sme_user)

    content = client.get(reverse("applications:create")).content.decode()

    assert "data-error-summary" not in content
    assert 'aria-invalid="true"' not in content


def test_every_page_loads_the_script_that_focuses_the_summary(client):
    content = client.get(reverse("accounts:signup")).content.decode()

    assert '<script src="/static/js/forms.js"></script>' in content


def test_signup_form_summary_lists_its_fields_in_order(client):
    response = client.post(reverse("accounts:signup"), {"email": "dirigeante@asconit.fr"})

    summary = summary_of(response.content.decode())
    assert summary["title"] == "Le formulaire contient 4 erreurs"
    assert summary["items"] == [
        ("#id_first_name", "Prénom : Ce champ est obligatoire."),
        ("#id_last_name", "Nom : Ce champ est obligatoire."),
        ("#id_password1", "Mot de passe : Ce champ est obligatoire."),
        ("#id_password2", "Confirmation du mot de passe : Ce champ est obligatoire."),
    ]


def test_a_form_s_own_error_is_listed_without_a_link(client, sme_user):
    response = client.post(
        reverse("accounts:login"), {"username": sme_user.email, "password": "not-the-password"}
    )

    summary = summary_of(response.content.decode())
    assert summary["title"] == "Le formulaire contient 1 erreur"
    [(link, text)] = summary["items"]
    assert link == ""
    assert text == LoginForm.error_messages["invalid_login"] % {"username": "adresse e-mail"}


def test_sponsor_choice_summary_leads_to_the_first_radio_button(
    client, sme_user, draft_application, sponsor_body
):
    client.force_login(sme_user)

    response = client.post(
        reverse("applications:submit", args=[draft_application.pk]),
        {"expected_state": State.DRAFT},
    )

    content = response.content.decode()
    assert summary_of(content)["items"] == [
        (
            "#id_sponsor_body_0",
            "Organisme parrain : Choisissez l'organisme qui parrainera votre demande.",
        )
    ]
    assert tag(content, r'input type="radio"') == (
        '<input type="radio" class="form-check-input is-invalid"  name="sponsor_body" '
        f'value="{sponsor_body.pk}"  id="id_sponsor_body_0" required aria-invalid="true" '
        'aria-describedby="id_sponsor_body_error">'
    )


def test_message_form_on_the_application_page_has_its_summary(client, sme_user, application_in):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)

    response = client.post(reverse("applications:message_post", args=[application.pk]), {})

    content = response.content.decode()
    assert response.status_code == 400
    assert summary_of(content)["items"] == [
        ("#id_message_body", "Votre message : Écrivez votre message.")
    ]
    assert tag(content, r'textarea name="body"') == (
        '<textarea name="body" cols="40" rows="4" class="textarea form-control is-invalid" '
        'required aria-invalid="true" aria-describedby="id_message_body_error" '
        'id="id_message_body">'
    )
    assert '<div id="id_message_body_error" class="invalid-feedback">' in content


class _WithHidden(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(label="Nom de la société")


def test_the_form_s_own_and_hidden_fields_errors_have_no_link():
    form = _WithHidden(data={})
    form.is_valid()
    form.add_error(None, "Erreur du formulaire.")

    assert error_items(form) == [
        ErrorItem("Erreur du formulaire."),
        ErrorItem("Ce champ est obligatoire."),
        ErrorItem("Nom de la société : Ce champ est obligatoire.", "id_name"),
    ]


def test_summary_of_an_unbound_form_or_none_is_empty():
    template = Template("{% load form_fields %}[{% error_summary form %}]")

    assert template.render(Context({"form": ApplicationForm()})) == "[]"
    assert template.render(Context({"form": None})) == "[]"


# --- Each field in error, tied to its message ---------------------------------------------------


def test_a_select_in_error_is_invalid_and_described_by_its_message(client, sme_user):
    client.force_login(sme_user)

    response = client.post(
        reverse("applications:create"), {**APPLICATION_WITHOUT_COUNTRY_NOR_SUPPORT, "save": ""}
    )

    content = response.content.decode()
    assert tag(content, r'select name="target_country"') == (
        '<select name="target_country" class="searchableselect form-select is-invalid" required '
        'aria-invalid="true" aria-describedby="id_target_country_error" id="id_target_country" '
        'data-picker="single" data-picker-no-results="Aucun résultat" '
        'data-picker-results-one="%(count)s résultat" '
        'data-picker-results-other="%(count)s résultats">'
    )  # the searchable picker (static/js/picker.js) carries the same attributes over
    [message] = re.findall(r'<div id="id_target_country_error"[^>]*>(.*?)</div>', content, re.S)
    assert re.sub(r"<[^>]+>|\s+", " ", message).split() == (
        "Choisissez le pays cible de votre projet.".split()
    )
    assert tag(content, r'input type="text" name="target_city"') == (
        '<input type="text" name="target_city" value="Hanoi" maxlength="100" '
        'class="textinput form-control" id="id_target_city">'
    )  # a field without error says nothing of one


def test_support_kinds_are_a_fieldset_with_a_legend_and_their_error_tied_to_each_box(
    client, sme_user
):
    client.force_login(sme_user)

    response = client.post(
        reverse("applications:create"), {**APPLICATION_WITHOUT_COUNTRY_NOR_SUPPORT, "save": ""}
    )

    content = response.content.decode()
    [group] = re.findall(r'<div id="div_id_support_kinds".*?</fieldset>', content, re.S)
    assert tag(group, "fieldset") == (
        '<fieldset aria-describedby="id_support_kinds_helptext id_support_kinds_error">'
    )
    [legend] = re.findall(r"<legend[^>]*>(.*?)</legend>", group, re.S)
    assert re.sub(r"<[^>]+>|\s+", " ", legend).split() == ["Appui", "demandé", "*"]
    assert re.findall(r'<input type="checkbox"[^>]*>', group) == [
        '<input type="checkbox" class="form-check-input is-invalid"  name="support_kinds" '
        f'value="{value}"  id="id_support_kinds_{n}" aria-invalid="true" '
        'aria-describedby="id_support_kinds_error">'
        for n, value in enumerate(["advice", "hosting", "commercial"])
    ]
    # The message comes under the legend, before the boxes, and is shown (d-block).
    assert group.index('<div id="id_support_kinds_error" class="invalid-feedback d-block">') < (
        group.index('id="id_support_kinds_0"')
    )
    assert (
        '<p id="error_1_id_support_kinds" class="mb-1"><strong>Choisissez au moins un type '
        "d&#x27;appui.</strong></p>"
    ) in group
    assert '<div id="id_support_kinds_helptext" class="form-text">' in group


def test_support_kinds_in_english(client, sme_user):
    client.force_login(sme_user)
    english(client)

    response = client.post(
        reverse("applications:create"), {**APPLICATION_WITHOUT_COUNTRY_NOR_SUPPORT, "save": ""}
    )

    content = response.content.decode()
    [group] = re.findall(r'<div id="div_id_support_kinds".*?</fieldset>', content, re.S)
    [legend] = re.findall(r"<legend[^>]*>(.*?)</legend>", group, re.S)
    assert re.sub(r"<[^>]+>|\s+", " ", legend).split() == ["Assistance", "requested", "*"]
    assert "<strong>Choose at least one type of assistance.</strong>" in group


def test_support_kinds_without_error_say_nothing_of_one(client, sme_user):
    client.force_login(sme_user)

    response = client.post(
        reverse("applications:create"),
        {"target_country": "", "support_kinds": ["advice"], "save": ""},
    )

    content = response.content.decode()
    [group] = re.findall(r'<div id="div_id_support_kinds".*?</fieldset>', content, re.S)
    assert tag(group, "fieldset") == '<fieldset aria-describedby="id_support_kinds_helptext">'
    assert "aria-invalid" not in group
    assert "_error" not in group


# --- Forms sent together, and the forms the portal writes by hand -----------------------------


def test_profile_summary_counts_the_form_and_its_formset_together(client, interlocutor):
    from tests.corporations.test_views import PROFILE, form_data

    client.force_login(interlocutor)
    page = client.get(PROFILE).context

    response = client.post(
        PROFILE,
        form_data(
            page["form"],
            page["absences"],
            capacity="",
            **{"absences-0-start": "2026-08-21", "absences-0-end": "2026-08-01"},
        ),
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert len(SUMMARY.findall(content)) == 1  # one summary for the page's one <form>
    summary = summary_of(content)
    assert (summary["title"], summary["items"]) == (
        "Le formulaire contient 2 erreurs",
        [
            ("#id_capacity", "Dossiers suivis simultanément (maximum) : Ce champ est obligatoire."),
            (
                "#id_absences-0-end",
                "Au (inclus) (n° 1) : La fin de l'absence ne peut pas précéder son début.",
            ),
        ],
    )
    assert 'role="alert"' not in content.split("data-error-summary")[1]  # read out once


def test_preferences_refused_value_is_summarised_and_tied_to_its_group(client, sme_user):
    client.force_login(sme_user)
    chosen = {"message": "immediate", "document": "digest", "reminder": "none", "export": "none"}

    response = client.post(
        reverse("notifications:preferences"), {**chosen, "activity": "carrier-pigeon"}
    )

    content = response.content.decode()
    assert summary_of(content)["items"] == [
        (
            "#id_activity_0",
            "Étapes des dossiers que vous suivez : Sélectionnez un choix valide. carrier-pigeon "
            "n’en fait pas partie.",
        )
    ]
    assert tag(content, r"fieldset aria-describedby=\"id_activity") == (
        '<fieldset aria-describedby="id_activity_error">'
    )
    assert tag(content, r'input [^>]*id="id_activity_0"') == (
        '<input type="radio" class="form-check-input is-invalid" name="activity" '
        'value="immediate" id="id_activity_0" required aria-invalid="true" '
        'aria-describedby="id_activity_error">'
    )
    assert '<div id="id_activity_error" class="invalid-feedback d-block">' in content
    assert 'aria-describedby="id_message_error"' not in content


def test_owner_form_refused_choice_is_summarised(client, application_in, staff_user):
    application = application_in(State.IN_REVIEW)
    client.force_login(staff_user)

    response = client.post(
        reverse("applications:assign_owner", args=[application.pk]), {"owner": "999999"}
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert summary_of(content)["items"] == [
        (
            "#id_owner",
            "Responsable de l'instruction : Choisissez un membre actif de l'équipe Pacte PME.",
        )
    ]
    assert tag(content, r'select name="owner"') == (
        '<select name="owner" class="form-select form-select-sm" aria-invalid="true" '
        'aria-describedby="id_owner_error" id="id_owner">'
    )
    assert '<div id="id_owner_error" class="invalid-feedback d-block">' in content


def test_formset_errors_in_english(client, interlocutor):
    from tests.corporations.test_views import PROFILE, form_data

    client.force_login(interlocutor)
    page = client.get(PROFILE).context
    english(client)

    response = client.post(
        PROFILE,
        form_data(
            page["form"],
            page["absences"],
            **{"absences-0-start": "2026-08-21", "absences-0-end": "2026-08-01"},
        ),
    )

    summary = summary_of(response.content.decode())
    assert summary["title"] == "The form has 1 error"
    assert summary["items"] == [
        (
            "#id_absences-0-end",
            "To (inclusive) (no. 1): The end of the absence cannot be before its start.",
        )
    ]
