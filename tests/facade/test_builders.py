"""The compiled result constructors agree with the generated from_dict, and check JSON types.

``_builders`` compiles each builder from the seam's field descriptions (``Operation.fields``);
here each field's schema is read from the generated model's own annotation instead (``int |
Unset``, ``None | str | Unset``, a ``Literal`` alias, a nested model), independently of both.
Generated dicts mix valid values with wrong JSON types, nulls and missing keys; the oracle
``problem`` says whether a dict conforms and, if not, which field is first at fault (in the
constructor's order: required fields first). A conforming dict must build, equal to
``from_dict``'s result; any other must be refused with an error naming that field.
"""

from __future__ import annotations

import functools
import sys
import typing
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import openai_org_usage_client.models as generated_models
from openai_org_usage import OPERATIONS
from openai_org_usage._builders import builder_for, compile_builder
from openai_org_usage._operations import Field
from openai_org_usage_client.models import CostsResultAmount, UnknownUsageResult
from openai_org_usage_client.types import UNSET

RESULT_CLASSES = sorted({op.result_cls for op in OPERATIONS.values()}, key=lambda c: c.__name__)
ALL_CLASSES = [*RESULT_CLASSES, CostsResultAmount, UnknownUsageResult]
ERRORS = (TypeError, ValueError, KeyError)

# One strategy per JSON type; lists and objects stay small (their contents never matter here).
JSON_TYPES: dict[str, st.SearchStrategy[Any]] = {
    "null": st.none(),
    "boolean": st.booleans(),
    "integer": st.integers() | st.integers(min_value=2**63, max_value=2**200),  # no size limit
    "number": st.floats(allow_nan=False),  # NaN is not JSON, and not equal to itself
    "string": st.text(max_size=8),
    "array": st.lists(st.integers() | st.text(max_size=3), max_size=2),
    "object": st.dictionaries(st.text(max_size=3), st.integers() | st.none(), max_size=2),
}
json_values = st.one_of(list(JSON_TYPES.values()))


def json_key(field_name: str) -> str:
    """The JSON key of a generated field (the generator appends ``_`` to builtins: object_)."""
    return field_name[:-1] if field_name.endswith("_") else field_name


@attrs.frozen
class Spec:
    """One field, as this test reads its annotation."""

    key: str
    required: bool
    nullable: bool
    kinds: frozenset[str]  # among "int", "float", "str", "bool"
    literals: tuple[str, ...] | None
    model: type[Any] | None


def spec_of(cls: type[Any], field: attrs.Attribute[Any]) -> Spec:
    module = vars(sys.modules[cls.__module__])
    kinds: set[str] = set()
    literals: tuple[str, ...] | None = None
    model = None
    nullable = False
    assert isinstance(field.type, str), "generated annotations are strings"
    for part in (p.strip() for p in field.type.split("|")):
        if part == "Unset":
            continue
        if part == "None":
            nullable = True
        elif part in ("int", "float", "str", "bool"):
            kinds.add(part)
        elif typing.get_origin(module.get(part)) is typing.Literal:
            literals = typing.get_args(module[part])
        elif attrs.has(getattr(generated_models, part, None)):
            model = getattr(generated_models, part)
        else:
            pytest.fail(f"{cls.__name__}.{field.name}: this test does not know {part!r}")
    if "str" in kinds:
        literals = None  # any string, the listed ones included
    return Spec(
        json_key(field.name),
        field.default is attrs.NOTHING,
        nullable,
        frozenset(kinds),
        literals,
        model,
    )


_specs: dict[type[Any], tuple[Spec, ...]] = {}


def specs(cls: type[Any]) -> tuple[Spec, ...]:
    if cls not in _specs:
        _specs[cls] = tuple(spec_of(cls, f) for f in attrs.fields(cls) if f.init)
    return _specs[cls]


