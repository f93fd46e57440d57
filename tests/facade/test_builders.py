"""The compiled result constructors agree with the generated from_dict."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openai_usage import OPERATIONS
from openai_usage._builders import builder_for, json_key
from openai_usage_client.models import CostsResultAmount, UnknownUsageResult

json_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)
)


@st.composite
def result_dicts(draw: st.DrawFn, cls: type[Any]) -> dict[str, Any]:
    """Any dict from_dict accepts: required fields present, optional ones sometimes, extras."""
    out: dict[str, Any] = {}
    # Complete dicts (every field, no extras: what the API sends) take the builder's fast
    # branch; the others its general one.
    complete = draw(st.booleans())
    for field in attrs.fields(cls):
        if not field.init:
            continue
        key = json_key(field.name)
        required = field.default is attrs.NOTHING
        if not required and not complete and not draw(st.booleans()):
            continue
        if key == "object":
            out[key] = cls.__name__  # replaced below for result classes
        elif key == "amount":
            out[key] = draw(
                st.fixed_dictionaries(
                    {}, optional={"value": st.floats(allow_nan=False), "currency": st.text()}
                )
            )
        else:
            out[key] = draw(json_values)
    if complete:
        return out
    extras = draw(st.dictionaries(st.text(min_size=1, max_size=6), json_values, max_size=3))
    for key, value in extras.items():
        out.setdefault(f"x_{key}", value)
    return out


@pytest.mark.parametrize("name", sorted(OPERATIONS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_builder_equals_from_dict(name: str, data: st.DataObject) -> None:
    operation = OPERATIONS[name]
    raw = data.draw(result_dicts(operation.result_cls))
    raw["object"] = operation.result_object
    fast = builder_for(operation.result_cls)(dict(raw))
    slow = operation.result_cls.from_dict(dict(raw))
    assert fast == slow  # attrs equality: every field and additional_properties
    assert fast.to_dict() == slow.to_dict() == raw


@pytest.mark.parametrize("cls", [CostsResultAmount, UnknownUsageResult])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_builder_equals_from_dict_for_helpers(cls: type[Any], data: st.DataObject) -> None:
    raw = data.draw(result_dicts(cls))
    assert builder_for(cls)(dict(raw)) == cls.from_dict(dict(raw))


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_missing_required_field_fails_like_from_dict(name: str) -> None:
    operation = OPERATIONS[name]
    required = [
        json_key(f.name)
        for f in attrs.fields(operation.result_cls)
        if f.init and f.default is attrs.NOTHING
    ]
    raw = {key: 1 for key in required} | {"object": operation.result_object}
    for key in required:
        broken = {k: v for k, v in raw.items() if k != key}
        with pytest.raises(KeyError):
            operation.result_cls.from_dict(dict(broken))
        with pytest.raises(KeyError):
            builder_for(operation.result_cls)(broken)


def test_non_object_amount_is_refused() -> None:
    with pytest.raises(AttributeError):
        builder_for(OPERATIONS["costs"].result_cls)(
            {"object": "organization.costs.result", "amount": None}
        )


def test_parsing_pauses_the_collector_and_restores_it() -> None:
    import gc

    import httpx

    from openai_usage._parse import _gc_paused, parse_page

    body = (
        b'{"object":"page","data":[{"object":"bucket","start_time":0,"end_time":86400,'
        b'"results":[]}],"has_more":false,"next_page":null}'
    )
    request = httpx.Request("GET", "http://127.0.0.1/")
    assert gc.isenabled()
    with _gc_paused():
        assert not gc.isenabled()
        with _gc_paused():  # nested (or concurrent) parses share the pause
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
        with _gc_paused():
            pass
        assert not gc.isenabled(), "a collector the caller disabled stays disabled"
    finally:
        gc.enable()
