"""The French catalogue as the tests see it: the messages the code and templates hold (read
by Babel's extractor, with babel.cfg and the keywords `make translations` uses), the
translators' file, and its compiled copy, rebuilt when the file is newer (as `make test`
does), so that a run of pytest alone reads the translations of the tree it tests."""

from functools import cache
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from config import BASE_DIR

KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
FRENCH_PO = BASE_DIR / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
FRENCH_MO = FRENCH_PO.with_suffix(".mo")


def _not_hidden(path: str) -> bool:
    name = Path(path).name
    return not name.startswith(".") and name != "__pycache__"


@cache
def extracted_messages() -> dict[str, list]:
    """Each file's messages, by path from the top: (msgid or (singular, plural), context)."""
    with open(BASE_DIR / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str, list] = {}
    for filename, _line, message, _comments, context in extract_from_dir(
        BASE_DIR,
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        # Babel skips directories named _* unless told otherwise: templates/_macros is one.
        directory_filter=_not_hidden,
    ):
        found.setdefault(filename, []).append((message, context))
    return found


def french_catalog():
    with open(FRENCH_PO, "rb") as po:
        return read_po(po, locale="fr")


def compile_french_catalog() -> None:
    """Write messages.mo from messages.po if it is missing or older."""
    if FRENCH_MO.exists() and FRENCH_MO.stat().st_mtime >= FRENCH_PO.stat().st_mtime:
        return
    catalog = french_catalog()
    with open(FRENCH_MO, "wb") as mo:
        write_mo(mo, catalog)


def relative(path: Path) -> str:
    return str(path.relative_to(BASE_DIR))
