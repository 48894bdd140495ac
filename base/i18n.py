"""Translation the gettext way: English message ids in the code, one catalog per language.

The code marks every user-facing text as an English message: ``t("Import data", lang)`` where the
language is known, ``N_("…")`` where the text is only declared (vocabulary tables, errors) and
translated where it is shown. ``pybabel extract`` (see ``babel.cfg`` and ``make messages``)
collects them into ``locale/messages.pot``; ``locale/<lang>/LC_MESSAGES/messages.po`` holds the
translations (German is the app's first language; English is the message id itself). The ``.mo``
files are compiled from the ``.po`` files at install (``make install``); where one is missing or
older than its ``.po``, the first lookup compiles the ``.po`` in memory, so a checkout always shows
its own catalogs.

Placeholders are ``str.format`` names, ``{places}``; :class:`LocaleFormatter` fills them in with
numbers formatted by Babel for the locale ("1,6 s" in German) and refuses anything but plain
names, so neither a translation nor a value can reach attributes of the values. Values are data:
a value is never formatted again.

Staff pages are complete in German and English; Turkish, Arabic and Ukrainian catalogs are
complete for the resident pages and fall back to German elsewhere.
"""

from __future__ import annotations

import functools
import gettext
import io
import re
import string
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from babel.numbers import format_decimal, get_decimal_symbol

LANGUAGES: dict[str, str] = {
    "de": "Deutsch",
    "en": "English",
    "tr": "Türkçe",
    "ar": "العربية",
    "uk": "Українська",
}
RTL_LANGUAGES: tuple[str, ...] = ("ar",)
DEFAULT_LANGUAGE = "de"
# Where a catalog has no translation, this language is asked next (then the English id).
FALLBACK: Mapping[str, str] = {"tr": "de", "ar": "de", "uk": "de"}

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark ``message`` for extraction; it is translated where it is shown (``t(message, lang)``)."""
    return message


def catalog_path(lang: str, suffix: str = ".po") -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def _compiled(lang: str) -> bytes:
    """``lang``'s ``.po`` compiled in memory (when no fresh ``.mo`` is there: a checkout before
    ``make install``, or a ``.po`` edited since); nothing is written at run time."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalog_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


# Re-entrant: loading Turkish loads its German fallback under the same lock.
_LOCK = threading.RLock()
_TRANSLATIONS: dict[str, gettext.NullTranslations] = {}


def _load(lang: str) -> gettext.NullTranslations:
    po, mo = catalog_path(lang), catalog_path(lang, ".mo")
    if not po.exists():
        return gettext.NullTranslations()
    fresh = mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime
    data = mo.read_bytes() if fresh else _compiled(lang)
    translations: gettext.NullTranslations = gettext.GNUTranslations(io.BytesIO(data))
    if lang in FALLBACK:
        translations.add_fallback(translation(FALLBACK[lang]))
    return translations


def translation(lang: str) -> gettext.NullTranslations:
    """The (cached, thread-safe) translations of ``lang``; German for an unknown language."""
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    found = _TRANSLATIONS.get(lang)
    if found is None:
        with _LOCK:
            found = _TRANSLATIONS.get(lang)
            if found is None:
                found = _TRANSLATIONS[lang] = _load(lang)
    return found


# ---------------------------------------------------------------- formatting


class Day:
    """A date as the locale writes it ("01.12.2026", "Dec 1, 2026")."""

    __slots__ = ("value",)

    def __init__(self, value: date) -> None:
        self.value = value

    def localized(self, lang: str) -> str:
        return format_date(self.value, lang)


class Localized(Protocol):
    """A value that is written differently per language (a nested message, a date, a duration)."""

    def localized(self, lang: str) -> str: ...


class Message:
    """A message id with its parameters, translated when shown: a parameter of another message
    (``"OSM file {name!r}: {detail}"``), or a text a function hands to the page."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params: object) -> None:
        self.msgid, self.params = msgid, params

    def localized(self, lang: str) -> str:
        return t(self.msgid, lang, **self.params)

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, **{self.params!r})"


class Joined:
    """Several messages shown as one text, separated by ``sep``."""

    __slots__ = ("parts", "sep")

    def __init__(self, parts: Sequence[Localized], sep: str = " ") -> None:
        self.parts, self.sep = parts, sep

    def localized(self, lang: str) -> str:
        return self.sep.join(part.localized(lang) for part in self.parts)


class PerLanguage:
    """A text a function writes for each language (``fn(lang)``), e.g. a list of changes."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[str], str]) -> None:
        self.fn = fn

    def localized(self, lang: str) -> str:
        return self.fn(lang)


