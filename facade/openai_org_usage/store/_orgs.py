"""Several organizations: a TOML file lists them; their clients share one request budget.

::

    # orgs.toml
    max_concurrency = 4            # requests in flight over all organizations (default 4)

    [[organizations]]
    name = "acme"                  # shown in the summary
    org_id = "org-abc123"          # stored in every row's org_id
    key_env = "OPENAI_ADMIN_KEY_ACME"   # the environment variable holding its admin key

    [[organizations]]
    name = "acme-eu"
    org_id = "org-def456"
    key_env = "OPENAI_ADMIN_KEY_ACME_EU"
    base_url = "https://eu.api.openai.com/v1"   # optional

The file names the variable, never the key: a key is read from the environment when the
client is made, and is never stored, logged or printed. An organization whose variable is
unset, or holds something that is not a key (non-ASCII, whitespace), fails on its own (the
others are synced, the summary says why).

One budget: every client's transport passes through one semaphore of ``max_concurrency``
slots, so all organizations together never have more requests in flight than that, however
many windows each fetches at once.
"""

from __future__ import annotations

import os
import re
import threading
import tomllib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, cast

import attrs
import httpx

from openai_org_usage import InvalidParameterError, UsageClient, check_base_url

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "OrgClient",
    "Organization",
    "OrgsConfig",
    "budget_transport",
    "load_organizations",
    "open_clients",
]

DEFAULT_MAX_CONCURRENCY = 4
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYS = {"name", "org_id", "key_env", "base_url"}


@attrs.frozen
class Organization:
    """One organization of the config file.

    Attributes:
        name: Its name in the summary.
        org_id: The value of ``org_id`` in its rows.
        key_env: The environment variable holding its admin key.
        base_url: The API's base URL, if not the default.
    """

    name: str
    org_id: str
    key_env: str
    base_url: str | None = None


@attrs.frozen
class OrgsConfig:
    """The config file: the organizations and the request budget they share."""

    organizations: tuple[Organization, ...]
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY


@attrs.frozen
class OrgClient:
    """An organization with its open client (or why it has none).

    Attributes:
        name: Its name in the summary.
        org_id: The value of ``org_id`` in its rows.
        client: The client to fetch with; None when it could not be made.
        error: Why there is no client (e.g. its key variable is unset).
    """

    name: str
    org_id: str
    client: UsageClient | None
    error: str | None = None