def value_problem(spec: Spec, value: Any, path: str) -> str | None:
    """The path of the first non-conforming value in ``value``, or None."""
    if value is None:
        return None if spec.nullable else path
    if spec.model is not None:
        return problem(spec.model, value, path + ".") if type(value) is dict else path
    if spec.literals is not None:
        return None if type(value) is str and value in spec.literals else path
    ok = {"int": int, "str": str, "bool": bool}
    if any(type(value) is ok[k] for k in spec.kinds if k in ok):
        return None
    return None if "float" in spec.kinds and type(value) in (int, float) else path


def problem(cls: type[Any], data: dict[str, Any], where: str = "") -> str | None:
    """The oracle: the path of the first field (in field order) at fault, or None."""
    for spec in specs(cls):
        if spec.key not in data:
            if spec.required:
                return where + spec.key
            continue
        found = value_problem(spec, data[spec.key], where + spec.key)
        if found is not None:
            return found
    return None


def accepted_json_types(spec: Spec) -> set[str]:
    """The JSON types the schema allows for a field (a literal or a model: see their checks)."""
    names = {"int": {"integer"}, "float": {"integer", "number"}, "str": {"string"}}
    types = set().union(*(names.get(k, {"boolean"}) for k in spec.kinds))
    if spec.nullable:
        types.add("null")
    if spec.literals is not None:
        types.add("string")
    if spec.model is not None:
        types.add("object")
    return types


@functools.cache
def valid_value(spec: Spec) -> st.SearchStrategy[Any]:
    options: list[st.SearchStrategy[Any]] = []
    for name in sorted(accepted_json_types(spec)):
        if name == "string" and spec.literals is not None:
            options.append(st.sampled_from(spec.literals))
        elif name == "object" and spec.model is not None:
            options.append(result_dicts(spec.model, broken=False))
        else:
            options.append(JSON_TYPES[name])
    return st.one_of(options)


@functools.cache
def wrong_value(spec: Spec) -> st.SearchStrategy[Any]:
    """A value of another JSON type, a string outside the literal, a broken nested object."""
    wrong = [JSON_TYPES[t] for t in sorted(set(JSON_TYPES) - accepted_json_types(spec))]
    if spec.literals is not None:
        wrong.append(st.text(max_size=40).filter(lambda s: s not in (spec.literals or ())))
    if spec.model is not None:
        wrong.append(result_dicts(spec.model, broken=True))
    return st.one_of(wrong)


@st.composite
def result_dicts(draw: st.DrawFn, cls: type[Any], *, broken: bool | None = None) -> dict[str, Any]:
    """A dict for ``cls``: conforming unless ``broken`` (None: either)."""
    if broken is None:
        broken = draw(st.booleans())
    # Complete dicts (every field, no extras: what the API sends) take the builder's fast
    # branch; the others its general one.
    complete = draw(st.booleans())
    out: dict[str, Any] = {}
    for spec in specs(cls):
        mode = draw(st.sampled_from(["valid", "wrong", "absent"])) if broken else "valid"
        if mode == "valid" and not spec.required and not complete and draw(st.booleans()):
            mode = "absent"
        if mode == "absent":
            continue
        out[spec.key] = draw(valid_value(spec) if mode == "valid" else wrong_value(spec))
    if not complete:
        extras = draw(st.dictionaries(st.text(min_size=1, max_size=6), json_values, max_size=2))
        for key, value in extras.items():
            out.setdefault(f"x_{key}", value)
    return out


