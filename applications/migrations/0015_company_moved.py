"""The SMEs and their members now live in `companies` (`companies.0001_initial`, same
tables): the application's company points there and the old models leave Django's state.
Nothing changes in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0014_sector_moved"),
        ("companies", "0001_initial"),
        # Every foreign key to the old models is moved before they leave the state.
        ("accounts", "0004_company_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="application",
                    name="company",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="applications",
                        to="companies.company",
                        verbose_name="PME",
                    ),
                ),
                migrations.DeleteModel(name="CompanyMembership"),
                migrations.DeleteModel(name="Company"),
            ],
            database_operations=[],
        ),
    ]
