"""The domain exception: a business rule said no. Routes turn it into a form error or a 409/422."""

from flask import flash


class DomainError(Exception):
    """A rule refused the operation. `message` is written for the user; `field` names the form
    field it belongs to, if any."""

    def __init__(self, message: str, field: str | None = None):
        message = str(message)  # a lazy translation, in the language of the page it is for
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def errors(self) -> dict[str | None, list[str]]:
        """The messages by form field (None: the operation as a whole)."""
        return {self.field: [self.message]}


class FieldErrors(DomainError):
    """Several fields broke rules at once: `errors` maps each field name to its messages, so
    the form shows every problem in one go. `message` and `field` are the first of them."""

    def __init__(self, errors: dict[str, list[str]]):
        errors = {name: [str(message) for message in messages] for name, messages in errors.items()}
        field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=field)
        self._errors = errors

    @property
    def errors(self) -> dict[str | None, list[str]]:
        return self._errors


def show_on_form(form, error: DomainError, *, flash_unplaced: bool = True) -> bool:
    """Show each of `error`'s messages under its field of `form`. A message for no field of the
    form is flashed above it (unless `flash_unplaced` is False: the caller shows it its own
    way). True when every message found its field."""
    placed_all = True
    for name, messages in error.errors.items():
        field = form._fields.get(name) if name else None
        if field is not None:
            field.errors = [*(field.errors or []), *messages]
            continue
        placed_all = False
        if flash_unplaced:
            for message in messages:
                flash(message, "error")
    return placed_all
