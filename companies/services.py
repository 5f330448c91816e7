"""Writes for companies: an SME registered by the person who creates it."""

from django.db import transaction

from accounts.models import User

from .models import Company, CompanyMembership


@transaction.atomic
def create_company(user: User, **fields) -> Company:
    company = Company.objects.create(**fields)
    CompanyMembership.objects.create(user=user, company=company)
    return company
