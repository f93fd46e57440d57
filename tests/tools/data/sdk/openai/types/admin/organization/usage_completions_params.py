# Test fixture: a hand-made miniature of the openai SDK's layout (tests/tools/data/sdk/README.md).
# ruff: noqa

from __future__ import annotations

from typing import List
from typing_extensions import Literal, Required, TypedDict

from ...._types import SequenceNotStr

__all__ = ["UsageCompletionsParams"]


class UsageCompletionsParams(TypedDict, total=False):
    start_time: Required[int]
    """Start time (Unix seconds) of the query time range, inclusive."""

    batch: bool

    bucket_width: Literal["1m", "1h", "1d"]
    """Width of each time bucket in response. Default `1d`."""

    group_by: List[Literal["project_id", "model", "batch"]]

    limit: int
    """`bucket_width=1d`: default: 7, max: 31."""

    models: SequenceNotStr[str]

    page: str
