#!/usr/bin/env python3
"""Report differences between the official `openai` Python SDK's usage types and ours.

    python tools/compare_sdk.py [--json] WHEEL_OR_DIR [FRAGMENT]

WHEEL_OR_DIR is an `openai` wheel (.whl, or any zip of the package), an unpacked wheel or
site-packages directory (holding `openai/`), or the `openai` package directory itself. FRAGMENT
defaults to openapi/usage.yaml. Nothing is imported or executed and nothing is downloaded: the
SDK's Python source is parsed with `ast`.

The published OpenAPI description lags the SDK by months (compare_upstream.py reads that one);
the SDK is generated from OpenAI's newer, unpublished spec, so its types are the newest record
of the wire format. Read from the SDK:

  * `openai/resources/admin/organization/usage.py`: every method that calls `self._get` (or
    `_post`, ...): the path, the HTTP method, the keyword parameters, the `*_params` TypedDict
    the query is built from and the `cast_to` response model;
  * the TypedDicts (`Required[...]` marks a required parameter, `Optional[...]` accepts None)
    and the pydantic response models (a field without a default is required, `= None` is
    optional; `Literal[...]`, `List[...]`, unions, aliases and models in other modules).

Compared with the fragment, per operation (matched by method and path): operations on one side
only, parameters (names, types, enum values such as `group_by`'s, required) and the response
(page, bucket and result objects: fields, types, enum values, required, nullable). The results
union is matched on each member's `object` literal; SDK union members that the fragment knows as
another operation's result are ignored (the fragment narrows each page to its own result type on
purpose), members it does not know at all are drift.

Known SDK typing limits are listed apart and are not drift: the SDK's types carry no defaults,
no numeric limits and no formats (the fragment's `default`, `minimum`/`maximum`, `x-limits`,
`format` ...), and the generator types every optional field `Optional[X] = None`, so it cannot
say "may be absent" apart from "may be null" (an optional field that the fragment makes
non-nullable is not drift). `Optional[...]` on a parameter means the SDK accepts None and leaves
the parameter out; that sends nothing different.

Exit status: 0 without drift, 1 with drift, 2 on a usage or input error.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import textwrap
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

try:
    import compare_upstream
except ModuleNotFoundError:  # imported from elsewhere than tools/ (tests load it by file path)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import compare_upstream

USAGE = "usage: compare_sdk.py [--json] WHEEL_OR_DIR [FRAGMENT]"
DEFAULT_FRAGMENT = compare_upstream.DEFAULT_OURS
PACKAGE = "openai"
RESOURCE = "resources/admin/organization/usage"  # below the package, without .py
HTTP_CALLS = {
    "_get": "GET",
    "_get_api_list": "GET",
    "_post": "POST",
    "_put": "PUT",
    "_patch": "PATCH",
    "_delete": "DELETE",
}
# Method arguments that are the SDK's own, not the API's.
CLIENT_ARGUMENTS = {"self", "extra_headers", "extra_query", "extra_body", "timeout"}

# Names the SDK's annotations use, recognised by name (their modules need not be read).
SCALARS = {
    "int": "integer",
    "float": "number",
    "str": "string",
    "bool": "boolean",
    "bytes": "string",
    "date": "string",
    "datetime": "string",
    "object": "any",
    "Any": "any",
    "None": "null",
    "NoneType": "null",
}
ARRAYS = {"List", "list", "Sequence", "SequenceNotStr", "Iterable", "Set", "set", "Tuple", "tuple"}
MAPPINGS = {"Dict", "dict", "Mapping"}
SENTINELS = {"Omit", "NotGiven"}  # `X | Omit = omit`: "not given", never sent
WRAPPERS = {"Required", "NotRequired", "ReadOnly", "Annotated", "Final"}
MODEL_BASES = {"BaseModel", "GenericModel", "Generic", "object"}

# Fragment keywords the SDK's types cannot carry, by the kind of known limit they fall under.
LIMIT_KEYWORDS = {
    "default": "default",
    "minimum": "limits",
    "maximum": "limits",
    "exclusiveMinimum": "limits",
    "exclusiveMaximum": "limits",
    "multipleOf": "limits",
    "minLength": "limits",
    "maxLength": "limits",
    "minItems": "limits",
    "maxItems": "limits",
    "uniqueItems": "limits",
    "pattern": "limits",
    "x-limits": "limits",
    "format": "format",
}
LIMIT_TITLES = {
    "default": "defaults (the SDK has them in docstrings only)",
    "limits": "numeric and length limits (docstrings only)",
    "format": "formats",
    "absent_or_null": "may be absent vs may be null (the SDK types every optional field "
    "Optional[X] = None)",
    "nullable_param": "parameters typed Optional (the SDK accepts None and leaves them out)",
}
TAGS = {
    "new_operation": "NEW OPERATION",
    "removed_operation": "NOT IN SDK",
    "sdk_only": "SDK ONLY",
    "fragment_only": "NOT IN SDK",
    "required": "REQUIRED",
    "changed": "CHANGED",
}


class InputError(Exception):
    """An input problem that stops the comparison (exit status 2)."""


# Types -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Type:
    """One side's type, reduced to what both an SDK annotation and a JSON schema can say."""

    kind: str  # integer number string boolean null array object union any unknown
    nullable: bool = False
    values: tuple[Any, ...] | None = None  # enum values
    open_enum: bool = False  # values are known values; any other value of `kind` is allowed
    items: Type | None = None
    fields: dict[str, Field] | None = None
    members: tuple[Type, ...] = ()
    name: str | None = None  # model or schema name, or the unreadable SDK name for `unknown`
    limits: tuple[tuple[str, Any], ...] = ()  # fragment keywords the SDK cannot express

    def literal(self) -> str | None:
        """The `object` discriminator value of a model, if it has exactly one."""
        found = (self.fields or {}).get("object")
        values = found.type.values if found else None
        return str(values[0]) if values and len(values) == 1 else None


