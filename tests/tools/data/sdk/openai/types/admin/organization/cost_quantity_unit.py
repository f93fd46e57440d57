# Test fixture: a hand-made miniature of the openai SDK's layout (tests/tools/data/sdk/README.md).
# ruff: noqa

from typing import Union
from typing_extensions import Literal, TypeAlias

__all__ = ["CostQuantityUnit"]

CostQuantityUnit: TypeAlias = Union[str, Literal["tokens", "images"]]