def check_against_from_dict(cls: type[Any], raw: dict[str, Any]) -> None:
    expected_problem = problem(cls, raw)
    if expected_problem is None:
        fast = builder_for(cls)(dict(raw))
        slow = cls.from_dict(dict(raw))
        assert fast == slow  # attrs equality: every field and additional_properties
        assert fast.to_dict() == slow.to_dict() == raw
        return
    # Refused, naming the first field at fault; whatever from_dict does with it (it lets
    # most wrong types through).
    with pytest.raises(ERRORS) as info:
        builder_for(cls)(dict(raw))
    if info.type is KeyError:
        assert info.value.args == (expected_problem,)
    else:
        assert str(info.value).startswith(f"{expected_problem} is "), str(info.value)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_builder_agrees_with_from_dict_and_the_schema(name: str, data: st.DataObject) -> None:
    operation = OPERATIONS[name]
    raw = data.draw(result_dicts(operation.result_cls))
    check_against_from_dict(operation.result_cls, raw)


@pytest.mark.parametrize("cls", [CostsResultAmount, UnknownUsageResult])
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_builder_agrees_with_from_dict_for_helpers(cls: type[Any], data: st.DataObject) -> None:
    check_against_from_dict(cls, data.draw(result_dicts(cls)))


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda c: c.__name__)
def test_the_generators_reach_both_outcomes(cls: type[Any]) -> None:
    """The properties above are only worth something if both branches are taken."""
    outcomes: set[bool] = set()

    @settings(max_examples=60, deadline=None)
    @given(raw=result_dicts(cls))
    def probe(raw: dict[str, Any]) -> None:
        outcomes.add(problem(cls, raw) is None)

    probe()
    assert outcomes == {True, False}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_missing_required_field_fails_like_from_dict(name: str) -> None:
    operation = OPERATIONS[name]
    required = [s.key for s in specs(operation.result_cls) if s.required]
    raw = {key: 1 for key in required} | {"object": operation.result_object}
    builder_for(operation.result_cls)(dict(raw))
    for key in required:
        broken = {k: v for k, v in raw.items() if k != key}
        with pytest.raises(KeyError):
            operation.result_cls.from_dict(dict(broken))
        with pytest.raises(KeyError) as info:
            builder_for(operation.result_cls)(broken)
        assert info.value.args == (key,)


COMPLETION = {
    "object": "organization.usage.completions.result",
    "input_tokens": 10,
    "output_tokens": 5,
    "num_model_requests": 1,
}
COST = {"object": "organization.costs.result", "amount": {"value": 0.5, "currency": "usd"}}


@pytest.mark.parametrize(
    ("raw", "error", "message"),
    [
        (COMPLETION | {"input_tokens": "1200"}, TypeError, "input_tokens is a string ('1200'), "),
        (
            COMPLETION | {"input_tokens": None},
            TypeError,
            "input_tokens is null, expected an integer",
        ),
        (COMPLETION | {"input_tokens": True}, TypeError, "input_tokens is a boolean (true), "),
        (COMPLETION | {"input_tokens": 1.0}, TypeError, "input_tokens is a number (1.0), "),
        (COMPLETION | {"output_tokens": [1]}, TypeError, "output_tokens is an array, "),
        (COMPLETION | {"output_tokens": {}}, TypeError, "output_tokens is an object, "),
        (
            COMPLETION | {"model": 4},
            TypeError,
            "model is an integer (4), expected a string or null",
        ),
        (
            COMPLETION | {"batch": "true"},
            TypeError,
            "batch is a string ('true'), expected a boolean",
        ),
        (
            COMPLETION | {"batch": 1},
            TypeError,
            "batch is an integer (1), expected a boolean or null",
        ),
        (COMPLETION | {"input_cached_tokens": None}, TypeError, "input_cached_tokens is null"),
        (
            COMPLETION | {"object": "organization.costs.result"},
            ValueError,
            "object is a string ('organization.costs.result'), expected one of "
            "'organization.usage.completions.result'",
        ),
        (COST | {"amount": None}, TypeError, "amount is null, expected an object"),
        (COST | {"amount": ""}, TypeError, "amount is a string (''), expected an object"),
        (COST | {"amount": [["value", 1]]}, TypeError, "amount is an array, expected an object"),
        (COST | {"amount": {"value": "0.5"}}, TypeError, "amount.value is a string ('0.5'), "),
        (COST | {"amount": {"value": None}}, TypeError, "amount.value is null, expected a number"),
        (COST | {"amount": {"currency": 840}}, TypeError, "amount.currency is an integer (840)"),
        (
            COST | {"quantity": "7"},
            TypeError,
            "quantity is a string ('7'), expected a number or null",
        ),
        (COST | {"quantity_unit": 3}, TypeError, "quantity_unit is an integer (3), expected a "),
        (COST | {"line_item": "x" * 100}, None, ""),
        (COST | {"quantity": 7}, None, ""),  # an int is a JSON number
        (COST | {"quantity_unit": "not_listed"}, None, ""),  # "may be a unit not listed here"
        (COMPLETION | {"input_tokens": 10**40}, None, ""),  # JSON integers have no size limit
        (COMPLETION | {"model": None, "batch": None, "new_field": [1]}, None, ""),
    ],
)
def test_wrong_json_types_are_refused_naming_the_field(
    raw: dict[str, Any], error: type[Exception] | None, message: str
) -> None:
    name = (
        "costs" if raw["object"] == COST["object"] and "input_tokens" not in raw else "completions"
    )
    cls = OPERATIONS[name].result_cls
    if error is None:
        built = builder_for(cls)(dict(raw))
        assert built == cls.from_dict(dict(raw))
        return
    with pytest.raises(error) as info:
        builder_for(cls)(dict(raw))
    assert str(info.value).startswith(message)


