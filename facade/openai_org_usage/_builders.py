"""Fast, checking constructors for the generated result models.

The generated ``from_dict`` is slow on large pages (it copies each dict, pops field by field
and defines a nested parser function per nullable field per call), and it checks almost
nothing: ``"1200"`` or ``null`` for a required integer, a string for a number, ``true`` for a
count all pass through into a typed model. For the result models, whose fields are plain
JSON values (plus one nested object in costs), the builder compiled here checks each value's
JSON type and builds the instance with one call to the attrs ``__init__``.

Each builder is compiled once from ``attrs.fields`` of the generated class and the types
annotated on it (``int``, ``float``, ``str``, ``bool``, ``None``, ``Literal`` aliases and
nested models), so it follows the spec through regeneration; a type it does not know fails
at compile time rather than passing unchecked. ``tests/facade/test_builders.py`` checks it
against ``from_dict`` on generated valid and invalid inputs.

What a builder accepts, by annotated type (JSON decoders produce exact ``int``, ``float``,
``str``, ``bool``, ``list``, ``dict``, so exact type checks are both right and cheap):

- ``int``: an ``int`` of any size, not a ``bool``; ``float``: a ``float`` or an ``int``;
  ``str``: a ``str``; ``bool``: a ``bool``;
- a ``Literal`` alias (the ``object`` discriminator): one of its values;
- a nested model: an object (``dict``), built and checked by that model's own builder;
- ``None`` in the annotation: also ``null``; ``Unset`` in it: the key may be absent (the
  attribute is then ``UNSET``), otherwise a missing key raises ``KeyError(key)``.

Everything ``from_dict`` refuses is refused too, plus wrong JSON types that it lets through.
A wrong type raises ``TypeError``, a wrong literal value ``ValueError``, a missing required
key ``KeyError``; messages name the field (``amount.value`` inside a nested object) and what
was found. Keys the model does not know go to ``additional_properties``, as with ``from_dict``.
"""

from __future__ import annotations

import sys
import typing
from collections.abc import Callable, Mapping
from types import NoneType, UnionType
from typing import Any, NoReturn

import attrs

import openai_org_usage_client.models as generated_models
from openai_org_usage_client.types import UNSET, Unset

Builder = Callable[[dict[str, Any]], Any]

_cache: dict[type, Builder] = {}
_schemas: dict[type, tuple[FieldSchema, ...]] = {}

# The exact Python types a JSON decoder produces for each annotated scalar type.
_SCALARS: Mapping[type, tuple[type, ...]] = {
    int: (int,),
    float: (float, int),
    str: (str,),
    bool: (bool,),
}
_EXPECTED = {int: "an integer", float: "a number", str: "a string", bool: "a boolean"}


@attrs.frozen
class FieldSchema:
    """What one field of a generated model accepts, read from its annotation."""

    name: str  # the attribute (object_)
    key: str  # the JSON key (object)
    required: bool  # no default: the key must be present
    nullable: bool  # null is allowed
    types: tuple[type, ...]  # exact Python types accepted (before nullability)
    literals: frozenset[str] | None  # the allowed values, for a Literal alias
    nested: type[Any] | None  # a generated model, for an object
    expected: str  # what is accepted, for messages

    def check_source(self, var: str) -> str:
        """A Python expression that is true when ``var`` is acceptable (present case)."""
        if self.nested is not None:
            test = f"type({var}) is _dict"
        elif self.literals is not None and len(self.literals) == 1:
            # The usual literal, the `object` discriminator: one comparison, no hashing.
            test = f"(type({var}) is _str and {var} == {next(iter(self.literals))!r})"
        elif self.literals is not None:
            test = f"(type({var}) is _str and {var} in _lit_{self.name})"
        else:
            test = " or ".join(f"type({var}) is _{t.__name__}" for t in self.types)
            test = f"({test})" if len(self.types) > 1 else test
        return f"({var} is None or {test})" if self.nullable else test


def json_key(field_name: str) -> str:
    """The JSON key of a generated field (the generator appends ``_`` to builtins: object_)."""
    return field_name[:-1] if field_name.endswith("_") else field_name


def builder_for(cls: type[Any]) -> Builder:
    """A function ``dict -> cls`` that checks JSON types, several times faster than from_dict.

    Raises (from the returned function):
        KeyError: a required key is missing (the key, with its path, is the argument).
        TypeError: a value of the wrong JSON type (the message names the field).
        ValueError: a value outside a ``Literal`` (the message names the field).
    """
    built = _cache.get(cls)
    if built is None:
        built = _cache[cls] = _compile(cls)
    return built


