"""List prices of usage, from the ``genai-prices`` data (provider ``openai``).

One place turns a usage result into money: :func:`quantities` splits a result's row (its
values by the row shape's column names, :data:`PRICE_COLUMNS`) into priced units (uncached,
cached and cache-write input, audio and image tokens, characters, seconds, web searches),
:class:`PriceBook` looks up what one unit of each costs for a model, a batch
flag, a service tier and a day, and :func:`estimate` multiplies. The fake API prices its
synthetic usage with the same :class:`PriceBook`, so the two agree by construction.

Prices are linear in usage here: a tiered price (a higher rate past a per-request input size)
is read at its base rate, because the usage endpoints report sums over many requests.
"""

from __future__ import annotations

import warnings
from bisect import bisect_right
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from types import MappingProxyType
from typing import Any, Final

import attrs

from ._errors import MissingDependencyError

__all__ = [
    "PRICED_OPERATIONS",
    "PRICE_COLUMNS",
    "PROVIDER",
    "UNIT_USAGE",
    "UNPRICED_OPERATIONS",
    "Estimate",
    "PriceBook",
    "price_data_version",
    "quantities",
]

PROVIDER: Final = "openai"

_PER: Final = 1_000_000
"""Units priced at once when reading a unit price (prices are per million tokens, per
thousand searches, per hour): a round count keeps the per-unit price an exact decimal."""

UNIT_USAGE: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        # Each unit as genai-prices' usage keys: a descendant key needs its ancestors too
        # (cached audio is input, audio input and cache-read tokens at once).
        "input": ("input_tokens",),
        "cached input": ("input_tokens", "cache_read_tokens"),
        "cache write": ("input_tokens", "cache_write_tokens"),
        "audio input": ("input_tokens", "input_audio_tokens"),
        "cached audio input": (
            "input_tokens",
            "input_audio_tokens",
            "cache_read_tokens",
            "cache_audio_read_tokens",
        ),
        "image input": ("input_tokens", "input_image_tokens"),
        "cached image input": (
            "input_tokens",
            "input_image_tokens",
            "cache_read_tokens",
            "cache_image_read_tokens",
        ),
        "output": ("output_tokens",),
        "audio output": ("output_tokens", "output_audio_tokens"),
        "image output": ("output_tokens", "output_image_tokens"),
        "characters": ("input_characters",),
        "audio seconds": ("audio_seconds", "input_audio_seconds"),
        "web searches": ("web_searches",),
    }
)
"""The priced units and the genai-prices usage keys one unit of each counts in."""

PRICED_OPERATIONS: Final = (
    "completions",
    "decisions",
    "embeddings",
    "audio_speeches",
    "audio_transcriptions",
    "web_search_calls",
)
"""Usage endpoints whose results carry a model and units the price data prices."""

UNPRICED_OPERATIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "images": "images are billed per image by size; the price data has no per-image prices",
        "moderations": "moderations are free",
        "vector_stores": "storage is reported per project only, with no model, user or key",
        "code_interpreter_sessions": "sessions are reported per project only",
        "file_search_calls": "file search calls carry no model to price them by",
    }
)
"""Usage endpoints that cannot be priced per row, and why."""


def price_data_version() -> str:
    """``genai-prices <version>``: the price data every estimate comes from."""
    try:
        return f"genai-prices {version('genai-prices')}"
    except PackageNotFoundError as exc:
        raise MissingDependencyError("Cost estimates", "prices", "genai-prices") from exc


@attrs.frozen
class Estimate:
    """What a result costs at list price.

    Attributes:
        amount: USD, or None when it cannot be priced (``reason`` says why).
        reason: Why it is unpriced (None when priced).
    """

    amount: Decimal | None
    reason: str | None = None


def _int(value: object) -> int:
    # Optional fields may be unset (older API versions) or null: they count as zero.
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


