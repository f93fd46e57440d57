"""What every metric family is built from: the name prefix and the :class:`View` of a scrape."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

import attrs
from prometheus_client.core import Metric

from ._metrics_refresh import RefreshStatus

__all__ = ["PREFIX", "Family", "View"]

PREFIX: Final = "openai_org_usage"


@attrs.frozen
class View:
    """What a family is built from.

    Attributes:
        status: The refresh record (its snapshot may be None before the first success).
        top: Groups per dimension before ``other`` (and projects and keys per budget family).
        source: ``api`` or ``demo`` (synthetic data).
    """

    status: RefreshStatus
    top: int
    source: str


Family = Callable[[View], Iterable[Metric]]
"""A metric family builder."""
