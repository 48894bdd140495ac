"""Presumed facts: what a place's category or OSM tags imply when nobody has checked yet.

Right after an import almost nothing about a place is recorded, so every group-specific verdict
would be ``unknown``. Some facts follow from what a place *is*: a public playground costs no
entry, asks for no purchase and no registration, and is made for children. ``PRESUMPTIONS`` is
the table of such facts, the third source after an on-site audit and OSM:

* **Precedence.** audit > OSM tag (and what follows from OSM opening hours) > presumption. A
  presumed value only fills a fact that is still unknown after the other two.
* **Never a "not open".** A presumed value that would shut a group out (a café expects guests
  to buy something) is shown as information, but the rules treat it as unknown
  (:func:`audits.rules.evaluate`): only a recorded fact may close a place to a group.
* **Always shown as such.** Every presumed ``FactValue`` has source ``presumption`` and the id of
  its row, so pages, reasons, exports and the printed map say "angenommen: Spielplatz".

Deployments change or extend the table with a TOML file named by ``ATLAS_PRESUMPTIONS`` (see
``docs/vocabulary.md``): a row with a built-in id replaces it, ``disabled = true`` removes it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Any

from audits.vocabulary import FACT_BY_ID, NO, NOT_APPLICABLE, YES, FactValue, validate_fact_value
from base.errors import InvalidInput
from base.i18n import N_, t
from catalogue.categories import CATEGORY_IDS

# Who may not use a place at all: a presumption about the public never applies there.
NOT_PUBLIC = ("private", "no", "customers", "members", "permit", "delivery")


@dataclass(frozen=True)
class Presumption:
    """One row: places of ``category`` (or any) whose tags match ``tags`` get ``facts``.

    ``tags``: ``key=value`` pairs that must all be present (``value`` ``None``: any value).
    ``unless``: a key whose value (trimmed, case-folded) in the list excludes the place.
    ``name`` is what the presumption is about ("playground"), shown as "presumed: playground";
    ``reason`` says why. Both are message ids; rows from a deployment's file carry their texts
    per language in ``texts`` instead.
    """

    id: str
    name: str
    reason: str
    facts: Mapping[str, Any]
    category: str | None = None
    tags: tuple[tuple[str, str | None], ...] = ()
    unless: tuple[tuple[str, tuple[str, ...]], ...] = (("access", NOT_PUBLIC),)
    texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # lang -> name/reason

    def label(self, lang: str) -> str:
        return self._text("name", self.name, lang)

    def why(self, lang: str) -> str:
        return self._text("reason", self.reason, lang)

    def _text(self, key: str, message: str, lang: str) -> str:
        if self.texts:
            own = self.texts.get(lang) or self.texts.get("de") or next(iter(self.texts.values()))
            return own.get(key, "")
        return t(message, lang)

    def applies(self, category: str | None, tags: Mapping[str, str]) -> bool:
        if self.category is not None and category != self.category:
            return False
        for key, value in self.tags:
            given = tags.get(key)
            if given is None or (value is not None and given.strip().casefold() != value):
                return False
        for key, values in self.unless:
            if (tags.get(key) or "").strip().casefold() in values:
                return False
        return True


_FREE = {"free_entry": YES, "consumption_required": NO, "registration_required": NO}
_ALWAYS_OPEN = {"open_afternoons": YES, "open_evenings": YES, "open_weekends": YES}
_DAYTIME = {"open_afternoons": YES, "open_weekends": YES}
# Daytime hours for the time windows (audits.time_windows): municipal playground by-laws
# (Spielplatzsatzungen) mostly allow play from 8 to 20 h ("bis zum Einbruch der Dunkelheit");
# a park is presumed usable in the same daytime. Presumed hours never fill the hour facts
# above (``fill_presumed`` runs after ``complete_facts``), and OSM or audited hours win.
_DAYTIME_HOURS = {"opening_hours": "Mo-Su 08:00-20:00"}

PRESUMPTIONS: tuple[Presumption, ...] = (
    Presumption(
        "playground", N_("public playground"),
        N_("A public playground costs nothing, asks for no purchase or registration, is made for "
           "children and can be used in the daytime on every day without opening hours."),
        {**_FREE, **_DAYTIME, **_DAYTIME_HOURS, "children_offer": YES, "safe_access": YES},
        category="playground",
    ),
    Presumption(
        "park", N_("public park"),
        N_("A public park costs nothing, asks for no purchase or registration, is itself the "
           "offer for children and is open in the daytime on every day."),
        {**_FREE, **_DAYTIME, **_DAYTIME_HOURS, "children_offer": NOT_APPLICABLE, "safe_access": YES},
        category="park_garden", tags=(("leisure", "park"),),
    ),
    Presumption(
        "square", N_("public square"),
        N_("A public square or pedestrian area can be used at any time, free of charge and "
           "without buying anything."),
        {**_FREE, **_ALWAYS_OPEN},
        category="square_market", tags=(("place", "square"),),
    ),
    Presumption(
        "pedestrian_area", N_("pedestrian area"),
        N_("A public square or pedestrian area can be used at any time, free of charge and "
           "without buying anything."),
        {**_FREE, **_ALWAYS_OPEN},
        category="square_market", tags=(("highway", "pedestrian"),),
    ),
    Presumption(
        "marketplace", N_("marketplace"),
        N_("Anyone may walk across a market without paying or buying anything."),
        _FREE,
        category="square_market", tags=(("amenity", "marketplace"),),
    ),
    Presumption(
        "library", N_("public library"),
        N_("Entering a public library and reading there is free and needs no library card; "
           "only borrowing does."),
        _FREE,
        tags=(("amenity", "library"),),
    ),
    Presumption(
        "public_bookcase", N_("public bookcase"),
        N_("A public bookcase stands in the open: free, without registration, at any time."),
        {**_FREE, **_ALWAYS_OPEN},
        tags=(("amenity", "public_bookcase"),),
    ),
    Presumption(
        "place_of_worship", N_("place of worship"),
        N_("Places of worship ask no entry fee and no purchase."),
        {"free_entry": YES, "consumption_required": NO},
        category="place_of_worship",
    ),
    Presumption(
        "fitness_station", N_("outdoor fitness station"),
        N_("An outdoor fitness station is free and needs no registration."),
        _FREE,
        tags=(("leisure", "fitness_station"),),
    ),
    # Never closes a café to anyone by itself (see the module docstring); it tells the auditor
    # what to check and keeps the café "unknown" for people on a low income until then.
    Presumption(
        "cafe", N_("café"),
        N_("A café expects its guests to order something."),
        {"consumption_required": YES},
        category="cafe", unless=(),
    ),
)


def _check_row(row: Presumption, where: str) -> Presumption:
    if row.category is not None and row.category not in CATEGORY_IDS:
        raise InvalidInput(
            N_("{where}: unknown category {category!r} in presumption {id!r}."), where=where, category=row.category, id=row.id
        )
    clean: dict[str, Any] = {}
    for fact_id, value in row.facts.items():
        if fact_id not in FACT_BY_ID:
            raise InvalidInput(
                N_("{where}: unknown fact {fact!r} in presumption {id!r}."), where=where, fact=fact_id, id=row.id
            )
        clean[fact_id] = validate_fact_value(fact_id, value)
    return Presumption(row.id, row.name, row.reason, clean, row.category, row.tags, row.unless, row.texts)


def _row_from_file(item: Mapping[str, Any], where: str) -> Presumption:
    try:
        texts = {
            lang: {"name": str(v.get("name", "")), "reason": str(v.get("reason", ""))}
            for lang, v in dict(item.get("texts", {})).items()
        }
        unless = item.get("unless")
        row = Presumption(
            id=str(item["id"]),
            name=str(item.get("name", item["id"])),
            reason="",
            facts=dict(item["facts"]),
            category=item.get("category"),
            tags=tuple((str(k), None if v in ("*", None) else str(v).casefold()) for k, v in dict(item.get("tags", {})).items()),
            unless=(("access", NOT_PUBLIC),) if unless is None else tuple(
                (str(k), tuple(str(x).casefold() for x in v)) for k, v in dict(unless).items()
            ),
            texts=texts or {"de": {"name": str(item.get("name", item["id"])), "reason": ""}},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidInput(
            N_("{where}: a presumption needs id, facts and optional category, tags, unless, texts ({problem})."),
            where=where, problem=str(exc),
        ) from exc
    return _check_row(row, where)


def merge_presumption_file(base: Sequence[Presumption], path: Path) -> tuple[Presumption, ...]:
    """``base`` changed by a deployment's TOML file: ``[[presumption]]`` rows replace rows with
    the same id or are added; ``disabled = true`` removes the row."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(
            N_("The presumptions file {path} cannot be read: {problem}"), path=str(path), problem=str(exc)
        ) from exc
    rows = {row.id: row for row in base}
    for i, item in enumerate(data.get("presumption", []), start=1):
        where = f"{path.name} [[presumption]] #{i}"
        if not isinstance(item, dict) or "id" not in item:
            raise InvalidInput(N_("{where}: every presumption needs an id."), where=where)
        if item.get("disabled"):
            rows.pop(str(item["id"]), None)
            continue
        row = _row_from_file(item, where)
        rows[row.id] = row
    return tuple(rows.values())


