"""The docs must not fall behind the code: the vocabulary tables in docs/vocabulary.md are
rendered from the declarative tables. After changing a table, refresh the docs with

    UPDATE_DOCS=1 .venv/bin/python -m pytest tests/test_docs.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from audits.presumptions import PRESUMPTIONS
from audits.time_windows import GROUP_WINDOWS, TIME_WINDOWS
from audits.vocabulary import FACTS, GROUPS, SECTIONS, format_value
from base.i18n import t
from catalogue.categories import CATEGORIES
from gaps.profiles import GROUP_PROFILE, PROFILE_IDS, WALKING_PROFILES

DOC = Path(__file__).resolve().parent.parent / "docs" / "vocabulary.md"
BLOCK = re.compile(r"(<!-- BEGIN (\w+) -->\n)(.*?)(<!-- END \2 -->)", re.S)


def render_categories() -> str:
    rows = ["| id | Deutsch | English | OSM tags | gap-map anchor |", "|---|---|---|---|---|"]
    for c in CATEGORIES:
        tags = []
        for m in c.matches:
            text = f"`{m.key}={m.value}`"
            for key, value in m.require:
                text += f" + `{key}={value or '*'}`"
            tags.append(text)
        rows.append(f"| `{c.id}` | {c.label('de')} | {c.name} | {', '.join(tags)} | {'yes' if c.anchor else ''} |")
    return "\n".join(rows) + "\n"


def render_groups() -> str:
    rows = ["| id | Deutsch | English | walking speed (km/h) |", "|---|---|---|---|"]
    rows += [f"| `{g.id}` | {g.label('de')} | {g.name} | {g.speed_kmh:g} |" for g in GROUPS]
    return "\n".join(rows) + "\n"


def render_facts() -> str:
    sections = {s.id: s.name for s in SECTIONS}
    rows = ["| id | Deutsch | English | kind | section | groups | OSM tags |", "|---|---|---|---|---|---|---|"]
    for f in FACTS:
        kind = f"{f.kind} ({f.unit})" if f.unit else f.kind
        osm = ", ".join(f"`{k}`" for k in f.osm_keys)
        groups = ", ".join(f.groups)
        rows.append(f"| `{f.id}` | {f.label('de')} | {f.name} | {kind} | {sections[f.section]} | {groups} | {osm} |")
    return "\n".join(rows) + "\n"


def render_presumptions() -> str:
    rows = ["| id | applies to | presumed facts | Deutsch | why |", "|---|---|---|---|---|"]
    for p in PRESUMPTIONS:
        where = [f"category `{p.category}`"] if p.category else []
        where += [f"`{k}={v or '*'}`" for k, v in p.tags]
        where += [f"not `{k}={'/'.join(v)}`" for k, v in p.unless]
        facts = ", ".join(f"`{f}` = {format_value(f, v, 'en')}" for f, v in p.facts.items())
        rows.append(f"| `{p.id}` | {', '.join(where)} | {facts} | angenommen: {p.label('de')} | {p.reason} |")
    return "\n".join(rows) + "\n"


def render_time_windows() -> str:
    rows = ["| id | hours | Deutsch | usual time of | why |", "|---|---|---|---|---|"]
    for w in TIME_WINDOWS:
        groups = ", ".join(f"`{g}`" for g, wid in GROUP_WINDOWS.items() if wid == w.id)
        rows.append(f"| `{w.id}` | `{w.text()}` | {w.label('de')} | {groups} | {w.reason} |")
    return "\n".join(rows) + "\n"


def render_walking_profiles() -> str:
    profiles = [p for p in PROFILE_IDS if p != "default"]
    rows = [
        "| on | OSM condition | " + " | ".join(profiles) + " | obstacle (Deutsch / English) | source |",
        "|---|---|" + "---|" * len(profiles) + "---|---|",
    ]
    for r in WALKING_PROFILES:
        effects = " | ".join(r.effects[p].text() if p in r.effects else "fine" for p in profiles)
        condition = r.condition.replace("|", "\\|")
        rows.append(f"| {r.on} | {condition} | {effects} | {t(r.obstacle, 'de')} / {r.obstacle} | {r.source} |")
    groups = ", ".join(f"`{g}` → `{p}`" for g, p in GROUP_PROFILE.items())
    rows.append("")
    rows.append(f"Groups and their profiles: {groups}; every other group and `all` → `default` (no rules).")
    return "\n".join(rows) + "\n"


RENDER = {
    "categories": render_categories,
    "groups": render_groups,
    "facts": render_facts,
    "presumptions": render_presumptions,
    "time_windows": render_time_windows,
    "walking_profiles": render_walking_profiles,
}


def test_vocabulary_doc_matches_the_tables():
    text = DOC.read_text(encoding="utf-8")
    found = {m.group(2) for m in BLOCK.finditer(text)}
    assert found == set(RENDER), f"docs/vocabulary.md needs the blocks {sorted(RENDER)}"
    fresh = BLOCK.sub(lambda m: m.group(1) + RENDER[m.group(2)]() + m.group(4), text)
    if os.environ.get("UPDATE_DOCS") == "1":
        DOC.write_text(fresh, encoding="utf-8")
        return
    assert fresh == text, "docs/vocabulary.md is out of date: run UPDATE_DOCS=1 pytest tests/test_docs.py"