_TOKEN_COLUMNS: Final = (
    "input_tokens",
    "input_cached_tokens",
    "input_cache_write_tokens",
    "input_cached_audio_tokens",
    "input_cached_image_tokens",
    "input_audio_tokens",
    "input_image_tokens",
    "output_tokens",
    "output_audio_tokens",
    "output_image_tokens",
)
_PRICE_KEYS: Final = ("model", "batch", "service_tier")

PRICE_COLUMNS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "completions": (*_TOKEN_COLUMNS, *_PRICE_KEYS),
        "decisions": (*_TOKEN_COLUMNS, *_PRICE_KEYS),
        "embeddings": ("input_tokens", *_PRICE_KEYS),
        "audio_speeches": ("characters", *_PRICE_KEYS),
        "audio_transcriptions": ("seconds", *_PRICE_KEYS),
        "web_search_calls": ("num_requests", *_PRICE_KEYS),
    }
)
"""The columns (of ``openai_org_usage.export``'s row shape) a priced operation's row needs
for :meth:`PriceBook.estimate`; a column the operation lacks reads as None."""


def quantities(operation: str, row: Mapping[str, Any]) -> dict[str, int]:
    """A result's priced units (``UNIT_USAGE`` keys) with a non-zero count.

    Token fields follow the API's definitions: ``input_tokens`` is uncached + cached +
    cache-write input; ``input_text/audio/image_tokens`` are uncached; the cached ones are
    split by modality; what no breakdown claims is text. Negative remainders (a result whose
    parts exceed its total) count as zero rather than as a credit.

    Args:
        operation: The operation's name.
        row: The result's values by column name (at least ``PRICE_COLUMNS[operation]``).
    """
    if operation in ("completions", "decisions"):
        cached = _int(row["input_cached_tokens"])
        writes = _int(row["input_cache_write_tokens"])
        cached_audio = _int(row["input_cached_audio_tokens"])
        cached_image = _int(row["input_cached_image_tokens"])
        audio_in = _int(row["input_audio_tokens"])
        image_in = _int(row["input_image_tokens"])
        audio_out = _int(row["output_audio_tokens"])
        image_out = _int(row["output_image_tokens"])
        counts = {
            "input": _int(row["input_tokens"]) - cached - writes - audio_in - image_in,
            "cached input": cached - cached_audio - cached_image,
            "cache write": writes,
            "audio input": audio_in,
            "cached audio input": cached_audio,
            "image input": image_in,
            "cached image input": cached_image,
            "output": _int(row["output_tokens"]) - audio_out - image_out,
            "audio output": audio_out,
            "image output": image_out,
        }
    elif operation == "embeddings":
        counts = {"input": _int(row["input_tokens"])}
    elif operation == "audio_speeches":
        counts = {"characters": _int(row["characters"])}
    elif operation == "audio_transcriptions":
        counts = {"audio seconds": _int(row["seconds"])}
    elif operation == "web_search_calls":
        counts = {"web searches": _int(row["num_requests"])}
    else:
        return {}
    return {unit: count for unit, count in counts.items() if count > 0}