def test_long_strings_are_quoted_short() -> None:
    with pytest.raises(TypeError) as info:
        builder_for(OPERATIONS["completions"].result_cls)(COMPLETION | {"input_tokens": "9" * 500})
    assert len(str(info.value)) < 120


def test_as_many_keys_as_fields_but_not_the_same_keys() -> None:
    # The fast path trusts a key count only once every field's key was found.
    cls = OPERATIONS["costs"].result_cls
    optional = [s for s in specs(cls) if s.key not in COST]
    assert all(s.nullable for s in optional), "null is a valid value of every other field"
    full = COST | {s.key: None for s in optional} | {"quantity": 1.0}
    assert set(full) == {s.key for s in specs(cls)}  # every init field, no extras
    assert builder_for(cls)(dict(full)) == cls.from_dict(dict(full))
    swapped = {k: v for k, v in full.items() if k != "quantity"} | {"extra": 1}
    assert len(swapped) == len(full)
    built = builder_for(cls)(swapped)
    assert built == cls.from_dict(swapped)
    assert built.quantity is UNSET
    assert built.additional_properties == {"extra": 1}
    no_object = {k: v for k, v in full.items() if k != "object"} | {"extra": 1}
    with pytest.raises(KeyError) as info:
        builder_for(cls)(no_object)
    assert info.value.args == ("object",)


@attrs.define
class _Model:
    value: Any
    additional_properties: dict[str, Any] = attrs.field(init=False, factory=dict)


def _field(kind: Any, **changes: Any) -> Field:
    return Field(name="value", key="value", kind=kind, nullable=False, required=True, **changes)


@pytest.mark.parametrize(
    "field",
    [
        _field("array"),
        _field("null"),
        _field("object"),  # no model or fields to build it with
        _field("integer", enum=("1", "2")),
        _field("string", model=CostsResultAmount),
    ],
    ids=["array", "null", "object-without-model", "integer-enum", "string-with-model"],
)
def test_a_field_without_a_check_fails_when_compiled(field: Field) -> None:
    # A future spec change the builders cannot check must not pass values through unchecked.
    with pytest.raises(TypeError, match=r"teach _builders\.py|needs its model|only string|with a"):
        compile_builder(_Model, (field,))


