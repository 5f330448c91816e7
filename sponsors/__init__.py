"""Sponsors: the CCIs and local CCE committees, their advisors and their endorsements."""
