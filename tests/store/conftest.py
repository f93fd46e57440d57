"""Fixtures of the store tests: a fresh PostgreSQL database, and each of the three targets."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from _store_targets import (
    DESTINATIONS,
    POSTGRES_ENV,
    Target,
    make_target,
    postgres_url,
    with_database,
)


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A fresh database on the test server, dropped afterwards; its URL."""
    import psycopg2

    url = postgres_url()
    name = f"oou_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg2.connect(url, connect_timeout=5)
    except psycopg2.OperationalError as exc:
        message = f"PostgreSQL at {POSTGRES_ENV} is unreachable: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
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
