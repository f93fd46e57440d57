# Test fixture: a hand-made miniature of the openai SDK's layout (tests/tools/data/sdk/README.md).
# ruff: noqa

from __future__ import annotations

from typing import List
from typing_extensions import Literal, Required, TypedDict

from ...._types import SequenceNotStr

__all__ = ["UsageCostsParams"]


class UsageCostsParams(TypedDict, total=False):
    start_time: Required[int]

    bucket_width: Literal["1d"]

    group_by: List[Literal["project_id", "line_item"]]

    limit: int
    """Limit can range between 1 and 180, and the default is 7."""

    page: str

    project_ids: SequenceNotStr[str]
