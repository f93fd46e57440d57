"""An embedded, deterministic fake of OpenAI's Usage and Costs API (stdlib + httpx only).

It serves the eleven GET operations (``/organization/costs`` and ``/organization/usage/*``) with
the upstream wire format: UTC-aligned buckets (a partial first bucket when ``start_time`` is not
on a boundary; the last bucket keeps its natural end and full data even when ``end_time`` falls
inside it, so every bucket's numbers cover exactly its own span), every bucket present even when
empty, ``limit`` counted in buckets, opaque
``next_page`` cursors bound to the query, group_by with ungrouped fields ``null``, filters as
repeated keys or ``key[]=``, and OpenAI-style 400/401/404/405 errors naming ``param``.

Data comes from a synthetic organization (projects, users, API keys, models, vector stores)
derived from ``seed``; any range is computed on demand, 1m buckets sum exactly to 1h and 1h to
1d, and costs are usage x a price list. Output never depends on the wall clock.

In process::

    fake = FakeUsageAPI(seed=0)
    with httpx.Client(transport=fake.transport(), base_url="https://api.openai.com/v1",
                      headers={"Authorization": "Bearer sk-admin-test"}) as client:
        page = client.get("/organization/usage/completions",
                          params={"start_time": 1764000000, "group_by": ["model"]}).json()

(``fake.transport()`` also works with ``httpx.AsyncClient``.) Over loopback::

    with running_server(FakeUsageAPI(latency=0.01)) as base_url:  # "http://127.0.0.1:PORT/v1"
        ...

Faults: ``FakeUsageAPI(faults=FaultSchedule(seed=1, rate_429=0.1, rate_500=0.05))`` or a script
by request index, ``FakeUsageAPI(faults=[None, "429", None, "500"])``. ``fake.requests`` records
what was received. ``python -m openai_usage.fake --port 8089`` runs a server from the shell.
"""

from ._api import DEFAULT_NOW, FakeUsageAPI, RecordedRequest
from ._faults import FaultKind, FaultSchedule, InjectedFault
from ._org import Organization
from ._prices import TOKEN_PRICES, TokenPrice
from ._server import running_server, serve
from ._transport import FakeTransport

__all__ = [
    "DEFAULT_NOW",
    "TOKEN_PRICES",
    "FakeTransport",
    "FakeUsageAPI",
    "FaultKind",
    "FaultSchedule",
    "InjectedFault",
    "Organization",
    "RecordedRequest",
    "TokenPrice",
    "running_server",
    "serve",
]
