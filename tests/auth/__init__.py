"""Accounts (app/auth): register, verify, sign in and out, reset or change the password."""
