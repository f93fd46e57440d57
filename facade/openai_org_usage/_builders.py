"""Fast, checking constructors for the generated result models.

The generated ``from_dict`` is slow on large pages (it copies each dict, pops field by field
and defines a nested parser function per nullable field per call), and it checks almost
nothing: ``"1200"`` or ``null`` for a required integer, a string for a number, ``true`` for a
count all pass through into a typed model. For the result models, whose fields are plain
JSON values (plus one nested object in costs), the builder compiled here checks each value's
JSON type and builds the instance with one call to the attrs ``__init__``. Which page path
uses these builders and which uses ``struct_converter``: ``_parse``'s module docstring.

Each builder is compiled once from the seam's description of the result's fields
(``Operation.fields`` in ``_operations``: attribute name, JSON key, JSON kind, nullable,
required, enum values, an object's model and fields), not from the generated classes'
annotations: ``_operations`` stays the one module that reads the generated package's
structure, and the builders follow the spec through regeneration. A kind without a check here
fails at compile time rather than passing unchecked. ``tests/facade/test_builders.py`` checks
the builders against ``from_dict`` on generated valid and invalid inputs, reading the
generated annotations itself.

What a builder accepts, by the field's description (JSON decoders produce exact ``int``,
``float``, ``str``, ``bool``, ``list``, ``dict``, so exact type checks are both right and
cheap):

- ``integer``: an ``int`` of any size, not a ``bool``; ``number``: a ``float`` or an ``int``;
  ``string``: a ``str``; ``boolean``: a ``bool``;
- a string with ``enum`` values (the ``object`` discriminator, ``api_source``): one of them;
- ``object``: an object (``dict``), built and checked by the builder of its model, compiled
  from the field's ``nested`` descriptions;
- ``nullable``: also ``null``; not ``required``: the key may be absent (the attribute is then
  ``UNSET``), otherwise a missing key raises ``KeyError(key)``.

Everything ``from_dict`` refuses is refused too, plus wrong JSON types that it lets through.
A wrong type raises ``TypeError``, a wrong enum value ``ValueError``, a missing required key
``KeyError``; messages name the field (``amount.value`` inside a nested object) and what was
found. Fields are checked in the order the constructor takes them (required ones first, then
optional ones, each in spec order), so the first field at fault is the one named. Keys the
model does not know go to ``additional_properties``, as with ``from_dict``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

import attrs

from ._operations import OPERATIONS, UNSET, Field, UnknownUsageResult

__all__ = [
    "Builder",
    "FieldCheck",
    "builder_for",
    "compile_builder",
    "found",
    "struct_converter",
    "unknown_result_fields",
]

Builder = Callable[[dict[str, Any]], Any]

_cache: dict[type, Builder] = {}

# The exact Python types a JSON decoder produces for each scalar kind.
_SCALARS: Mapping[str, tuple[type, ...]] = {
    "integer": (int,),
    "number": (float, int),
    "string": (str,),
    "boolean": (bool,),
}
_EXPECTED = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "boolean": "a boolean",
    "object": "an object",
}


@attrs.frozen
class FieldCheck:
    """What one field accepts, compiled from its seam description."""

    name: str  # the attribute (object_)
    key: str  # the JSON key (object)
    required: bool  # no default: the key must be present
    nullable: bool  # null is allowed
    types: tuple[type, ...]  # exact Python types accepted (before nullability)
    literals: frozenset[str] | None  # the allowed values, for an enum
    nested: tuple[type[Any], tuple[FieldCheck, ...]] | None  # an object's model and fields
    expected: str  # what is accepted, for messages

    def check_source(self, var: str) -> str:
        """A Python expression that is true when ``var`` is acceptable (present case)."""
        if self.nested is not None:
            test = f"type({var}) is _dict"
        elif self.literals is not None and len(self.literals) == 1:
            # The usual enum, the `object` discriminator: one comparison, no hashing.
            test = f"(type({var}) is _str and {var} == {next(iter(self.literals))!r})"
        elif self.literals is not None:
            test = f"(type({var}) is _str and {var} in _lit_{self.name})"
        else:
            test = " or ".join(f"type({var}) is _{t.__name__}" for t in self.types)
            test = f"({test})" if len(self.types) > 1 else test
        return f"({var} is None or {test})" if self.nullable else test


def builder_for(cls: type[Any]) -> Builder:
    """A function ``dict -> cls`` that checks JSON types, several times faster than from_dict.

    ``cls`` is an operation's result class, a model nested in one, or ``UnknownUsageResult``:
    the classes the seam describes.

    Raises:
        TypeError: ``cls`` is not described by the seam, or a field has no check here.

    Raises (from the returned function):
        KeyError: a required key is missing (the key, with its path, is the argument).
        TypeError: a value of the wrong JSON type (the message names the field).
        ValueError: a value outside an enum (the message names the field).
    """
    built = _cache.get(cls)
    if built is None:
        fields = _described().get(cls)
        if fields is None:
            raise TypeError(
                f"{cls.__name__} is no result model the operations describe (_operations.py); "
                "builders are compiled from those descriptions only"
            )
        built = _cache[cls] = compile_builder(cls, fields)
    return built


def unknown_result_fields() -> tuple[Field, ...]:
    """``UnknownUsageResult``'s one field: the ``object`` discriminator, any string.

    The catch-all of each bucket's results is no operation's result, so the seam has no
    description of it. Its schema is a required string ``object`` and nothing else (every other
    key goes to ``additional_properties``): the ``object`` field every result starts with, as
    the seam describes it, without the enum.
    """
    first = next(iter(OPERATIONS.values())).fields[0]
    if first.key != "object" or first.kind != "string":
        raise TypeError(f"a result's first field is {first.key!r}, expected the string 'object'")
    return (attrs.evolve(first, enum=(), nullable=False, required=True, description=""),)


_descriptions: dict[type, tuple[Field, ...]] = {}


def _described() -> dict[type, tuple[Field, ...]]:
    """Every model the seam describes: results, the models nested in them, the catch-all."""
    if not _descriptions:

        def add(cls: type[Any], fields: tuple[Field, ...]) -> None:
            _descriptions.setdefault(cls, fields)
            for field in fields:
                if field.model is not None:
                    add(field.model, field.nested)

        for operation in OPERATIONS.values():
            add(operation.result_cls, operation.fields)
        add(UnknownUsageResult, unknown_result_fields())
    return _descriptions


def _compile_checks(cls: type[Any], fields: Sequence[Field]) -> tuple[FieldCheck, ...]:
    """The checks of ``cls``'s fields, in the order its constructor takes them.

    attrs puts mandatory attributes before defaulted ones, and the generator keeps the schema's
    order within each: required fields first, then optional ones, each in spec order. The
    builders call the constructor positionally (keywords cost ~3x per call), so that order is
    checked here once, by building one instance from distinct markers and reading each field
    back by its name.
    """
    ordered = sorted(fields, key=lambda f: not f.required)  # stable: spec order kept
    checks = tuple(_field_check(cls, f) for f in ordered)
    _check_positions(cls, ordered)
    return checks


def _check_positions(cls: type[Any], ordered: Sequence[Field]) -> None:
    markers = [object() for _ in ordered]
    try:
        probe = cls(*markers)
    except TypeError as exc:
        raise TypeError(
            f"{cls.__name__} does not take its {len(ordered)} described fields positionally "
            f"({exc}); run ./codegen.sh, or teach _builders.py the generator's new constructor"
        ) from exc
    for marker, field in zip(markers, ordered, strict=True):
        if getattr(probe, field.name, None) is not marker:
            order = ", ".join(f.name for f in ordered)
            raise TypeError(
                f"{cls.__name__}.__init__ does not take {field.name!r} where expected (order "
                f"{order}: required fields first, each group in spec order); teach "
                "_builders.py the generator's new constructor"
            )


def _field_check(cls: type[Any], field: Field) -> FieldCheck:
    where = f"{cls.__name__}.{field.name}"
    nested: tuple[type[Any], tuple[FieldCheck, ...]] | None = None
    types: tuple[type, ...] = ()
    literals: frozenset[str] | None = None
    if field.kind == "object":
        if field.model is None or not field.nested or field.enum:
            raise TypeError(f"{where}: an object needs its model and fields, and no enum")
        nested = (field.model, _compile_checks(field.model, field.nested))
        expected = _EXPECTED["object"]
    elif field.kind in _SCALARS:
        if field.model is not None or field.nested:
            raise TypeError(f"{where}: a {field.kind} field with a model")
        types = _SCALARS[field.kind]
        expected = _EXPECTED[field.kind]
        if field.enum:
            if field.kind != "string" or not all(type(v) is str for v in field.enum):
                raise TypeError(f"{where}: only string enums are checked, not {field.kind}")
            literals = frozenset(field.enum)
            expected = "one of " + ", ".join(repr(v) for v in sorted(literals))
    else:
        raise TypeError(
            f"{where}: no builder check for fields of kind {field.kind!r}; "
            "teach _builders.py this kind"
        )
    return FieldCheck(
        name=field.name,
        key=field.key,
        required=field.required,
        nullable=field.nullable,
        types=types,
        literals=literals,
        nested=nested,
        expected=expected + (" or null" if field.nullable else ""),
    )


def compile_builder(cls: type[Any], fields: Sequence[Field]) -> Builder:
    """Compile the builder of ``cls`` from its fields' descriptions (``builder_for`` caches)."""
    return _compile(cls, _compile_checks(cls, fields))


