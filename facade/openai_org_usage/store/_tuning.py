"""How ``sync`` runs dlt: the same work as dlt's defaults, with less of dlt's own around it.

dlt resolves its configuration anew for every table's writers, every job client and every
step, looking each setting up under several sections in every provider, and asks the
destination for its capabilities a few dozen times a run. With a dozen tables that is most
of a sync's time beside the fetch (``bench/sync.py``). What is here changes how often dlt
works something out, never what it works out: the values, tables and rows are the same.
"""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Iterator
from typing import Any

__all__ = [
    "DUCKDB_MEMORY_LIMIT",
    "bound_duckdb_memory",
    "lent_credentials",
    "plain_load_files",
    "quick_environment_lookups",
    "remember_capabilities",
    "tune",
]

DUCKDB_MEMORY_LIMIT = "256MB"
"""What the sync's DuckDB connection may hold in memory (DuckDB's own default: 80% of RAM)."""


def tune(dlt: Any, pipeline_name: str) -> None:
    """Set what the sync needs from dlt, for the pipeline ``pipeline_name`` only.

    - ``_dlt_load_id`` on every row: which load wrote it, and, for appended files, which is
      newest.
    - One resource after another ("fifo"): organizations at once within each operation, but
      the request budget is the client's, and dlt's round robin would start every operation
      at once.
    - Each item written as it comes (each is already a batch of pages): dlt would otherwise
      hold every table's items until the extraction ends and write them all then, after the
      last fetch instead of during it. Nothing of a table accumulates in memory: dlt's
      writer holds one item (``buffer_max_items``), the source at most a batch
      (``_source``), and a run's peak does not grow with its days (``bench/sync.py
      --memory``).

    Under the pipeline's name, so other pipelines the process runs are left as they are. In
    ``dlt.secrets``, not ``dlt.config``: dlt reads both for any field, but while the config
    provider holds a value, every lookup of every field also asks it, and checks each time
    whether the field is a secret it must not hold (a tenth of a sync's time).
    """
    dlt.secrets[f"{pipeline_name}.normalize.parquet_normalizer.add_dlt_load_id"] = True
    dlt.secrets[f"{pipeline_name}.extract.next_item_mode"] = "fifo"
    dlt.secrets[f"{pipeline_name}.data_writer.buffer_max_items"] = 1


def bound_duckdb_memory(connection: Any) -> None:
    """Keep the sync's DuckDB connection to :data:`DUCKDB_MEMORY_LIMIT`.

    Left to its default, DuckDB keeps the blocks of everything a load inserts in its buffer
    pool until the file is closed: a year of a large organization's rows took the peak from
    400 MB to 870 MB during the load, growing with the days loaded. Within the limit it
    writes them out and evicts them (a merge's join spills to a temporary file if it must),
    at no cost measured in ``bench/sync.py``. Only this connection: the file's setting is
    not changed for anyone else.
    """
    connection.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")


def lent_credentials(connection: Any) -> Any:
    """dlt credentials for ``connection``, resolved once for the whole run.

    Given the bare connection, dlt makes new credentials from it each time it resolves the
    destination's configuration (about fifty times a run): each asks the file for its path
    and makes a connection pool that sets the connection up again on its first borrow.
    Resolved credentials are used as they are, so every client shares one pool, as dlt's
    pool is meant to be shared.
    """
    from dlt.common.configuration import resolve_configuration
    from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

    return resolve_configuration(DuckDbCredentials(connection))


def remember_capabilities(dest: Any) -> None:
    """Work out ``dest``'s capabilities once per naming convention, not on every call.

    dlt asks a destination for its capabilities a dozen times a run (for each step and each
    schema it loads), and each answer resolves the destination's whole configuration again:
    a tenth of a sync's time. Nothing they depend on changes within one run: the
    configuration, and of a naming convention only its kind and its length limit (each step
    makes a new one). Only ``dest``, which ``sync`` made for this run, remembers; each call
    still gets its own copy, as from dlt.
    """
    work_out = dest.capabilities
    remembered: dict[Any, Any] = {}

    def capabilities(config: Any = None, naming: Any = None) -> Any:
        if config is not None:  # a resolved configuration: dlt's own answer for it
            return work_out(config, naming)
        kind = None if naming is None else (type(naming), naming.max_length)
        if kind not in remembered:
            remembered[kind] = work_out(None, naming)
        return copy.deepcopy(remembered[kind])

    dest.capabilities = capabilities


def plain_load_files(dest: Any) -> None:
    """Have ``dest``'s load files written without compression.

    A destination that loads files (DuckDB reads them with ``read_parquet``) reads each
    once, from the local disk, and dlt deletes it after the load: compressing it is CPU
    time spent on the GIL while the fetch waits for it, for a file that never leaves the
    machine (``bench/sync.py``: 30% of the write). Given as the destination's default
    Parquet format (``parquet_format`` in its capabilities), so a ``compression`` set in
    dlt's configuration still wins, and only when the destination sets no format of its
    own. Never for the ``filesystem`` destination: there the files are what is stored.
    """
    from dlt.common.destination.configuration import ParquetFormatConfiguration

    work_out = dest.capabilities

    def capabilities(config: Any = None, naming: Any = None) -> Any:
        caps = work_out(config, naming)
        if caps.parquet_format is None:
            caps.parquet_format = ParquetFormatConfiguration(compression="none")
        return caps

    dest.capabilities = capabilities


@contextlib.contextmanager
def quick_environment_lookups() -> Iterator[None]:
    """dlt's environment provider, deciding once per type hint whether a field is a secret.

    dlt looks about four thousand names up in the environment a run, and for each first
    works out from the field's type hint whether it is a secret (typing introspection that
    takes longer than the lookup): a secret is also read from ``/run/secrets``. The answer
    for a hint never changes, so it is remembered for the run. Secrets are still looked up by
    dlt's own provider, and every other name in the environment as it is at the time.

    The provider is dlt's own while nothing else replaced it, and is put back afterwards.
    """
    from dlt.common.configuration.container import Container
    from dlt.common.configuration.providers.environ import EnvironProvider
    from dlt.common.configuration.specs.base_configuration import is_secret_hint
    from dlt.common.configuration.specs.pluggable_run_context import PluggableRunContext

    class RememberingEnvironProvider(EnvironProvider):
        def __init__(self) -> None:
            super().__init__()
            self.secret: dict[Any, bool] = {}

        def get_value(  # type: ignore[override]  # dlt's own override narrows the base's
            self, key: str, hint: Any, pipeline_name: str, *sections: str
        ) -> tuple[Any, str]:
            try:
                secret = self.secret[hint]
            except KeyError:
                secret = self.secret[hint] = is_secret_hint(hint)
            except TypeError:  # a hint that cannot be a key: dlt's own way
                secret = True
            if secret:
                return super().get_value(key, hint, pipeline_name, *sections)
            name = self.get_key_name(key, pipeline_name, *sections)
            return os.environ.get(name), name

    providers = Container()[PluggableRunContext].providers.providers
    index = next((i for i, p in enumerate(providers) if type(p) is EnvironProvider), None)
    if index is None:
        yield
        return
    original = providers[index]
    ours = RememberingEnvironProvider()
    providers[index] = ours
    try:
        yield
    finally:
        if index < len(providers) and providers[index] is ours:
            providers[index] = original
