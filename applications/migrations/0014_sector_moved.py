"""The NAF sectors now live in `reference` (`reference.0001_initial`, same table): the
company's sector points there and the old model leaves Django's state. Nothing changes in
the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0013_application_archived"),
        ("reference", "0001_initial"),
        # Every foreign key to the old model is moved before it leaves the state.
        ("corporations", "0005_sector_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="company",
                    name="sector",
                    field=models.ForeignKey(
                        limit_choices_to={"section__isnull": False},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="companies",
                        to="reference.sector",
                        verbose_name="secteur d'activité (NAF)",
                    ),
                ),
                migrations.DeleteModel(name="Sector"),
            ],
            database_operations=[],
        ),
    ]
