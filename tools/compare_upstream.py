#!/usr/bin/env python3
"""Report client-relevant differences between OpenAI's OpenAPI description and ours.

    python tools/compare_upstream.py UPSTREAM_FILE [OURS_FILE]

UPSTREAM_FILE is OpenAI's whole openapi.yaml (YAML or JSON) or any subset of it; OURS_FILE
defaults to openapi/usage.yaml. Only the usage and costs operations (paths under
/organization/usage/ and /organization/costs) and what they reference are compared: operations,
operationIds, security, parameters, responses, headers and, following each response's schema,
every schema reachable from it. Descriptions, summaries, examples, tags and x-* extensions are
ignored: they change nothing a client sends or receives.

Each difference is one line. DRIFT: upstream differs and ours does not say why. DEVIATION: the
difference lies at or below a node of ours marked `x-deviation: <reason>`, printed with that
reason. A marker's reach is limited so that it cannot hide unrelated upstream changes:
  * it ends at a $ref to a named schema (UsageCompletionsResult is compared in full although
    the union referring to it is marked);
  * a schema marked `x-upstream: <Name>` is a declared copy of upstream's <Name>: its marker
    explains the replacement, reported where the copy is referenced, but its body must keep
    mirroring <Name>, so differences inside it are drift;
  * a union member schema that ours has no schema for is drift even in a marked union: the
    marker narrowed a union of known results, it cannot cover a result type added later.

Exit status: 0 without drift, 1 with drift, 2 on a usage or input error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

Node = dict[str, Any]

USAGE = "usage: compare_upstream.py UPSTREAM_FILE [OURS_FILE]"
DEFAULT_OURS = Path(__file__).resolve().parent.parent / "openapi" / "usage.yaml"
USAGE_PREFIX = "/organization/usage/"
COSTS_PATH = "/organization/costs"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_REF_HOPS = 64
# Schema keywords compared as plain values, with the value their absence means.
SCALAR_KEYWORDS: dict[str, Any] = {
    "format": None,
    "default": None,
    "pattern": None,
    "multipleOf": None,
    "minimum": None,
    "maximum": None,
    "exclusiveMinimum": None,
    "exclusiveMaximum": None,
    "minLength": None,
    "maxLength": None,
    "minItems": None,
    "maxItems": None,
    "uniqueItems": False,
    "minProperties": None,
    "maxProperties": None,
    "readOnly": False,
    "writeOnly": False,
    "deprecated": False,
}
# libyaml's loader is the same safe loader, only fast enough for OpenAI's multi-megabyte file.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SpecError(Exception):
    """An input problem that stops the comparison (exit status 2)."""


def _load(path: Path) -> Node:
    """Parse a YAML or JSON file into its top-level mapping."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        # JSON is YAML, except for the odd construct (tab indentation) YAML rejects.
        try:
            data = json.loads(text)
        except ValueError:
            problem = " ".join(str(exc).split())
            raise SpecError(f"{path}: not valid YAML or JSON: {problem}") from exc
    if not isinstance(data, dict):
        raise SpecError(f"{path}: not an OpenAPI description (the top level is not a mapping)")
    return data


