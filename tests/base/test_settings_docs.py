"""The README's settings table is rendered from ``base.settings.SETTINGS``; this test fails when
they disagree. After changing a setting, refresh the README with

    UPDATE_DOCS=1 .venv/bin/python -m pytest tests/base/test_settings_docs.py
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

from base.settings import ROOT, SETTINGS, Setting, Settings

README = ROOT / "README.md"
BLOCK = re.compile(r"(<!-- BEGIN settings -->\n)(.*?)(<!-- END settings -->)", re.S)


def render_default(setting: Setting) -> str:
    if setting.default_doc:
        return setting.default_doc
    default = setting.default
    if default == "":
        return "unset"
    if isinstance(default, bool):
        return "`1`" if default else "`0`"
    if isinstance(default, Path):
        return f"`{default.relative_to(ROOT).as_posix()}`"
    # a default that holds this checkout's folder shows it as "…", the same on every machine
    return f"`{str(default).replace(str(ROOT), '…')}`"


def render_settings() -> str:
    rows = ["| variable | type | default | meaning |", "|---|---|---|---|"]
    rows += [f"| `{s.env}` | {s.type} | {render_default(s)} | {s.meaning_en} |" for s in SETTINGS]
    return "\n".join(rows) + "\n"


def test_readme_settings_table_matches_the_code():
    text = README.read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    assert len(blocks) == 1, "README.md needs one <!-- BEGIN settings --> … <!-- END settings --> block"
    fresh = BLOCK.sub(lambda m: m.group(1) + render_settings() + m.group(3), text)
    if os.environ.get("UPDATE_DOCS") == "1":
        README.write_text(fresh, encoding="utf-8")
        return
    assert fresh == text, "README.md's settings are out of date: run UPDATE_DOCS=1 pytest tests/base/test_settings_docs.py"


def test_every_settings_attribute_has_exactly_one_row():
    names = [s.name for s in SETTINGS]
    envs = [s.env for s in SETTINGS]
    assert sorted(names) == sorted(f.name for f in dataclasses.fields(Settings))
    assert len(set(names)) == len(names) and len(set(envs)) == len(envs)
    assert all(s.meaning_en.strip() for s in SETTINGS)


def test_the_dataclass_defaults_agree_with_the_table():
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    for s in SETTINGS:
        default = fields[s.name].default
        if default is not dataclasses.MISSING:
            assert default == s.default, s.env
