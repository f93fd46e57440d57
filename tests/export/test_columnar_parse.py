"""The typed decoders (msgspec, ``_decode``) under ``parse_page`` against the general path.

``parse_page`` decodes the usual page with a typed decoder and hands anything else to the
general path (orjson and the compiled checking builders). Both must build the same page, and
refuse the same pages with the same error; the fast path must actually be taken for the usual
page (else the speed-up is lost silently).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from _pages import pages
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openai_org_usage import OPERATIONS, ResponseValidationError, _parse
from openai_org_usage._parse import page_from_json, parse_page

NAMES = sorted(OPERATIONS)


def response(body: bytes) -> httpx.Response:
    return httpx.Response(200, content=body, request=httpx.Request("GET", "http://127.0.0.1/"))


def general(name: str, body: bytes) -> Any:
    def invalid(problem: str) -> ResponseValidationError:
        return ResponseValidationError(f"invalid {name} page: {problem}", request=None)

    # The general path's own JSON decoder (orjson reads integers beyond 64 bits as floats).
    return page_from_json(OPERATIONS[name], _parse._loads(body), invalid)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_and_general_paths_build_the_same_page(name: str, data: st.DataObject) -> None:
    operation = OPERATIONS[name]
    broken = data.draw(st.booleans(), label="broken")
    body = json.dumps(data.draw(pages(operation, 3, broken=broken), label="page")).encode()
    try:
        expected = general(name, body)
    except ResponseValidationError as exc:
        refusal = str(exc)
    else:
        refusal = ""
    if refusal:
        with pytest.raises(ResponseValidationError) as info:
            parse_page(operation, response(body))
        assert refusal in str(info.value)  # the same message (plus the request)
        return
    page = parse_page(operation, response(body))
    assert page == expected
    for got, want in zip(page.buckets, expected.buckets, strict=True):
        assert (got.start_time, got.end_time) == (want.start_time, want.end_time)
        assert got.start.timestamp() == got.start_time
        assert [r.additional_properties for r in got.results] == [
            r.additional_properties for r in want.results
        ]
        assert [type(v) for r in got.results for v in r.to_dict().values()] == [
            type(v) for r in want.results for v in r.to_dict().values()
        ]


@pytest.mark.parametrize("name", NAMES)
def test_the_usual_page_takes_the_fast_path(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    operation = OPERATIONS[name]
    result: dict[str, Any] = {}
    for field in operation.fields:
        if field.key == "object":
            result["object"] = operation.result_object
        elif field.kind == "object":
            result[field.key] = {sub.key: None if sub.nullable else 1 for sub in field.nested}
            result[field.key].update(
                {sub.key: "usd" for sub in field.nested if sub.kind == "string"}
            )
        elif field.enum:
            result[field.key] = field.enum[0]
        else:
            result[field.key] = {"integer": 3, "number": 1.5, "boolean": True}.get(field.kind, "x")
    page = {
        "object": "page",
        "data": [{"object": "bucket", "start_time": 0, "end_time": 60, "results": [result]}],
        "has_more": False,
        "next_page": None,
    }

    def no_general_path(*args: Any) -> Any:
        raise AssertionError("the general path was taken")

    monkeypatch.setattr(_parse, "page_from_json", no_general_path)
    parsed = parse_page(operation, response(json.dumps(page).encode()))
    assert len(parsed.buckets[0].results) == 1
    assert isinstance(parsed.buckets[0].results[0], operation.result_cls)


def test_unknown_keys_and_types_take_the_general_path_and_are_kept() -> None:
    operation = OPERATIONS["costs"]
    page = {
        "object": "page",
        "data": [
            {
                "object": "bucket",
                "start_time": 0,
                "end_time": 86400,
                "results": [
                    {"object": "organization.costs.result", "amount": {"value": 1, "tax": 2}},
                    {"object": "organization.costs.future", "x": 1},
                ],
            }
        ],
        "has_more": False,
    }
    parsed = parse_page(operation, response(json.dumps(page).encode()))
    bucket = parsed.buckets[0]
    assert bucket.results[0].amount.additional_properties == {"tax": 2}
    assert bucket.unknown_results[0].additional_properties == {"x": 1}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "spot",
    [
        b'"note":"\xff",',  # a page key the schema lacks: both fast decoders skip it
        b'"note":"caf\xe9",',  # Latin-1, not UTF-8
        b'"note":"\xed\xa0\x80",',  # an encoded surrogate
        b'"note":"\xc0\xaf",',  # an overlong encoding
    ],
)
def test_every_path_refuses_a_body_that_is_not_utf8_alike(name: str, spot: bytes) -> None:
    from openai_org_usage._columnar import decode_page

    operation = OPERATIONS[name]
    body = b'{"object":"page",' + spot + b'"data":[],"has_more":false,"next_page":null}'
    messages = []
    for parse in (parse_page, decode_page):
        with pytest.raises(ResponseValidationError) as info:
            parse(operation, response(body))
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith(f"invalid {name} page: body is not valid UTF-8 (")
    first_bad = next(i for i, byte in enumerate(body) if byte >= 0x80)
    assert f"at byte {first_bad}:" in messages[0]
