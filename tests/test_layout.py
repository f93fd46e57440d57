"""Layout rules of the package: where errors live, and what each public module exports."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest

import openai_org_usage
from openai_org_usage import OpenAIUsageError

ERRORS_MODULE = "openai_org_usage._errors"

# Exceptions that never reach a caller, each handled where it is raised:
INTERNAL_EXCEPTIONS = {
    # a pull's workers stop on it after the consumer has stopped listening
    ("openai_org_usage._http", "PullStopped"),
    # turned into a click usage error by the CLI, and into a tool error by the MCP server
    ("openai_org_usage.timerange", "RangeError"),
    # the fake's own HTTP answers and injected transport faults, never raised to its callers
    ("openai_org_usage.fake._faults", "InjectedFault"),
    ("openai_org_usage.fake._query", "ApiError"),
}


def all_modules() -> list[ModuleType]:
    names = [m.name for m in pkgutil.walk_packages(openai_org_usage.__path__, "openai_org_usage.")]
    return [openai_org_usage, *(importlib.import_module(name) for name in names)]


def exceptions_defined_in(module: ModuleType) -> list[type[BaseException]]:
    return [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, BaseException)
        and obj.__module__ == module.__name__
    ]


def test_every_error_of_the_package_lives_in_the_errors_module() -> None:
    elsewhere = {
        (module.__name__, cls.__name__)
        for module in all_modules()
        if module.__name__ != ERRORS_MODULE
        for cls in exceptions_defined_in(module)
    }
    assert elsewhere == INTERNAL_EXCEPTIONS
    for module_name, name in INTERNAL_EXCEPTIONS:
        cls = getattr(importlib.import_module(module_name), name)
        assert not issubclass(cls, OpenAIUsageError), name


def test_every_package_error_is_exported_from_the_package() -> None:
    errors = importlib.import_module(ERRORS_MODULE)
    public = {
        cls.__name__
        for cls in exceptions_defined_in(errors)
        if issubclass(cls, OpenAIUsageError) and not cls.__name__.startswith("_")
    }
    assert public <= set(openai_org_usage.__all__)


@pytest.mark.parametrize(
    "name",
    [
        "openai_org_usage",
        "openai_org_usage.alerts",
        "openai_org_usage.anomalies",
        "openai_org_usage.budget",
        "openai_org_usage.export",
        "openai_org_usage.focus",
        "openai_org_usage.forecast",
        "openai_org_usage.mcp_server",
        "openai_org_usage.metrics",
        "openai_org_usage.store",
        "openai_org_usage.timerange",
        "openai_org_usage.fake",
    ],
)
def test_public_modules_export_a_sorted_resolvable_all(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert len(set(exported)) == len(exported)
    for symbol in exported:
        assert hasattr(module, symbol), f"{name}.__all__ names {symbol!r}, which it lacks"
        assert not symbol.startswith("_") or symbol == "__version__"


# Generated from the fragment by tools/gen_facade.py: the operation table's data, read only by
# _operations, and the typed methods, which name the generated models in their signatures.
GENERATED_FACADE_MODULES = {"_spec.py", "_methods.py"}
SEAM = "_operations.py"


def test_only_the_seam_imports_the_generated_package() -> None:
    import ast
    from pathlib import Path

    root = Path(openai_org_usage.__file__).parent
    importers = []
    for path in sorted(root.rglob("*.py")):
        if path.name in GENERATED_FACADE_MODULES or path.relative_to(root).as_posix() == SEAM:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            if any(name.split(".")[0] == "openai_org_usage_client" for name in names):
                importers.append(f"{path.relative_to(root)}:{node.lineno}")
    assert importers == [], (
        f"only {SEAM} imports openai_org_usage_client (it offers what others need): {importers}"
    )
