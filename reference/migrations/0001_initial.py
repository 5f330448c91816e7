"""The NAF sectors move here from `applications`, in Django's state only.

The table stays `applications_sector`, with its rows, constraints and sequence: nothing is
copied. `applications.0014_sector_moved` and `corporations.0005_sector_moved` point their
foreign keys here and drop the old model from the state. The content type follows the model
(renamed, so that the permissions given on sectors and the admin's log keep pointing at it).
"""

import django.db.models.deletion
from django.db import migrations, models


def rename_content_type(apps, schema_editor, old="applications", new="reference"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    types = ContentType.objects.using(db)
    if not types.filter(app_label=new, model="sector").exists():
        types.filter(app_label=old, model="sector").update(app_label=new)


def restore_content_type(apps, schema_editor):
    rename_content_type(apps, schema_editor, old="reference", new="applications")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("applications", "0013_application_archived"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Sector",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.CharField(max_length=2, unique=True, verbose_name="code")),
                        (
                            "label_fr",
                            models.CharField(max_length=200, verbose_name="libellé (français)"),
                        ),
                        (
                            "label_en",
                            models.CharField(max_length=200, verbose_name="libellé (anglais)"),
                        ),
                        (
                            "section",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="divisions",
                                to="reference.sector",
                                verbose_name="section",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "secteur NAF",
                        "verbose_name_plural": "secteurs NAF",
                        "db_table": "applications_sector",
                        "ordering": ["code"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_type, restore_content_type),
    ]