def _compile(cls: type[Any], schemas: tuple[FieldCheck, ...]) -> Builder:
    namespace: dict[str, Any] = {
        "_cls": cls,
        "_UNSET": UNSET,
        "_dict": dict,
        "_str": str,
        "_int": int,
        "_float": float,
        "_bool": bool,
        "_known": frozenset(s.key for s in schemas),
        "_explain": lambda d: _explain(cls, schemas, d),
    }
    reads: list[str] = []  # every key present, none unknown
    gets: list[str] = []  # otherwise: optional keys may be absent
    checks: list[str] = []
    maybe_checks: list[str] = []
    args: list[str] = []
    maybe_args: list[str] = []
    for index, schema in enumerate(schemas):
        var = f"v{index}"
        reads.append(f"{var} = d[{schema.key!r}]")
        gets.append(f"{var} = get({schema.key!r}, _UNSET)")
        check = schema.check_source(var)
        checks.append(check)
        # A missing required key fails the check too: explain() then raises KeyError(key),
        # or the error of an earlier field, so errors come in field order on both paths.
        maybe_checks.append(check if schema.required else f"({var} is _UNSET or {check})")
        arg = maybe_arg = var
        if schema.nested is not None:
            namespace[f"_nested{index}"] = _compile(*schema.nested)
            # After the checks the value is an object, or null / UNSET where those are allowed.
            maybe_arg = f"(_nested{index}({var}) if type({var}) is _dict else {var})"
            arg = maybe_arg if schema.nullable else f"_nested{index}({var})"
        if schema.literals is not None:
            namespace[f"_lit_{schema.name}"] = schema.literals
        args.append(arg)
        maybe_args.append(maybe_arg)
    nested = any(s.nested is not None for s in schemas)

    def guarded(statement: str, indent: str) -> str:
        # A nested builder raises with the nested field's own name; explain() says the path.
        if not nested:
            return f"{indent}{statement}\n"
        return (
            f"{indent}try:\n"
            f"{indent}    {statement}\n"
            f"{indent}except (TypeError, ValueError, KeyError):\n"
            f"{indent}    _explain(d)\n"
            f"{indent}    raise\n"
        )

    def all_of(tests: list[str]) -> str:
        return " and ".join(tests) if tests else "True"

    # The API sends every field of a result (nulls included) and nothing else, so the first
    # branch is the usual one: plain subscripts, no defaults, no unknown keys to collect. As
    # many keys as fields, all of them found, means exactly the known keys: cheaper to learn
    # than comparing key sets, which would hash every key again.
    source = (
        "def build(d):\n"
        f"    if len(d) == {len(schemas)}:\n"
        "        try:\n"
        + "".join(f"            {line}\n" for line in reads or ["pass"])
        + "        except KeyError:\n"
        "            pass  # a field missing and an unknown key present: the general path\n"
        "        else:\n"
        f"            if {all_of(checks)}:\n"
        + guarded(f"return _cls({', '.join(args)})", "                ")
        + "            _explain(d)\n"
        "    get = d.get\n"
        + "".join(f"    {line}\n" for line in gets)
        + f"    if not ({all_of(maybe_checks)}):\n"
        "        _explain(d)\n"
        + guarded(f"obj = _cls({', '.join(maybe_args)})", "    ")
        + "    if not d.keys() <= _known:\n"
        "        obj.additional_properties = {k: v for k, v in d.items() if k not in _known}\n"
        "    return obj\n"
    )
    exec(compile(source, f"<builder {cls.__name__}>", "exec"), namespace)
    build: Builder = namespace["build"]
    return build


