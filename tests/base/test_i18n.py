"""The gettext catalogs: extracted from the code, complete where they must be, consistent, compilable.

After changing or adding a user-facing text: ``make messages`` (extract into ``locale/messages.pot``
and update every ``.po``), translate the new entries, and run this file.
"""

from __future__ import annotations

import io
import shutil
import string
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from audits.vocabulary import GROUPS, VERDICT_STATUSES
from base import i18n
from base.errors import InvalidInput
from base.i18n import N_, Day, Duration, Joined, Message, nt, t
from catalogue.categories import CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"t": (1,), "nt": (1, 2), "N_": None}
# The pages residents use without an account: every text there must exist in all five languages.
RESIDENT_SOURCES = (
    "app_pages/public_map.py",
    "app_pages/suggest.py",
    "app_pages/suggestion_status.py",
    "base/text.py",
)


def _placeholders(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def _read(lang: str) -> Catalog:
    with i18n.catalog_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang)


@pytest.fixture(scope="module")
def extracted() -> dict[str | tuple[str, ...], set[str]]:
    """Message id -> the files it occurs in, extracted from the code now (as ``make messages`` does)."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[str | tuple[str, ...], set[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault(message, set()).add(filename)
    return found


def test_the_template_is_up_to_date_with_the_code(extracted) -> None:
    with (ROOT / "locale" / "messages.pot").open("rb") as fh:
        pot = {m.id for m in read_po(fh) if m.id}
    assert set(extracted) - pot == set(), "new messages: run `make messages` and translate them"
    assert pot - set(extracted) == set(), "messages no longer used: run `make messages`"


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_every_catalog_has_every_message_of_the_template(lang: str, extracted) -> None:
    ids = {m.id for m in _read(lang) if m.id}
    assert set(extracted) - ids == set()


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_placeholders_are_the_same_in_msgid_and_msgstr(lang: str) -> None:
    for m in _read(lang):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = _placeholders(ids[-1])
        for s in strings:
            if s:
                assert _placeholders(s) == wanted, (lang, m.id, s)
        if len(ids) == 2:
            assert _placeholders(ids[0]) == wanted, m.id


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_every_catalog_compiles_and_passes_babels_checks(lang: str, tmp_path: Path) -> None:
    catalog = _read(lang)
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []
    out = io.BytesIO()
    write_mo(out, catalog)
    assert len(out.getvalue()) > 1000
    msgfmt = shutil.which("msgfmt")
    if msgfmt:  # GNU gettext's own check, where it is installed (Babel's above always runs)
        run = subprocess.run(
            [msgfmt, "--check", "-o", str(tmp_path / "m.mo"), str(i18n.catalog_path(lang))],
            capture_output=True, text=True,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr


def test_german_translates_every_message(extracted) -> None:
    """No English (or half-English) text on a German page: every message has its German form."""
    catalog = _read("de")
    untranslated = [
        m.id for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else (m.string,))
    ]
    assert untranslated == []
    assert not [m.id for m in catalog if m.id and m.fuzzy]


@pytest.mark.parametrize("lang", ["tr", "ar", "uk"])
def test_resident_pages_are_complete_in_every_language(lang: str, extracted) -> None:
    resident = {mid for mid, files in extracted.items() if set(files) & set(RESIDENT_SOURCES)}
    resident |= {c.name for c in CATEGORIES} | {g.name for g in GROUPS} | {v.name for v in VERDICT_STATUSES}
    assert len(resident) > 80
    catalog = _read(lang)
    for mid in resident:
        message = catalog.get(mid)
        assert message is not None, mid
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), (lang, mid)
        assert not message.fuzzy, (lang, mid)


def test_plural_forms_follow_each_language() -> None:
    one, many = "{n} place in this area", "{n} places in this area"
    assert nt(one, many, 1, "de") == "1 Ort in diesem Gebiet"
    assert nt(one, many, 5, "de") == "5 Orte in diesem Gebiet"
    # Ukrainian: one (1, 21), few (2–4, 22–24), many (5–20, 11–14)
    assert nt(one, many, 21, "uk").startswith("21 місце")
    assert nt(one, many, 3, "uk").startswith("3 місця")
    assert nt(one, many, 12, "uk").startswith("12 місць")
    # Arabic: zero, one, two, few (3–10), many (11–99), other (100–102)
    forms = {nt(one, many, n, "ar") for n in (0, 1, 2, 5, 11, 100)}
    assert len(forms) == 6
    assert nt(one, many, 1, "en") == "1 place in this area"
    assert nt(one, many, 2, "en") == "2 places in this area"
    assert _read("ar").num_plurals == 6 and _read("uk").num_plurals == 3


def test_numbers_dates_and_durations_follow_the_locale() -> None:
    assert i18n.format_number(1.6, "de", 1) == "1,6"
    assert i18n.format_number(1.6, "en", 1) == "1.6"
    assert i18n.format_number(12500, "de") == "12.500"
    assert t("{seconds:.1f} s", "de", seconds=1.6) == "1,6 s"
    assert t("{seconds:.1f} s", "en", seconds=1.6) == "1.6 s"
    assert t("{x}", "de", x=1234) == "1234"  # ids and years are not grouped
    assert t("{x:,}", "de", x=1234) == "1.234"
    assert Day(date(2026, 12, 1)).localized("de") == "01.12.2026"
    assert Duration(180).localized("de") == "3 Minuten"
    assert Duration(180).localized("en") == "3 minutes"


def test_a_fresh_process_can_start_in_a_fallback_language() -> None:
    """Turkish first: its German fallback is loaded while Turkish loads, under the same lock."""
    code = "from base import i18n; print(i18n.t('Import data', 'tr'), '|', i18n.t('Community centre', 'tr'))"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "Daten importieren | Mahalle merkezi"


def test_a_catalog_without_a_fresh_mo_is_compiled_in_memory() -> None:
    import gettext

    translations = gettext.GNUTranslations(io.BytesIO(i18n._compiled("de")))
    assert translations.gettext("Import data") == "Daten importieren"


def test_fallback_chain_turkish_staff_text_is_german_not_english() -> None:
    assert t("Import data", "tr") == "Daten importieren"
    assert t("Import data", "en") == "Import data"
    assert t("Import data", "xx") == "Daten importieren"  # an unknown language is German


def test_a_placeholder_cannot_reach_into_a_value() -> None:
    with pytest.raises(ValueError):
        t("{x.__class__}", "en", x=1)
    with pytest.raises(ValueError):
        t("{x[0]}", "en", x=[1])
    # a value is data: braces in it stay as they are
    assert t("Name: {name}", "en", name="{{ 7*7 }} {x}") == "Name: {{ 7*7 }} {x}"


def test_errors_carry_a_message_id_and_are_translated_where_shown() -> None:
    err = InvalidInput(N_("The name is {n} characters long; use at most {max}."), n=120, max=100)
    assert err.msgid == "The name is {n} characters long; use at most {max}."
    assert err.en == "The name is 120 characters long; use at most 100."
    assert err.de == "Der Name hat 120 Zeichen; erlaubt sind höchstens 100."
    assert err.message("uk") == "Назва має 120 символів; дозволено щонайбільше 100."
    nested = InvalidInput("{problems}", problems=Joined([Message(err.msgid, **err.params)], sep=" "))
    assert nested.message("de") == err.de


def test_the_vocabulary_speaks_the_same_words_on_staff_and_resident_pages() -> None:
    park = next(c for c in CATEGORIES if c.id == "park_garden")
    assert park.label("de") == t(park.name, "de")
    assert park.label("tr") and park.label("tr") != park.label("en")


def test_base_modules_do_not_import_the_ui() -> None:
    text = (ROOT / "base" / "errors.py").read_text()
    assert "streamlit" not in text and "webui" not in text
