"""The apps' new layout (models moved between apps) migrates an existing database without
copying a row: a database at the last migration before the moves, holding applications walked
through the workflow and rows written by the models of that time, migrates forward with every
table's rows identical, primary keys included. Only the moved models' content types change
their app label (same rows, same ids, so permissions and the admin's log follow them).

The moves, each with `SeparateDatabaseAndState` (the tables keep their names):
- `applications.Sector` -> `reference.Sector` (`reference.0001_initial`,
  `corporations.0005_sector_moved`, `applications.0014_sector_moved`);
- `applications.Company`, `applications.CompanyMembership` -> `companies` (`companies.0001_initial`,
  `accounts.0004_company_moved`, `applications.0015_company_moved`).
"""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applications.enums import State
from applications.models import Application
from companies.models import Company
from corporations.models import Interlocutor, Presence
from reference.models import Sector

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Unapplying these brings the database back to its layout before the moves (state only:
# the tables do not change).
BEFORE_THE_MOVES = [("reference", None)]
MOVED = {
    ("applications", "sector"): ("reference", "sector"),
    ("applications", "company"): ("companies", "company"),
    ("applications", "companymembership"): ("companies", "companymembership"),
}


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table but Django's record of the migrations, in primary key order."""
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table == "django_migrations":
                continue
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')  # noqa: S608  # nosec B608
            tables[table] = cursor.fetchall()
    return tables


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor


def migrate_to_the_end() -> None:
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(autouse=True)
def _back_to_the_end():
    """Whatever the test did, the database ends fully migrated, for the tests after it."""
    yield
    migrate_to_the_end()


def test_an_existing_database_migrates_to_the_new_layout_with_every_row_intact(application_in):
    # Applications walked through the workflow (events and their audit chain, endorsements,
    # matches, the outbox), written with today's models: moving back and forth is in the
    # state only, so these rows are those of a database migrated before the moves.
    walked = [
        application_in(state).pk for state in (State.IN_REVIEW, State.PROPOSED, State.ACCOMPANIED)
    ]

    migrate(BEFORE_THE_MOVES)
    # The models as the migrations applied at that point describe them.
    loader = MigrationExecutor(connection).loader
    old = loader.project_state(list(loader.applied_migrations)).apps
    assert ("applications", "0013_application_archived") in loader.applied_migrations
    assert ("applications", "0014_sector_moved") not in loader.applied_migrations
    assert "sector" in old.all_models["applications"]
    assert "sector" not in old.all_models.get("reference", {})
    assert "company" in old.all_models["applications"]
    assert "company" not in old.all_models.get("companies", {})

    # Rows written by the models of that time.
    OldSector = old.get_model("applications", "Sector")
    software = OldSector.objects.get(code="62")
    services = OldSector.objects.get(code="J")
    old_company = old.get_model("applications", "Company").objects.create(
        legal_name="Logiciels du Rhône",
        siren="732829320",
        sector=software,
        headcount="10-49",
        turnover="2m-10m",
        region="84",
        department="69",
        export_experience="none",
    )
    User = old.get_model("accounts", "User")
    old.get_model("applications", "CompanyMembership").objects.create(
        user=User.objects.create(email="paul.blanc@logiciels-rhone.example"), company=old_company
    )
    corporation = old.get_model("corporations", "MemberCorporation").objects.create(
        name="Capgemini", slug="capgemini"
    )
    presence = old.get_model("corporations", "Presence").objects.create(
        corporation=corporation, country="DE", city="Berlin"
    )
    presence.sectors.set([software, services])
    user = User.objects.create(email="ines.roy@capgemini.example")
    interlocutor = old.get_model("corporations", "Interlocutor").objects.create(
        user=user, corporation=corporation, countries="DE"
    )
    interlocutor.sectors.set([software])
    old_types = dict(ContentType.objects.filter(model="sector").values_list("app_label", "pk"))
    assert set(old_types) == {"applications"}
    before = snapshot()

    migrate_to_the_end()
    after = snapshot()

    # Every table, every row, every primary key: the same, but the moved models' content
    # types, which now name their new app (same ids).
    assert after.keys() == before.keys()
    changed = {table for table in before if after[table] != before[table]}
    assert changed == {"django_content_type"}
    renamed = {
        (app_label, model): MOVED.get((app_label, model), (app_label, model))
        for _pk, app_label, model in before["django_content_type"]
    }
    assert {
        (pk, *renamed[app_label, model]) for pk, app_label, model in before["django_content_type"]
    } == set(after["django_content_type"])
    assert ContentType.objects.get_for_model(Sector).pk == old_types["applications"]
    assert ContentType.objects.get_for_model(Company).app_label == "companies"

    # Today's models read them where they were.
    company = Company.objects.get(pk=old_company.pk)
    assert company.sector == Sector.objects.get(pk=software.pk)
    assert company.sector.section == Sector.objects.get(code="J")
    assert [s.code for s in Presence.objects.get(pk=presence.pk).sectors.all()] == ["62", "J"]
    assert [s.code for s in Interlocutor.objects.get(pk=interlocutor.pk).sectors.all()] == ["62"]
    assert sorted(company.sector.companies.values_list("pk", flat=True)) == [old_company.pk]
    assert {a.company.sector.code for a in Application.objects.filter(pk__in=walked)} == {"71"}
    # A new sector takes a key of the same sequence, after the existing ones.
    last = max(pk for pk, *_row in before["applications_sector"])
    assert Sector.objects.create(code="ZZ", label_fr="Essai", label_en="Test").pk > last
    # The chain of events is unbroken.
    call_command("verify_audit", stdout=io.StringIO())


def test_the_moves_come_back_too():
    """Migrating back before the moves (a release rolled back) is in the state only too."""
    before = snapshot()
    migrate(BEFORE_THE_MOVES)
    back = snapshot()
    migrate_to_the_end()

    assert {table for table in before if back[table] != before[table]} <= {"django_content_type"}
    assert set(MOVED) <= {(a, m) for _pk, a, m in back["django_content_type"]}
    assert snapshot() == before
