"""Signatures receivers can check: tampering, old timestamps and wrong secrets fail."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from openai_org_usage.alerts import signature_header, verify_signature

BODY = b'{"key":"limit_crossed/project/proj_1/2026-11/80","status":"firing"}'
NOW = 1_794_470_400


def test_a_fresh_signature_verifies() -> None:
    header = signature_header(BODY, "s3cret", NOW)
    assert header.startswith(f"t={NOW},v1=")
    assert verify_signature(BODY, header, "s3cret", now=NOW + 10)
    assert verify_signature(BODY.decode(), header, b"s3cret", now=NOW)


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(b"s3cret", f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert signature_header(BODY, "s3cret", NOW) == f"t={NOW},v1={expected}"


@pytest.mark.parametrize(
    ("body", "secret", "now"),
    [
        (BODY.replace(b"80", b"90"), "s3cret", NOW),  # tampered body
        (BODY + b" ", "s3cret", NOW),
        (BODY, "other", NOW),  # wrong secret
        (BODY, "s3cret", NOW + 301),  # replayed too late
        (BODY, "s3cret", NOW - 301),  # signed in the future
    ],
)
def test_tampering_a_wrong_secret_or_an_old_timestamp_fails(
    body: bytes, secret: str, now: int
) -> None:
    assert not verify_signature(body, signature_header(BODY, "s3cret", NOW), secret, now=now)


def test_a_tampered_timestamp_fails() -> None:
    header = signature_header(BODY, "s3cret", NOW - 3600)
    forged = header.replace(f"t={NOW - 3600}", f"t={NOW}")
    assert not verify_signature(BODY, forged, "s3cret", now=NOW)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "v1=abc",
        f"t={NOW}",
        "t=x,v1=ab",
        "garbage",
        f"t={NOW},v1=\u00e9\u00e9",
        "," * 5000,
    ],
)
def test_malformed_headers_fail_without_raising(header: str | None) -> None:
    assert not verify_signature(BODY, header, "s3cret", now=NOW)


def test_one_of_several_signatures_is_enough_while_a_secret_is_rotated() -> None:
    old = signature_header(BODY, "old", NOW).split(",")[1]
    new = signature_header(BODY, "new", NOW)
    assert verify_signature(BODY, f"{new},{old}", "old", now=NOW)
    assert verify_signature(BODY, f"{new},{old}", "new", now=NOW)
    assert not verify_signature(BODY, f"{new},{old}", "neither", now=NOW)


def test_tolerance_is_configurable() -> None:
    header = signature_header(BODY, "s3cret", NOW)
    assert verify_signature(BODY, header, "s3cret", tolerance=3600, now=NOW + 3000)
    assert not verify_signature(BODY, header, "s3cret", tolerance=10, now=NOW + 11)
