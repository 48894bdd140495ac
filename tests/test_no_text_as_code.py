"""A static guard: in the app's own code, only literals (or ALL_CAPS constants) become code.

Text from OSM, residents, staff or files must never be the source of a Jinja template, the pattern
of ``str.format``, an SQL string or a shell command. This walks the syntax tree of every module
of the app and fails on any such call whose template is not a literal written in the code.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "tests", "bench", "static", "data", "node_modules", "migrations"}
# ``base.i18n.t``: the pattern is a message of the string table (code), the values are data.
ALLOWED_FORMAT = {("catalogue/i18n.py", "text")}


def sources() -> list[Path]:
    return sorted(
        p for p in ROOT.rglob("*.py") if not SKIP & set(p.relative_to(ROOT).parts[:-1]) and p.name != "conftest.py"
    )


def is_code_literal(node: ast.AST) -> bool:
    """A string literal, an ALL_CAPS constant, or an f-string whose values are ALL_CAPS constants."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float):
        return True
    if isinstance(node, ast.Name) and node.id.isupper():
        return True
    if isinstance(node, ast.Attribute) and node.attr.isupper():
        return True
    if isinstance(node, ast.JoinedStr):
        return all(
            isinstance(v, ast.Constant) or (isinstance(v, ast.FormattedValue) and is_code_literal(v.value))
            for v in node.values
        )
    if isinstance(node, ast.BinOp):
        return is_code_literal(node.left) and is_code_literal(node.right)
    return False


def findings(path: Path) -> list[str]:
    rel = path.relative_to(ROOT).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
    found: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        first = node.args[0] if node.args else None
        where = f"{rel}:{node.lineno}"
        if name in ("Template", "from_string") and first is not None and not is_code_literal(first):
            found.append(f"{where}: template compiled from a value")
        if name in ("format", "format_map") and isinstance(func, ast.Attribute):
            receiver = func.value
            allowed = isinstance(receiver, ast.Name) and (rel, receiver.id) in ALLOWED_FORMAT
            if not is_code_literal(receiver) and not allowed:
                found.append(f"{where}: str.format on a value")
        sql_call = (isinstance(func, ast.Name) and name == "text") or name == "exec_driver_sql"
        if sql_call and first is not None and not is_code_literal(first):
            found.append(f"{where}: SQL built from a value")
        if name == "execute" and first is not None and isinstance(first, ast.JoinedStr | ast.BinOp):
            if not is_code_literal(first):
                found.append(f"{where}: SQL built from a value")
        if name in ("system", "popen", "getoutput", "getstatusoutput"):
            found.append(f"{where}: shell command")
        for kw in node.keywords:
            if kw.arg == "shell" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                found.append(f"{where}: subprocess with a shell")
            if kw.arg == "unsafe_allow_html" and not (isinstance(kw.value, ast.Constant) and not kw.value.value):
                if first is None or not is_code_literal(first):
                    found.append(f"{where}: HTML from a value")
    return found


def test_the_guard_sees_the_bugs_it_is_for(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from jinja2 import Template\n"
        "Template(name)\n"
        "name.format(x=1)\n"
        "session.execute(text(f'select {name}'))\n"
        "subprocess.run(cmd, shell=True)\n"
        "os.system(cmd)\n"
        "st.markdown(name, unsafe_allow_html=True)\n",
        encoding="utf-8",
    )
    good = tmp_path / "good.py"
    good.write_text(
        "Template('{{ this.x }}')\nMSG.format(what=name)\ntext('select 1')\n"
        "cursor.execute(f'PRAGMA busy_timeout = {TIMEOUT_MS}')\nst.markdown(name)\n",
        encoding="utf-8",
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert len(findings(bad)) == 6, findings(bad)
        assert findings(good) == []
    finally:
        ROOT = saved


@pytest.mark.parametrize("path", sources(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_text_becomes_a_template_format_string_sql_or_shell_command(path: Path) -> None:
    assert findings(path) == []
