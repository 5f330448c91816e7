"""The SMEs and their members move here from `applications`, in Django's state only.

The tables stay `applications_company` and `applications_companymembership`, with their rows,
constraints and sequences: nothing is copied. `accounts.0004_company_moved` and
`applications.0015_company_moved` point their foreign keys here and drop the old models from
the state. The content types follow the models (renamed: permissions and the admin's log keep
pointing at them).
"""

import companies.validators
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ("company", "companymembership")


def rename_content_types(apps, schema_editor, old="applications", new="companies"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not types.filter(app_label=new, model=model).exists():
            types.filter(app_label=old, model=model).update(app_label=new)


def restore_content_types(apps, schema_editor):
    rename_content_types(apps, schema_editor, old="companies", new="applications")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('applications', '0014_sector_moved'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('reference', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Company',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('legal_name', models.CharField(max_length=200, verbose_name='raison sociale')),
                        ('siren', models.CharField(error_messages={'unique': "Cette entreprise est déjà inscrite sur le portail. Demandez à l'un de ses utilisateurs de vous y ajouter."}, help_text='9 chiffres, sans espace.', max_length=9, unique=True, validators=[companies.validators.validate_siren], verbose_name='SIREN')),
                        ('headcount', models.CharField(choices=[('1-9', '1 à 9 salariés'), ('10-49', '10 à 49 salariés'), ('50-249', '50 à 249 salariés'), ('250-4999', '250 à 4 999 salariés')], max_length=10, verbose_name='effectif')),
                        ('turnover', models.CharField(choices=[('lt2m', 'Moins de 2 M€'), ('2m-10m', 'De 2 à 10 M€'), ('10m-50m', 'De 10 à 50 M€'), ('gt50m', 'Plus de 50 M€')], max_length=10, verbose_name="chiffre d'affaires")),
                        ('region', models.CharField(choices=[('84', 'Auvergne-Rhône-Alpes'), ('27', 'Bourgogne-Franche-Comté'), ('53', 'Bretagne'), ('24', 'Centre-Val de Loire'), ('94', 'Corse'), ('44', 'Grand Est'), ('01', 'Guadeloupe'), ('03', 'Guyane'), ('32', 'Hauts-de-France'), ('11', 'Île-de-France'), ('04', 'La Réunion'), ('02', 'Martinique'), ('06', 'Mayotte'), ('28', 'Normandie'), ('75', 'Nouvelle-Aquitaine'), ('76', 'Occitanie'), ('52', 'Pays de la Loire'), ('93', "Provence-Alpes-Côte d'Azur")], max_length=3, verbose_name='région')),
                        ('department', models.CharField(choices=[('01', '01 – Ain'), ('02', '02 – Aisne'), ('03', '03 – Allier'), ('04', '04 – Alpes-de-Haute-Provence'), ('05', '05 – Hautes-Alpes'), ('06', '06 – Alpes-Maritimes'), ('07', '07 – Ardèche'), ('08', '08 – Ardennes'), ('09', '09 – Ariège'), ('10', '10 – Aube'), ('11', '11 – Aude'), ('12', '12 – Aveyron'), ('13', '13 – Bouches-du-Rhône'), ('14', '14 – Calvados'), ('15', '15 – Cantal'), ('16', '16 – Charente'), ('17', '17 – Charente-Maritime'), ('18', '18 – Cher'), ('19', '19 – Corrèze'), ('21', "21 – Côte-d'Or"), ('22', "22 – Côtes-d'Armor"), ('23', '23 – Creuse'), ('24', '24 – Dordogne'), ('25', '25 – Doubs'), ('26', '26 – Drôme'), ('27', '27 – Eure'), ('28', '28 – Eure-et-Loir'), ('29', '29 – Finistère'), ('2A', '2A – Corse-du-Sud'), ('2B', '2B – Haute-Corse'), ('30', '30 – Gard'), ('31', '31 – Haute-Garonne'), ('32', '32 – Gers'), ('33', '33 – Gironde'), ('34', '34 – Hérault'), ('35', '35 – Ille-et-Vilaine'), ('36', '36 – Indre'), ('37', '37 – Indre-et-Loire'), ('38', '38 – Isère'), ('39', '39 – Jura'), ('40', '40 – Landes'), ('41', '41 – Loir-et-Cher'), ('42', '42 – Loire'), ('43', '43 – Haute-Loire'), ('44', '44 – Loire-Atlantique'), ('45', '45 – Loiret'), ('46', '46 – Lot'), ('47', '47 – Lot-et-Garonne'), ('48', '48 – Lozère'), ('49', '49 – Maine-et-Loire'), ('50', '50 – Manche'), ('51', '51 – Marne'), ('52', '52 – Haute-Marne'), ('53', '53 – Mayenne'), ('54', '54 – Meurthe-et-Moselle'), ('55', '55 – Meuse'), ('56', '56 – Morbihan'), ('57', '57 – Moselle'), ('58', '58 – Nièvre'), ('59', '59 – Nord'), ('60', '60 – Oise'), ('61', '61 – Orne'), ('62', '62 – Pas-de-Calais'), ('63', '63 – Puy-de-Dôme'), ('64', '64 – Pyrénées-Atlantiques'), ('65', '65 – Hautes-Pyrénées'), ('66', '66 – Pyrénées-Orientales'), ('67', '67 – Bas-Rhin'), ('68', '68 – Haut-Rhin'), ('69', '69 – Rhône'), ('70', '70 – Haute-Saône'), ('71', '71 – Saône-et-Loire'), ('72', '72 – Sarthe'), ('73', '73 – Savoie'), ('74', '74 – Haute-Savoie'), ('75', '75 – Paris'), ('76', '76 – Seine-Maritime'), ('77', '77 – Seine-et-Marne'), ('78', '78 – Yvelines'), ('79', '79 – Deux-Sèvres'), ('80', '80 – Somme'), ('81', '81 – Tarn'), ('82', '82 – Tarn-et-Garonne'), ('83', '83 – Var'), ('84', '84 – Vaucluse'), ('85', '85 – Vendée'), ('86', '86 – Vienne'), ('87', '87 – Haute-Vienne'), ('88', '88 – Vosges'), ('89', '89 – Yonne'), ('90', '90 – Territoire de Belfort'), ('91', '91 – Essonne'), ('92', '92 – Hauts-de-Seine'), ('93', '93 – Seine-Saint-Denis'), ('94', '94 – Val-de-Marne'), ('95', "95 – Val-d'Oise"), ('971', '971 – Guadeloupe'), ('972', '972 – Martinique'), ('973', '973 – Guyane'), ('974', '974 – La Réunion'), ('976', '976 – Mayotte')], max_length=3, verbose_name='département')),
                        ('website', models.CharField(blank=True, max_length=200, validators=[django.core.validators.URLValidator()], verbose_name='site web')),
                        ('export_experience', models.CharField(choices=[('none', 'Aucune'), ('occasional', "Ventes ponctuelles à l'étranger"), ('regular', 'Export régulier'), ('established', "Filiales ou bureaux à l'étranger")], max_length=20, verbose_name="expérience à l'export")),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créée le')),
                        ('sector', models.ForeignKey(limit_choices_to={'section__isnull': False}, on_delete=django.db.models.deletion.PROTECT, related_name='companies', to='reference.sector', verbose_name="secteur d'activité (NAF)")),
                    ],
                    options={
                        'verbose_name': 'PME',
                        'verbose_name_plural': 'PME',
                        'db_table': 'applications_company',
                        'ordering': ['legal_name'],
                    },
                ),
                migrations.CreateModel(
                    name='CompanyMembership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='companies.company', verbose_name='PME')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='company_membership', to=settings.AUTH_USER_MODEL, verbose_name='utilisateur')),
                    ],
                    options={
                        'verbose_name': "membre d'une PME",
                        'verbose_name_plural': 'membres de PME',
                        'db_table': 'applications_companymembership',
                    },
                ),
                migrations.AddConstraint(
                    model_name='company',
                    constraint=models.CheckConstraint(condition=models.Q(('siren__regex', '\\A[0-9]{9}\\Z')), name='company_siren_nine_ascii_digits', violation_error_message='Un numéro SIREN comporte exactement 9 chiffres.'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]