_LOCK = Lock()
_LOADED: dict[tuple[str, float], tuple[Presumption, ...]] = {}


def load_presumptions(path: Path | None) -> tuple[Presumption, ...]:
    """The table in force: the built-in rows, changed by the file at ``path`` when given.

    Read once per file version (path and modification time), so editing the file takes effect
    without a restart.
    """
    if path is None:
        return PRESUMPTIONS
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError as exc:
        raise InvalidInput(
            N_("The presumptions file {path} cannot be read: {problem}"), path=str(path), problem=str(exc)
        ) from exc
    with _LOCK:
        if key not in _LOADED:
            _LOADED.clear()
            _LOADED[key] = merge_presumption_file(PRESUMPTIONS, path)
        return _LOADED[key]


def presumptions_version() -> str:
    """Changes whenever the table in force changes: the deployment file's path and modification
    time (caches of verdicts are keyed by it), or ``built-in``."""
    from base.settings import load_settings

    path = load_settings().presumptions_file
    if path is None:
        return "built-in"
    try:
        return f"{path}@{path.stat().st_mtime_ns}"
    except OSError:
        return f"{path}@missing"


def active_presumptions() -> tuple[Presumption, ...]:
    """The table in force for this deployment (``ATLAS_PRESUMPTIONS``)."""
    from base.settings import load_settings

    return load_presumptions(load_settings().presumptions_file)


def presumption_by_id(presumption_id: str | None) -> Presumption | None:
    if presumption_id is None:
        return None
    return next((p for p in active_presumptions() if p.id == presumption_id), None)


def presumed_facts(
    category: str | None, tags: Mapping[str, str], table: Sequence[Presumption] | None = None
) -> dict[str, FactValue]:
    """The facts the table presumes for a place; the first matching row wins for each fact."""
    found: dict[str, FactValue] = {}
    for row in PRESUMPTIONS if table is None else table:
        if row.applies(category, tags):
            for fact_id, value in row.facts.items():
                found.setdefault(fact_id, FactValue(value, source="presumption", presumption=row.id))
    return found


def fill_presumed(facts: Mapping[str, FactValue], presumed: Mapping[str, FactValue]) -> dict[str, FactValue]:
    """``facts`` with the presumed values added where a fact is still unknown."""
    done = dict(facts)
    for fact_id, fv in presumed.items():
        current = done.get(fact_id)
        if current is None or not current.is_known:
            done[fact_id] = fv
    return done