class Spec:
    """One OpenAPI description: its usage operations and local `$ref` resolution."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.root = _load(path)
        self.operations = self._usage_operations()
        if not self.operations:
            raise SpecError(f"{path}: no {USAGE_PREFIX}* or {COSTS_PATH} operations found")
        schemas = self.root.get("components", {}).get("schemas", {})
        self.schemas: Node = schemas if isinstance(schemas, dict) else {}

    def _usage_operations(self) -> dict[tuple[str, str], tuple[Node, Node]]:
        """(path, METHOD) -> (path item, operation) for every usage and costs operation."""
        paths = self.root.get("paths")
        found: dict[tuple[str, str], tuple[Node, Node]] = {}
        for path, raw_item in (paths if isinstance(paths, dict) else {}).items():
            if not (path == COSTS_PATH or str(path).startswith(USAGE_PREFIX)):
                continue
            item, _ = self.deref(raw_item)
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    found[(str(path), method.upper())] = (item, item[method])
        return found

    def deref(self, node: Any) -> tuple[Node, str | None]:
        """Follow `$ref`s; return the target and the name of the last component referenced."""
        name: str | None = None
        for _ in range(MAX_REF_HOPS):
            if isinstance(node, bool):  # OpenAPI 3.1 boolean schema: true accepts anything
                return {}, name
            if not isinstance(node, dict):
                raise SpecError(f"{self.path}: expected a mapping, found {str(node)[:80]!r}")
            ref = node.get("$ref")
            if ref is None:
                return node, name
            node, name = self._lookup(str(ref)), str(ref).rsplit("/", 1)[-1]
        raise SpecError(f"{self.path}: $ref cycle through {name}")

    def _lookup(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise SpecError(f"{self.path}: only local $refs are supported, found {ref!r}")
        node: Any = self.root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise SpecError(f"{self.path}: unresolvable $ref {ref!r}")
            node = node[part]
        return node


@dataclass(frozen=True)
class Ctx:
    """Where a comparison stands: what findings name, and the deviation that covers them."""

    subject: str
    path: str = ""
    reason: str | None = None

    def label(self) -> str:
        if not self.path:
            return self.subject
        return self.subject + ("" if self.path.startswith("[") else " ") + self.path

    def sub(self, suffix: str) -> Ctx:
        return replace(self, subject=f"{self.label()} {suffix}", path="")

    def step(self, step: str) -> Ctx:
        """Descend: `name` for a property, `[]` for array items, `.anyOf[1]` for a member."""
        if step.startswith(("[", ".")) or not self.path:
            return replace(self, path=self.path + step)
        return replace(self, path=f"{self.path}.{step}")

    def enter(self, ours: Node) -> Ctx:
        """Apply ours' `x-deviation` marker; a declared copy (`x-upstream`) starts unmarked."""
        if "x-upstream" in ours:
            return replace(self, reason=None)
        reason = ours.get("x-deviation")
        return replace(self, reason=str(reason)) if reason else self


class Report:
    """Findings in order of discovery, each distinct line once."""

    def __init__(self) -> None:
        self.drift: dict[str, None] = {}
        self.deviations: dict[str, None] = {}

    def add(self, ctx: Ctx, what: str, *, force_drift: bool = False) -> None:
        if ctx.reason and not force_drift:
            self.deviations[f"DEVIATION {ctx.label()}: {what} ({ctx.reason})"] = None
        else:
            self.drift[f"DRIFT     {ctx.label()}: {what}"] = None

    def lines(self) -> list[str]:
        summary = f"{len(self.drift)} drift, {len(self.deviations)} deliberate deviations"
        return [*self.drift, *self.deviations, summary]


def _fmt(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, list | tuple | frozenset):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return json.dumps(value, default=str)


def _key(value: Any) -> str:
    """A comparison key that keeps 1, 1.0 and true apart (Python's == does not)."""
    return json.dumps(value, sort_keys=True, default=str) + type(value).__name__


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and (
        schema.get("type") in ("null", ["null"]) or schema.get("enum") == [None]
    )


def _split_null(node: Node) -> tuple[Node, bool]:
    """Separate nullability from the rest: `anyOf [T, null]`, `type: [T, null]`, `nullable`,
    `enum [..., null]` all mean "T or null", and upstream switches between these spellings."""
    nullable = bool(node.get("nullable"))
    node = {k: v for k, v in node.items() if k != "nullable"}
    types = node.get("type")
    if isinstance(types, list) and "null" in types and len(types) > 1:
        nullable = True
        rest = [t for t in types if t != "null"]
        node["type"] = rest[0] if len(rest) == 1 else rest
    enum = node.get("enum")
    if isinstance(enum, list) and None in enum and len(enum) > 1:
        nullable = True
        node["enum"] = [v for v in enum if v is not None]
    for keyword in ("anyOf", "oneOf"):
        members = node.get(keyword)
        if not isinstance(members, list) or not any(_is_null(m) for m in members):
            continue
        nullable = True
        rest = [m for m in members if not _is_null(m)]
        del node[keyword]
        if len(rest) == 1 and isinstance(rest[0], dict):
            node = {**node, **rest[0]}
        elif rest:
            node[keyword] = rest
    return node, nullable


