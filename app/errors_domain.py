"""The domain exception: a business rule said no. Routes turn it into a form error or a 409/422."""

from flask import flash


class DomainError(Exception):
    """A rule refused the operation. `message` is written for the user; `field` names the form
    field it belongs to, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def show_on_form(form, error: DomainError) -> None:
    """Show `error` on the form: under its field when the form has it, else as a flashed
    message above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