def field_schemas(cls: type[Any]) -> tuple[FieldSchema, ...]:
    """The fields of a generated model and what each accepts, in ``__init__`` order."""
    found = _schemas.get(cls)
    if found is None:
        fields = [f for f in attrs.fields(cls) if f.init]
        if any(f.kw_only for f in fields):
            raise TypeError(f"{cls.__name__}: keyword-only fields are not supported")
        found = _schemas[cls] = tuple(_schema(cls, f) for f in fields)
    return found


def _resolve(cls: type[Any], annotation: object) -> Any:
    if not isinstance(annotation, str):
        return annotation
    # Nested models are imported under TYPE_CHECKING only: look them up in the package too.
    namespace = {**vars(generated_models), **vars(sys.modules[cls.__module__])}
    return eval(annotation, namespace)


def _schema(cls: type[Any], field: attrs.Attribute[Any]) -> FieldSchema:
    hint = _resolve(cls, field.type)
    if typing.get_origin(hint) in (typing.Union, UnionType):
        alternatives = typing.get_args(hint)
    else:
        alternatives = (hint,)
    nullable = False
    types: list[type] = []
    literals: set[str] = set()
    nested: type[Any] | None = None
    for alternative in alternatives:
        if alternative is Unset:
            continue
        if alternative is NoneType:
            nullable = True
        elif alternative in _SCALARS:
            types.extend(t for t in _SCALARS[alternative] if t not in types)
        elif typing.get_origin(alternative) is typing.Literal:
            for value in typing.get_args(alternative):
                if type(value) is not str:
                    raise TypeError(f"{cls.__name__}.{field.name}: non-string literal {value!r}")
                literals.add(value)
        elif isinstance(alternative, type) and attrs.has(alternative) and nested is None:
            nested = alternative
        else:
            raise TypeError(
                f"{cls.__name__}.{field.name}: no builder check for {alternative!r} "
                f"(annotation {field.type!r}); teach _builders.py this type"
            )
    if nested is not None and (types or literals):
        raise TypeError(f"{cls.__name__}.{field.name}: a model mixed with scalars is unsupported")
    if literals and str in types:
        literals = set()  # "any string" already admits every listed value
    if literals and types:
        raise TypeError(f"{cls.__name__}.{field.name}: literals mixed with non-strings")
    if not (types or literals or nested):
        raise TypeError(f"{cls.__name__}.{field.name}: no type to check in {field.type!r}")
    if nested is not None:
        expected = "an object"
    elif literals:
        expected = "one of " + ", ".join(repr(v) for v in sorted(literals))
    else:
        expected = " or ".join(_EXPECTED[t] for t in types if not (t is int and float in types))
    return FieldSchema(
        name=field.name,
        key=json_key(field.name),
        required=field.default is attrs.NOTHING,
        nullable=nullable,
        types=tuple(types),
        literals=frozenset(literals) if literals else None,
        nested=nested,
        expected=expected + (" or null" if nullable else ""),
    )


def _compile(cls: type[Any]) -> Builder:
    schemas = field_schemas(cls)
    namespace: dict[str, Any] = {
        "_cls": cls,
        "_UNSET": UNSET,
        "_dict": dict,
        "_str": str,
        "_int": int,
        "_float": float,
        "_bool": bool,
        "_known": frozenset(s.key for s in schemas),
        "_explain": lambda d: explain(cls, d),
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
            namespace[f"_nested{index}"] = builder_for(schema.nested)
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


def explain(cls: type[Any], data: dict[str, Any]) -> NoReturn:
    """Raise the error for the first field of ``data`` that ``cls``'s builder refuses."""
    _check(cls, data, "")
    # Unreachable while explain() and the compiled checks agree; a test holds them to it.
    raise TypeError(f"{cls.__name__}: refused by the builder for no reason explain() can name")


def _check(cls: type[Any], data: dict[str, Any], where: str) -> None:
    for schema in field_schemas(cls):
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
                raise TypeError(f"{path} is {_found(value)}, expected {schema.expected}")
            _check(schema.nested, value, path + ".")
        elif schema.literals is not None:
            if type(value) is not str:
                raise TypeError(f"{path} is {_found(value)}, expected {schema.expected}")
            if value not in schema.literals:
                raise ValueError(f"{path} is {_found(value)}, expected {schema.expected}")
        elif type(value) not in schema.types:
            raise TypeError(f"{path} is {_found(value)}, expected {schema.expected}")


def _found(value: object) -> str:
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