@dataclass(frozen=True)
class Field:
    type: Type
    required: bool
    attribute: str = ""  # the SDK's Python name when the wire name is an alias


def _unique(values: Sequence[Any]) -> tuple[Any, ...]:
    seen: dict[str, Any] = {}
    for value in values:
        seen.setdefault(compare_upstream._key(value), value)
    return tuple(seen.values())


def _union(members: Sequence[Type], nullable: bool = False) -> Type:
    """Normalise a union: `None` to nullable, sentinels out, `str | Literal[...]` to an open enum,
    literals of one kind merged into one enum."""
    flat: list[Type] = []
    for member in members:
        if member.kind == "union":
            nullable = nullable or member.nullable
            flat.extend(member.members)
        else:
            flat.append(member)
    rest: list[Type] = []
    for member in flat:
        if member.kind == "null":
            nullable = True
        elif member.kind != "sentinel":
            nullable = nullable or member.nullable
            rest.append(replace(member, nullable=False))
    if not rest:
        return Type("null")
    if len(rest) == 1:
        return replace(rest[0], nullable=nullable)
    kinds = {m.kind for m in rest}
    scalar = kinds <= {"integer", "number", "string", "boolean"} and len(kinds) == 1
    if scalar and any(m.values is not None for m in rest):
        values = _unique([v for m in rest for v in (m.values or ())])
        is_open = any(m.values is None or m.open_enum for m in rest)
        return Type(rest[0].kind, nullable, values, is_open)
    if scalar:
        return Type(rest[0].kind, nullable)
    return Type("union", nullable, members=tuple(rest))


def _literal_type(values: Sequence[Any]) -> Type:
    nullable = any(v is None for v in values)
    values = [v for v in values if v is not None]
    kinds = {
        "boolean" if isinstance(v, bool) else SCALARS.get(type(v).__name__, "any") for v in values
    }
    kind = kinds.pop() if len(kinds) == 1 else "any"
    return Type(kind, nullable, tuple(values) if values else None)


def describe(t: Type, *, nullable: bool = True) -> str:
    """`integer`, `array of string`, `enum 'a' | 'b' or null`, `string (known values ...)`."""
    if t.kind == "array":
        text = f"array of {describe(t.items) if t.items else 'any'}"
    elif t.kind == "union":
        text = " | ".join(describe(m) for m in t.members)
    elif t.kind == "object":
        text = t.name or "object"
    elif t.kind == "unknown":
        text = f"unreadable type {t.name}"
    elif t.values is not None and t.open_enum:
        text = f"{t.kind} (known values {', '.join(compare_upstream._fmt(v) for v in t.values)})"
    elif t.values is not None:
        text = "enum " + " | ".join(compare_upstream._fmt(v) for v in t.values)
    else:
        text = t.kind
    return f"{text} or null" if nullable and t.nullable else text


# The SDK side ----------------------------------------------------------------------------------


@dataclass
class Module:
    name: str  # dotted
    is_package: bool
    classes: dict[str, ast.ClassDef]
    aliases: dict[str, ast.expr]
    imports: dict[str, tuple[str, str | None]]  # local name -> (module, attribute or None)
    tree: ast.Module


