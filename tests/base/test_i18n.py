"""The one table of UI texts: complete in German and English, and every key the code asks for exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from base.i18n import DEFAULT_LANGUAGE, LANGUAGES, RESIDENT_PREFIXES, STAFF_LANGUAGES, STRINGS, t

ROOT = Path(__file__).resolve().parents[2]
UI_SOURCES = [
    ROOT / "app.py",
    *sorted((ROOT / "app_pages").glob("*.py")),
    ROOT / "catalogue" / "webmap.py",
    ROOT / "audits" / "gap_webmap.py",
    ROOT / "audits" / "notify.py",
]
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_][a-z0-9_.]*)["']""")
# f"origin.{p.origin}" and the like: the literal part before the first brace.
DYNAMIC_KEY = re.compile(r"""\bt\(\s*f["']([a-z_][a-z0-9_.]*)\{""")
# The page table in app.py: ("app_pages/x.py", "title.key", roles).
# Errors residents can meet: ``InvalidInput.from_key("public.error.…")`` in the domain packages.
FROM_KEY = re.compile(r"""\bfrom_key\(\s*["']([a-z_][a-z0-9_.]*)["']""")
ERROR_SOURCES = [*sorted((ROOT / "catalogue").glob("*.py")), *sorted((ROOT / "audits").glob("*.py"))]
PAGE_TITLE_KEY = re.compile(r"""["']app_pages/[a-z_]+\.py["'],\s*["']([a-z_][a-z0-9_.]*)["']""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def used_keys() -> tuple[set[str], set[str]]:
    literal: set[str] = set()
    prefixes: set[str] = set()
    for path in UI_SOURCES:
        source = path.read_text(encoding="utf-8")
        literal.update(LITERAL_KEY.findall(source))
        literal.update(PAGE_TITLE_KEY.findall(source))
        prefixes.update(DYNAMIC_KEY.findall(source))
    for path in ERROR_SOURCES:
        literal.update(FROM_KEY.findall(path.read_text(encoding="utf-8")))
    return literal, prefixes


def test_five_languages_are_offered_and_german_is_the_default() -> None:
    assert set(LANGUAGES) == {"de", "en", "tr", "ar", "uk"}
    assert STAFF_LANGUAGES == ("de", "en")
    assert DEFAULT_LANGUAGE == "de"


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_has_german_and_english_with_the_same_placeholders(key: str) -> None:
    entry = STRINGS[key]
    # Resident pages are in all five languages; staff pages in German and English.
    wanted = set(LANGUAGES) if key.startswith(RESIDENT_PREFIXES) else set(STAFF_LANGUAGES)
    assert set(entry) == wanted, key
    assert all(entry[lang].strip() for lang in entry), key
    assert all(placeholders(entry[lang]) == placeholders(entry["de"]) for lang in entry), key


def test_every_key_the_ui_asks_for_exists() -> None:
    literal, prefixes = used_keys()
    assert literal, "the scan found no t() calls – the pattern is out of date"
    assert sorted(literal - set(STRINGS)) == []
    for prefix in prefixes:
        assert any(key.startswith(prefix) for key in STRINGS), prefix


def test_no_key_is_left_unused() -> None:
    literal, prefixes = used_keys()
    unused = [k for k in STRINGS if k not in literal and not any(k.startswith(p) for p in prefixes)]
    assert unused == []


def test_t_fills_placeholders_and_falls_back_to_german() -> None:
    assert t("catalogue.shown", "en", shown=3, total=10) == "3 of 10 places shown"
    assert t("catalogue.shown", "de", shown=3, total=10) == "3 von 10 Orten angezeigt"
    assert t("page.catalogue", "tr") == "Katalog"
    assert t("public.page.suggest", "tr") == "Yer öner"
    with pytest.raises(KeyError):
        t("no.such.key", "de")
