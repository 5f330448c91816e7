"""Load the NAF rév. 2 sections and divisions (reference data every company and presence uses)."""

from django.db import migrations

from reference.naf import DIVISIONS, SECTIONS


def load_sectors(apps, schema_editor):
    Sector = apps.get_model("applications", "Sector")
    sections = {}
    for code, label_fr, label_en in SECTIONS:
        sections[code], _created = Sector.objects.update_or_create(
            code=code, defaults={"label_fr": label_fr, "label_en": label_en, "section": None}
        )
    for code, section, label_fr, label_en in DIVISIONS:
        Sector.objects.update_or_create(
            code=code,
            defaults={"label_fr": label_fr, "label_en": label_en, "section": sections[section]},
        )


class Migration(migrations.Migration):
    dependencies = [("applications", "0002_initial")]

    operations = [migrations.RunPython(load_sectors, migrations.RunPython.noop)]
