"""Tests of tools/compare_sdk.py: drift between the openai SDK's types and a fragment.

data/sdk/openai is a hand-made miniature of the SDK wheel's layout (two operations) and
data/sdk/usage.yaml a fragment that matches it exactly. Each drift case copies both to tmp_path,
changes one thing the way a future SDK release (or a fragment edit) might, and checks every line
the tool reports. Nothing here needs the real wheel or the network.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "sdk"
TYPES = "openai/types/admin/organization"
RESOURCE = "openai/resources/admin/organization/usage.py"
COMPLETIONS = f"{TYPES}/usage_completions_response.py"

_spec = importlib.util.spec_from_file_location("compare_sdk", REPO / "tools" / "compare_sdk.py")
assert _spec is not None
assert _spec.loader is not None
compare_sdk = importlib.util.module_from_spec(_spec)
sys.modules["compare_sdk"] = compare_sdk
_spec.loader.exec_module(compare_sdk)

Doc = dict[str, Any]
BASELINE_LIMITS = 11


@pytest.fixture
def sdk(tmp_path: Path) -> Path:
    """An editable copy of the miniature SDK (the directory holding `openai/`)."""
    root = tmp_path / "sdk"
    shutil.copytree(DATA / "openai", root / "openai")
    return root


@pytest.fixture
def fragment(tmp_path: Path) -> Path:
    path = tmp_path / "usage.yaml"
    shutil.copyfile(DATA / "usage.yaml", path)
    return path


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text that must occur exactly `count` times (guards against a stale fixture)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_fragment(path: Path, change: Callable[[Doc], None]) -> None:
    doc: Doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, list[str], str]:
    """Run the tool's main(); return its exit status, stdout lines and stderr."""
    status = compare_sdk.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


def drift(lines: list[str]) -> list[str]:
    """The finding lines (tag first), without their indentation."""
    tags = tuple(f"  {tag} " for tag in compare_sdk.TAGS.values())
    return [line.strip() for line in lines if line.startswith(tags)]


def schema(doc: Doc, name: str) -> Doc:
    found: Doc = doc["components"]["schemas"][name]
    return found


def param(doc: Doc, path: str, name: str) -> Doc:
    found: Doc = next(p for p in doc["paths"][path]["get"]["parameters"] if p["name"] == name)
    return found


# The baseline ----------------------------------------------------------------------------------