def load_organizations(path: str | os.PathLike[str]) -> OrgsConfig:
    """Read and check a config file (see the module docstring).

    Raises:
        InvalidParameterError: ``config`` (the file) is missing, not TOML, or holds a wrong
            value; ``allowed`` names the entry and what it must be (never a key's value).
    """
    where = os.fspath(path)

    def bad(what: str) -> InvalidParameterError:
        return InvalidParameterError("config", where, what)

    try:
        data = tomllib.loads(Path(where).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise bad("an existing TOML file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise bad(f"a readable TOML file ({exc})") from None
    unknown = set(data) - {"organizations", "max_concurrency"}
    if unknown:
        raise bad(f"max_concurrency and [[organizations]] only, not {sorted(unknown)[0]}")
    budget = data.get("max_concurrency", DEFAULT_MAX_CONCURRENCY)
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
        raise bad(f"max_concurrency to be an integer >= 1, not {budget!r}")
    entries = data.get("organizations")
    if not isinstance(entries, list) or not entries:
        raise bad("one or more [[organizations]] tables with name, org_id and key_env")
    orgs = [_organization(bad, index, entry) for index, entry in enumerate(entries)]
    for field in ("name", "org_id"):
        seen: set[str] = set()
        for org in orgs:
            value = getattr(org, field)
            if value in seen:
                raise bad(f"each organization's {field} used once; {value!r} is repeated")
            seen.add(value)
    return OrgsConfig(tuple(orgs), budget)


def _organization(
    bad: Callable[[str], InvalidParameterError], index: int, entry: Any
) -> Organization:
    at = f"organizations[{index}]"
    if not isinstance(entry, dict):
        raise bad(f"{at} to be a table with name, org_id and key_env")
    unknown = set(entry) - _KEYS
    if unknown:
        raise bad(f"{at} to have name, org_id, key_env and base_url only, not {sorted(unknown)[0]}")
    values: dict[str, str | None] = {}
    for key in ("name", "org_id", "key_env", "base_url"):
        value = entry.get(key)
        if value is None and key == "base_url":
            values[key] = None
            continue
        if not isinstance(value, str) or not value.strip():
            raise bad(f"{at}.{key} to be a non-empty string")
        values[key] = value.strip()
    key_env = str(values["key_env"])
    if not _ENV_NAME.fullmatch(key_env):
        # A key pasted where its variable's name belongs: never echo it back.
        raise bad(
            f"{at}.key_env to be the name of an environment variable (letters, digits, _), "
            "not a key"
        )
    base_url = values["base_url"]
    if base_url is not None:
        # Checked as the client will check it, but said of the file's entry: the file has no
        # way to allow plain http elsewhere, and the user typed no --base-url.
        try:
            base_url = check_base_url(base_url)
        except InvalidParameterError as exc:
            # Only plain http elsewhere has a hint; its remedy (allow_insecure_http) is not
            # the file's to give.
            why = "; plain http would send the admin key unencrypted" if exc.hint else ""
            raise bad(f"{at}.base_url to be {exc.allowed}, not {base_url!r}{why}") from None
    return Organization(
        name=str(values["name"]),
        org_id=str(values["org_id"]),
        key_env=key_env,
        base_url=base_url,
    )


class _BudgetTransport(httpx.BaseTransport):
    """Holds one slot of a shared semaphore while a request is in flight (body included)."""

    def __init__(self, inner: httpx.BaseTransport, slots: threading.Semaphore) -> None:
        self._inner = inner
        self._slots = slots

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._slots:
            response = self._inner.handle_request(request)
            try:
                # Read inside the slot: the body is most of a page's time on the wire.
                # The stream itself, not iter_raw(): a response the inner transport built
                # from bytes counts as consumed for iter_raw().
                body = b"".join(cast(Iterable[bytes], response.stream))
            finally:
                response.close()
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            # The body as it came (still encoded): the client decodes it, as without us.
            stream=httpx.ByteStream(body),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._inner.close()


def budget_transport(inner: httpx.BaseTransport, slots: threading.Semaphore) -> httpx.BaseTransport:
    """``inner`` with at most as many requests in flight as ``slots`` allows (shared)."""
    return _BudgetTransport(inner, slots)


def open_clients(
    orgs: Sequence[Organization],
    *,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    transports: Sequence[httpx.BaseTransport] | None = None,
    **client_options: Any,
) -> list[OrgClient]:
    """A client per organization, all within one budget of ``max_concurrency`` requests.

    Args:
        orgs: The organizations.
        max_concurrency: Requests in flight over all of them.
        transports: One transport per organization (tests, demo fakes); default: HTTP.
        client_options: Passed to every ``UsageClient`` (``timeout``, ``max_retries`` ...).

    An organization whose key variable is unset or empty, or holds what no server could take
    as a key (not printable ASCII, or with whitespace: a line break read from a file), gets
    no client and an ``error`` naming the variable (never the key); close the clients when
    done.
    """
    if transports is not None and len(transports) != len(orgs):
        raise InvalidParameterError("transports", len(transports), f"{len(orgs)} transports")
    slots = threading.BoundedSemaphore(max_concurrency)
    out: list[OrgClient] = []
    for index, org in enumerate(orgs):
        inner = transports[index] if transports is not None else None
        key = os.environ.get(org.key_env, "") if inner is None else "demo"
        if not key:
            out.append(
                OrgClient(
                    org.name, org.org_id, None, f"environment variable {org.key_env} is unset"
                )
            )
            continue
        transport = budget_transport(inner or httpx.HTTPTransport(), slots)
        try:
            client = UsageClient(
                api_key=key,
                base_url=org.base_url,
                transport=transport,
                max_concurrency=max_concurrency,
                **client_options,
            )
        except InvalidParameterError as exc:
            if inner is None:
                transport.close()  # ours: a caller's transport is the caller's to close
            if exc.param != "api_key":
                raise
            # The client's words (never the key), said of the variable the file names.
            why = f"; {exc.hint}" if exc.hint else ""
            out.append(
                OrgClient(
                    org.name,
                    org.org_id,
                    None,
                    f"environment variable {org.key_env} does not hold a usable admin key: "
                    f"expected {exc.allowed}{why}",
                )
            )
            continue
        out.append(OrgClient(org.name, org.org_id, client))
    return out
