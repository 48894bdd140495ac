"""The one check for text that enters the atlas: residents, staff, OSM, CSV and school files.

Text that misleads is refused (from people, who can fix it) or neutralised (from OSM and official
files, which must not stop a whole import):

* control characters (Unicode ``Cc``: tabs, line breaks, NUL, escape …) and the line/paragraph
  separators U+2028/U+2029 – ``keep_newlines=True`` allows ``\\n`` in multi-line fields
  (``\\r\\n`` and ``\\r`` become ``\\n``); a tab is never accepted (it splits CSV cells);
* bidirectional controls that reorder what is shown (``Bib \\u202egnp.exe`` reads as
  ``Bib exe.png``): U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C;
* zero-width and other invisible format characters (``Cf``): U+200B, U+2060, U+FEFF, U+2061–U+2064,
  tag characters U+E0000–U+E007F, interlinear annotations U+FFF9–U+FFFB, …;
* lone surrogates (undecodable bytes), which cannot even be written as UTF-8.

Decided: ZERO WIDTH NON-JOINER (U+200C) and ZERO WIDTH JOINER (U+200D) are part of correct
spelling in Persian, Urdu, Kurdish and Indic scripts (``می‌خواهم``) and of emoji sequences, so they
are kept *between two letters, marks or symbols* and treated as invisible anywhere else (at the
start, the end, next to a space or another invisible). Visible format characters (Arabic number
signs U+0600–U+0605, the soft hyphen U+00AD) are kept. Text that is empty once the invisible
characters and white space are taken away (``\\u200b\\u200b``, Hangul fillers, braille blanks) is
refused too: it would show as a nameless entry.
"""

from __future__ import annotations

import unicodedata

from base.errors import InvalidInput
from base.i18n import N_

BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)  # fmt: skip
ZERO_WIDTH = frozenset(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
JOINERS = frozenset(["\u200c", "\u200d"])
# Format characters (Cf) that are visible or harmless and stay.
VISIBLE_FORMAT = frozenset(
    ["\u00ad", "\u06dd", "\u070f", "\u08e2", "\U000110bd", "\U000110cd"]
    + [chr(c) for c in range(0x0600, 0x0606)]
)  # fmt: skip
# Letters and marks that render as nothing: allowed inside text, but not all of it.
BLANK_LOOKING = frozenset(
    ["\u115f", "\u1160", "\u3164", "\uffa0", "\u034f", "\u17b4", "\u17b5", "\u2800", "\u00ad"]
    + [chr(c) for c in range(0x180B, 0x1810)] + [chr(c) for c in range(0xFE00, 0xFE10)]
)  # fmt: skip
_JOINABLE = ("L", "M", "N", "So", "Sk")  # category prefixes a joiner may sit between


def _joiner_in_word(text: str, i: int) -> bool:
    if i == 0 or i == len(text) - 1:
        return False
    before, after = unicodedata.category(text[i - 1]), unicodedata.category(text[i + 1])
    return before.startswith(_JOINABLE) and after.startswith(_JOINABLE)


def hidden_character_at(text: str, i: int, *, keep_newlines: bool = False) -> bool:
    """True when ``text[i]`` is a control, bidi, zero-width or invisible format character."""
    ch = text[i]
    if ch in JOINERS:
        return not _joiner_in_word(text, i)
    if keep_newlines and ch == "\n":
        return False
    if ch in BIDI_CONTROLS or ch in ZERO_WIDTH:
        return True
    category = unicodedata.category(ch)
    if category in ("Cc", "Zl", "Zp", "Cs"):
        return True
    return category == "Cf" and ch not in VISIBLE_FORMAT


def find_hidden_characters(text: str, *, keep_newlines: bool = False) -> list[str]:
    """The offending characters as ``U+202E`` codes, in order of first appearance."""
    found: list[str] = []
    for i, ch in enumerate(text):
        if hidden_character_at(text, i, keep_newlines=keep_newlines):
            code = f"U+{ord(ch):04X}"
            if code not in found:
                found.append(code)
    return found


def _has_visible(text: str) -> bool:
    return any(not ch.isspace() and ch not in BLANK_LOOKING for ch in text)


def _unify_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(
    value: str,
    *,
    keep_newlines: bool = False,
    neutralise: bool = False,
) -> str:
    """``value`` stripped, checked for misleading characters (see the module's docstring).

    People's input (``neutralise=False``): InvalidInput (texts in every resident language) when
    it contains such characters or only invisible ones; ``""`` stays ``""`` (callers say what is
    missing).
    OSM and official files (``neutralise=True``): controls become spaces, the invisible
    characters are dropped, runs of spaces collapse; returns ``""`` when nothing visible is left.
    """
    text = _unify_newlines(value) if keep_newlines else value
    if neutralise:
        out: list[str] = []
        for i, ch in enumerate(text):
            if not hidden_character_at(text, i, keep_newlines=keep_newlines):
                out.append(ch)
            elif unicodedata.category(ch) in ("Cc", "Zl", "Zp"):
                out.append(" ")
        cleaned = "".join(out)
        if keep_newlines:
            cleaned = "\n".join(" ".join(line.split()) for line in cleaned.split("\n")).strip()
        else:
            cleaned = " ".join(cleaned.split())
        return cleaned if _has_visible(cleaned) else ""
    text = text.strip()
    hidden = find_hidden_characters(text, keep_newlines=keep_newlines)
    if hidden:
        raise InvalidInput(N_("The text contains control characters or invisible characters ({chars}: e.g. tab, line break, direction or zero-width marks); remove them."), chars=", ".join(hidden[:5]))
    if text and not _has_visible(text):
        raise InvalidInput(N_("The text consists only of invisible characters; write it with visible letters."))
    return text


def neutralise_optional(value: str | None, *, keep_newlines: bool = False) -> str | None:
    """``clean_text(…, neutralise=True)`` for an optional value: None when nothing visible is left."""
    if value is None:
        return None
    return clean_text(value, keep_newlines=keep_newlines, neutralise=True) or None
