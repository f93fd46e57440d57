"""An embedded, deterministic fake of OpenAI's Usage and Costs API (httpx and this package only).

It serves every GET operation of ``openapi/usage.yaml`` (``/organization/costs`` and the eleven
``/organization/usage/*``, ``decisions`` included; the list is read from the package's
description of the generated client) with the wire format there: UTC-aligned buckets (a partial
first bucket when ``start_time`` is not on a boundary; the last bucket keeps its natural end and
full data even when ``end_time`` falls inside it, so every bucket's numbers cover exactly its
own span), every bucket present even when empty, ``limit`` counted in buckets, opaque
``next_page`` cursors bound to the query, group_by with ungrouped fields ``null``, filters as
repeated keys or ``key[]=``, and OpenAI-style 400/401/404/405 errors naming ``param``.

Data comes from a synthetic organization (projects, users, API keys, models, vector stores)
derived from ``seed``; any range is computed on demand, 1m buckets sum exactly to 1h and 1h to
1d, and costs are usage x a price list. Output never depends on the wall clock. What only the
newest SDK (``openai`` 3.57.0) has is served too: ``decisions``, ``api_source`` grouping
(``agents_api``/``unlabeled``) on completions, web search, decisions and costs, costs by
``user_id`` and filtered by ``line_items``, and cache writes split into
``input_cache_write_30m_tokens`` + ``input_cache_write_12h_tokens``. An operation of the
fragment that has no hand-made model here is served from its result schema (plausible counts,
amounts and grouped values); ``generic_operations=[...]`` forces that for named operations.

The organization has names too: the admin lists (``/organization/projects``, ``/users``,
``/projects/{id}/api_keys``, ``/projects/{id}/service_accounts``, ``/admin_api_keys``) serve
its projects, users, keys and service accounts under the IDs its usage data carries, paged by
``limit`` and ``after`` like the live API, with ``include_archived``, ``emails``,
``owner_project_access`` and ``order``. One archived project answers its keys list with 403 and
its service accounts list with 400, as the live API can (``fake.directory`` holds it all).

In process::

    fake = FakeUsageAPI(seed=0)
    with httpx.Client(transport=fake.transport(), base_url="https://api.openai.com/v1",
                      headers={"Authorization": "Bearer sk-admin-test"}) as client:
        page = client.get("/organization/usage/completions",
                          params={"start_time": 1764000000, "group_by": ["model"]}).json()

(``fake.transport()`` also works with ``httpx.AsyncClient``.) Over loopback::

    with running_server(FakeUsageAPI(latency=0.01)) as base_url:  # "http://127.0.0.1:PORT/v1"
        ...

Like the live API, and unlike the spec, by default (public integrations report these; see
``shared/reference/README.md``), each with a switch for tests that want the spec's behaviour:

- costs keeps promising more past its end: its last page with buckets still says ``has_more:
  true``, and the cursor leads to ``data: []`` pages that promise more again, each with a new
  cursor, for ever (usage endpoints end with ``has_more: false``). ``costs_has_more_forever=False``
  ends costs like usage.
- about one year of history: a ``start_time`` before UTC midnight of ``now`` minus 365 days gets
  400 ``reporting_lookback_exceeded`` naming the earliest date. ``lookback_days=None`` serves any
  start (another number moves the limit).
- some groupings are refused: costs by ``user_id`` with ``project_id`` or with the
  ``project_ids`` filter get 400 ``unsupported_group_by`` (``user_id`` alone is served).
  ``refused_groupings`` replaces the rules (``{}``: none);
  ``refuse_costs_api_key_grouping=True`` also refuses costs ``group_by=api_key_id``.

The last page of a query says ``"next_page": null``; ``omit_final_next_page=True`` leaves the
key out instead (the newest SDK makes it optional).

Faults: ``FakeUsageAPI(faults=FaultSchedule(seed=1, rate_429=0.1, rate_500=0.05))`` or a script
by request index, ``FakeUsageAPI(faults=[None, "429", None, "500"])``. Besides rate limits and
server errors there are a 429 that is not a rate limit (``"quota"``: ``insufficient_quota``, no
``Retry-After``), ``Retry-After`` as an HTTP date (``retry_after_http_date=True``), and, for a
client's defences, a 401 echoing the ``Authorization`` header (``"echo_auth"``) and redirects
(``"301"``, ``"307"``). ``fake.requests`` records what was received.
``python -m openai_org_usage.fake --port 8089`` runs a server from the shell.

Size: ``FakeUsageAPI(size="large")`` serves a generated organization of 60 projects, 2,000
users, 300 project keys, 25 models and 40 service accounts (heavy-tailed users, service keys
shared by many users' traffic, nightly and month-end batch jobs); ``size=OrgSize(...)`` any
other size; the default, ``"small"``, is the hand-made demo organization (:data:`SIZE_PRESETS`).
``page_cache=0`` turns off the cache of rendered pages (64 by default), for benchmarks.

History: ``FakeUsageAPI(history="realistic")`` gives the organization a past whose forecasts
and anomalies can be checked (steadier traffic, growth by project, a launch step, a month-end
batch job; ``fake.history_events`` says where), and ``history=History(anomalies=
AnomalySchedule(seed=1, count=24))`` injects spikes and drops on known days, scopes and sizes
(``fake.injected_anomalies``). The default history (:data:`HISTORIES`) is unchanged.
"""

from ._api import DEFAULT_NOW, FakeUsageAPI, RecordedRequest
from ._directory import FakeDirectory
from ._faults import FaultKind, FaultSchedule, InjectedFault
from ._history import (
    HISTORIES,
    AnomalySchedule,
    History,
    HistoryEvents,
    InjectedAnomaly,
    LaunchStep,
    MonthEndJob,
)
from ._live import LIVE_LOOKBACK_DAYS, LIVE_REFUSED_GROUPINGS
from ._org import Organization
from ._prices import TOKEN_PRICES, TokenPrice
from ._server import running_server, serve
from ._sizes import SIZE_PRESETS, OrgSize
from ._transport import FakeTransport

__all__ = [
    "DEFAULT_NOW",
    "HISTORIES",
    "LIVE_LOOKBACK_DAYS",
    "LIVE_REFUSED_GROUPINGS",
    "SIZE_PRESETS",
    "TOKEN_PRICES",
    "AnomalySchedule",
    "FakeDirectory",
    "FakeTransport",
    "FakeUsageAPI",
    "FaultKind",
    "FaultSchedule",
    "History",
    "HistoryEvents",
    "InjectedAnomaly",
    "InjectedFault",
    "LaunchStep",
    "MonthEndJob",
    "OrgSize",
    "Organization",
    "RecordedRequest",
    "TokenPrice",
    "running_server",
    "serve",
]
