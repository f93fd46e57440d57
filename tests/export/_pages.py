"""Hypothesis strategies for whole pages of any operation, from its field descriptions.

Valid results carry every kind of value a field allows (nulls where nullable, keys left out
where optional), keys the schema does not know, and now and then a result of a type the client
does not know; broken ones carry one value of a wrong JSON type.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from openai_org_usage._operations import Field, Operation

DAY = 86_400
D0 = 1_793_491_200  # 2026-11-01T00:00:00Z
UNKNOWN_TYPE = "organization.usage.future.result"

# Integers within 64 bits: a row shape column is Int64 on both paths.
_INTS = st.integers(min_value=-(2**63), max_value=2**63 - 1)
_EXTRA_VALUES = st.one_of(
    st.none(), st.booleans(), _INTS, st.text(max_size=4), st.lists(st.integers(), max_size=2)
)


def _scalar(field: Field) -> st.SearchStrategy[Any]:
    if field.enum:
        return st.sampled_from(field.enum)
    if field.kind == "integer":
        return _INTS
    if field.kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers(
            min_value=-(2**53), max_value=2**53
        )
    if field.kind == "boolean":
        return st.booleans()
    return st.text(max_size=6)


def _wrong(field: Field) -> st.SearchStrategy[Any]:
    if field.kind in ("integer", "number"):
        return st.text(min_size=1, max_size=3) | st.booleans()
    if field.kind == "boolean":
        return st.integers() | st.text(max_size=2)
    if field.kind == "object":
        return st.integers() | st.text(max_size=2)
    return st.integers() | st.booleans()


@st.composite
def objects(draw: st.DrawFn, fields: tuple[Field, ...], own: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in fields:
        if field.key == "object" and own is not None:
            out["object"] = own
            continue
        choices = ["value"]
        if field.nullable:
            choices.append("null")
        if not field.required:
            choices.append("absent")
        mode = draw(st.sampled_from(choices))
        if mode == "absent":
            continue
        if mode == "null":
            out[field.key] = None
        elif field.kind == "object":
            out[field.key] = draw(objects(field.nested, None))
        else:
            out[field.key] = draw(_scalar(field))
    known = {f.key for f in fields}
    extras = draw(
        st.dictionaries(
            st.text(min_size=1, max_size=5).filter(lambda k: k not in known),
            _EXTRA_VALUES,
            max_size=2,
        )
    )
    if draw(st.integers(0, 3)) == 0:
        out.update(extras)  # keys the schema lacks: kept in records, never in frames
    return out


@st.composite
def results(draw: st.DrawFn, operation: Operation[Any]) -> dict[str, Any]:
    if draw(st.integers(0, 9)) == 0:
        return {"object": UNKNOWN_TYPE, "input_tokens": "many", "extra": [1]}
    return draw(objects(operation.fields, operation.result_object))


@st.composite
def broken_results(draw: st.DrawFn, operation: Operation[Any]) -> dict[str, Any]:
    """A result with one value of the wrong JSON type, or a required key missing."""
    result = draw(objects(operation.fields, operation.result_object))
    field = draw(st.sampled_from([f for f in operation.fields if f.key != "object"]))
    if field.required and draw(st.booleans()):
        result.pop(field.key, None)
    else:
        result[field.key] = draw(_wrong(field))
    return result


@st.composite
def pages(
    draw: st.DrawFn, operation: Operation[Any], days: int, *, broken: bool = False
) -> dict[str, Any]:
    """A page of ``days`` daily buckets from D0 (sometimes none with results), has_more false.

    Never a page without buckets: the API answers every bucket of a past range.
    """
    data = []
    unused = not broken and draw(st.integers(0, 5)) == 0
    for day in range(days):
        items = [] if unused else draw(st.lists(results(operation), max_size=3))
        if broken and day == days - 1:
            items.append(draw(broken_results(operation)))
        data.append(
            {
                "object": "bucket",
                "start_time": D0 + day * DAY,
                "end_time": D0 + (day + 1) * DAY,
                "results": items,
            }
        )
    return {"object": "page", "data": data, "has_more": False, "next_page": None}
