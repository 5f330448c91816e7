"""Corporations: member corporations, their presences, interlocutors, hosting offers, matches."""
