"""Fixtures of the store tests: a PostgreSQL server the session starts, a fresh database on it,
and each of the three targets."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from _postgres_server import ServerUnavailable, throwaway_server
from _store_targets import (
    DESTINATIONS,
    POSTGRES_ENV,
    Target,
    make_target,
    with_database,
)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server: ``$OPENAI_ORG_USAGE_TEST_POSTGRES``, else one started
    for this session (``_postgres_server``). Without either the tests fail: they never skip."""
    given = os.environ.get(POSTGRES_ENV)
    if given:
        yield given
        return
    try:
        with throwaway_server() as url:
            yield url
    except ServerUnavailable as exc:
        pytest.fail(f"could not start PostgreSQL for the store tests: {exc}")


@pytest.fixture
def postgres_database(postgres_server: str) -> Iterator[str]:
    """A fresh database on the test server, dropped afterwards; its URL."""
    import psycopg2

    url = postgres_server
    name = f"oou_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg2.connect(url, connect_timeout=5)
    except psycopg2.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {url} is unreachable: {exc}")
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        yield with_database(url, name)
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()


@pytest.fixture(params=DESTINATIONS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Target:
    """Each of the three destinations, fresh."""
    return make_target(request.param, tmp_path, request)