class Package:
    """The `openai` package's source, from a wheel/zip or a directory; parsed, never imported."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self._zip: zipfile.ZipFile | None = None
        self._root = location
        self._modules: dict[str, Module | None] = {}
        marker = f"{PACKAGE}/{RESOURCE}.py"
        if location.is_dir():
            if (location / marker).is_file():
                self._root = location
            elif (location / f"{RESOURCE}.py").is_file() and location.name == PACKAGE:
                self._root = location.parent
            else:
                raise InputError(f"{location}: no {marker} below this directory")
        elif location.is_file():
            try:
                self._zip = zipfile.ZipFile(location)
            except (zipfile.BadZipFile, OSError) as exc:
                raise InputError(f"{location}: not a wheel or zip file ({exc})") from exc
            self._names = set(self._zip.namelist())
            if marker not in self._names:
                raise InputError(f"{location}: no {marker} in this archive")
        else:
            raise InputError(f"{location}: no such file or directory")

    def _text(self, relative: str) -> str | None:
        try:
            if self._zip is not None:
                if relative not in self._names:
                    return None
                return self._zip.read(relative).decode("utf-8")
            path = self._root / relative
            return path.read_text(encoding="utf-8") if path.is_file() else None
        except (OSError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
            raise InputError(f"{self.location}: cannot read {relative}: {exc}") from exc

    def module(self, name: str) -> Module | None:
        """The parsed module `name` (dotted), or None when the package has no such module."""
        if name in self._modules:
            return self._modules[name]
        base = name.replace(".", "/")
        found: Module | None = None
        for relative, is_package in ((f"{base}.py", False), (f"{base}/__init__.py", True)):
            text = self._text(relative)
            if text is not None:
                try:
                    tree = ast.parse(text, filename=relative)
                except SyntaxError as exc:
                    raise InputError(f"{self.location}: {relative}: {exc}") from exc
                found = _index(name, is_package, tree)
                break
        self._modules[name] = found
        return found

    def version(self) -> str | None:
        found = self.module(f"{PACKAGE}._version")
        for node in found.tree.body if found else []:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets
            ):
                value = node.value
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    return value.value
        return None


def _index(name: str, is_package: bool, tree: ast.Module) -> Module:
    """A module's top-level classes, type aliases and imports (relative imports resolved)."""
    module = Module(name, is_package, {}, {}, {}, tree)
    package = name.split(".") if is_package else name.split(".")[:-1]
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            module.classes[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            module.aliases[node.target.id] = node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                module.aliases[target.id] = node.value
        elif isinstance(node, ast.ImportFrom):
            parts = package[: len(package) - node.level + 1] if node.level else []
            source = ".".join([*parts, *(node.module.split(".") if node.module else [])])
            for alias in node.names:
                module.imports[alias.asname or alias.name] = (source, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                module.imports[alias.asname or alias.name.split(".")[0]] = (alias.name, None)
    return module


def _head(node: ast.expr) -> str:
    """The last name of `X`, `a.b.X` or `X[...]`."""
    if isinstance(node, ast.Subscript):
        return _head(node.value)
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return _head(node.func)
    return ""


def _arguments(node: ast.Subscript) -> list[ast.expr]:
    return list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]


def _constant(node: ast.expr | None) -> Any:
    return node.value if isinstance(node, ast.Constant) else None


class SdkTypes:
    """Turns the SDK's annotations into Types, following names across its modules."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self._models: dict[tuple[str, str], Type] = {}
        self._building: set[tuple[str, str]] = set()
        self._expanding: set[tuple[str, str]] = set()  # aliases being resolved

    def resolve(self, module: Module, node: ast.expr | None) -> Type:
        if node is None:
            return Type("any")
        if isinstance(node, ast.Constant):
            if node.value is None:
                return Type("null")
            if isinstance(node.value, str):  # a forward reference
                try:
                    return self.resolve(module, ast.parse(node.value, mode="eval").body)
                except SyntaxError:
                    return Type("unknown", name=repr(node.value))
            return Type("unknown", name=repr(node.value))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return _union([self.resolve(module, node.left), self.resolve(module, node.right)])
        if isinstance(node, ast.Subscript):
            return self._generic(module, node)
        if isinstance(node, ast.Name | ast.Attribute):
            return self._named(module, node)
        return Type("unknown", name=ast.unparse(node))

    def _generic(self, module: Module, node: ast.Subscript) -> Type:
        head, args = _head(node), _arguments(node)
        if head == "Optional":
            return _union([self.resolve(module, args[0])], nullable=True)
        if head == "Union":
            return _union([self.resolve(module, a) for a in args])
        if head == "Literal":
            values: list[Any] = []
            for arg in args:
                if isinstance(arg, ast.Subscript) and _head(arg) == "Literal":
                    values.extend(_constant(a) for a in _arguments(arg))
                else:
                    values.append(_constant(arg))
            return _literal_type(values)
        if head in ARRAYS:
            return Type("array", items=self.resolve(module, args[0]))
        if head in MAPPINGS:
            return Type("object", name="mapping")
        if head in WRAPPERS:
            return self.resolve(module, args[0])
        return Type("unknown", name=ast.unparse(node))

    def _named(self, module: Module, node: ast.Name | ast.Attribute) -> Type:
        name = _head(node)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            target = self._imported_module(module, node.value.id)
            if target is not None:
                return self._symbol(target, name, ast.unparse(node))
        if name in SCALARS:
            return Type(SCALARS[name])
        if name in SENTINELS:
            return Type("sentinel")
        return self._symbol(module, name, ast.unparse(node))

    def _imported_module(self, module: Module, local: str) -> Module | None:
        """The module a local name stands for (`from pkg import submodule`, `import x`)."""
        if local not in module.imports:
            return None
        source, attribute = module.imports[local]
        return self.package.module(f"{source}.{attribute}" if attribute else source)

    def _symbol(self, module: Module, name: str, shown: str, hops: int = 0) -> Type:
        if name in module.classes:
            return self.model(module, name)
        if name in module.aliases and (module.name, name) not in self._expanding:
            alias = module.aliases[name]
            if _head(alias) == "TypeVar":
                return Type("any")
            self._expanding.add((module.name, name))
            try:
                return self.resolve(module, alias)
            finally:
                self._expanding.discard((module.name, name))
        if name in module.imports and hops < 32:
            source, attribute = module.imports[name]
            target = self.package.module(source) if attribute else None
            if target is not None and attribute is not None:
                return self._symbol(target, attribute, shown, hops + 1)
        if name in SCALARS:
            return Type(SCALARS[name])
        return Type("unknown", name=shown)

    def _class(self, module: Module, node: ast.expr) -> tuple[Module, ast.ClassDef] | None:
        """The class a base-class expression names, in this module or an imported one."""
        name = _head(node)
        for _ in range(32):
            if name in module.classes:
                return module, module.classes[name]
            if name not in module.imports:
                return None
            source, attribute = module.imports[name]
            target = self.package.module(source)
            if target is None or attribute is None:
                return None
            module, name = target, attribute
        return None

    def model(self, module: Module, name: str) -> Type:
        """A pydantic model or TypedDict as an object Type (fields by wire name)."""
        key = (module.name, name)
        if key in self._models:
            return self._models[key]
        if key in self._building:  # a recursive model: name it, do not expand it again
            return Type("object", name=name)
        self._building.add(key)
        try:
            fields = self._fields(module, module.classes[name])
        finally:
            self._building.discard(key)
        found = Type("object", fields=fields, name=name)
        self._models[key] = found
        return found

    def _fields(self, module: Module, node: ast.ClassDef) -> dict[str, Field]:
        fields: dict[str, Field] = {}
        typed_dict, total = False, True
        for base in node.bases:
            head = _head(base)
            if head == "TypedDict":
                typed_dict = True
            elif head not in MODEL_BASES:
                found = self._class(module, base)
                if found is not None:
                    base_type = self.model(found[0], found[1].name)
                    fields.update(base_type.fields or {})
                    typed_dict = typed_dict or self._is_typed_dict(found[0], found[1])
        for keyword in node.keywords:
            if keyword.arg == "total":
                total = _constant(keyword.value) is not False
        for statement in node.body:
            if not (
                isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
            ):
                continue
            attribute = statement.target.id
            if attribute.startswith("_") or attribute == "model_config":
                continue
            if _head(statement.annotation) == "ClassVar":
                continue
            wire, marked = attribute, None
            annotation: ast.expr = statement.annotation
            while isinstance(annotation, ast.Subscript) and _head(annotation) in WRAPPERS:
                head, args = _head(annotation), _arguments(annotation)
                if head in ("Required", "NotRequired"):
                    marked = head == "Required"
                elif head == "Annotated":
                    wire = _alias(args[1:]) or wire
                annotation = args[0]
            if typed_dict:
                required = total if marked is None else marked
            else:
                required, wire = _model_default(statement.value, wire)
            fields[wire] = Field(self.resolve(module, annotation), required, attribute)
        return fields

    def _is_typed_dict(self, module: Module, node: ast.ClassDef) -> bool:
        for base in node.bases:
            if _head(base) == "TypedDict":
                return True
            found = self._class(module, base)
            if found is not None and found[1] is not node and self._is_typed_dict(*found):
                return True
        return False


def _alias(metadata: Sequence[ast.expr]) -> str | None:
    """`alias=` of a `PropertyInfo(...)`/`FieldInfo(...)` call among Annotated's metadata."""
    for item in metadata:
        if isinstance(item, ast.Call):
            for keyword in item.keywords:
                if keyword.arg == "alias" and isinstance(_constant(keyword.value), str):
                    return str(_constant(keyword.value))
    return None


def _model_default(value: ast.expr | None, wire: str) -> tuple[bool, str]:
    """(required, wire name) of a model field from its default: none, `= x`, `= Field(...)`."""
    if value is None:
        return True, wire
    if isinstance(value, ast.Call) and _head(value) in ("Field", "FieldInfo"):
        wire = _alias([value]) or wire
        has_default = any(k.arg in ("default", "default_factory") for k in value.keywords)
        if value.args:
            first = value.args[0]
            has_default = not (isinstance(first, ast.Constant) and first.value is Ellipsis)
        return not has_default, wire
    return False, wire


@dataclass
class Operation:
    """One API operation as one side describes it."""

    method: str
    path: str
    name: str  # SDK accessor or fragment operationId
    params: dict[str, Field]
    response: Type | None


def _path_of(node: ast.expr | None) -> str | None:
    """The path a `self._get(...)` call requests: a string, an f-string or `f(template, ...)`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        text = ""
        for part in node.values:
            if isinstance(part, ast.Constant):
                text += str(part.value)
            elif isinstance(part, ast.FormattedValue):
                text += "{" + _head(part.value) + "}"
        return text
    if isinstance(node, ast.Call) and node.args:
        return _path_of(node.args[0])
    return None


def _request(function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.Call | None:
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "self"
            and node.func.attr in HTTP_CALLS
        ):
            return node
    return None


def sdk_operations(package: Package) -> list[Operation]:
    """The operations the SDK's usage resource calls, sync class first, in source order."""
    dotted = f"{PACKAGE}.{RESOURCE.replace('/', '.')}"
    module = package.module(dotted)
    if module is None:  # checked when the package was opened; kept for the type checker
        raise InputError(f"{package.location}: no {dotted}")
    types = SdkTypes(package)
    accessor = RESOURCE.split("/", 1)[1].replace("/", ".")
    found: dict[tuple[str, str], Operation] = {}
    classes = sorted(module.classes.values(), key=lambda c: c.name.startswith("Async"))
    for cls in classes:
        for function in cls.body:
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            call = _request(function)
            path = _path_of(call.args[0] if call and call.args else None)
            if call is None or path is None:
                continue
            key = (HTTP_CALLS[call.func.attr], path)  # type: ignore[attr-defined]
            if key not in found:
                name = f"{accessor}.{function.name}"
                params, response = _call_types(types, module, function, call, path)
                found[key] = Operation(key[0], path, name, params, response)
    if not found:
        raise InputError(f"{package.location}: {dotted} calls no API path")
    return list(found.values())


def _call_types(
    types: SdkTypes,
    module: Module,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    call: ast.Call,
    path: str,
) -> tuple[dict[str, Field], Type | None]:
    """The parameters (the query TypedDict, completed from the signature) and response type."""
    params: dict[str, Field] = {}
    for node in ast.walk(call):
        if isinstance(node, ast.Call) and _head(node) in (
            "maybe_transform",
            "async_maybe_transform",
        ):
            if len(node.args) >= 2:
                query = types.resolve(module, node.args[1])
                params.update(query.fields or {})
            break
    sent = {f.attribute for f in params.values()}
    in_path = set(re.findall(r"{(\w+)}", path))
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
    pairs = [
        *zip(positional, [*defaults, *arguments.defaults], strict=True),
        *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True),
    ]
    for argument, default in pairs:
        if argument.arg in CLIENT_ARGUMENTS or argument.arg in sent:
            continue
        required = default is None or argument.arg in in_path
        params[argument.arg] = Field(
            types.resolve(module, argument.annotation), required, argument.arg
        )
    response = None
    for keyword in call.keywords:
        if keyword.arg in ("cast_to", "model") and keyword.value is not None:
            response = types.resolve(module, keyword.value)
    return params, response


