"""The interlocutors' and presences' sectors point at `reference.Sector` (moved there from
`applications`, same table): in Django's state only, the join tables and their columns keep
their names, nothing changes in the database."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("corporations", "0004_match_followed_by_date"),
        ("reference", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="interlocutor",
                    name="sectors",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="interlocutors",
                        to="reference.sector",
                        verbose_name="secteurs suivis",
                    ),
                ),
                migrations.AlterField(
                    model_name="presence",
                    name="sectors",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="presences",
                        to="reference.sector",
                        verbose_name="secteurs",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
