"""openai-org-usage: an organization's usage and spend from OpenAI's Usage and Costs API.

::

    from openai_org_usage import UsageClient

    with UsageClient() as client:  # reads OPENAI_ADMIN_KEY
        for bucket in client.costs(start="30d", group_by="project_id"):
            print(bucket.start, [(r.project_id, r.amount.value) for r in bucket.results])

Results are the generated client's typed models (``openai_org_usage_client.models``), one class
per operation; every error is an ``OpenAIUsageError`` (see ``openai_org_usage._errors``).
Also public, for tools built on the clients (the ``openai-org-usage`` command and the store use
nothing else): the operation table (``OPERATIONS`` of ``Operation``, described by ``Filter``,
``Field`` and ``Parameter``), the admin lists' table (``LISTS`` of ``ListOperation`` and
``ListFilter``; their methods return a ``ListPaginator`` or ``AsyncListPaginator`` of
``ListPage``s), the single-object reads' table (``OBJECTS`` of ``ObjectOperation``: a spend
limit; their methods return the typed object), the audit log's incremental reads
(``audit_logs_since`` on the clients, returning an ``AuditLogBatch`` with an
``AuditLogCheckpoint`` to resume from), the time rules the clients apply (``resolve_range``,
``to_unix_seconds``, ``count_buckets`` ...) and ``check_base_url``.
"""

import logging

from ._client import AsyncUsageClient, UsageClient, check_base_url
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
    MixedCurrencyError,
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
from ._listing import (
    AsyncListPaginator,
    AuditLogBatch,
    AuditLogCheckpoint,
    ListPage,
    ListPaginator,
)
from ._models import Bucket, Page, Row
from ._operations import (
    LISTS,
    OBJECTS,
    OPERATIONS,
    Field,
    Filter,
    ListFilter,
    ListOperation,
    ObjectOperation,
    Operation,
    Parameter,
)
from ._pagination import AsyncPaginator, Paginator
from ._params import BucketWidth
from ._time import (
    TimeInput,
    align_down,
    align_up,
    bucket_seconds,
    count_buckets,
    from_unix_seconds,
    parse_tz,
    resolve_range,
    to_unix_seconds,
)
from ._version import __version__

# A library logs; the application decides where it goes. Without a handler, Python's
# last-resort handler would print the library's warnings raw on stderr.
logging.getLogger("openai_org_usage").addHandler(logging.NullHandler())

__all__ = [
    "LISTS",
    "OBJECTS",
    "OPERATIONS",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncListPaginator",
    "AsyncPaginator",
    "AsyncUsageClient",
    "AuditLogBatch",
    "AuditLogCheckpoint",
    "AuthenticationError",
    "BadRequestError",
    "Bucket",
    "BucketWidth",
    "ConflictError",
    "Field",
    "Filter",
    "GroupingRefusedError",
    "InternalServerError",
    "InvalidParameterError",
    "ListFilter",
    "ListOperation",
    "ListPage",
    "ListPaginator",
    "LookbackExceededError",
    "MissingAPIKeyError",
    "MissingDependencyError",
    "MixedCurrencyError",
    "NotFoundError",
    "ObjectOperation",
    "OpenAIUsageError",
    "Operation",
    "Page",
    "PaginationError",
    "Paginator",
    "Parameter",
    "PermissionDeniedError",
    "QuotaExceededError",
    "RateLimitError",
    "RedirectError",
    "ResponseValidationError",
    "Row",
    "StoreError",
    "SyncLockedError",
    "TimeInput",
    "UsageClient",
    "__version__",
    "align_down",
    "align_up",
    "bucket_seconds",
    "check_base_url",
    "count_buckets",
    "from_unix_seconds",
    "parse_tz",
    "resolve_range",
    "to_unix_seconds",
]