# The fragment side -----------------------------------------------------------------------------


def fragment_type(spec: compare_upstream.Spec, raw: Any, depth: int = 0) -> Type:
    """A JSON schema of the fragment as a Type; nullability in any spelling becomes `nullable`."""
    node, name = spec.deref(raw)
    core, nullable = compare_upstream._split_null(node)
    if depth > 48:
        return Type("object", nullable, name=name)
    if "$ref" in core:  # `anyOf [$ref, null]`
        inner = fragment_type(spec, core, depth + 1)
        return replace(inner, nullable=inner.nullable or nullable)
    limits = tuple((k, core[k]) for k in LIMIT_KEYWORDS if k in core)
    keyword = compare_upstream._union_keyword(core)
    all_of = core.get("allOf")
    if keyword:
        found = _union([fragment_type(spec, m, depth + 1) for m in core[keyword]], nullable)
    elif isinstance(all_of, list) and len(all_of) == 1:
        found = fragment_type(spec, all_of[0], depth + 1)
        found = replace(found, nullable=found.nullable or nullable)
    else:
        found = _fragment_plain(spec, core, nullable, depth)
    return replace(found, name=name or found.name, limits=limits)


def _fragment_plain(spec: compare_upstream.Spec, core: Any, nullable: bool, depth: int) -> Type:
    enum = compare_upstream._enum(core)
    kinds = compare_upstream._types(core)
    if kinds is None and enum is not None:
        return replace(_literal_type(enum), nullable=nullable or None in enum)
    if kinds is None:
        return Type("any", nullable)
    if len(kinds) > 1:
        return _union([Type(k) for k in sorted(kinds)], nullable)
    kind = next(iter(kinds))
    if kind == "array":
        return Type("array", nullable, items=fragment_type(spec, core.get("items", {}), depth + 1))
    if kind == "object":
        required = set(core.get("required") or [])
        properties = core.get("properties") or {}
        fields = {
            str(n): Field(fragment_type(spec, p, depth + 1), n in required)
            for n, p in properties.items()
        }
        return Type("object", nullable, fields=fields if properties else None)
    return Type(kind, nullable, tuple(enum) if enum is not None else None)


