"""Companies' SIRENs in their compact ASCII form, then a check that only nine ASCII digits can
be stored.

Before this, a SIREN typed in full-width digits ("９８２３８０５７８") was stored as typed, so the
same company could register twice. The data step rewrites each SIREN as
`applications.validators.normalize_siren` gives it. Two companies that turn out to have the
same SIREN are one company registered twice: merging them (applications, members, documents)
is a person's decision, so the migration stops, changes nothing, and names them; merge or
delete one in the admin, then migrate again. The same for a SIREN that is not nine digits
even once normalised.
"""

from django.db import migrations, models

from companies.validators import normalize_siren


class SirenMigrationError(Exception):
    pass


def normalised_sirens(rows) -> dict[int, str]:
    """From (id, siren, legal name) rows, the new SIREN of each company whose SIREN changes;
    an error naming the companies when two would share one, or one is not nine digits."""
    owners: dict[str, list] = {}
    changes, invalid = {}, []
    for pk, siren, legal_name in rows:
        compact = normalize_siren(siren)
        if not (len(compact) == 9 and compact.isascii() and compact.isdigit()):
            invalid.append(f"#{pk} {legal_name!r}: {siren!r}")
        owners.setdefault(compact, []).append(f"#{pk} {legal_name!r} ({siren!r})")
        if compact != siren:
            changes[pk] = compact
    duplicates = [
        f"{compact}: {', '.join(names)}" for compact, names in owners.items() if len(names) > 1
    ]
    problems = []
    if duplicates:
        problems.append(
            "The same SIREN written in different ways, one company registered twice (merge or "
            "delete one in the admin, then migrate again): " + "; ".join(duplicates) + "."
        )
    if invalid:
        problems.append(
            "Not nine digits (correct them in the admin, then migrate again): "
            + "; ".join(invalid)
            + "."
        )
    if problems:
        raise SirenMigrationError(
            " ".join(
                ["Some companies' SIRENs cannot be normalised; nothing was changed.", *problems]
            )
        )
    return changes


def normalise(apps, schema_editor):
    Company = apps.get_model("applications", "Company")
    rows = Company.objects.values_list("pk", "siren", "legal_name").order_by("pk")
    for pk, siren in normalised_sirens(rows.iterator()).items():
        Company.objects.filter(pk=pk).update(siren=siren)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0011_admin_change_action"),
    ]

    operations = [
        migrations.RunPython(normalise, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="company",
            constraint=models.CheckConstraint(
                condition=models.Q(("siren__regex", "\\A[0-9]{9}\\Z")),
                name="company_siren_nine_ascii_digits",
                violation_error_message="Un numéro SIREN comporte exactement 9 chiffres.",
            ),
        ),
    ]
