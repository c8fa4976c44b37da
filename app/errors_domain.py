"""The domain exception: a business rule said no. Routes turn it into a form error or a 409/422."""


class DomainError(Exception):
    """A rule refused the operation. `message` is written for the user; `field` names the form
    field it belongs to, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
