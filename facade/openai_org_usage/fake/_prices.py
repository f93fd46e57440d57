"""The fake organization's price list (USD), from which ``/organization/costs`` is computed.

Token, character, transcription-second and web-search prices come from the same price data
the package's cost attribution reads (``genai-prices``, through ``openai_org_usage._pricing``),
as of :data:`PRICE_DAY`, so attributing the fake's usage at list price reproduces its bill.
What the price data has no price for keeps a figure of its own here, modelled on OpenAI's
public list prices, and is named as such: images (priced per image by size), the
``gpt-4o-mini-transcribe`` model per second (the data prices it per token), file search calls,
code interpreter sessions and vector storage. Attribution shows those as unattributed spend
with the reason.

What matters for tests is that costs are exactly ``quantity x unit price`` of the usage the
other endpoints report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final

from openai_org_usage._pricing import PriceBook

PRICE_DAY: Final = date(2026, 11, 25)
"""The day whose prices the fake bills at, whatever the day of the usage (its ``now``)."""

_BOOK: Final = PriceBook()


@dataclass(frozen=True, slots=True)
class TokenPrice:
    """USD per 1M tokens for one completions model."""

    input: float
    cached_input: float
    output: float
    audio_input: float = 0.0
    cached_audio_input: float = 0.0
    audio_output: float = 0.0


def _per_million(model: str, unit: str, *, batch: bool = False, tier: str | None = None) -> float:
    prices = _BOOK.unit_prices(model, batch=batch, service_tier=tier, day=PRICE_DAY)
    if prices is None:
        raise LookupError(f"the fake's model {model} is not in the price data")
    return float(prices[unit] * 1_000_000)


AUDIO_MODELS: Final = frozenset({"gpt-4o-audio-preview-2024-12-17"})
"""The fake's models that take and give audio. Only they have audio prices here (so audio
line items): the price data prices any model's audio tokens, as input or output when it has
no audio price of its own, but the other models have no audio usage to bill."""


def token_price(model: str, *, batch: bool = False, service_tier: str | None = None) -> TokenPrice:
    """A model's token prices from the price data, with its batch and service-tier prices.

    Raises:
        LookupError: The price data does not have the model.
    """

    def price(unit: str) -> float:
        return _per_million(model, unit, batch=batch, tier=service_tier)

    audio = model in AUDIO_MODELS
    return TokenPrice(
        input=price("input"),
        cached_input=price("cached input"),
        output=price("output"),
        audio_input=price("audio input") if audio else 0.0,
        cached_audio_input=price("cached audio input") if audio else 0.0,
        audio_output=price("audio output") if audio else 0.0,
    )


_TOKEN_MODELS: Final = (
    "gpt-4o-2024-08-06",
    "gpt-4o-mini-2024-07-18",
    "o3-mini-2025-01-31",
    "gpt-4o-audio-preview-2024-12-17",
    "text-embedding-3-small",
    "text-embedding-3-large",
)

TOKEN_PRICES: Final[Mapping[str, TokenPrice]] = MappingProxyType(
    {model: token_price(model) for model in _TOKEN_MODELS}
)
"""Per-model token prices (USD per 1M tokens, standard tier); embeddings use ``input`` only.
Cache writes and image tokens are billed as the data prices them for these models: as input
(and cached image tokens as cached input)."""

BATCH_DISCOUNT: Final = 0.5
"""Batch API requests cost this fraction of the list price (the fake's rule when it prices a
batch stream from ``TOKEN_PRICES``; ``token_price(model, batch=True)`` has the data's batch
prices, which leave cached input at its standard price for some models)."""

IMAGE_PRICES: Final[Mapping[tuple[str, str], float]] = MappingProxyType(
    {
        # Not in the price data (per image by size): the fake's own figures.
        ("dall-e-3", "1024x1024"): 0.040,
        ("dall-e-3", "1024x1792"): 0.080,
        ("dall-e-3", "1792x1792"): 0.120,
        ("dall-e-2", "256x256"): 0.016,
        ("dall-e-2", "512x512"): 0.018,
        ("dall-e-2", "1024x1024"): 0.020,
    }
)
"""USD per image by (model, size)."""

SPEECH_PRICES: Final[Mapping[str, float]] = MappingProxyType(
    {model: _per_million(model, "characters") for model in ("tts-1", "tts-1-hd")}
)
"""USD per 1M characters of text-to-speech."""

TRANSCRIPTION_PRICES: Final[Mapping[str, float]] = MappingProxyType(
    {
        "whisper-1": _per_million("whisper-1", "audio seconds") / 1_000_000,
        # The price data prices this model per token only; the usage endpoint reports seconds.
        "gpt-4o-mini-transcribe": 0.003 / 60,
    }
)
"""USD per second of transcribed audio."""


def web_search_price(model: str) -> float:
    """USD per 1000 web search calls made by ``model``, from the price data."""
    return _per_million(model, "web searches") / 1000


WEB_SEARCH_PRICES: Final[Mapping[str, float]] = MappingProxyType(
    # The price data prices web search per call and model, not by context size: every level
    # bills as the fake's web search models do (the same price for both).
    dict.fromkeys(("low", "medium", "high"), web_search_price("gpt-4o-2024-08-06"))
)
"""USD per 1000 web search calls by search context size."""

FILE_SEARCH_PRICE_PER_1000: Final = 2.50
CODE_INTERPRETER_PRICE_PER_SESSION: Final = 0.03
VECTOR_STORAGE_PRICE_PER_GIB_DAY: Final = 0.10
