"""An invitation's company points at `companies.Company` (moved there from `applications`,
same table): in Django's state only, nothing changes in the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_user_session_salt'),
        ('companies', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='invitation',
                    name='company',
                    field=models.ForeignKey(blank=True, help_text='Pour inviter un collègue à rejoindre sa PME.', null=True, on_delete=django.db.models.deletion.CASCADE, to='companies.company', verbose_name='PME'),
                ),
            ],
            database_operations=[],
        ),
    ]