def test_matching_sdk_and_fragment_have_no_drift(
    sdk: Path, fragment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines, err = run(capsys, sdk, fragment)

    assert (status, err) == (0, "")
    assert drift(lines) == []
    assert lines[0].startswith("SDK openai 0.0.1-fixture (")
    assert lines[1] == "2 operations in the SDK, 2 in the fragment."
    assert "Unchanged (2): completions, costs" in lines
    assert lines[-1] == f"No drift; {BASELINE_LIMITS} known SDK typing limits."


def test_known_sdk_typing_limits_are_listed_not_reported_as_drift(
    sdk: Path, fragment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines, _ = run(capsys, "--json", sdk, fragment)

    assert status == 0
    report = json.loads("\n".join(lines))
    limits = {
        op["path"]: sorted((x["kind"], x["where"], x["detail"]) for x in op["known_limits"])
        for op in report["operations"]
    }
    assert limits == {
        "/organization/usage/completions": [
            ("absent_or_null", "result.input_cached_tokens", limits_sentence()),
            ("default", "param bucket_width", "default"),
            ("format", "result.input_tokens", "format"),
            ("limits", "param limit", "x-limits"),
        ],
        "/organization/costs": [
            ("absent_or_null", "result.amount", limits_sentence()),
            ("absent_or_null", "result.amount.currency", limits_sentence()),
            ("absent_or_null", "result.amount.value", limits_sentence()),
            ("default", "param bucket_width", "default"),
            ("default", "param limit", "default"),
            ("limits", "param limit", "maximum"),
            ("limits", "param limit", "minimum"),
        ],
    }


def limits_sentence() -> str:
    return "optional; Optional[...] = None in the SDK, absent but never null in the fragment"


def test_known_limits_section_groups_items_by_operation(
    sdk: Path, fragment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, lines, _ = run(capsys, sdk, fragment)

    section = lines[
        lines.index("Known SDK typing limits (not drift; the SDK's types cannot say these):") :
    ]
    text = " ".join(line.strip() for line in section)
    assert "[all 2] param bucket_width (default '1d'); [costs] param limit (default 7)" in text
    assert "[completions] param limit (x-limits)" in text
    assert "[completions] result.input_cached_tokens; [costs] result.amount," in text


# One change each -------------------------------------------------------------------------------

# (change to the SDK copy and the fragment copy, every finding line the tool must print)
Change = Callable[[Path, Path], None]
DRIFT_CASES: dict[str, tuple[Change, list[str]]] = {
    "new parameter": (
        lambda s, f: edit(
            s / TYPES / "usage_costs_params.py",
            "    page: str\n",
            "    line_items: SequenceNotStr[str]\n\n    page: str\n",
        ),
        ["SDK ONLY       param line_items: array of string, optional"],
    ),
    "new parameter in the method signature only": (
        lambda s, f: edit(
            s / RESOURCE,
            "        models: SequenceNotStr[str] | Omit = omit,\n",
            "        models: SequenceNotStr[str] | Omit = omit,\n"
            "        user_ids: SequenceNotStr[str] | Omit = omit,\n",
        ),
        ["SDK ONLY       param user_ids: array of string, optional"],
    ),
    "parameter no longer in the SDK": (
        lambda s, f: (
            edit(s / TYPES / "usage_completions_params.py", "    batch: bool\n", ""),
            edit(s / RESOURCE, "        batch: bool | Omit = omit,\n", ""),
        ),
        ["NOT IN SDK     param batch: boolean"],
    ),
    "new enum value": (
        lambda s, f: edit(
            s / TYPES / "usage_completions_params.py",
            '"model", "batch"]]',
            '"model", "batch", "api_source"]]',
        ),
        ["SDK ONLY       param group_by: value 'api_source'"],
    ),
    "enum value no longer in the SDK": (
        lambda s, f: edit_fragment(
            f,
            lambda d: param(d, "/organization/costs", "group_by")["schema"]["items"]["enum"].append(
                "user_id"
            ),
        ),
        ["NOT IN SDK     param group_by: value 'user_id'"],
    ),
    "parameter made required": (
        lambda s, f: edit(
            s / TYPES / "usage_costs_params.py", "limit: int", "limit: Required[int]"
        ),
        ["REQUIRED       param limit: required in the SDK, optional in the fragment"],
    ),
    "new result field": (
        lambda s, f: edit(
            s / COMPLETIONS,
            "    model: Optional[str] = None\n",
            "    model: Optional[str] = None\n\n"
            '    api_source: Optional[Literal["agents_api", "unlabeled"]] = None\n',
        ),
        ["SDK ONLY       result.api_source: enum 'agents_api' | 'unlabeled', optional"],
    ),
    "new required result field": (
        lambda s, f: edit(
            s / COMPLETIONS,
            "    output_tokens: int\n",
            "    output_tokens: int\n\n    seconds: int\n",
        ),
        ["SDK ONLY       result.seconds: integer, required"],
    ),
    "result field removed": (
        lambda s, f: edit(s / COMPLETIONS, "    model: Optional[str] = None\n", ""),
        ["NOT IN SDK     result.model: string or null"],
    ),
    "nested field removed": (
        lambda s, f: edit(
            s / TYPES / "usage_costs_response.py", "    currency: Optional[str] = None\n", ""
        ),
        ["NOT IN SDK     result.amount.currency: string"],
    ),
    "result field required -> optional": (
        lambda s, f: edit(
            s / COMPLETIONS, "    output_tokens: int\n", "    output_tokens: Optional[int] = None\n"
        ),
        ["REQUIRED       result.output_tokens: required in the fragment, optional in the SDK"],
    ),
    "page field required in the fragment, optional in the SDK": (
        lambda s, f: edit_fragment(
            f, lambda d: schema(d, "CostsPage")["required"].append("next_page")
        ),
        ["REQUIRED       page.next_page: required in the fragment, optional in the SDK"],
    ),
    "required field made nullable": (
        lambda s, f: edit(
            s / COMPLETIONS, "    input_tokens: int\n", "    input_tokens: Optional[int]\n"
        ),
        ["CHANGED        result.input_tokens: nullable in the SDK only"],
    ),
    "field type changed": (
        lambda s, f: edit(s / COMPLETIONS, "    input_tokens: int\n", "    input_tokens: float\n"),
        ["CHANGED        result.input_tokens: integer in the fragment, number in the SDK"],
    ),
    "open enum in another module gains a known value": (
        lambda s, f: edit(
            s / TYPES / "cost_quantity_unit.py", '"images"]', '"images", "characters"]'
        ),
        ["SDK ONLY       result.quantity_unit: known value 'characters'"],
    ),
    "open enum closed": (
        lambda s, f: edit(
            s / TYPES / "cost_quantity_unit.py",
            "Union[str, Literal[",
            "Union[Literal[",
        ),
        [
            "CHANGED        result.quantity_unit: open (any string) in the fragment, "
            "closed in the SDK"
        ],
    ),
    "new result type in the results union": (
        lambda s, f: (
            edit(
                s / COMPLETIONS,
                "    Union[DataResultOrganizationUsageCompletionsResult, "
                "DataResultOrganizationCostsResult],",
                "    Union[\n        DataResultOrganizationUsageCompletionsResult,\n"
                "        DataResultOrganizationCostsResult,\n        DataResultRealtime,\n    ],",
            ),
            edit(
                s / COMPLETIONS,
                "DataResult: TypeAlias",
                "class DataResultRealtime(BaseModel):\n"
                '    object: Literal["organization.usage.realtime.result"]\n\n\n'
                "DataResult: TypeAlias",
            ),
        ),
        [
            "SDK ONLY       result: result type 'organization.usage.realtime.result' "
            "(the fragment has no schema for it)"
        ],
    ),
    "operation no longer in the SDK": (
        lambda s, f: edit_fragment(
            f,
            lambda d: d["paths"].update(
                {"/organization/usage/realtime": d["paths"]["/organization/usage/completions"]}
            ),
        ),
        ["NOT IN SDK     operation: in the fragment, not in the SDK"],
    ),
}


@pytest.mark.parametrize("case", list(DRIFT_CASES), ids=list(DRIFT_CASES))
def test_each_change_is_reported_once(
    case: str, sdk: Path, fragment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change, expected = DRIFT_CASES[case]
    change(sdk, fragment)

    status, lines, err = run(capsys, sdk, fragment)

    assert (status, err) == (1, "")
    assert drift(lines) == expected
    assert lines[-1].startswith("Drift: ")


def test_findings_are_grouped_per_operation(
    sdk: Path, fragment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(s := sdk / TYPES / "usage_costs_params.py", '"line_item"]]', '"line_item", "user_id"]]')
    edit(s, "    page: str\n", "    line_items: SequenceNotStr[str]\n\n    page: str\n")
    edit(sdk / COMPLETIONS, "    model: Optional[str] = None\n", "")

    status, lines, _ = run(capsys, sdk, fragment)

    assert status == 1
    start = lines.index(
        "GET /organization/usage/completions (admin.organization.usage.completions)"
    )
    assert lines[start : start + 2] == [
        "GET /organization/usage/completions (admin.organization.usage.completions)",
        "  NOT IN SDK     result.model: string or null",
    ]
    start = lines.index("GET /organization/costs (admin.organization.usage.costs)")
    assert lines[start : start + 3] == [
        "GET /organization/costs (admin.organization.usage.costs)",
        "  SDK ONLY       param line_items: array of string, optional",
        "  SDK ONLY       param group_by: value 'user_id'",
    ]


def test_a_difference_every_operation_shares_is_printed_once(
    sdk: Path, fragment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def require_next_page(doc: Doc) -> None:
        for page in ("CostsPage", "UsageCompletionsPage"):
            schema(doc, page)["required"].append("next_page")

    edit_fragment(fragment, require_next_page)

    status, lines, _ = run(capsys, sdk, fragment)

    assert status == 1
    assert drift(lines) == [
        "REQUIRED       page.next_page: required in the fragment, optional in the SDK"
    ]
    start = lines.index("In every operation both have (2):")
    assert lines[start + 1] == (
        "  REQUIRED       page.next_page: required in the fragment, optional in the SDK"
    )
    assert "Nothing else changed (2): completions, costs" in lines

    _, json_lines, _ = run(capsys, "--json", sdk, fragment)
    report = json.loads("\n".join(json_lines))
    assert [len(op["differences"]) for op in report["operations"]] == [1, 1]


def test_optional_parameters_typed_optional_are_a_known_limit(
    sdk: Path, fragment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(sdk / TYPES / "usage_costs_params.py", "    limit: int\n", "    limit: Optional[int]\n")
    edit(
        sdk / TYPES / "usage_costs_params.py",
        "from typing import List",
        "from typing import List, Optional",
    )

    status, lines, _ = run(capsys, sdk, fragment)

    assert status == 0
    assert drift(lines) == []
    title = "parameters typed Optional (the SDK accepts None and leaves them out)"
    assert f"  {title} (1): [costs] param limit" in lines


# A new operation -------------------------------------------------------------------------------

DECISIONS_RESPONSE = """\
from typing import List, Optional
from typing_extensions import Literal

from ...._models import BaseModel

__all__ = ["UsageDecisionsResponse", "Data", "DataResult"]


class DataResult(BaseModel):
    input_tokens: int

    object: Literal["organization.usage.decisions.result"]

    api_source: Optional[Literal["agents_api", "unlabeled"]] = None


class Data(BaseModel):
    end_time: int

    object: Literal["bucket"]

    results: List[DataResult]

    start_time: int


class UsageDecisionsResponse(BaseModel):
    data: List[Data]

    has_more: bool

    next_page: Optional[str] = None

    object: Literal["page"]
"""


def add_decisions(sdk: Path) -> None:
    """A third method, `decisions`, with its own params and a response outside the union."""
    params = (sdk / TYPES / "usage_completions_params.py").read_text(encoding="utf-8")
    params = params.replace("UsageCompletionsParams", "UsageDecisionsParams")
    params = params.replace("    batch: bool\n", "    batch: Optional[bool]\n")
    params = params.replace("from typing import List", "from typing import List, Optional")
    (sdk / TYPES / "usage_decisions_params.py").write_text(params, encoding="utf-8")
    (sdk / TYPES / "usage_decisions_response.py").write_text(DECISIONS_RESPONSE, encoding="utf-8")
    resource = sdk / RESOURCE
    text = resource.read_text(encoding="utf-8")
    start, end = text.index("    def completions("), text.index("    def costs(")
    method = text[start:end].replace("completions", "decisions").replace("Completions", "Decisions")
    text = text[:end] + method + text[end:]
    text = text.replace(
        "import usage_costs_params, usage_completions_params",
        "import usage_costs_params, usage_completions_params, usage_decisions_params",
    )
    text = text.replace(
        "\n__all__",
        "from ....types.admin.organization.usage_decisions_response import UsageDecisionsResponse"
        "\n\n__all__",
    )
    resource.write_text(text, encoding="utf-8")


def test_new_operation_is_reported_with_its_parameters_and_result(
    sdk: Path, fragment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_decisions(sdk)

    status, lines, err = run(capsys, sdk, fragment)

    assert (status, err) == (1, "")
    assert lines[1] == "3 operations in the SDK, 2 in the fragment."
    start = lines.index("GET /organization/usage/decisions (admin.organization.usage.decisions)")
    assert lines[start + 1] == "  NEW OPERATION  operation: in the SDK, not in the fragment"
    end = lines.index("", start)
    listing = " ".join(line.strip() for line in lines[start + 2 : end])
    assert "params: start_time integer (required), batch boolean, bucket_width enum" in listing
    assert (
        "result 'organization.usage.decisions.result': input_tokens integer (required), "
        "object enum 'organization.usage.decisions.result' (required), "
        "api_source enum 'agents_api' | 'unlabeled'"
    ) in listing
    assert drift(lines) == ["NEW OPERATION  operation: in the SDK, not in the fragment"]
    assert lines[-1].startswith("Drift: 1 new, 0 removed, 0 changed operations")


def test_new_operation_in_json(
    sdk: Path, fragment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_decisions(sdk)

    status, lines, _ = run(capsys, "--json", sdk, fragment)

    assert status == 1
    report = json.loads("\n".join(lines))
    assert report["drift"] is True
    assert report["summary"] == {
        "new": 1,
        "removed": 0,
        "changed": 0,
        "unchanged": 2,
        "differences": 1,
        "known_limits": BASELINE_LIMITS,
    }
    new = next(op for op in report["operations"] if op["status"] == "new")
    assert (new["method"], new["path"], new["sdk"], new["operation_id"]) == (
        "GET",
        "/organization/usage/decisions",
        "admin.organization.usage.decisions",
        None,
    )
    surface = new["sdk_surface"]
    assert surface["params"][:2] == [
        {"name": "start_time", "type": "integer", "required": True},
        {"name": "batch", "type": "boolean", "required": False},
    ]
    assert [r["object"] for r in surface["results"]] == ["organization.usage.decisions.result"]
    assert [f["name"] for f in surface["results"][0]["fields"]] == [
        "input_tokens",
        "object",
        "api_source",
    ]


# Reading the SDK -------------------------------------------------------------------------------


def make_wheel(root: Path, wheel: Path) -> Path:
    with zipfile.ZipFile(wheel, "w") as archive:
        for path in sorted(root.rglob("*.py")):
            archive.write(path, path.relative_to(root).as_posix())
        archive.writestr("openai-0.0.1.dist-info/METADATA", "Name: openai\n")
    return wheel


def test_wheel_package_dir_and_unpacked_dir_give_the_same_report(
    sdk: Path, fragment: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(sdk / COMPLETIONS, "    model: Optional[str] = None\n", "")
    wheel = make_wheel(sdk, tmp_path / "openai-0.0.1-py3-none-any.whl")

    reports = [run(capsys, where, fragment) for where in (sdk, sdk / "openai", wheel)]

    assert {status for status, _, _ in reports} == {1}
    assert reports[0][1][1:] == reports[1][1][1:] == reports[2][1][1:]
    assert str(wheel) in reports[2][1][0]


def test_the_sdk_is_parsed_never_imported(
    sdk: Path, fragment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path in (sdk / RESOURCE, sdk / COMPLETIONS):
        text = path.read_text(encoding="utf-8")
        path.write_text('raise SystemExit("executed")\n' + text, encoding="utf-8")

    status, lines, _ = run(capsys, sdk, fragment)

    assert status == 0
    assert drift(lines) == []


def test_other_spellings_of_the_same_types_are_no_drift(
    sdk: Path, fragment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Aliases, PEP 604 unions, forward references, base classes and Field(...) defaults."""
    params = sdk / TYPES / "usage_costs_params.py"
    edit(params, "    page: str\n", '    page_cursor: Annotated[str, PropertyInfo(alias="page")]\n')
    edit(params, "Literal, Required, TypedDict", "Annotated, Literal, Required, TypedDict")
    edit(
        params,
        "from ...._types import",
        "from ...._utils import PropertyInfo\nfrom ...._types import",
    )
    edit(
        sdk / COMPLETIONS,
        "    model: Optional[str] = None\n",
        '    model_name: "str | None" = FieldInfo(alias="model", default=None)\n',
    )
    edit(sdk / COMPLETIONS, "    input_tokens: int\n", "    input_tokens: int = Field(...)\n")
    edit(
        sdk / TYPES / "usage_costs_response.py",
        "class DataResultOrganizationCostsResultAmount(BaseModel):\n"
        "    currency: Optional[str] = None\n",
        "class AmountBase(BaseModel):\n    currency: Optional[str] = None\n\n\n"
        "class DataResultOrganizationCostsResultAmount(AmountBase):\n",
    )

    status, lines, _ = run(capsys, sdk, fragment)

    assert drift(lines) == []
    assert status == 0


# Usage and input errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [[], ["a", "b", "c"], ["--yaml", "a"]],
    ids=["none", "three", "unknown-option"],
)
def test_wrong_arguments_are_a_usage_error(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines, err = run(capsys, *args)

    assert (status, lines) == (2, [])
    assert err.splitlines()[-1] == compare_sdk.USAGE


def test_help_describes_the_tool(capsys: pytest.CaptureFixture[str]) -> None:
    status, lines, _ = run(capsys, "--help")

    assert status == 0
    assert "Known SDK typing limits" in "\n".join(lines)


def not_a_zip(tmp_path: Path) -> Path:
    path = tmp_path / "openai.whl"
    path.write_text("not a zip", encoding="utf-8")
    return path


def zip_without_usage(tmp_path: Path) -> Path:
    path = tmp_path / "openai.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("openai/__init__.py", "")
    return path


def unparsable_sdk(tmp_path: Path) -> Path:
    root = tmp_path / "sdk"
    shutil.copytree(DATA / "openai", root / "openai")
    edit(root / COMPLETIONS, "class Data(BaseModel):", "class Data(BaseModel)")
    return root


SDK_ERRORS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing": (lambda t: t / "nowhere.whl", "no such file or directory"),
    "directory without the package": (
        lambda t: t,
        "no openai/resources/admin/organization/usage.py",
    ),
    "not a zip": (not_a_zip, "not a wheel or zip file"),
    "zip without the resource": (
        zip_without_usage,
        "no openai/resources/admin/organization/usage.py",
    ),
    "syntax error": (unparsable_sdk, "usage_completions_response.py"),
}


@pytest.mark.parametrize("case", list(SDK_ERRORS), ids=list(SDK_ERRORS))
def test_unusable_sdk_is_an_input_error(
    case: str, tmp_path: Path, fragment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, message = SDK_ERRORS[case]

    status, lines, err = run(capsys, make(tmp_path), fragment)

    assert (status, lines) == (2, [])
    assert err.startswith("compare_sdk: ")
    assert message in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    "text",
    ["paths: [unclosed\n", "paths: {/organization/projects: {get: {}}}\n"],
    ids=["unparsable", "no-usage-operations"],
)
def test_unusable_fragment_is_an_input_error(
    text: str, sdk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")

    status, lines, err = run(capsys, sdk, path)

    assert (status, lines) == (2, [])
    assert err.startswith("compare_sdk: ")
    assert err.count("\n") == 1
