"""The portal in French: every message of the code and templates has a French translation
that is neither empty nor fuzzy, its placeholders match, and no template shows text a
translator never sees (text outside `_()` / `{% trans %}`).

The checks run one file at a time (`pytest tests/test_translations.py -k profiles`)."""

import re
from pathlib import Path

import pytest

from config import BASE_DIR
from tests.i18n_catalog import extracted_messages, french_catalog, relative

TEMPLATES = sorted(
    path
    for path in (BASE_DIR / "templates").rglob("*")
    if path.suffix in (".html", ".txt") and path.is_file()
)


def _missing_translations(messages, catalog) -> list[str]:
    missing = []
    for message in dict.fromkeys(messages):
        message, context = message
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid, context=context)
        if entry is None:
            missing.append(f"not in messages.po: {msgid!r}")
        elif entry.fuzzy:
            missing.append(f"fuzzy: {msgid!r}")
        elif not all(entry.string) if isinstance(entry.string, tuple) else not entry.string:
            missing.append(f"untranslated: {msgid!r}")
    return missing


@pytest.fixture(scope="module")
def catalog():
    return french_catalog()


@pytest.mark.parametrize("source", sorted(extracted_messages()))
def test_every_message_is_translated_into_french(source, catalog):
    missing = _missing_translations(extracted_messages()[source], catalog)
    assert not missing, f"{source} (run `make translations`, then translate):\n" + "\n".join(
        missing
    )


def test_the_french_catalogue_passes_babels_checks(catalog):
    """Placeholders (`%(name)s`) the same in both languages, and every plural form given."""
    problems = [
        f"{message.id!r}: {'; '.join(str(error) for error in errors)}"
        for message, errors in catalog.check()
    ]
    assert not problems, "\n".join(problems)


def test_the_french_catalogue_holds_no_fuzzy_entry(catalog):
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert not fuzzy


# --- text a template shows without a translation ----------------------------------------------

_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_TRANS_BLOCK = re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", re.S)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_RAW_BLOCKS = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<[^>]*>", re.S)
# Attributes a person reads or hears: their values are text too.
_READ_ATTRIBUTE = re.compile(
    r"""\s(?:alt|title|placeholder|aria-label|aria-roledescription|aria-valuetext)=(["'])(.*?)\1""",
    re.S,
)
_BUTTON_VALUE = re.compile(
    r"""<input\b[^>]*type=["'](?:submit|button|reset)["'][^>]*\svalue=(["'])(.*?)\1""", re.S
)
# Prose in a Jinja expression: a quoted text that starts with a capital and has a space, or
# ends as a sentence does ('Paused.', 'The program is closed.').
_JINJA_LITERAL = re.compile(r"""(["'])((?:(?!\1).)*)\1""", re.S)
_TRANSLATED_CALL = re.compile(r"""\b(?:_|gettext|ngettext|pgettext)\(\s*(["'])(?:(?!\1).)*\1""")
_WORD = re.compile(r"[^\W\d_]{2,}")


def _is_prose(text: str) -> bool:
    text = text.strip()
    if not _WORD.search(text) or text.startswith(("%", "#", "/", ".")) or "{" in text:
        return False
    sentence_end = bool(re.search(r"[a-z][.?!:]$", text))
    return (text[0].isupper() and " " in text) or (
        sentence_end and (text[0].isupper() or " " in text)
    )


def untranslated_text(source: str, is_html: bool) -> list[str]:
    """What a template shows a reader that no `_()` or `{% trans %}` holds."""
    source = _TRANS_BLOCK.sub(" ", _JINJA_COMMENT.sub(" ", source))
    found = []
    for expression in _JINJA.findall(source):
        expression = _TRANSLATED_CALL.sub(" ", expression)
        found += [text for _q, text in _JINJA_LITERAL.findall(expression) if _is_prose(text)]
    source = _JINJA.sub(" ", source)
    if is_html:
        source = _RAW_BLOCKS.sub(" ", source)
        found += [text for _q, text in _READ_ATTRIBUTE.findall(source) if _WORD.search(text)]
        found += [text for _q, text in _BUTTON_VALUE.findall(source) if _WORD.search(text)]
        source = _TAG.sub("\n", source)
    found += [line.strip() for line in source.splitlines() if _WORD.search(line)]
    return found


@pytest.mark.parametrize("template", TEMPLATES, ids=relative)
def test_templates_show_only_translated_text(template: Path):
    found = untranslated_text(template.read_text(), is_html=template.suffix == ".html")
    assert not found, f"{relative(template)} shows text outside _() or {{% trans %}}:\n" + (
        "\n".join(found)
    )


@pytest.mark.parametrize(
    "source, is_html, expected",
    [
        ("<p>Hello</p>", True, ["Hello"]),
        ("<p>{{ _('Hello') }}</p>", True, []),
        ("<p>{% trans name=n %}Hi {{ name }}{% endtrans %}</p>", True, []),
        ('<img alt="A logo" src="x">', True, ["A logo"]),
        ('<img alt="" src="x">', True, []),
        ('<input type="submit" value="Send it">', True, ["Send it"]),
        ("{{ 'Paused.' if paused else _('Open') }}", True, ["Paused."]),
        ("<div class=\"{{ 'button button-small' }}\"></div>", True, []),
        ("{# Just a comment #}<br>", True, []),
        ("Dear {{ name }},", False, ["Dear  ,"]),
        ("{{ _('Dear %(name)s,', name=name) }}", False, []),
    ],
)
def test_the_untranslated_text_check_finds_what_it_should(source, is_html, expected):
    assert untranslated_text(source, is_html) == expected