def _union_keyword(node: Node) -> str | None:
    return next((k for k in ("oneOf", "anyOf") if isinstance(node.get(k), list)), None)


def _types(node: Node) -> frozenset[str] | None:
    types = node.get("type")
    if isinstance(types, str):
        return frozenset({types})
    if isinstance(types, list):
        return frozenset(str(t) for t in types)
    # A missing `type` beside `properties`/`items` means the same to every client generator.
    if "properties" in node:
        return frozenset({"object"})
    if "items" in node:
        return frozenset({"array"})
    return None


def _enum(node: Node) -> list[Any] | None:
    if isinstance(node.get("enum"), list):
        return list(node["enum"])
    return [node["const"]] if "const" in node else None


def _describe(spec: Spec, raw: Any) -> str:
    """A short type description such as `integer`, `array of string` or `CostsResult or null`."""
    node, name = spec.deref(raw)
    core, nullable = _split_null(node)
    if name is None and "$ref" in core:
        core, name = spec.deref(core)
    keyword = _union_keyword(core)
    if name:
        text = name
    elif keyword:
        text = " | ".join(_describe(spec, m) for m in core[keyword])
    elif _types(core) == frozenset({"array"}):
        text = f"array of {_describe(spec, core.get('items', {}))}"
    else:
        text = " | ".join(sorted(_types(core) or {"any"}))
        if core.get("format"):
            text += f" ({core['format']})"
    return f"{text} or null" if nullable else text


def _security(raw: Any) -> frozenset[str]:
    """Security requirements as comparable strings, e.g. `AdminApiKeyAuth` or `A+B[scope]`."""
    found = set()
    for requirement in raw if isinstance(raw, list) else []:
        parts = []
        for scheme, scopes in sorted((requirement or {}).items()):
            parts.append(scheme + (f"[{','.join(sorted(scopes))}]" if scopes else ""))
        found.add("+".join(parts) or "anonymous")
    return frozenset(found)


def _parameter_style(param: Node) -> tuple[str, str]:
    """Effective (style, explode): how a client serialises the parameter."""
    style = str(
        param.get("style") or ("form" if param.get("in") in ("query", "cookie") else "simple")
    )
    explode = bool(param.get("explode", style == "form"))
    return style, "explode" if explode else "no explode"


