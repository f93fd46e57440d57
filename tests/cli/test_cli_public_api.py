"""The command line is a client of the public API: it imports no private module of the package.

Every module of ``openai_org_usage.cli`` is parsed (imports inside functions included): an
import from the package must name a public module (no ``_`` part, ``openai_org_usage.store``
is fine, ``openai_org_usage._time`` is not) and only names in that module's ``__all__``.
Imports among the command's own modules (``from ._options import ...``) are its business.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

import openai_org_usage.cli

PACKAGE = "openai_org_usage"
CLI_PACKAGE = "openai_org_usage.cli"
CLI_DIR = Path(openai_org_usage.cli.__file__).parent
MODULES = sorted(CLI_DIR.glob("*.py"))


def _absolute(node: ast.ImportFrom) -> str:
    """The imported module's full name (``from .._time import x`` -> ``openai_org_usage._time``)."""
    if node.level == 0:
        return node.module or ""
    base = CLI_PACKAGE.split(".")[: len(CLI_PACKAGE.split(".")) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _package_imports(tree: ast.AST) -> Iterator[tuple[int, str, list[str]]]:
    """``(line, module, names)`` of every import from the package outside the command."""
    for node in ast.walk(tree):
        found: list[tuple[str, list[str]]]
        if isinstance(node, ast.Import):
            found = [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found = [(_absolute(node), [alias.name for alias in node.names])]
        else:
            continue
        for module, names in found:
            inside = module == PACKAGE or module.startswith(PACKAGE + ".")
            own = module == CLI_PACKAGE or module.startswith(CLI_PACKAGE + ".")
            if inside and not own:
                yield node.lineno, module, names


def declared_all(module: str) -> list[str] | None:
    """The module's ``__all__``, read from its source (importing it could need an extra)."""
    spec = importlib.util.find_spec(module)
    assert spec is not None, f"no module {module}"
    if spec.origin is None or not spec.origin.endswith(".py"):
        return None
    for node in ast.parse(Path(spec.origin).read_text()).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            return list(ast.literal_eval(node.value))
    return None


def private_uses(path: Path) -> list[str]:
    """What ``path`` imports from the package that is not public, one line each."""
    problems: list[str] = []
    for line, module, names in _package_imports(ast.parse(path.read_text(), str(path))):
        private_parts = [part for part in module.split(".") if part.startswith("_")]
        if private_parts:
            problems.append(f"{path.name}:{line}: imports private module {module}")
            continue
        public = declared_all(module)
        for name in names:
            if public is not None and name not in public:
                problems.append(f"{path.name}:{line}: {module}.{name} is not in its __all__")
            elif public is None and name.startswith("_"):
                problems.append(f"{path.name}:{line}: {module}.{name} is private")
    return problems


def test_every_module_of_the_command_is_checked() -> None:
    names = {path.name for path in MODULES}
    assert {"_app.py", "_options.py", "_fetch.py", "_rows.py"} <= names
    assert len(names) >= 10


@pytest.mark.parametrize("path", MODULES, ids=[path.name for path in MODULES])
def test_command_imports_only_public_names(path: Path) -> None:
    assert private_uses(path) == []


def test_the_check_finds_private_imports(tmp_path: Path) -> None:
    """The check itself fails on each form of a private import (a test that cannot fail ...)."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import openai_org_usage._time\n"
        "from openai_org_usage._client import _checked_base_url\n"
        "from openai_org_usage import _pagination\n"
        "from .._params import Query\n"
        "def lazy():\n"
        "    from openai_org_usage.store import _sync\n"
        "from openai_org_usage import OPERATIONS, UsageClient\n"
        "from . import _options\n"
        "from ._rows import records\n"
    )
    problems = private_uses(sample)
    assert len(problems) == 5, problems
    assert [p.split(":")[1] for p in problems] == ["1", "2", "3", "4", "6"]