def test_a_described_field_compiles() -> None:
    built = compile_builder(_Model, (_field("integer"),))({"value": 3, "x": 1})
    assert (built.value, built.additional_properties) == (3, {"x": 1})
    with pytest.raises(TypeError, match="value is a string"):
        compile_builder(_Model, (_field("integer"),))({"value": "3"})


def test_only_models_the_seam_describes_have_builders() -> None:
    with pytest.raises(TypeError, match="no result model the operations describe"):
        builder_for(_Model)


@attrs.define
class _Swapped:
    second: Any = None
    first: Any = None


@attrs.define
class _KeywordOnly:
    value: Any = attrs.field(kw_only=True)


def test_a_constructor_in_another_order_fails_when_compiled() -> None:
    # Builders call the constructor positionally: required fields first, then spec order.
    fields = (
        Field("first", "first", "integer", nullable=True, required=False),
        Field("second", "second", "integer", nullable=True, required=False),
    )
    with pytest.raises(TypeError, match="does not take 'first' where expected"):
        compile_builder(_Swapped, fields)
    with pytest.raises(TypeError, match="positionally"):
        compile_builder(_KeywordOnly, (_field("integer"),))


def test_required_fields_are_passed_first() -> None:
    # Spec order differs from the constructor's when a required field follows an optional one.
    operation = OPERATIONS["completions"]
    keys = [f.key for f in operation.fields]
    assert keys.index("input_cached_tokens") < keys.index("output_tokens")
    raw = {f.key: 7 for f in operation.fields if f.kind == "integer"} | {
        "object": operation.result_object,
        "output_tokens": 5,
    }
    built = builder_for(operation.result_cls)(dict(raw))
    assert built == operation.result_cls.from_dict(dict(raw))
    assert (built.output_tokens, built.input_cached_tokens) == (5, 7)


def test_unknown_fields_are_kept() -> None:
    built = builder_for(OPERATIONS["costs"].result_cls)(COST | {"new": {"x": 1}})
    assert built.additional_properties == {"new": {"x": 1}}
    assert built.quantity is UNSET


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (
            COMPLETION | {"input_tokens": "1200"},
            "data[0].results[1]: TypeError: input_tokens is a string ('1200'), expected an integer",
        ),
        (
            {k: v for k, v in COMPLETION.items() if k != "output_tokens"},
            "data[0].results[1]: organization.usage.completions.result result lacks "
            "required field 'output_tokens'",
        ),
    ],
)
def test_a_refused_result_fails_the_page_naming_its_position(
    result: dict[str, Any], message: str
) -> None:
    import httpx

    from openai_org_usage import ResponseValidationError
    from openai_org_usage._parse import parse_page

    page = {
        "object": "page",
        "data": [
            {
                "object": "bucket",
                "start_time": 0,
                "end_time": 86400,
                "results": [COMPLETION, result],
            }
        ],
        "has_more": False,
        "next_page": None,
    }
    request = httpx.Request("GET", "http://127.0.0.1/")
    response = httpx.Response(200, json=page, request=request)
    with pytest.raises(ResponseValidationError) as info:
        parse_page(OPERATIONS["completions"], response)
    assert message in str(info.value)


def test_parsing_pauses_the_collector_and_restores_it() -> None:
    import gc

    import httpx

    from openai_org_usage._parse import gc_paused, parse_page

    body = (
        b'{"object":"page","data":[{"object":"bucket","start_time":0,"end_time":86400,'
        b'"results":[]}],"has_more":false,"next_page":null}'
    )
    request = httpx.Request("GET", "http://127.0.0.1/")
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested (or concurrent) parses share the pause
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    parse_page(OPERATIONS["costs"], httpx.Response(200, content=body, request=request))
    assert gc.isenabled()
    with pytest.raises(Exception, match="not JSON"):
        parse_page(OPERATIONS["costs"], httpx.Response(200, content=b"{", request=request))
    assert gc.isenabled(), "restored after an error too"
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled(), "a collector the caller disabled stays disabled"
    finally:
        gc.enable()
