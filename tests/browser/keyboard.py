"""Keyboard-only helpers for the browser tests: reach an element with Tab (or Shift+Tab) the way a
keyboard user would, and check that where focus is can be seen.

`tab_to(page, locator)` presses Tab until the element has focus (a bounded number of presses;
it fails naming everything that got focus on the way), then `assert_focus_visible` checks the
focus indicator: a solid outline or a box-shadow ring at least 2 CSS px thick that was not there
before focus, with a contrast of at least 3:1 against the background behind the element (WCAG
2.4.7 Focus Visible, 1.4.11 Non-text Contrast, and the size of 2.4.13 Focus Appearance).
"""

import re

import pytest
from playwright.sync_api import Locator, Page

from tests.support import DEFAULT_PASSWORD

MAX_PRESSES = 100
MIN_INDICATOR_PX = 2
MIN_CONTRAST = 3.0

_DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "(the page itself)";
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const name = (el.getAttribute("aria-label") || label || el.innerText || el.value || el.name || "")
    .trim().replace(/\\s+/g, " ").slice(0, 60);
  return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${name}"`;
}"""

# The element's focus-relevant style and the first opaque background behind it.
_STYLE = """(el) => {
  const style = getComputedStyle(el);
  let node = el.parentElement, behind = "rgb(255, 255, 255)";
  while (node) {
    const colour = getComputedStyle(node).backgroundColor;
    if (colour && colour !== "transparent" && !/rgba\\(.*, 0\\)$/.test(colour)) {
      behind = colour;
      break;
    }
    node = node.parentElement;
  }
  return {
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    outlineColor: style.outlineColor,
    boxShadow: style.boxShadow,
    behind,
    focused: el === document.activeElement,
  };
}"""

_RGB = re.compile(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)")


def _luminance(colour: str) -> float:
    red, green, blue = (float(part) / 255 for part in _RGB.search(colour).groups())

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(one: str, other: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _rings(style: dict) -> list[tuple[str, float]]:
    """The (colour, thickness) of each ring drawn around the element: outline, box-shadows."""
    rings = []
    if style["outlineStyle"] not in ("none", "hidden") and style["outlineWidth"] > 0:
        rings.append((style["outlineColor"], style["outlineWidth"]))
    if style["boxShadow"] and style["boxShadow"] != "none":
        for shadow in re.split(r",\s*(?=rgb)", style["boxShadow"]):
            colour = _RGB.search(shadow)
            lengths = [float(n) for n in re.findall(r"(-?[\d.]+)px", shadow)]
            spread = lengths[3] if len(lengths) >= 4 else 0.0
            if colour and spread > 0 and "inset" not in shadow:
                rings.append((colour.group(0) + ")", spread))
    return rings


def focus_style(locator: Locator) -> dict:
    return locator.evaluate(_STYLE)


def focused_element(page: Page) -> str:
    return page.evaluate(_DESCRIBE_FOCUS)


def assert_focus_visible(page: Page, before: dict | None = None) -> None:
    """The focused element shows a ring of >= 2 px with >= 3:1 contrast, new since `before`."""
    __tracebackhide__ = True
    focused = page.locator(":focus")
    style = focus_style(focused)
    assert style["focused"], "nothing has focus"
    rings = [
        (colour, width)
        for colour, width in _rings(style)
        if width >= MIN_INDICATOR_PX and contrast(colour, style["behind"]) >= MIN_CONTRAST
    ]
    assert rings, (
        f"no visible focus indicator on {focused_element(page)}: outline {style['outlineStyle']}"
        f" {style['outlineWidth']}px {style['outlineColor']}, box-shadow {style['boxShadow']},"
        f" on {style['behind']}"
    )
    if before is not None:
        assert _rings(before) != _rings(style), (
            f"focus does not change how {focused_element(page)} looks"
        )


def tab_to(page: Page, target: Locator, backwards: bool = False, presses: int = MAX_PRESSES):
    """Press Tab (Shift+Tab when `backwards`) until `target` has focus, then check the focus is
    visible. Fails after `presses` presses, listing what got focus instead."""
    __tracebackhide__ = True
    before = focus_style(target)
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(presses):
        if target.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press(key)
        seen.append(focused_element(page))
    else:
        if not target.evaluate("element => element === document.activeElement"):
            pytest.fail(
                f"{presses} presses of {key} never reached {target}; focus went to:\n  "
                + "\n  ".join(seen),
                pytrace=False,
            )
    assert_focus_visible(page, None if before["focused"] else before)
    return seen


def press_on(page: Page, target: Locator, key: str = "Enter", backwards: bool = False) -> None:
    """Tab to `target` and press `key` on it (Enter for links and buttons, Space for boxes)."""
    __tracebackhide__ = True
    tab_to(page, target, backwards=backwards)
    page.keyboard.press(key)


def type_into(page: Page, target: Locator, text: str, backwards: bool = False) -> None:
    """Tab to a field, empty it and type `text`, key by key."""
    __tracebackhide__ = True
    tab_to(page, target, backwards=backwards)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Backspace")
    page.keyboard.type(text)


def keyboard_sign_in(site, page: Page, email: str, password: str = DEFAULT_PASSWORD) -> None:
    """Sign in on the login page with the keyboard alone, whatever the page's language."""
    site.goto("/auth/login")
    type_into(page, page.locator("#email"), email)
    type_into(page, page.locator("#password"), password)
    with site.navigates():
        press_on(page, page.get_by_role("main").locator("form button[type=submit]"))
