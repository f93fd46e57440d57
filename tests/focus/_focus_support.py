"""Shared names of the FOCUS tests (the conftest's fixtures use them too)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

Invoke = Callable[..., Result]

OVERRIDES = Path(__file__).with_name("focus_validator_overrides.yaml")
"""focus-validator rules skipped, each with its reason (see the file)."""
