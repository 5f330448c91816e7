"""Fixtures for the privacy tests: documents attached through the real services, files read
back from the test's private storage, and a clean rate-limit cache."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.enums import DocumentKind

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _clean_cache():
    """The deletion form's attempts are counted in the cache: start each test from zero."""
    cache.clear()
    yield
    cache.clear()


def pdf(name: str, content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def attach(application, user, name: str, content: bytes = PDF):
    """A document the SME attaches to its application, through the service."""
    return services.attach_document(
        application.pk, user, kind=DocumentKind.BUSINESS_PLAN, upload=pdf(name, content)
    )


def stored_files(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
