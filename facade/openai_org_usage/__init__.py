"""openai-org-usage: an organization's usage and spend from OpenAI's Usage and Costs API.

::

    from openai_org_usage import UsageClient

    with UsageClient() as client:  # reads OPENAI_ADMIN_KEY
        for bucket in client.costs(start="30d", group_by="project_id"):
            print(bucket.start, [(r.project_id, r.amount.value) for r in bucket.results])

Results are the generated client's typed models (``openai_org_usage_client.models``), one class
per operation; every error is an ``OpenAIUsageError`` (see ``openai_org_usage._errors``).
"""

from ._client import AsyncUsageClient, UsageClient
from ._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    GroupingRefusedError,
    InternalServerError,
    InvalidParameterError,
    LookbackExceededError,
    MissingAPIKeyError,
    MissingDependencyError,
    NotFoundError,
    OpenAIUsageError,
    PaginationError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    RedirectError,
    ResponseValidationError,
    StoreError,
    SyncLockedError,
)
from ._models import Bucket, Page, Row
from ._operations import OPERATIONS
from ._pagination import AsyncPaginator, Paginator
from ._params import BucketWidth
from ._version import __version__

__all__ = [
    "OPERATIONS",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncPaginator",
    "AsyncUsageClient",
    "AuthenticationError",
    "BadRequestError",
    "Bucket",
    "BucketWidth",
    "ConflictError",
    "GroupingRefusedError",
    "InternalServerError",
    "InvalidParameterError",
    "LookbackExceededError",
    "MissingAPIKeyError",
    "MissingDependencyError",
    "NotFoundError",
    "OpenAIUsageError",
    "Page",
    "PaginationError",
    "Paginator",
    "PermissionDeniedError",
    "QuotaExceededError",
    "RateLimitError",
    "RedirectError",
    "ResponseValidationError",
    "Row",
    "StoreError",
    "SyncLockedError",
    "UsageClient",
    "__version__",
]
