"""How big the fake's organization is: :class:`OrgSize` and the named presets.

``small`` is the hand-made demo organization (4 projects, 8 users, 6 project API keys, 14
models, 2 service accounts), unchanged since the fake began, so tests, cassettes and the
README's figures stay valid. ``large`` is a generated organization of the size that needs this
tool most: 60 projects, 2,000 users, 300 project API keys, 25 models, 40 service accounts
(:mod:`._scaled` builds any size but the small one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = ["MAX_MODELS", "MIN_MODELS", "SIZE_PRESETS", "OrgSize", "resolve_size"]

MIN_MODELS: Final = 11
"""The fewest models a generated organization has: one chat model beside the ten models of
embeddings, moderations, images, speech and transcription."""
MAX_MODELS: Final = 26
"""The most: every priced chat model the generator knows (16) and those ten."""


@dataclass(frozen=True, slots=True)
class OrgSize:
    """The size of a synthetic organization.

    ``projects``, ``users`` and ``keys`` (project API keys) are exact counts; ``models`` is
    the number of distinct models in the usage data (``MIN_MODELS`` to ``MAX_MODELS`` for a
    generated organization); ``service_accounts`` the number of service accounts (each owns
    project keys while there are keys to own; 0 is allowed).

    Raises:
        ValueError: A count out of range, naming the parameter, the value and what is allowed.

    Example::

        fake = FakeUsageAPI(seed=0, size=OrgSize(projects=10, users=300, keys=40, models=15))
    """

    projects: int
    users: int
    keys: int
    models: int
    service_accounts: int = 0

    def __post_init__(self) -> None:
        for name, value, low in (
            ("projects", self.projects, 1),
            ("users", self.users, self.projects),
            ("keys", self.keys, self.projects),
            ("service_accounts", self.service_accounts, 0),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                why = "" if low < 2 else f" (at least one per project: {self.projects})"
                raise ValueError(
                    f"OrgSize: {name}={value!r} is not allowed: an integer >= {low}{why}"
                )
        if self.keys > 100_000 or self.users > 1_000_000:
            raise ValueError(
                f"OrgSize: users={self.users}, keys={self.keys} is more than the fake builds "
                "(at most 1,000,000 users and 100,000 keys)"
            )
        if not MIN_MODELS <= self.models <= MAX_MODELS:
            raise ValueError(
                f"OrgSize: models={self.models!r} is not allowed: from {MIN_MODELS} to {MAX_MODELS}"
            )


SMALL: Final = OrgSize(projects=4, users=8, keys=6, models=14, service_accounts=2)
LARGE: Final = OrgSize(projects=60, users=2000, keys=300, models=25, service_accounts=40)

SIZE_PRESETS: Final[Mapping[str, OrgSize]] = MappingProxyType({"small": SMALL, "large": LARGE})
"""Named sizes: ``small`` (the demo organization, the default) and ``large``."""


def resolve_size(size: str | OrgSize | None) -> OrgSize:
    """The size that ``size`` names: a preset name, an :class:`OrgSize`, or None (small).

    Raises:
        ValueError: An unknown preset name (the message lists the allowed ones).
        TypeError: Neither a name nor an :class:`OrgSize`.
    """
    if size is None:
        return SMALL
    if isinstance(size, OrgSize):
        return size
    if isinstance(size, str):
        found = SIZE_PRESETS.get(size)
        if found is None:
            allowed = ", ".join(SIZE_PRESETS)
            raise ValueError(f"size: unknown preset {size!r}; allowed: {allowed}")
        return found
    raise TypeError(f"size must be a preset name or an OrgSize, not {type(size).__name__}")