def fragment_operations(spec: compare_upstream.Spec) -> list[Operation]:
    found: list[Operation] = []
    for (path, method), (item, op) in spec.operations.items():
        params: dict[str, Field] = {}
        mapped = compare_upstream.Comparison._parameter_map(spec, item, op)
        for name, param in mapped.items():
            if param.get("in") not in ("query", "path"):
                continue
            schema = compare_upstream.Comparison._parameter_schema(param)
            t = fragment_type(spec, schema)
            if "x-limits" in param:
                t = replace(t, limits=(*t.limits, ("x-limits", param["x-limits"])))
            required = bool(param.get("required")) or param.get("in") == "path"
            params[name] = Field(t, required)
        response = None
        responses = op.get("responses") or {}
        for code in sorted(str(c) for c in responses):
            if code.startswith("2"):
                content = spec.deref(responses.get(code, responses.get(int(code))))[0]
                media = (content.get("content") or {}).get("application/json") or {}
                response = fragment_type(spec, media.get("schema", {}))
                break
        found.append(Operation(method, path, str(op.get("operationId") or ""), params, response))
    return found


# Comparison ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    kind: str  # new_operation removed_operation sdk_only fragment_only required changed
    where: str
    detail: str

    def line(self) -> str:
        return f"{TAGS[self.kind]:<14} {self.where}" + (f": {self.detail}" if self.detail else "")


@dataclass(frozen=True)
class Limit:
    kind: str  # default limits format absent_or_null nullable_param
    where: str
    detail: str  # the fragment keyword (default, x-limits, ...) or a sentence
    value: Any = None  # the keyword's value in the fragment


@dataclass
class OperationReport:
    method: str
    path: str
    sdk_name: str | None
    operation_id: str | None
    status: str  # new removed changed unchanged
    findings: list[Finding] = field(default_factory=list)
    limits: list[Limit] = field(default_factory=list)
    surface: dict[str, Any] | None = None  # a new operation's parameters and result fields

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "method": self.method,
            "path": self.path,
            "sdk": self.sdk_name,
            "operation_id": self.operation_id,
            "status": self.status,
            "differences": [vars(f) for f in self.findings],
            "known_limits": [vars(limit) for limit in self.limits],
        }
        if self.surface is not None:
            found["sdk_surface"] = self.surface
        return found


