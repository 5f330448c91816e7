"""Accounts: the user model (email login), invitations and the association staff role."""