class Duration:
    """A time span in words of the locale ("3 Minuten", "45 seconds"), e.g. for "try again in …"."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def localized(self, lang: str) -> str:
        from babel.dates import format_timedelta

        locale = Locale.parse(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
        seconds = self.seconds if self.seconds < 90 else 60 * -(-self.seconds // 60)
        return format_timedelta(timedelta(seconds=seconds), threshold=1.5, locale=locale)

_FIXED = re.compile(r"^(?P<group>,?)(?:\.(?P<digits>\d+))?(?P<kind>[fd]?)$")


class LocaleFormatter(string.Formatter):
    """``str.format`` for translated messages: plain field names only, numbers as the locale writes them."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.locale = Locale.parse(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion is not None and hasattr(value, "localized"):
            value = value.localized(self.lang)
        return super().convert_field(value, conversion)

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        if not field_name.isidentifier():
            raise ValueError(f"message placeholder {field_name!r} is not a plain name")
        return kwargs[field_name], field_name

    def format_field(self, value: Any, format_spec: str) -> str:
        if hasattr(value, "localized"):
            return super().format_field(value.localized(self.lang), format_spec)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return super().format_field(value, format_spec)
        match = _FIXED.match(format_spec)
        if match is None:  # e.g. "g" or a width: Python's, with the locale's decimal sign
            text = super().format_field(value, format_spec)
            return text.replace(".", get_decimal_symbol(self.locale)) if isinstance(value, float) else text
        group = "#,##" if match["group"] else ""
        if match["digits"] is not None:
            digits = int(match["digits"])
            pattern = f"{group}0" + ("." + "0" * digits if digits else "")
            return format_decimal(value, format=pattern, locale=self.locale)
        if isinstance(value, int):  # ids, years, counts: no grouping unless asked for with ","
            return format_decimal(value, format="#,##0", locale=self.locale) if group else str(value)
        return format_decimal(value, format=f"{group}0.##########", locale=self.locale)


@functools.cache
def _formatter(lang: str) -> LocaleFormatter:
    # Stateless apart from its locale, so one per language is shared by every thread.
    return LocaleFormatter(lang)


def _fill(text: str, lang: str, params: Mapping[str, object]) -> str:
    return _formatter(lang).vformat(text, (), dict(params)) if params else text


def t(message: str, lang: str, /, **params: object) -> str:
    """``message`` (an English message id) in ``lang``, with ``params`` filled in."""
    return _fill(translation(lang).gettext(message), lang, params)


def nt(singular: str, plural: str, n: int, lang: str, /, **params: object) -> str:
    """The plural form of ``lang`` for ``n`` (``{n}`` in the message is the number)."""
    return _fill(translation(lang).ngettext(singular, plural, n), lang, {"n": n, **params})


def format_number(value: float, lang: str, digits: int | None = None) -> str:
    """A number as ``lang`` writes it (``1.234,5`` in German); ``digits`` fixes the decimals."""
    spec = ",." + str(digits) + "f" if digits is not None else ","
    return _formatter(lang).format_field(value, spec)


def format_date(value: date | datetime, lang: str) -> str:
    """A date as ``lang`` writes it (``01.12.2026`` in German, ``Dec 1, 2026`` in English)."""
    locale = Locale.parse(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    day = value.date() if isinstance(value, datetime) else value
    return _babel_date(day, format="medium", locale=locale)


def format_datetime(value: datetime, lang: str) -> str:
    """Date and time as ``lang`` writes them (``01.12.2026 14:05``, ``Dec 1, 2026 2:05 PM``)."""
    locale = Locale.parse(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    return f"{format_date(value, lang)} {_babel_time(value, format='short', locale=locale)}"


def language_name(code: str, lang: str, fallback: str = "") -> str:
    """The name of the language ``code`` in ``lang`` ("Türkisch" in German), from Babel's CLDR data;
    for a code CLDR does not name (e.g. ``gsg``), ``fallback`` (an English message id) translated."""
    locale = Locale.parse(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    known = locale.languages.get(code)
    return known or (t(fallback, lang) if fallback else code)
