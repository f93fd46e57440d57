"""How the sync runs dlt (``store._tuning``): less of dlt's own work, the same answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("dlt")
duckdb = pytest.importorskip("duckdb")

import dlt  # noqa: E402
from dlt.common.configuration import configspec, resolve_configuration  # noqa: E402
from dlt.common.configuration.container import Container  # noqa: E402
from dlt.common.configuration.providers.environ import EnvironProvider  # noqa: E402
from dlt.common.configuration.specs import BaseConfiguration  # noqa: E402
from dlt.common.configuration.specs.pluggable_run_context import (  # noqa: E402
    PluggableRunContext,
)
from dlt.common.typing import TSecretStrValue  # noqa: E402

from openai_org_usage.store._tuning import (  # noqa: E402
    lent_credentials,
    quick_environment_lookups,
    remember_capabilities,
)


@configspec
class _Settings(BaseConfiguration):
    level: int = 1
    name: str | None = None
    token: TSecretStrValue | None = None


def _providers() -> list[Any]:
    return list(Container()[PluggableRunContext].providers.providers)


def test_environment_lookups_find_settings_and_secrets_then_dlt_provider_is_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = _providers()
    monkeypatch.setenv("TUNING__LEVEL", "7")
    monkeypatch.setenv("TUNING__NAME", "first")
    monkeypatch.setenv("TUNING__TOKEN", "s3cret")
    with quick_environment_lookups():
        during = _providers()
        first = resolve_configuration(_Settings(), sections=("tuning",))
        # The environment as it is at each lookup: nothing about values is remembered.
        monkeypatch.setenv("TUNING__NAME", "second")
        second = resolve_configuration(_Settings(), sections=("tuning",))
    assert type(during[0]) is not EnvironProvider
    assert isinstance(during[0], EnvironProvider)
    assert (first.level, first.name, first.token) == (7, "first", "s3cret")
    assert (second.level, second.name) == (7, "second")
    assert _providers() == before
    assert type(_providers()[0]) is EnvironProvider


def test_environment_lookups_are_put_back_after_an_error() -> None:
    before = _providers()
    with pytest.raises(RuntimeError), quick_environment_lookups():
        raise RuntimeError("boom")
    assert _providers() == before


def test_remembered_capabilities_equal_dlt_own_and_each_call_gets_its_own(
    tmp_path: Path,
) -> None:
    connection = duckdb.connect(str(tmp_path / "caps.duckdb"))
    try:
        fresh = dlt.destinations.duckdb(lent_credentials(connection))
        tuned = dlt.destinations.duckdb(lent_credentials(connection))
        remember_capabilities(tuned)
        first, again = tuned.capabilities(), tuned.capabilities()
        assert dict(first) == dict(fresh.capabilities())
        assert first is not again
        formats: Any = first.supported_loader_file_formats  # a list, typed as a Sequence
        formats.append("csv-of-our-own")
        first.max_identifier_length = 3
        assert dict(tuned.capabilities()) == dict(fresh.capabilities())
    finally:
        connection.close()


def test_lent_credentials_share_one_pool_and_leave_the_connection_open(
    tmp_path: Path,
) -> None:
    connection = duckdb.connect(str(tmp_path / "lent.duckdb"))
    try:
        credentials = lent_credentials(connection)
        assert credentials.is_resolved()
        assert credentials.database == str(tmp_path / "lent.duckdb")
        borrowed = credentials.conn_pool.borrow_conn()
        borrowed.execute("CREATE TABLE t AS SELECT 1 AS x")
        credentials.conn_pool.return_conn(borrowed)
        # Returning the last borrowed connection does not close the one lent to dlt.
        assert connection.execute("SELECT x FROM t").fetchall() == [(1,)]
    finally:
        connection.close()
