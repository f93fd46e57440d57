"""The store is a client of the public API: it imports only public names.

Every module under ``openai_org_usage/store/`` is parsed (not imported; imports inside
functions and under ``TYPE_CHECKING`` count too) and each import is checked: names from
``openai_org_usage`` must be in its ``__all__`` (or be a public submodule such as
``export``), names from a public submodule must be in that module's ``__all__``, and nothing
may come from a private module (``openai_org_usage._time``) or from the generated package
(the one seam, ``openai_org_usage.export``, reads that). Relative imports within ``store/``
itself are the store's own business.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import openai_org_usage

PACKAGE = "openai_org_usage"
ROOT = Path(openai_org_usage.__file__).parent
STORE = sorted((ROOT / "store").glob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT.parent).parts[:-1])


def imports(source: str, package: str) -> Iterator[tuple[int, str, str | None]]:
    """``(line, absolute module, imported name or None)`` for every import, nested ones too."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            for alias in node.names:
                yield node.lineno, module, alias.name


def problems(source: str, package: str) -> list[str]:
    """What is wrong with the imports of one module of ``package`` (empty: all public)."""
    found: list[str] = []
    for line, module, name in imports(source, package):
        where = f"line {line}: {module}" + (f".{name}" if name else "")
        if module == package or module.startswith(package + "."):
            continue  # within the module's own package
        if module.split(".")[0] == f"{PACKAGE}_client":
            found.append(f"{where}: the generated package; ask openai_org_usage instead")
            continue
        if module != PACKAGE and not module.startswith(PACKAGE + "."):
            continue  # another distribution
        private = [part for part in module.split(".")[1:] if part.startswith("_")]
        if private:
            found.append(f"{where}: {'.'.join(private)} is private")
        elif name is not None and not _exported(module, name):
            found.append(f"{where}: not in {module}.__all__")
    return found


def _exported(module: str, name: str) -> bool:
    mod = importlib.import_module(module)
    if name in getattr(mod, "__all__", ()):
        return True
    # A public submodule (from openai_org_usage import export).
    if name.startswith("_"):
        return False
    try:
        importlib.import_module(f"{module}.{name}")
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("path", STORE, ids=lambda p: p.name)
def test_store_imports_only_public_names(path: Path) -> None:
    assert problems(path.read_text(encoding="utf-8"), package_of(path)) == []


def test_every_store_module_is_checked() -> None:
    names = {module_name(path) for path in STORE}
    assert {"openai_org_usage.store", "openai_org_usage.store._sync"} <= names
    assert {
        "openai_org_usage.store._schema",
        "openai_org_usage.store._fetch",
        "openai_org_usage.store._source",
        "openai_org_usage.store._orgs",
        "openai_org_usage.store._lock",
    } <= names


@pytest.mark.parametrize(
    ("source", "wrong"),
    [
        ("from .._client import UsageClient", "_client is private"),
        ("from openai_org_usage._time import parse_tz", "_time is private"),
        ("from .. import _errors", "not in openai_org_usage.__all__"),
        ("from openai_org_usage import Unset", "not in openai_org_usage.__all__"),
        ("from openai_org_usage.export import _shape", "not in openai_org_usage.export.__all__"),
        ("import openai_org_usage._operations", "_operations is private"),
        ("from openai_org_usage_client.types import Unset", "the generated package"),
        ("def f():\n    from .._models import Row", "_models is private"),
    ],
)
def test_the_check_finds_private_imports(source: str, wrong: str) -> None:
    (problem,) = problems(source, "openai_org_usage.store")
    assert wrong in problem


def test_the_check_allows_public_and_own_imports() -> None:
    source = "\n".join(
        [
            "from . import _schema",
            "from ._source import usage_source",
            "from openai_org_usage.store._sync import sync",
            "from openai_org_usage import UsageClient, export",
            "from .. import OPERATIONS",
            "from openai_org_usage.export import columns",
            "import openai_org_usage.fake",
            "import attrs",
        ]
    )
    assert problems(source, "openai_org_usage.store") == []
