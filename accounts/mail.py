"""Sending the portal's mails: a subject, a text part and an HTML part from templates,
in the recipient's language."""

from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

# The options of every Celery task that sends mail: acknowledged once done, retried with an
# exponential back-off and jitter when the mail server fails, for up to about an hour.
MAIL_TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


def build_mail(name: str, context: dict, to: str, language: str | None = None):
    """Render `emails/<name>-subject.txt`, `-body.txt` and `-body.html` into one message."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"emails/{name}-subject.txt", context)
        subject = " ".join(subject.split())
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def send_mail_to_user(name: str, context: dict, user) -> None:
    build_mail(name, {"recipient": user, **context}, user.email, user.language).send()