def _explain(cls: type[Any], checks: tuple[FieldCheck, ...], data: dict[str, Any]) -> NoReturn:
    """Raise the error for the first field of ``data`` that ``cls``'s builder refuses."""
    _check(checks, data, "")
    # Unreachable while explain() and the compiled checks agree; a test holds them to it.
    raise TypeError(f"{cls.__name__}: refused by the builder for no reason explain() can name")


def _check(checks: tuple[FieldCheck, ...], data: dict[str, Any], where: str) -> None:
    for schema in checks:
        path = where + schema.key
        if schema.key not in data:
            if schema.required:
                raise KeyError(path)
            continue
        value = data[schema.key]
        if value is None and schema.nullable:
            continue
        if schema.nested is not None:
            if type(value) is not dict:
                raise TypeError(f"{path} is {found(value)}, expected {schema.expected}")
            _check(schema.nested[1], value, path + ".")
        elif schema.literals is not None:
            if type(value) is not str:
                raise TypeError(f"{path} is {found(value)}, expected {schema.expected}")
            if value not in schema.literals:
                raise ValueError(f"{path} is {found(value)}, expected {schema.expected}")
        elif type(value) not in schema.types:
            raise TypeError(f"{path} is {found(value)}, expected {schema.expected}")


def found(value: object) -> str:
    """A JSON-worded description of a value, quoting at most a short excerpt."""
    if value is None:
        return "null"
    if type(value) is bool:
        return f"a boolean ({str(value).lower()})"
    if type(value) is int:
        return f"an integer ({value})" if value.bit_length() < 128 else "a very large integer"
    if type(value) is float:
        return f"a number ({value!r})"
    if type(value) is str:
        shown = value if len(value) <= 40 else value[:40] + "..."
        return f"a string ({shown!r})"
    if type(value) is list:
        return "an array"
    if type(value) is dict:
        return "an object"
    return f"a {type(value).__name__}"


