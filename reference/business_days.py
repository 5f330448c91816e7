"""French business days: what the sweep's reminders and the daily digest wait for."""

from datetime import date

import holidays


def is_business_day(day: date) -> bool:
    """Monday to Friday, and not a public holiday in France."""
    return day.weekday() < 5 and day not in holidays.country_holidays("FR", years=day.year)
