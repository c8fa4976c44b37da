"""Accounts: registration with e-mail verification, signing in and out, password reset, and
changes of password and e-mail address."""