def struct_converter(cls: type[Any], fields: Sequence[Field]) -> Builder:
    """A function ``struct -> cls`` for results the fast decoder (``_decode``) already checked.

    The struct's attributes are ``f0``, ``f1`` ... in spec order (``_decode.result_struct``);
    the model's constructor takes them in its own order (required first), checked here as for
    the builders. Nothing is checked per call: the decoder refused every wrong type already.
    """
    ordered = sorted(range(len(fields)), key=lambda i: not fields[i].required)
    _check_positions(cls, [fields[i] for i in ordered])
    namespace: dict[str, Any] = {"_cls": cls, "_UNSET": UNSET}
    args: list[str] = []
    for index in ordered:
        field = fields[index]
        value = f"s.f{index}"
        if field.kind == "object" and field.model is not None:
            namespace[f"_nested{index}"] = struct_converter(field.model, field.nested)
            if field.required and not field.nullable:
                value = f"_nested{index}({value})"
            else:
                value = (
                    f"(_nested{index}(v) if (v := {value}) is not None and v is not _UNSET else v)"
                )
        args.append(value)
    source = f"def convert(s):\n    return _cls({', '.join(args)})\n"
    exec(compile(source, f"<converter {cls.__name__}>", "exec"), namespace)
    convert: Builder = namespace["convert"]
    return convert
