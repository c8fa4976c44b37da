"""The outbox (app/email): e-mail written in the transaction, delivered over SMTP."""