def _where(path: str) -> str:
    """Name a response location the way the reader thinks of it: page, bucket, result."""
    for prefix, name in (
        ("page.data[].results[]", "result"),
        ("bucket.results[]", "result"),
        ("page.data[]", "bucket"),
    ):
        if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + " "):
            return name + path[len(prefix) :]
    return path


def _literals(t: Type | None, into: set[str], depth: int = 0) -> set[str]:
    """Every model `object` literal reachable from a type."""
    if t is None or depth > 32:
        return into
    literal = t.literal()
    if literal:
        into.add(literal)
    for child in [t.items, *t.members, *(f.type for f in (t.fields or {}).values())]:
        _literals(child, into, depth + 1)
    return into


def _results(t: Type | None) -> list[Type]:
    """The result models of a page type (page.data[].results[]), else the type itself."""
    bucket = ((t.fields or {}).get("data") if t else None) or None
    items = bucket.type.items if bucket else None
    results = (items.fields or {}).get("results") if items else None
    inner = results.type.items if results else None
    if inner is None:
        return [t] if t is not None else []
    return list(inner.members) if inner.kind == "union" else [inner]


class Comparison:
    def __init__(self, sdk: list[Operation], fragment: list[Operation]) -> None:
        self.sdk = sdk
        self.fragment = fragment
        self.known: set[str] = set()
        for op in fragment:
            _literals(op.response, self.known)

    def run(self) -> list[OperationReport]:
        ours = {(op.method, op.path): op for op in self.fragment}
        theirs = {(op.method, op.path): op for op in self.sdk}
        reports: list[OperationReport] = []
        for key, op in theirs.items():
            if key not in ours:
                reports.append(self._new(op))
                continue
            report = OperationReport(op.method, op.path, op.name, ours[key].name, "unchanged")
            self._compare_operation(report, op, ours[key])
            report.status = "changed" if report.findings else "unchanged"
            reports.append(report)
        for key, op in ours.items():
            if key not in theirs:
                report = OperationReport(op.method, op.path, None, op.name, "removed")
                what = "in the fragment, not in the SDK"
                report.findings.append(Finding("removed_operation", "operation", what))
                reports.append(report)
        return reports

    def _new(self, op: Operation) -> OperationReport:
        report = OperationReport(op.method, op.path, op.name, None, "new")
        params = [
            {"name": n, "type": describe(f.type, nullable=False), "required": f.required}
            for n, f in op.params.items()
        ]
        results = [t for t in _results(op.response) if t.literal() not in self.known]
        surface: dict[str, Any] = {"params": params, "results": []}
        for result in results or _results(op.response):
            fields = [
                {"name": n, "type": describe(f.type, nullable=f.required), "required": f.required}
                for n, f in (result.fields or {}).items()
            ]
            surface["results"].append({"object": result.literal(), "fields": fields})
        report.surface = surface
        report.findings.append(
            Finding("new_operation", "operation", "in the SDK, not in the fragment")
        )
        return report

    def _compare_operation(self, report: OperationReport, sdk: Operation, ours: Operation) -> None:
        self._fields(report, "param", sdk.params, ours.params, param=True)
        if sdk.response is None or ours.response is None:
            if sdk.response is not ours.response:
                side = "SDK" if ours.response is None else "fragment"
                report.findings.append(Finding("changed", "response", f"typed only in the {side}"))
            return
        self._type(report, "page", sdk.response, ours.response)

    def _fields(
        self,
        report: OperationReport,
        where: str,
        sdk: dict[str, Field],
        ours: dict[str, Field],
        *,
        param: bool = False,
    ) -> None:
        def at(name: str) -> str:
            return f"param {name}" if param else _where(f"{where}.{name}")

        for name, found in sdk.items():
            if name not in ours:
                required = "required" if found.required else "optional"
                kind = describe(found.type, nullable=found.required and not param)
                report.findings.append(Finding("sdk_only", at(name), f"{kind}, {required}"))
        for name, found in ours.items():
            if name not in sdk:
                kind = describe(found.type)
                report.findings.append(Finding("fragment_only", at(name), kind))
        for name in [n for n in sdk if n in ours]:
            self._field(report, at(name), sdk[name], ours[name], param=param)

    def _field(
        self, report: OperationReport, where: str, sdk: Field, ours: Field, *, param: bool
    ) -> None:
        if sdk.required != ours.required:
            detail = (
                "required in the SDK, optional in the fragment"
                if sdk.required
                else "required in the fragment, optional in the SDK"
            )
            report.findings.append(Finding("required", where, detail))
        s_null, f_null = sdk.type.nullable, ours.type.nullable
        if s_null and not f_null and (param or not sdk.required):
            kind = "nullable_param" if param else "absent_or_null"
            detail = (
                "Optional in the SDK (None leaves it out), not nullable in the fragment"
                if param
                else "optional; Optional[...] = None in the SDK, absent but never null in the "
                "fragment"
            )
            report.limits.append(Limit(kind, where, detail))
        elif s_null != f_null:
            side = "SDK" if s_null else "fragment"
            report.findings.append(Finding("changed", where, f"nullable in the {side} only"))
        self._type(report, where, sdk.type, ours.type)

    def _type(self, report: OperationReport, where: str, sdk: Type, ours: Type) -> None:
        for keyword, value in ours.limits:
            report.limits.append(Limit(LIMIT_KEYWORDS[keyword], where, keyword, value))
        if "any" in (sdk.kind, ours.kind):
            return
        if sdk.kind == "unknown":
            what = f"cannot read the SDK's type {sdk.name}; the fragment has {describe(ours)}"
            report.findings.append(Finding("changed", where, what))
            return
        if "union" in (sdk.kind, ours.kind):
            self._union(report, where, sdk, ours)
            return
        if sdk.kind != ours.kind:
            what = f"{describe(ours, nullable=False)} in the fragment, "
            what += f"{describe(sdk, nullable=False)} in the SDK"
            report.findings.append(Finding("changed", where, what))
            return
        self._values(report, where, sdk, ours)
        if sdk.kind == "array" and sdk.items is not None and ours.items is not None:
            nested = sdk.items.kind in ("object", "union") or ours.items.kind in ("object", "union")
            items_at = _where(f"{where}[]") if nested else where
            if sdk.items.nullable != ours.items.nullable:
                side = "SDK" if sdk.items.nullable else "fragment"
                detail = f"items nullable in the {side} only"
                report.findings.append(Finding("changed", items_at, detail))
            self._type(report, items_at, sdk.items, ours.items)
        if sdk.kind == "object" and sdk.fields is not None and ours.fields is not None:
            self._fields(report, where, sdk.fields, ours.fields)

    def _values(self, report: OperationReport, where: str, sdk: Type, ours: Type) -> None:
        if sdk.values is None and ours.values is None:
            return
        if sdk.values is None or ours.values is None:
            side = "SDK" if ours.values is None else "fragment"
            detail = f"{describe(sdk, nullable=False)} in the SDK, "
            detail += f"{describe(ours, nullable=False)} in the fragment ({side} lists values)"
            report.findings.append(Finding("changed", where, detail))
            return
        if sdk.open_enum != ours.open_enum:
            state = [f"open (any {sdk.kind})", "closed"]
            shown = state if sdk.open_enum else state[::-1]
            detail = f"{shown[1]} in the fragment, {shown[0]} in the SDK"
            report.findings.append(Finding("changed", where, detail))
        noun = "known value" if sdk.open_enum and ours.open_enum else "value"
        s_keys = {compare_upstream._key(v) for v in sdk.values}
        f_keys = {compare_upstream._key(v) for v in ours.values}
        for value in sdk.values:
            if compare_upstream._key(value) not in f_keys:
                detail = f"{noun} {compare_upstream._fmt(value)}"
                report.findings.append(Finding("sdk_only", where, detail))
        for value in ours.values:
            if compare_upstream._key(value) not in s_keys:
                detail = f"{noun} {compare_upstream._fmt(value)}"
                report.findings.append(Finding("fragment_only", where, detail))

    def _union(self, report: OperationReport, where: str, sdk: Type, ours: Type) -> None:
        """Match members on their `object` literal; the fragment's catch-all is not a member."""
        s_members = sdk.members if sdk.kind == "union" else (sdk,)
        f_members = ours.members if ours.kind == "union" else (ours,)
        s_by = {m.literal(): m for m in s_members}
        f_by = {m.literal(): m for m in f_members if m.literal() is not None}
        if None in s_by or not f_by:  # not a union of result models: compare as text
            if describe(sdk) != describe(ours):
                what = f"{describe(ours)} in the fragment, {describe(sdk)} in the SDK"
                report.findings.append(Finding("changed", where, what))
            return
        shared = [lit for lit in s_by if lit in f_by]
        for literal in shared:
            at = where if len(shared) == 1 else f"{where} '{literal}'"
            self._type(report, at, s_by[literal], f_by[literal])
        for literal in s_by:
            if literal not in f_by and literal not in self.known:
                detail = f"result type '{literal}' (the fragment has no schema for it)"
                report.findings.append(Finding("sdk_only", where, detail))
        for literal in f_by:
            if literal not in s_by:
                detail = f"result type '{literal}'"
                report.findings.append(Finding("fragment_only", where, detail))