class PriceBook:
    """Unit prices (USD per unit) by model, batch, service tier and day, read once each."""

    def __init__(self) -> None:
        self._prices: dict[
            tuple[str, bool, str | None, date | int], Mapping[str, Decimal] | None
        ] = {}

    def unit_prices(
        self, model: str, *, batch: bool = False, service_tier: str | None = None, day: date
    ) -> Mapping[str, Decimal] | None:
        """USD per unit of each ``UNIT_USAGE`` unit; None if the price data lacks the model.

        Args:
            model: As the API names it (``gpt-4o-2024-08-06``); genai-prices matches it.
            batch: Batch API prices where the data has them.
            service_tier: ``priority``, ``flex`` ... where the data has them.
            day: Prices in force that day (the data dates its changes).
        """
        # Prices change on a few dated days per model: every day between two changes has the
        # same prices, so they are read once per period, not once per day (a month of a large
        # organization asks for thousands of (model, day) pairs).
        changes = _price_changes(model)
        period: date | int = day if changes is None else bisect_right(changes, day)
        key = (model, batch, service_tier, period)
        if key not in self._prices:
            self._prices[key] = _unit_prices(model, batch, service_tier, day)
        return self._prices[key]

    def estimate(self, operation: str, row: Mapping[str, Any], day: date) -> Estimate:
        """What a result of ``operation`` costs at list price on ``day``.

        Args:
            operation: The operation's name.
            row: The result's values by column name (at least ``PRICE_COLUMNS[operation]``).
            day: The day whose prices apply.
        """
        if operation in UNPRICED_OPERATIONS:
            return Estimate(None, UNPRICED_OPERATIONS[operation])
        counts = quantities(operation, row)
        if not counts:
            return Estimate(Decimal(0))
        model = row["model"]
        if not isinstance(model, str):
            return Estimate(None, "usage reported without its model (group by model to price it)")
        batch = row["batch"] is True
        tier = row["service_tier"]
        prices = self.unit_prices(
            model, batch=batch, service_tier=tier if isinstance(tier, str) else None, day=day
        )
        if prices is None:
            return Estimate(None, f"model {model} is not in the price data")
        amount = sum((prices[unit] * count for unit, count in counts.items()), Decimal(0))
        if amount == 0:
            units = ", ".join(counts)
            return Estimate(None, f"the price data has no price for {units} of {model}")
        return Estimate(amount)


@lru_cache(maxsize=1024)
def _price_changes(model: str) -> tuple[date, ...] | None:
    """The days ``model``'s prices change on (its dated prices and price variants), in order.

    None when they cannot be told apart by day alone: the model is not in the data, or one of
    its prices has a constraint other than a start date (a time of day). Every day is then
    priced on its own.
    """
    try:
        from genai_prices import data_snapshot, types
    except ImportError as exc:
        raise MissingDependencyError("Cost estimates", "prices", "genai-prices") from exc
    try:
        _, info = data_snapshot.get_snapshot().find_provider_model(model, None, PROVIDER, None)
    except LookupError:
        return None
    constraints = [c.constraint for c in info.prices] if isinstance(info.prices, list) else []
    constraints += [variant.constraint for variant in info.price_variants or ()]
    starts: set[date] = set()
    for constraint in constraints:
        if constraint is None:
            continue
        if not isinstance(constraint, types.StartDateConstraint):
            return None
        starts.add(constraint.start_date)
    return tuple(sorted(starts))


@lru_cache(maxsize=4096)
def _unit_prices(
    model: str, batch: bool, service_tier: str | None, day: date
) -> Mapping[str, Decimal] | None:
    try:
        # Imported here: the price data is an optional extra, loaded on the first price.
        from genai_prices import Usage, calc_price
    except ImportError as exc:
        raise MissingDependencyError("Cost estimates", "prices", "genai-prices") from exc

    context: dict[str, str] = {}
    if batch:
        context["processing"] = "batch"
    if service_tier:
        context["service_tier"] = service_tier
    when = datetime.combine(day, time(12), tzinfo=UTC)
    prices: dict[str, Decimal] = {}
    for unit, keys in UNIT_USAGE.items():
        usage = Usage(**dict.fromkeys(keys, _PER))
        try:
            with warnings.catch_warnings():
                # The data warns about price keys of other providers' units: not ours.
                warnings.simplefilter("ignore")
                calc = calc_price(
                    usage,
                    model,
                    provider_id=PROVIDER,
                    genai_request_timestamp=when,
                    price_context=context or None,
                )
        except LookupError:
            return None
        except ValueError:
            # A unit the data cannot combine for this model: unpriced, not fatal.
            prices[unit] = Decimal(0)
            continue
        prices[unit] = calc.total_price / _PER
    return MappingProxyType(prices)
