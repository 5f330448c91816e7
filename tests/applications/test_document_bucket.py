"""Documents in an S3-compatible bucket (django-storages), as in production: moto stands in
for the bucket (an outside service); the portal's own code runs as it is."""

import os
import subprocess
import sys

import boto3
import pytest
from django.conf import settings
from moto import mock_aws
from storages.backends.s3 import S3Storage

from applications.enums import State
from applications.models import Document
from tests.applications.test_documents import PDF, upload

pytestmark = pytest.mark.django_db

BUCKET = "pacte-documents"
REGION = "eu-west-3"


def _settings_storage(**environ) -> str:
    """The documents' storage the settings build from this environment, described."""
    code = (
        "import django; django.setup();"
        "from django.core.files.storage import storages;"
        "s = storages['documents'];"
        "print(type(s).__name__, s.bucket_name, s.default_acl, s.file_overwrite,"
        " s.querystring_auth, s.endpoint_url)"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter, our own code)
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "pacte.settings", **environ},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    # The last line: whatever the apps log while they start comes first.
    return (result.stdout.strip().splitlines() or [result.stderr.strip()])[-1]


def test_the_settings_put_documents_in_a_private_bucket_when_one_is_named():
    described = _settings_storage(
        PACTE_DOCUMENT_S3_BUCKET=BUCKET, PACTE_DOCUMENT_S3_ENDPOINT_URL="https://s3.example"
    )

    assert described == f"S3Storage {BUCKET} private False True https://s3.example"


def test_the_settings_refuse_a_bucket_with_nginx_handover():
    described = _settings_storage(
        PACTE_DOCUMENT_S3_BUCKET=BUCKET, PACTE_DOCUMENT_X_ACCEL_PREFIX="/protected/"
    )

    assert "ImproperlyConfigured" in described


@pytest.fixture
def bucket(private_storage, monkeypatch):
    """The documents' field stored in a (moto) bucket, configured as the settings do."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        field = Document._meta.get_field("file")
        saved = field.storage
        field.storage = S3Storage(
            bucket_name=BUCKET,
            region_name=REGION,
            default_acl="private",
            file_overwrite=False,
            querystring_auth=True,
        )
        yield s3
        field.storage = saved


def _keys(s3) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_an_upload_lands_privately_in_the_bucket_under_a_random_name(
    bucket, client, sme_user, application_in
):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)

    response = upload(client, application, PDF, name="Business plan.pdf")

    assert response.status_code == 302
    document = Document.objects.get()
    [key] = _keys(bucket)
    assert key == document.file.name
    assert key.startswith(f"applications/{application.pk}/")
    assert "Business" not in key
    assert bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PDF
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner only
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers, no group


def test_a_bucket_document_is_downloaded_through_the_portal_only_by_those_entitled(
    bucket, client, sme_user, other_sme_user, staff_user, application_in
):
    application = application_in(State.IN_REVIEW)
    client.force_login(sme_user)
    upload(client, application, PDF, name="Business plan.pdf")
    document = Document.objects.get()

    client.force_login(staff_user)
    response = client.get(document.get_absolute_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="Business plan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(other_sme_user)
    assert client.get(document.get_absolute_url()).status_code == 404


def test_deleting_a_draft_deletes_its_objects(
    bucket, client, sme_user, application_in, django_capture_on_commit_callbacks
):
    draft = application_in(State.DRAFT)
    client.force_login(sme_user)
    upload(client, draft, PDF)
    assert len(_keys(bucket)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/demandes/{draft.pk}/supprimer/")

    assert response.status_code == 302
    assert _keys(bucket) == []