# Output ----------------------------------------------------------------------------------------


def _wrap(
    label: str, items: Sequence[str], indent: str = "    ", separator: str = ", "
) -> list[str]:
    text = f"{label}: " + (separator.join(items) if items else "none")
    return textwrap.wrap(
        text,
        width=100,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
    )


def _short(report: OperationReport) -> str:
    return report.path.rstrip("/").rsplit("/", 1)[-1]


def human(reports: list[OperationReport], header: list[str]) -> list[str]:
    """The report for a maintainer: new operations, what every operation shares, each changed
    operation, the known SDK typing limits and a summary line."""
    lines = [*header]
    shared = [r for r in reports if r.status in ("changed", "unchanged")]
    common: list[Finding] = []
    if len(shared) >= 2:
        common = [f for f in shared[0].findings if all(f in r.findings for r in shared[1:])]
    for report in [r for r in reports if r.status == "new"]:
        lines += ["", f"{report.label} ({report.sdk_name})"]
        lines += ["  " + f.line() for f in report.findings]
        surface = report.surface or {}
        params = [
            f"{p['name']} {p['type']}" + (" (required)" if p["required"] else "")
            for p in surface.get("params", [])
        ]
        lines += _wrap("params", params)
        for result in surface.get("results", []):
            fields = [
                f"{f['name']} {f['type']}" + (" (required)" if f["required"] else "")
                for f in result["fields"]
            ]
            lines += _wrap(f"result '{result['object']}'", fields)
    if common:
        lines += ["", f"In every operation both have ({len(shared)}):"]
        lines += ["  " + f.line() for f in common]
    for report in reports:
        own = [f for f in report.findings if f not in common]
        if report.status in ("changed", "removed") and own:
            name = report.sdk_name or report.operation_id
            lines += ["", f"{report.label} ({name})"]
            lines += ["  " + f.line() for f in own]
    unchanged = [_short(r) for r in reports if r.status == "unchanged"]
    if unchanged and not common:
        lines += ["", *_wrap(f"Unchanged ({len(unchanged)})", unchanged, indent="")]
    elif common:
        quiet = [_short(r) for r in shared if not [f for f in r.findings if f not in common]]
        if quiet:
            lines += ["", *_wrap(f"Nothing else changed ({len(quiet)})", quiet, indent="")]
    lines += _limits_section(reports, len(shared))
    lines += ["", _summary(reports)]
    return lines


