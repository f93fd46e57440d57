"""The synthetic organization: projects, users, API keys, vector stores and usage streams.

Usage is modelled as *streams*: one stream is a fixed combination of dimension values (project,
user, key, model, ...) with a base daily rate per *atom* (an additive counter such as requests or
uncached text tokens). Every reported field is a sum of atoms, so any aggregation of any time
range stays internally consistent. :mod:`._series` turns a stream into numbers for a time range.

The topology (which user uses which key in which project) is a :class:`Topology`: the small
demo organization's is fixed (:data:`SMALL_TOPOLOGY`), a larger one is generated from its size
(:mod:`._scaled`); identifiers and rates come from the seed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Final

from . import _prices as P
from ._hashing import lanes, mix64, token

__all__ = [
    "AGENTS_API",
    "AGENTS_API_KEYS",
    "AUDIO_MODEL",
    "CHAT_MODELS",
    "COMPLETIONS_ATOMS",
    "C_CACHED_AUDIO",
    "C_CACHED_IMAGE",
    "C_CACHED_TEXT",
    "C_CACHE_WRITE_12H",
    "C_CACHE_WRITE_30M",
    "C_OUT_AUDIO",
    "C_OUT_IMAGE",
    "C_OUT_TEXT",
    "C_REQUESTS",
    "C_UNCACHED_AUDIO",
    "C_UNCACHED_IMAGE",
    "C_UNCACHED_TEXT",
    "DAY0",
    "KEY_PROJECT",
    "KEY_USERS",
    "PROJECT_USERS",
    "PROJECT_UTC_OFFSETS",
    "SMALL_TOPOLOGY",
    "UNLABELED",
    "VECTOR_STORE_PROJECT",
    "Builder",
    "CostLine",
    "DimValue",
    "Organization",
    "Stream",
    "TokenStream",
    "Topology",
    "api_source",
    "billed_in",
    "build_organization",
    "organization_of",
    "token_stream",
]

DimValue = str | bool | None

# Atom layout of completions and decisions streams; every token field is a sum of these. Cache
# writes are two atoms, one per retention, so their total is exactly 30m + 12h at any grain.
C_REQUESTS, C_CACHED_TEXT, C_CACHED_AUDIO, C_CACHED_IMAGE = 0, 1, 2, 3
C_UNCACHED_TEXT, C_UNCACHED_AUDIO, C_UNCACHED_IMAGE = 4, 5, 6
C_CACHE_WRITE_30M, C_CACHE_WRITE_12H = 7, 8
C_OUT_TEXT, C_OUT_AUDIO, C_OUT_IMAGE = 9, 10, 11
COMPLETIONS_ATOMS: Final = 12

# Each project works in its own timezone, which shifts its hour-of-day traffic peak.
PROJECT_UTC_OFFSETS: Final = (-5, 1, 0, 8)
PROJECT_USERS: Final = ((0, 1, 2), (2, 3), (4, 5, 6), (7, 0))
KEY_PROJECT: Final = (0, 0, 1, 2, 2, 3)
KEY_USERS: Final = ((0, 1), (1, 2), (2, 3), (4, 5), (5, 6), (7, 0))
VECTOR_STORE_PROJECT: Final = (0, 0, 1, 2, 2)
AGENTS_API_KEYS: Final = (1, 4)
"""API keys whose completions, decisions and web search traffic comes through the Agents API;
everything else is ``unlabeled`` (``api_source``)."""
AGENTS_API: Final = "agents_api"
UNLABELED: Final = "unlabeled"

CHAT_MODELS: Final = ("gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18", "o3-mini-2025-01-31")
AUDIO_MODEL: Final = "gpt-4o-audio-preview-2024-12-17"

# (input tokens/request, output tokens/request, share of input that is image tokens)
_MODEL_PROFILE: Final[Mapping[str, tuple[float, float, float]]] = {
    "gpt-4o-2024-08-06": (1500.0, 350.0, 0.08),
    "gpt-4o-mini-2024-07-18": (900.0, 250.0, 0.05),
    "o3-mini-2025-01-31": (1200.0, 700.0, 0.0),
    AUDIO_MODEL: (600.0, 300.0, 0.0),
}
_DEFAULT_PROFILE: Final = (1100.0, 400.0, 0.03)

DAY0: Final = 19723
"""First day with data: 2024-01-01 as days since the Unix epoch."""


@dataclass(frozen=True, slots=True)
class Topology:
    """Who works where: users of each project, the project and users of each API key.

    Indices refer to the organization's ``projects``, ``users`` and ``api_keys`` tuples.
    ``project_utc_offsets`` is indexed by a stream's ``variant`` (its project's index; a
    generated organization appends one variant per project for its nightly batch jobs, offset
    by twelve hours so their peak falls in the project's night). ``key_users[k][0]`` owns key
    ``k`` unless ``key_service_account`` names the service account (by index in
    ``service_accounts``, which holds each account's project) that does. ``hand_made`` is
    true for the small demo organization only, whose names the directory has by heart.
    """

    project_users: tuple[tuple[int, ...], ...]
    key_project: tuple[int, ...]
    key_users: tuple[tuple[int, ...], ...]
    project_utc_offsets: tuple[int, ...]
    vector_store_project: tuple[int, ...]
    agents_api_keys: frozenset[int]
    service_accounts: tuple[int, ...]
    key_service_account: Mapping[int, int]
    hand_made: bool = False


SMALL_TOPOLOGY: Final = Topology(
    project_users=PROJECT_USERS,
    key_project=KEY_PROJECT,
    key_users=KEY_USERS,
    project_utc_offsets=PROJECT_UTC_OFFSETS,
    vector_store_project=VECTOR_STORE_PROJECT,
    agents_api_keys=frozenset(AGENTS_API_KEYS),
    service_accounts=(0, 3),
    key_service_account=MappingProxyType({5: 1}),
    hand_made=True,
)
"""The small demo organization: 4 projects, 8 users, 6 keys, 2 service accounts."""


@dataclass(frozen=True, eq=False, slots=True)
class Stream:
    """One source of usage with fixed dimension values.

    ``base`` is the mean daily value of each atom on a weekday at growth factor 1; atom 0 is the
    driver (requests, calls, sessions, or stored bytes for a gauge) that the other atoms follow
    through the day. Hashing is by identity so streams are cheap cache keys.
    """

    key: int
    op: str
    dims: Mapping[str, DimValue]
    base: tuple[float, ...]
    activity: float
    variant: int
    out_from: int
    gauge: bool = False
    created_day: int = DAY0
    month_end: bool = False
    """A month-end batch job: traffic only on the last ``month_end_days`` days of each month."""
    month_end_days: int = 2
    """How many of a month's last days a month-end job runs on (1 to 3)."""


@dataclass(frozen=True, eq=False, slots=True)
class CostLine:
    """How one stream contributes to one costs line item.

    quantity = sum of ``atoms`` of the stream (for a gauge: GiB-hours of storage), and
    amount = quantity x ``unit_price``.
    """

    line_item: str
    quantity_unit: str | None
    project_id: str | None
    api_key_id: str | None
    user_id: str | None
    api_source: str
    """``agents_api`` or ``unlabeled``: every line without that attribution is unlabeled."""
    stream: Stream
    atoms: tuple[int, ...]
    unit_price: float
    currency: str = "usd"
    """What ``amount.currency`` says (lowercase ISO 4217); see :func:`billed_in`."""


@dataclass(frozen=True, slots=True)
class Organization:
    """Identifiers of the synthetic organization and its usage streams by operation."""

    seed: int
    projects: tuple[str, ...]
    users: tuple[str, ...]
    api_keys: tuple[str, ...]
    vector_stores: tuple[str, ...]
    streams: Mapping[str, tuple[Stream, ...]]
    cost_lines: tuple[CostLine, ...]
    models: frozenset[str] = field(default_factory=frozenset)
    topology: Topology = SMALL_TOPOLOGY

    def project_of_key(self, api_key_id: str) -> str:
        """The project an API key belongs to."""
        return self.projects[self.topology.key_project[self.api_keys.index(api_key_id)]]


class Builder:
    """Collects the streams and cost lines of an organization (``rng`` seeded by ``seed``)."""

    def __init__(self, seed: int, topology: Topology = SMALL_TOPOLOGY, stores: int = 5) -> None:
        self.seed = seed
        self.topology = topology
        # Only random() is used: its sequence for an int seed is guaranteed stable across Pythons.
        self.rng = random.Random(seed)
        self.projects = tuple(
            f"proj_{token(seed, 1, i, 24)}" for i in range(len(topology.project_users))
        )
        self.users = tuple(
            f"user-{token(seed, 2, i, 24)}"
            for i in range(1 + max(u for users in topology.project_users for u in users))
        )
        self.keys = tuple(f"key_{token(seed, 3, i, 16)}" for i in range(len(topology.key_project)))
        self.stores = tuple(f"vs_{token(seed, 4, i, 24)}" for i in range(stores))
        self.streams: dict[str, list[Stream]] = {}
        self.lines: list[CostLine] = []
        self.counter = 0

    def rate(self, low: float, high: float) -> float:
        """Log-uniform draw: traffic volumes span orders of magnitude."""
        return math.exp(math.log(low) + self.rng.random() * (math.log(high) - math.log(low)))

    def add(
        self,
        op: str,
        dims: dict[str, DimValue],
        base: tuple[float, ...],
        *,
        project: int,
        out_from: int | None = None,
        gauge: bool = False,
        created_day: int = DAY0,
        activity: float | None = None,
        variant: int | None = None,
        month_end: bool = False,
        month_end_days: int = 2,
    ) -> Stream:
        """A new stream; ``activity`` (share of days with traffic) is drawn unless given."""
        self.counter += 1
        if activity is None:
            activity = 1.0 if gauge else 0.55 + 0.45 * self.rng.random()
        stream = Stream(
            key=self.counter,
            op=op,
            dims=MappingProxyType(dims),
            base=base,
            activity=activity,
            variant=project if variant is None else variant,
            out_from=len(base) if out_from is None else out_from,
            gauge=gauge,
            created_day=created_day,
            month_end=month_end,
            month_end_days=month_end_days,
        )
        self.streams.setdefault(op, []).append(stream)
        return stream

    def line(
        self,
        stream: Stream,
        item: str,
        unit: str | None,
        atoms: tuple[int, ...],
        unit_price: float,
    ) -> None:
        """Bill ``atoms`` of ``stream`` as line item ``item`` at ``unit_price`` per unit."""
        project = stream.dims.get("project_id")
        key = stream.dims.get("api_key_id")
        user = stream.dims.get("user_id")
        source = stream.dims.get("api_source")
        self.lines.append(
            CostLine(
                line_item=item,
                quantity_unit=unit,
                project_id=project if isinstance(project, str) else None,
                api_key_id=key if isinstance(key, str) else None,
                user_id=user if isinstance(user, str) else None,
                api_source=source if isinstance(source, str) else UNLABELED,
                stream=stream,
                atoms=atoms,
                unit_price=unit_price,
            )
        )

    def per_request(
        self, op: str, key: int, user: int, model: str, rate: tuple[float, float], size: float
    ) -> Stream:
        """A stream of ``op`` by one key, user and model: requests, and ``size`` units each."""
        requests = self.rate(*rate)
        return self.add(
            op,
            self.who(key, user) | {"model": model},
            (requests, requests * size),
            project=self.topology.key_project[key],
        )

    def per_project(
        self,
        op: str,
        project: int,
        base: tuple[float, ...],
        *,
        gauge: bool = False,
        created_day: int = DAY0,
    ) -> Stream:
        """A stream of ``op`` by one project alone (no key, user or model)."""
        dims: dict[str, DimValue] = {"project_id": self.projects[project]}
        return self.add(op, dims, base, project=project, gauge=gauge, created_day=created_day)

    def who(self, key: int, user: int) -> dict[str, DimValue]:
        """The project, user and key dimensions of traffic by ``user`` with ``key``."""
        return {
            "project_id": self.projects[self.topology.key_project[key]],
            "user_id": self.users[user],
            "api_key_id": self.keys[key],
        }

    def twelve_hour_share(self) -> float:
        """Share of the next stream's cache writes kept for 12 hours (the rest: 30 minutes).

        From the seed's hash rather than ``rng``, so adding the split left every earlier draw,
        and with it the rest of the organization, as it was.
        """
        uses, share, _, _ = lanes(mix64(self.seed, 0xCA12, self.counter + 1))
        return 0.0 if uses < 0.4 else 0.15 + 0.5 * share


def api_source(key: int, topology: Topology = SMALL_TOPOLOGY) -> str:
    """The ``api_source`` of traffic made with API key number ``key``."""
    return AGENTS_API if key in topology.agents_api_keys else UNLABELED


def billed_in(org: Organization, currencies: Mapping[str, str]) -> Organization:
    """``org`` with the costs of some projects billed in another currency (by project id).

    The amounts stay the price list's numbers, only labelled in that currency: no exchange
    rate is modelled. Usage is unchanged.

    Raises:
        ValueError: A project id the organization does not have, or a currency that is not
            three ASCII letters.
    """
    for project, currency in currencies.items():
        if project not in org.projects:
            raise ValueError(f"project_currencies: no project {project!r} in this organization")
        if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
            raise ValueError(f"project_currencies: {currency!r} is not an ISO 4217 code")
    lines = tuple(
        replace(line, currency=currencies[line.project_id].lower())
        if line.project_id is not None and line.project_id in currencies
        else line
        for line in org.cost_lines
    )
    return replace(org, cost_lines=lines)


def build_organization(seed: int) -> Organization:
    """Build the small organization for ``seed`` (pure: the same seed, the same organization)."""
    b = Builder(seed)
    _completions(b)
    _simple_usage(b)
    _tools_and_storage(b)
    # Last, so its draws from ``rng`` come after everything that existed before it.
    _decisions(b)
    return organization_of(b)


def organization_of(b: Builder) -> Organization:
    """The organization ``b`` has built."""
    models = frozenset(
        str(s.dims["model"]) for ops in b.streams.values() for s in ops if s.dims.get("model")
    )
    return Organization(
        seed=b.seed,
        projects=b.projects,
        users=b.users,
        api_keys=b.keys,
        vector_stores=b.stores,
        streams=MappingProxyType({op: tuple(s) for op, s in b.streams.items()}),
        cost_lines=tuple(b.lines),
        models=models,
        topology=b.topology,
    )


def _completions(b: Builder) -> None:
    specs: list[tuple[int, int, str, bool, str]] = []
    for key, users in enumerate(KEY_USERS):
        for user in users:
            first = int(b.rng.random() * len(CHAT_MODELS))
            second = (first + 1 + int(b.rng.random() * (len(CHAT_MODELS) - 1))) % len(CHAT_MODELS)
            for model_index in (first, second):
                specs.append((key, user, CHAT_MODELS[model_index], False, "default"))
    specs += [
        (0, 1, AUDIO_MODEL, False, "default"),
        (1, 2, "gpt-4o-2024-08-06", False, "priority"),
        (3, 4, "o3-mini-2025-01-31", False, "flex"),
        (5, 7, "gpt-4o-mini-2024-07-18", True, "default"),
        (5, 0, "gpt-4o-2024-08-06", True, "default"),
    ]
    for key, user, model, batch, tier in specs:
        requests = b.rate(40.0, 3000.0) * (4.0 if batch else 1.0)
        token_stream(b, "completions", TokenStream(key, user, model, batch, tier, requests))


@dataclass(frozen=True, slots=True)
class TokenStream:
    """What a completions-shaped stream is: who, which model, how, and how much.

    ``product`` names the line items after the model (``""`` for completions, whose line
    items are ``"<model>, input"``; ``"decisions "`` gives ``"<model>, decisions input"``).
    ``activity``, ``variant``, ``month_end`` and ``month_end_days`` are as :class:`Stream` has
    them (``None``: drawn, and the key's project).
    """

    key: int
    user: int
    model: str
    batch: bool
    tier: str
    requests: float
    product: str = ""
    activity: float | None = None
    variant: int | None = None
    month_end: bool = False
    month_end_days: int = 2


def token_stream(b: Builder, op: str, spec: TokenStream) -> Stream:
    """A completions-shaped stream (completions, decisions) and its cost lines."""
    key, user, model, batch, tier = spec.key, spec.user, spec.model, spec.batch, spec.tier
    requests, product = spec.requests, spec.product
    per_in, per_out, image_share = _MODEL_PROFILE.get(model, _DEFAULT_PROFILE)
    if batch:
        per_in *= 1.8
    audio_share, audio_out_share = (0.6, 0.7) if model == AUDIO_MODEL else (0.0, 0.0)
    cached = 0.15 + 0.4 * b.rng.random()
    write = 0.02 + 0.06 * b.rng.random()
    twelve_hours = b.twelve_hour_share()
    tokens_in = requests * per_in
    by_modality = {
        "text": tokens_in * (1.0 - image_share - audio_share),
        "audio": tokens_in * audio_share,
        "image": tokens_in * image_share,
    }
    # Audio input cannot be written to the prompt cache in this model; keep it read-only.
    cache_write = (by_modality["text"] + by_modality["image"]) * write
    out = requests * per_out
    base = [0.0] * COMPLETIONS_ATOMS
    base[C_REQUESTS] = requests
    base[C_CACHED_TEXT] = by_modality["text"] * cached
    base[C_CACHED_AUDIO] = by_modality["audio"] * cached * 0.3
    base[C_CACHED_IMAGE] = by_modality["image"] * cached
    base[C_UNCACHED_TEXT] = by_modality["text"] * (1.0 - cached - write)
    base[C_UNCACHED_AUDIO] = by_modality["audio"] * (1.0 - cached * 0.3)
    base[C_UNCACHED_IMAGE] = by_modality["image"] * (1.0 - cached - write)
    base[C_CACHE_WRITE_30M] = cache_write * (1.0 - twelve_hours)
    base[C_CACHE_WRITE_12H] = cache_write * twelve_hours
    base[C_OUT_TEXT] = out * (1.0 - audio_out_share)
    base[C_OUT_AUDIO] = out * audio_out_share
    dims = b.who(key, user) | {
        "model": model,
        "batch": batch,
        "service_tier": tier,
        "api_source": api_source(key, b.topology),
    }
    stream = b.add(
        op,
        dims,
        tuple(base),
        project=b.topology.key_project[key],
        out_from=C_OUT_TEXT,
        activity=spec.activity,
        variant=spec.variant,
        month_end=spec.month_end,
        month_end_days=spec.month_end_days,
    )
    price = P.token_price(model, batch=batch, service_tier=tier)
    factor = 1.0 / 1e6
    prefix = f"{model}, {product}batch " if batch else f"{model}, {product}"
    writes = (C_CACHE_WRITE_30M, C_CACHE_WRITE_12H)
    for item, atoms, unit_price in (
        # Cache writes, of either retention, are billed as input.
        ("input", (C_UNCACHED_TEXT, C_UNCACHED_IMAGE, *writes), price.input),
        ("cached input", (C_CACHED_TEXT, C_CACHED_IMAGE), price.cached_input),
        ("output", (C_OUT_TEXT, C_OUT_IMAGE), price.output),
        ("audio input", (C_UNCACHED_AUDIO,), price.audio_input),
        ("cached audio input", (C_CACHED_AUDIO,), price.cached_audio_input),
        ("audio output", (C_OUT_AUDIO,), price.audio_output),
    ):
        if unit_price > 0.0:
            b.line(stream, prefix + item, "tokens", atoms, unit_price * factor)
    return stream


def _decisions(b: Builder) -> None:
    """Decisions API traffic: completions-shaped, its own streams, smaller and burstier."""
    for key, user, model, batch, tier in (
        (1, 1, "gpt-4o-2024-08-06", False, "default"),
        (1, 2, "o3-mini-2025-01-31", False, "default"),
        (2, 3, "gpt-4o-mini-2024-07-18", False, "default"),
        (3, 5, "gpt-4o-mini-2024-07-18", False, "priority"),
        (4, 6, "gpt-4o-2024-08-06", False, "default"),
        (5, 7, "gpt-4o-mini-2024-07-18", True, "default"),
    ):
        requests = b.rate(15.0, 900.0) * (3.0 if batch else 1.0)
        token_stream(
            b, "decisions", TokenStream(key, user, model, batch, tier, requests, "decisions ")
        )


def _simple_usage(b: Builder) -> None:
    for key, user, model, per_request in (
        (2, 3, "text-embedding-3-small", 350.0),
        (3, 4, "text-embedding-3-large", 500.0),
        (5, 7, "text-embedding-3-small", 800.0),
    ):
        s = b.per_request("embeddings", key, user, model, (200.0, 5000.0), per_request)
        b.line(s, f"{model}, input", "tokens", (1,), P.TOKEN_PRICES[model].input / 1e6)
    for key, user, model in ((0, 0, "omni-moderation-latest"), (2, 3, "text-moderation-latest")):
        b.per_request("moderations", key, user, model, (100.0, 2000.0), 120.0)
        # Moderations are free: no cost line.
    for key, user, model, source, size, per_request in (
        (1, 2, "dall-e-3", "image.generation", "1024x1024", 1.0),
        (1, 2, "dall-e-3", "image.generation", "1024x1792", 1.0),
        (4, 6, "dall-e-3", "image.generation", "1792x1792", 1.0),
        (4, 6, "dall-e-2", "image.edit", "512x512", 2.0),
        (4, 6, "dall-e-2", "image.variation", "256x256", 3.0),
    ):
        requests = b.rate(5.0, 120.0)
        s = b.add(
            "images",
            b.who(key, user) | {"model": model, "source": source, "size": size},
            # Atom 1 is the images beyond one per request, so images >= requests always holds.
            (requests, requests * (per_request - 1.0 + 0.5 * b.rng.random())),
            project=b.topology.key_project[key],
        )
        b.line(s, f"{model}, {size} images", "images", (0, 1), P.IMAGE_PRICES[model, size])
    for key, user, model in ((0, 1, "tts-1"), (2, 3, "tts-1-hd")):
        s = b.per_request("audio_speeches", key, user, model, (20.0, 400.0), 450.0)
        b.line(s, f"{model}, characters", "characters", (1,), P.SPEECH_PRICES[model] / 1e6)
    for key, user, model in ((0, 0, "whisper-1"), (3, 5, "gpt-4o-mini-transcribe")):
        s = b.per_request("audio_transcriptions", key, user, model, (20.0, 300.0), 95.0)
        b.line(s, f"{model}, audio", "duration_seconds", (1,), P.TRANSCRIPTION_PRICES[model])


def _tools_and_storage(b: Builder) -> None:
    for project in VECTOR_STORE_PROJECT:
        created = DAY0 + int(b.rng.random() * 240)
        size = b.rate(5e6, 3e9)
        s = b.per_project("vector_stores", project, (size,), gauge=True, created_day=created)
        b.line(
            s,
            "vector store storage",
            "gibibyte_hours",
            (0,),
            P.VECTOR_STORAGE_PRICE_PER_GIB_DAY / 24.0,
        )
    for store, key, user in ((0, 0, 0), (1, 1, 2), (2, 2, 3), (3, 3, 5), (4, 4, 6)):
        calls = b.rate(30.0, 1500.0)
        s = b.add(
            "file_search_calls",
            b.who(key, user) | {"vector_store_id": b.stores[store]},
            (calls,),
            project=b.topology.key_project[key],
        )
        b.line(s, "file search tool calls", "calls", (0,), P.FILE_SEARCH_PRICE_PER_1000 / 1000)
    for project in (1, 2):
        sessions = b.rate(10.0, 300.0)
        s = b.per_project("code_interpreter_sessions", project, (sessions,))
        b.line(
            s, "code interpreter sessions", "sessions", (0,), P.CODE_INTERPRETER_PRICE_PER_SESSION
        )
    for key, user, model, level in (
        (0, 1, "gpt-4o-2024-08-06", "medium"),
        (1, 2, "gpt-4o-mini-2024-07-18", "low"),
        (3, 4, "gpt-4o-2024-08-06", "high"),
        (4, 6, "gpt-4o-mini-2024-07-18", "medium"),
    ):
        requests = b.rate(20.0, 800.0)
        s = b.add(
            "web_search_calls",
            b.who(key, user)
            | {"model": model, "context_level": level, "api_source": api_source(key, b.topology)},
            # Atom 1: extra calls beyond one per model request (num_requests >= requests).
            (requests, requests * (0.2 + 0.8 * b.rng.random())),
            project=b.topology.key_project[key],
        )
        b.line(
            s,
            f"web search tool calls, {level} context",
            "calls",
            (0, 1),
            P.WEB_SEARCH_PRICES[level] / 1000,
        )
