"""The Django admin cannot hand an interlocutor's proposals and accompaniments to someone else:
the person and the corporation of an existing interlocutor are fixed."""

import pytest
from django.urls import reverse

from corporations.models import Interlocutor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def form_data(response) -> dict:
    """What the admin's change page would post back untouched, its inlines' rows included."""
    forms = [field.form for field in response.context["adminform"].form][:1]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(value, list | tuple):
                value = ",".join(str(item) for item in value)
            if value is True:
                data[field.html_name] = "on"
            elif value is not None and value is not False:
                data[field.html_name] = str(value)
    return data


def test_admin_interlocutor_keeps_its_person_and_corporation(
    client, admin_user, interlocutor, other_corporation
):
    row = Interlocutor.objects.get(user=interlocutor)
    intruder = UserFactory()
    url = reverse("admin:corporations_interlocutor_change", args=[row.pk])
    client.force_login(admin_user)
    data = form_data(client.get(url))
    data |= {"user": str(intruder.pk), "corporation": str(other_corporation.pk), "capacity": "7"}

    response = client.post(url, data)

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.user_id, row.corporation_id, row.capacity) == (
        interlocutor.pk,
        interlocutor.interlocutor.corporation_id,
        7,
    )


def test_admin_corporation_page_keeps_its_interlocutors_persons(
    client, admin_user, interlocutor, alstom
):
    row = Interlocutor.objects.get(user=interlocutor)
    intruder = UserFactory()
    url = reverse("admin:corporations_membercorporation_change", args=[alstom.pk])
    client.force_login(admin_user)
    data = form_data(client.get(url))
    row_prefix = next(
        key.removesuffix("-id")
        for key, value in data.items()
        if key.endswith("-id") and value == str(row.pk) and key.replace("-id", "-user") in data
    )
    data[row_prefix + "-user"] = str(intruder.pk)

    response = client.post(url, data)

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.user_id == interlocutor.pk


def test_admin_may_add_an_interlocutor_for_a_person(client, admin_user, alstom):
    person = UserFactory()
    client.force_login(admin_user)
    data = form_data(client.get(reverse("admin:corporations_interlocutor_add")))
    data |= {
        "user": str(person.pk),
        "corporation": str(alstom.pk),
        "job_title": "Directrice pays Brésil",
        "countries": "BR",
        "capacity": "3",
    }

    response = client.post(reverse("admin:corporations_interlocutor_add"), data)

    assert response.status_code == 302
    assert Interlocutor.objects.get(user=person).corporation == alstom