def _limits_section(reports: list[OperationReport], shared: int) -> list[str]:
    grouped: dict[str, dict[str, list[str]]] = {}
    for report in reports:
        for limit in report.limits:
            # Structured values (x-limits) are long and in the fragment anyway: keyword only.
            item = f"{limit.where} ({limit.detail})"
            if not isinstance(limit.value, dict | list | type(None)):
                item = f"{limit.where} ({limit.detail} {compare_upstream._fmt(limit.value)})"
            if limit.kind in ("absent_or_null", "nullable_param"):
                item = limit.where
            grouped.setdefault(limit.kind, {}).setdefault(item, [])
            ops = grouped[limit.kind][item]
            if _short(report) not in ops:
                ops.append(_short(report))
    if not grouped:
        return []
    lines = ["", "Known SDK typing limits (not drift; the SDK's types cannot say these):"]
    for kind in LIMIT_TITLES:
        if kind not in grouped:
            continue
        # Items found in the same operations share one [operations] tag.
        by_ops: dict[str, list[str]] = {}
        for item, ops in grouped[kind].items():
            where = f"all {shared}" if len(ops) == shared and shared > 1 else ", ".join(ops)
            by_ops.setdefault(where, []).append(item)
        parts = [f"[{where}] " + ", ".join(items) for where, items in by_ops.items()]
        title = f"{LIMIT_TITLES[kind]} ({len(grouped[kind])})"
        lines += _wrap(title, parts, indent="  ", separator="; ")
    return lines


def _summary(reports: list[OperationReport]) -> str:
    count = {s: sum(r.status == s for r in reports) for s in ("new", "removed", "changed")}
    differences = sum(len(r.findings) for r in reports if r.status == "changed")
    limits = f"{sum(len(r.limits) for r in reports)} known SDK typing limits"
    if not any(count.values()):
        return f"No drift; {limits}."
    return (
        f"Drift: {count['new']} new, {count['removed']} removed, {count['changed']} changed "
        f"operations, {differences} differences; {limits}."
    )


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def compare(location: Path, fragment_path: Path) -> tuple[list[OperationReport], dict[str, Any]]:
    """Compare an SDK (wheel or directory) with a fragment; return the reports and the inputs."""
    package = Package(location)
    try:
        spec = compare_upstream.Spec(fragment_path)
    except compare_upstream.SpecError as exc:
        raise InputError(str(exc)) from exc
    reports = Comparison(sdk_operations(package), fragment_operations(spec)).run()
    inputs = {
        "sdk": {"source": _display(location), "package": PACKAGE, "version": package.version()},
        "fragment": _display(fragment_path),
    }
    return reports, inputs


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # exit status 2 with one line, like compare_upstream
        raise InputError(f"{message}\n{USAGE}")


def _iter_lines(reports: list[OperationReport], inputs: dict[str, Any]) -> Iterator[str]:
    sdk = inputs["sdk"]
    version = sdk["version"] or "(unknown version)"
    sdk_ops = sum(r.status != "removed" for r in reports)
    ours = sum(r.status != "new" for r in reports)
    header = [
        f"SDK {sdk['package']} {version} ({sdk['source']}) vs {inputs['fragment']}",
        f"{sdk_ops} operations in the SDK, {ours} in the fragment.",
    ]
    yield from human(reports, header)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison; print the report; return the exit status (0, 1 drift, 2 error)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    parser = _Parser(prog="compare_sdk.py", add_help=False)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("sdk")
    parser.add_argument("fragment", nargs="?", default=str(DEFAULT_FRAGMENT))
    try:
        options = parser.parse_args(args)
        reports, inputs = compare(Path(options.sdk), Path(options.fragment))
    except InputError as exc:
        message = str(exc)
        if message.endswith(USAGE):
            print(message.removesuffix(USAGE).strip(), file=sys.stderr)
            print(USAGE, file=sys.stderr)
        else:
            print(f"compare_sdk: {message}", file=sys.stderr)
        return 2
    drift = any(r.findings for r in reports)
    if options.json:
        count = {s: sum(r.status == s for r in reports) for s in ("new", "removed", "changed")}
        document = {
            **inputs,
            "drift": drift,
            "summary": {
                **count,
                "unchanged": sum(r.status == "unchanged" for r in reports),
                "differences": sum(len(r.findings) for r in reports),
                "known_limits": sum(len(r.limits) for r in reports),
            },
            "operations": [r.as_json() for r in reports],
        }
        print(json.dumps(document, indent=2, default=str))
    else:
        for line in _iter_lines(reports, inputs):
            print(line)
    return 1 if drift else 0


if __name__ == "__main__":
    sys.exit(main())
