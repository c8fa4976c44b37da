"""What an htmx request asks for, from the headers htmx sends (and our one of our own)."""

from flask import request


def is_htmx() -> bool:
    """The request came from htmx: it swaps part of the page with the answer."""
    return request.headers.get("HX-Request") == "true"


def wants_fragment() -> bool:
    """htmx wants only the part it swaps. A history restore (htmx had no copy of a page the
    user went back to) is an htmx request too, but wants the whole page."""
    return is_htmx() and request.headers.get("HX-History-Restore-Request") != "true"


def wants_focus_on_results() -> bool:
    """A page link asked for focus to move to the new results (the X-Focus-Results header the
    `pagination` macro's links send); a filter's change leaves focus where it is."""
    return request.headers.get("X-Focus-Results") == "true"