class Comparison:
    """Walks upstream's usage operations and ours side by side, collecting findings."""

    def __init__(self, upstream: Spec, ours: Spec) -> None:
        self.up = upstream
        self.ours = ours
        self.report = Report()
        # Named components already compared: each shared schema is reported once, not per use.
        self._done: set[tuple[str, str, str]] = set()
        self._our_schema_names = set(ours.schemas) | {
            str(s["x-upstream"])
            for s in ours.schemas.values()
            if isinstance(s, dict) and "x-upstream" in s
        }

    def run(self) -> Report:
        self._servers()
        for path, method in sorted(self.up.operations.keys() | self.ours.operations.keys()):
            label = f"{method} {path}"
            up = self.up.operations.get((path, method))
            ours = self.ours.operations.get((path, method))
            if up is None:
                assert ours is not None
                ctx = Ctx(f"operation {label}").enter(ours[0]).enter(ours[1])
                self.report.add(
                    ctx, f"removed upstream (ours: operationId {ours[1].get('operationId')})"
                )
            elif ours is None:
                opid = up[1].get("operationId")
                self.report.add(Ctx(f"operation {label}"), f"added upstream (operationId {opid})")
            else:
                self._operation(Ctx(label).enter(ours[0]).enter(ours[1]), up, ours)
        return self.report

    def _first(self, kind: str, up_name: str, our_name: str) -> bool:
        key = (kind, up_name, our_name)
        if key in self._done:
            return False
        self._done.add(key)
        return True

    def _changed(self, ctx: Ctx, what: str, up: Any, ours: Any, *, quote: bool = True) -> None:
        """Report a value that differs; `quote=False` for values that are already text."""
        if _key(up) != _key(ours):
            shown = [_fmt(v) if quote else str(v) for v in (ours, up)]
            self.report.add(ctx, f"{what} changed upstream: {shown[0]} -> {shown[1]}")

    def _added_removed(self, ctx: Ctx, what: str, up: Iterable[str], ours: Iterable[str]) -> None:
        """Report values only one side lists, e.g. server URLs."""
        up_set, our_set = set(up), set(ours)
        for value in sorted(up_set - our_set):
            self.report.add(ctx, f"{what} {_fmt(value)} added upstream")
        for value in sorted(our_set - up_set):
            self.report.add(ctx, f"{what} {_fmt(value)} removed upstream")

    def _servers(self) -> None:
        def urls(spec: Spec) -> list[str]:
            servers = spec.root.get("servers") or []
            return [str(s.get("url")) for s in servers if isinstance(s, dict)]

        self._added_removed(Ctx("servers"), "URL", urls(self.up), urls(self.ours))

    # Operations -----------------------------------------------------------------------------

    def _operation(self, ctx: Ctx, up: tuple[Node, Node], ours: tuple[Node, Node]) -> None:
        (up_item, up_op), (our_item, our_op) = up, ours
        self._changed(ctx, "operationId", up_op.get("operationId"), our_op.get("operationId"))
        self._changed(
            ctx, "deprecated", up_op.get("deprecated", False), our_op.get("deprecated", False)
        )
        self._operation_security(ctx, up_op, our_op)
        self._parameters(ctx, up_item, up_op, our_item, our_op)
        self._request_body(ctx, up_op.get("requestBody"), our_op.get("requestBody"))
        up_responses = {str(k): v for k, v in (up_op.get("responses") or {}).items()}
        our_responses = {str(k): v for k, v in (our_op.get("responses") or {}).items()}
        for code in sorted(up_responses.keys() - our_responses.keys()):
            self.report.add(ctx, f"response {code} added upstream")
        for code in sorted(our_responses.keys() - up_responses.keys()):
            self.report.add(ctx, f"response {code} removed upstream")
        for code in sorted(up_responses.keys() & our_responses.keys()):
            self._response(ctx.sub(code), up_responses[code], our_responses[code])

    def _operation_security(self, ctx: Ctx, up_op: Node, our_op: Node) -> None:
        # An operation without `security` inherits the document's.
        up = _security(up_op.get("security", self.up.root.get("security")))
        ours = _security(our_op.get("security", self.ours.root.get("security")))
        # Requirements are alternatives: any one of them lets a request through.
        shown = [" or ".join(sorted(r)) or "none" for r in (up, ours)]
        self._changed(ctx, "security", shown[0], shown[1], quote=False)
        for scheme in sorted({s for r in up & ours for s in r.split("+")} - {"anonymous"}):
            self._security_scheme(scheme.split("[")[0])

    def _security_scheme(self, name: str) -> None:
        if not self._first("securityScheme", name, name):
            return

        def scheme(spec: Spec) -> Node | None:
            found = spec.root.get("components", {}).get("securitySchemes", {}).get(name)
            return spec.deref(found)[0] if found is not None else None

        up, ours = scheme(self.up), scheme(self.ours)
        ctx = Ctx(f"securityScheme {name}")
        if up is None or ours is None:
            if up is not ours:
                self.report.add(ctx, f"defined only {'upstream' if ours is None else 'in ours'}")
            return
        ctx = ctx.enter(ours)
        for key in ("type", "scheme", "in", "name", "openIdConnectUrl"):
            up_value, our_value = up.get(key), ours.get(key)
            if key == "scheme":  # HTTP auth scheme names are case-insensitive
                up_value, our_value = str(up_value).lower(), str(our_value).lower()
            self._changed(ctx, key, up_value, our_value)

    def _parameters(
        self, ctx: Ctx, up_item: Node, up_op: Node, our_item: Node, our_op: Node
    ) -> None:
        up = self._parameter_map(self.up, up_item, up_op)
        ours = self._parameter_map(self.ours, our_item, our_op)
        for name, param in up.items():
            if name not in ours:
                required = "required" if param.get("required") else "optional"
                kind = _describe(self.up, self._parameter_schema(param))
                self.report.add(
                    ctx.sub(f"param {name}"),
                    f"added upstream ({param.get('in')}, {kind}, {required})",
                )
        for name, param in ours.items():
            if name not in up:
                self.report.add(ctx.sub(f"param {name}").enter(param), "removed upstream")
        for name in [n for n in up if n in ours]:
            self._parameter(ctx.sub(f"param {name}"), up[name], ours[name])

    @staticmethod
    def _parameter_map(spec: Spec, item: Node, op: Node) -> dict[str, Node]:
        """Effective parameters by name: the operation's override its path item's."""
        merged: dict[tuple[str, str], Node] = {}
        for raw in [*(item.get("parameters") or []), *(op.get("parameters") or [])]:
            param, _ = spec.deref(raw)
            merged[(str(param.get("name")), str(param.get("in")))] = param
        names = [name for name, _ in merged]
        return {
            name if names.count(name) == 1 else f"{name} ({where})": param
            for (name, where), param in merged.items()
        }

    @staticmethod
    def _parameter_schema(param: Node) -> Any:
        content = param.get("content")
        if "schema" not in param and isinstance(content, dict) and content:
            return next(iter(content.values())).get("schema", {})
        return param.get("schema", {})

    def _parameter(self, ctx: Ctx, up: Node, ours: Node) -> None:
        ctx = ctx.enter(ours)
        self._changed(ctx, "in", up.get("in"), ours.get("in"))
        for key in ("required", "deprecated", "allowEmptyValue", "allowReserved"):
            default = key == "required" and up.get("in") == "path"
            self._changed(ctx, key, bool(up.get(key, default)), bool(ours.get(key, default)))
        if up.get("in") == ours.get("in"):  # else the default style changes along with `in`
            shown = [", ".join(_parameter_style(p)) for p in (up, ours)]
            self._changed(ctx, "serialisation (style, explode)", shown[0], shown[1], quote=False)
        self._schema(ctx, self._parameter_schema(up), self._parameter_schema(ours))

    def _request_body(self, ctx: Ctx, up_raw: Any, our_raw: Any) -> None:
        if up_raw is None and our_raw is None:
            return
        if up_raw is None or our_raw is None:
            self.report.add(
                ctx, f"request body {'added' if our_raw is None else 'removed'} upstream"
            )
            return
        up, ours = self.up.deref(up_raw)[0], self.ours.deref(our_raw)[0]
        ctx = ctx.sub("request body").enter(ours)
        self._changed(ctx, "required", bool(up.get("required")), bool(ours.get("required")))
        self._content(ctx, up.get("content") or {}, ours.get("content") or {})

    def _response(self, ctx: Ctx, up_raw: Any, our_raw: Any) -> None:
        up, up_name = self.up.deref(up_raw)
        ours, our_name = self.ours.deref(our_raw)
        if up_name and up_name == our_name:
            # A shared response (TooManyRequests) is reported once, under its own name.
            if not self._first("response", up_name, our_name):
                return
            ctx = Ctx(f"response {up_name}")
        ctx = ctx.enter(ours)
        up_headers = {k.lower(): (k, v) for k, v in (up.get("headers") or {}).items()}
        our_headers = {k.lower(): (k, v) for k, v in (ours.get("headers") or {}).items()}
        for key, (name, header) in up_headers.items():
            if key not in our_headers:
                kind = _describe(self.up, self.up.deref(header)[0].get("schema", {}))
                self.report.add(ctx, f"header {name} added upstream ({kind})")
        for key, (name, header) in our_headers.items():
            if key not in up_headers:
                self.report.add(
                    ctx.enter(self.ours.deref(header)[0]), f"header {name} removed upstream"
                )
        for key in sorted(up_headers.keys() & our_headers.keys()):
            up_header = self.up.deref(up_headers[key][1])[0]
            our_header = self.ours.deref(our_headers[key][1])[0]
            header_ctx = ctx.sub(f"header {our_headers[key][0]}").enter(our_header)
            self._changed(
                header_ctx,
                "required",
                bool(up_header.get("required")),
                bool(our_header.get("required")),
            )
            self._schema(header_ctx, up_header.get("schema", {}), our_header.get("schema", {}))
        self._content(ctx, up.get("content") or {}, ours.get("content") or {})

    def _content(self, ctx: Ctx, up: Node, ours: Node) -> None:
        self._added_removed(ctx, "content type", up, ours)
        for media_type in sorted(up.keys() & ours.keys()):
            # JSON is the norm here; naming it on every line would only add noise.
            media_ctx = ctx if media_type == "application/json" else ctx.sub(media_type)
            up_media, our_media = up[media_type] or {}, ours[media_type] or {}
            self._schema(
                media_ctx.enter(our_media), up_media.get("schema", {}), our_media.get("schema", {})
            )

    # Schemas --------------------------------------------------------------------------------

    def _schema(self, ctx: Ctx, up_raw: Any, our_raw: Any) -> None:
        up, up_name = self.up.deref(up_raw)
        ours, our_name = self.ours.deref(our_raw)
        if up_name and our_name:
            if up_name != our_name:
                self._renamed(ctx, up_name, our_name, ours)
            if not self._first("schema", up_name, our_name):
                return
            # A named schema is reported under its own name, whoever refers to it, and is
            # outside the reach of markers on the referring nodes.
            ctx = Ctx(f"schema {our_name}")
        ctx = ctx.enter(ours)
        up, up_nullable = _split_null(up)
        ours, our_nullable = _split_null(ours)
        if up_nullable != our_nullable:
            self.report.add(
                ctx, "now nullable upstream" if up_nullable else "no longer nullable upstream"
            )
        if "$ref" in up or "$ref" in ours:  # `anyOf [$ref, null]` unwrapped to the $ref
            self._schema(ctx, up, ours)
            return
        if _union_keyword(up) or _union_keyword(ours):
            self._union(ctx, up, ours)
        shown = [" | ".join(sorted(_types(node) or {"none"})) for node in (up, ours)]
        self._changed(ctx, "type", shown[0], shown[1], quote=False)
        self._enum_values(ctx, _enum(up), _enum(ours))
        for keyword, default in SCALAR_KEYWORDS.items():
            self._changed(ctx, keyword, up.get(keyword, default), ours.get(keyword, default))
        self._object(ctx, up, ours)
        if "items" in up or "items" in ours:
            self._schema(ctx.step("[]"), up.get("items", {}), ours.get("items", {}))

    def _renamed(self, ctx: Ctx, up_name: str, our_name: str, ours: Node) -> None:
        copied = ours.get("x-upstream")
        if copied is None:
            self.report.add(ctx, f"refers to schema {up_name} upstream, {our_name} in ours")
        elif copied != up_name:
            # The declared copy went stale: no marker can explain that.
            what = f"schema {our_name} copies {copied}, but upstream now uses {up_name}"
            self.report.add(ctx, what, force_drift=True)
        elif ctx.reason or ours.get("x-deviation"):
            reason = ctx.reason or str(ours["x-deviation"])
            self.report.add(replace(ctx, reason=reason), f"schema {our_name} replaces {up_name}")

    def _enum_values(self, ctx: Ctx, up: list[Any] | None, ours: list[Any] | None) -> None:
        if up is None and ours is None:
            return
        if up is None or ours is None:
            what = (
                f"enum {_fmt(up)} added upstream"
                if ours is None
                else f"enum {_fmt(ours)} removed upstream"
            )
            self.report.add(ctx, what)
            return
        up_keys, our_keys = {_key(v) for v in up}, {_key(v) for v in ours}
        for value in up:
            if _key(value) not in our_keys:
                self.report.add(ctx, f"enum value {_fmt(value)} added upstream")
        for value in ours:
            if _key(value) not in up_keys:
                self.report.add(ctx, f"enum value {_fmt(value)} removed upstream")

    def _object(self, ctx: Ctx, up: Node, ours: Node) -> None:
        up_props: Node = up.get("properties") or {}
        our_props: Node = ours.get("properties") or {}
        up_required = set(up.get("required") or [])
        our_required = set(ours.get("required") or [])
        for name, prop in up_props.items():
            if name not in our_props:
                required = "required" if name in up_required else "optional"
                kind = _describe(self.up, prop)
                self.report.add(ctx, f"property '{name}' added upstream ({kind}, {required})")
        for name, prop in our_props.items():
            if name not in up_props:
                self.report.add(
                    ctx.enter(self.ours.deref(prop)[0]), f"property '{name}' removed upstream"
                )
        for name in [n for n in up_props if n in our_props]:
            prop_ctx = ctx.enter(self.ours.deref(our_props[name])[0])
            if (name in up_required) != (name in our_required):
                state = "now" if name in up_required else "no longer"
                self.report.add(prop_ctx, f"property '{name}' {state} required upstream")
            self._schema(ctx.step(name), up_props[name], our_props[name])
        # Absent additionalProperties allows any; compare the effective value.
        up_extra = up.get("additionalProperties", True)
        our_extra = ours.get("additionalProperties", True)
        if isinstance(up_extra, dict) and isinstance(our_extra, dict):
            self._schema(ctx.step(".additionalProperties"), up_extra, our_extra)
        else:
            shown = [v if isinstance(v, bool) else "schema" for v in (up_extra, our_extra)]
            self._changed(ctx, "additionalProperties", shown[0], shown[1])

    def _union(self, ctx: Ctx, up: Node, ours: Node) -> None:
        """Compare `oneOf`/`anyOf` members: $refs by schema name, inline members by position."""
        up_keyword, our_keyword = _union_keyword(up), _union_keyword(ours)
        if up_keyword is None or our_keyword is None:
            self.report.add(
                ctx,
                f"{up_keyword or 'not a union'} upstream, {our_keyword or 'not a union'} in ours",
            )
            return
        up_named, up_inline = self._members(self.up, up[up_keyword])
        our_named, our_inline = self._members(self.ours, ours[our_keyword])
        new = [
            name
            for name in up_named
            if name not in our_named and name not in self._our_schema_names
        ]
        for name in new:
            self.report.add(
                Ctx(f"schema {name}"),
                "added upstream as a union member; ours has no such schema",
                force_drift=True,
            )
        kept = [name for name in up_named if name in our_named]
        left_out = [name for name in up_named if name not in our_named and name not in new]
        extra = [name for name in our_named if name not in up_named]
        changes = []
        if up_keyword != our_keyword:
            changes.append(f"{our_keyword} instead of {up_keyword}")
        if left_out:
            members = ", ".join(kept) or "none"
            changes.append(f"keeps {len(kept)} of {len(up_named)} upstream members ({members})")
        if extra:
            changes.append(f"adds {', '.join(extra)}")
        if len(up_inline) != len(our_inline):
            changes.append(f"{len(our_inline)} inline members instead of {len(up_inline)}")
        up_disc, our_disc = up.get("discriminator"), ours.get("discriminator")
        if _key(up_disc) != _key(our_disc):
            prop = (up_disc or {}).get("propertyName")
            changes.append(
                f"discriminator on '{prop}' dropped"
                if our_disc is None
                else "discriminator changed"
            )
        if changes:
            self.report.add(ctx, "; ".join(changes))
        for name in kept:
            self._schema(ctx, up_named[name], our_named[name])
        for name in extra:
            target = self.ours.deref(our_named[name])[0]
            if target.get("x-deviation"):  # an extra schema of ours, explained once by itself
                self.report.add(Ctx(f"schema {name}").enter(target), "not in upstream")
        for index, (up_member, our_member) in enumerate(zip(up_inline, our_inline, strict=False)):
            self._schema(ctx.step(f".{our_keyword}[{index}]"), up_member, our_member)

    def _members(self, spec: Spec, members: list[Any]) -> tuple[dict[str, Any], list[Any]]:
        """Split union members into $refs, by name (ours: the upstream name copied), and inline."""
        named: dict[str, Any] = {}
        inline: list[Any] = []
        for member in members:
            if isinstance(member, dict) and "$ref" in member:
                target, name = spec.deref(member)
                copied = target.get("x-upstream") if spec is self.ours else None
                named[str(copied or name)] = member
            else:
                inline.append(member)
        return named, inline


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison; print one line per difference and a summary; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    if not 1 <= len(args) <= 2:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        upstream = Spec(Path(args[0]))
        ours = Spec(Path(args[1]) if len(args) == 2 else DEFAULT_OURS)
        report = Comparison(upstream, ours).run()
    except SpecError as exc:
        print(f"compare_upstream: {exc}", file=sys.stderr)
        return 2
    for line in report.lines():
        print(line)
    return 1 if report.drift else 0


if __name__ == "__main__":
    sys.exit(main())
