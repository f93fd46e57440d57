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
    plain_load_files,
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


def _load_file_compressions(tmp_path: Path, name: str, dest: Any) -> set[str]:
    """The compression of each column chunk of the load files dlt writes for ``dest``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pipeline = dlt.pipeline(name, pipelines_dir=str(tmp_path / name), destination=dest)
    rows = pa.table({"n": list(range(100)), "s": ["x"] * 100})
    pipeline.extract(dlt.resource([rows], name="rows"))
    pipeline.normalize()
    files = list((tmp_path / name).rglob("*.parquet"))
    assert files
    return {
        meta.row_group(g).column(c).compression
        for meta in (pq.ParquetFile(f).metadata for f in files)
        for g in range(meta.num_row_groups)
        for c in range(meta.num_columns)
    }


def test_plain_load_files_are_uncompressed_and_otherwise_dlt_own(tmp_path: Path) -> None:
    plain = dlt.destinations.duckdb(str(tmp_path / "plain.duckdb"))
    plain_load_files(plain)
    fresh = dlt.destinations.duckdb(str(tmp_path / "plain.duckdb"))
    assert fresh.capabilities().parquet_format is None
    caps = plain.capabilities()
    assert caps.parquet_format.compression == "none"
    # Every other setting of the format is dlt's default, and so is everything else.
    defaults = dict(type(caps.parquet_format)())
    assert {k: v for k, v in dict(caps.parquet_format).items() if k != "compression"} == {
        k: v for k, v in defaults.items() if k != "compression"
    }
    caps.parquet_format = None
    assert dict(caps) == dict(fresh.capabilities())
    assert _load_file_compressions(tmp_path, "plain_files", plain) == {"UNCOMPRESSED"}
    assert _load_file_compressions(tmp_path, "dlt_files", fresh) == {"SNAPPY"}


def test_plain_load_files_yield_to_configured_compression_and_own_formats(
    tmp_path: Path,
) -> None:
    plain = dlt.destinations.duckdb(str(tmp_path / "configured.duckdb"))
    plain_load_files(plain)
    dlt.secrets["configured_files.data_writer.compression"] = "gzip"
    assert _load_file_compressions(tmp_path, "configured_files", plain) == {"GZIP"}
    # A destination with a Parquet format of its own keeps it whole.
    from dlt.common.destination.configuration import ParquetFormatConfiguration

    own = dlt.destinations.duckdb(str(tmp_path / "own.duckdb"))
    dlt_own = own.capabilities

    def with_format(config: Any = None, naming: Any = None) -> Any:
        caps = dlt_own(config, naming)
        caps.parquet_format = ParquetFormatConfiguration(use_compliant_nested_type=False)
        return caps

    own.capabilities = with_format  # type: ignore[method-assign]
    plain_load_files(own)
    kept = own.capabilities().parquet_format
    assert (kept.compression, kept.use_compliant_nested_type) == ("snappy", False)
