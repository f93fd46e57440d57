"""The fake organization's price list (USD), from which ``/organization/costs`` is computed.

The figures are modelled on OpenAI's public list prices; what matters for tests is that costs are
exactly ``quantity x unit price`` of the usage the other endpoints report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True, slots=True)
class TokenPrice:
    """USD per 1M tokens for one completions model."""

    input: float
    cached_input: float
    output: float
    audio_input: float = 0.0
    cached_audio_input: float = 0.0
    audio_output: float = 0.0


TOKEN_PRICES: Final[Mapping[str, TokenPrice]] = MappingProxyType(
    {
        "gpt-4o-2024-08-06": TokenPrice(2.50, 1.25, 10.00),
        "gpt-4o-mini-2024-07-18": TokenPrice(0.15, 0.075, 0.60),
        "o3-mini-2025-01-31": TokenPrice(1.10, 0.55, 4.40),
        "gpt-4o-audio-preview-2024-12-17": TokenPrice(2.50, 1.25, 10.00, 40.00, 2.50, 80.00),
        "text-embedding-3-small": TokenPrice(0.02, 0.0, 0.0),
        "text-embedding-3-large": TokenPrice(0.13, 0.0, 0.0),
    }
)
"""Per-model token prices (USD per 1M tokens); embeddings use ``input`` only."""

BATCH_DISCOUNT: Final = 0.5
"""Batch API requests cost this fraction of the list price."""

IMAGE_PRICES: Final[Mapping[tuple[str, str], float]] = MappingProxyType(
    {
        ("dall-e-3", "1024x1024"): 0.040,
        ("dall-e-3", "1024x1792"): 0.080,
        ("dall-e-3", "1792x1792"): 0.120,
        ("dall-e-2", "256x256"): 0.016,
        ("dall-e-2", "512x512"): 0.018,
        ("dall-e-2", "1024x1024"): 0.020,
    }
)
"""USD per image by (model, size)."""

SPEECH_PRICES: Final[Mapping[str, float]] = MappingProxyType({"tts-1": 15.0, "tts-1-hd": 30.0})
"""USD per 1M characters of text-to-speech."""

TRANSCRIPTION_PRICES: Final[Mapping[str, float]] = MappingProxyType(
    {"whisper-1": 0.006 / 60, "gpt-4o-mini-transcribe": 0.003 / 60}
)
"""USD per second of transcribed audio."""

WEB_SEARCH_PRICES: Final[Mapping[str, float]] = MappingProxyType(
    {"low": 25.0, "medium": 27.5, "high": 30.0}
)
"""USD per 1000 web search calls by search context size."""

FILE_SEARCH_PRICE_PER_1000: Final = 2.50
CODE_INTERPRETER_PRICE_PER_SESSION: Final = 0.03
VECTOR_STORAGE_PRICE_PER_GIB_DAY: Final = 0.10
