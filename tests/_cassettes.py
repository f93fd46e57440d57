"""The cassette harness: one VCR configuration for every test that replays HTTP.

Replay is the default (record mode ``none``): a request with no recorded answer fails the
test instead of reaching the network. Re-recording against the live API is an explicit opt-in
(``pytest --record-mode=rewrite`` with ``OPENAI_ADMIN_KEY`` set, see README). Whatever mode,
credentials never reach a cassette: the ``Authorization`` header and other identifying headers
are dropped, and organization, project, user, key and vector store IDs in recorded bodies are
replaced by stable pseudonyms.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import vcr

TESTS_DIR = Path(__file__).resolve().parent
ADMIN_KEY_ENV = "OPENAI_ADMIN_KEY"
# What replaying tests authenticate with; it is never recorded either way.
REPLAY_KEY = "sk-admin-test-replay-only"

# Anything that looks like an OpenAI key or a bearer credential.
KEY_SHAPED = re.compile(
    r"sk-(?:admin-|proj-|svcacct-)?[A-Za-z0-9_-]{16,}|Bearer\s+[A-Za-z0-9._~+/-]{8,}",
)
_SCRUBBED_REQUEST_HEADERS = ("authorization", "openai-organization", "openai-project", "cookie")
_SCRUBBED_RESPONSE_HEADERS = ("set-cookie", "openai-organization", "openai-project")
# Real IDs are long random strings with digits or capitals; the vendor's documented examples
# ("proj_abc") and words such as "file_searches" in result types stay as they are.
_ID = re.compile(r"\b(org|proj|user|key|vs|file)([-_])((?=[A-Za-z0-9]*[0-9A-Z])[A-Za-z0-9]{8,})\b")


def pseudonym(match: re.Match[str]) -> str:
    """Replace one ID with a stable pseudonym of the same prefix and shape."""
    prefix, sep, raw = match.groups()
    if raw.startswith("pseudo"):
        return match.group(0)
    digest = hashlib.sha256(f"{prefix}{sep}{raw}".encode()).hexdigest()[:12]
    return f"{prefix}{sep}pseudo{digest}"


def pseudonymize_text(text: str) -> str:
    """Pseudonymize every organization/project/user/key/vector store ID in ``text``."""
    return _ID.sub(pseudonym, text)


def _scrub_request(request: Any) -> Any:
    for name in list(request.headers):
        if name.lower() in _SCRUBBED_REQUEST_HEADERS:
            del request.headers[name]
    # The URI is left as sent: its filter values are the test's own constants, and replay
    # must match them exactly.
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in _SCRUBBED_RESPONSE_HEADERS:
            del headers[name]
    body = response.get("body", {}).get("string")
    # vcrpy hands bodies over as bytes and replays them to httpx as bytes: keep the type.
    if isinstance(body, bytes):
        response["body"]["string"] = pseudonymize_text(body.decode("utf-8")).encode("utf-8")
    return response


def make_vcr(cassette_dir: Path, record_mode: str = "none") -> vcr.VCR:
    """A VCR with this project's matching and scrubbing rules."""
    return vcr.VCR(
        cassette_library_dir=str(cassette_dir),
        record_mode=record_mode,
        # The query is part of the match on purpose: a replayed page only answers a request
        # that carried the same filters and cursor.
        match_on=["method", "scheme", "host", "port", "path", "query"],
        filter_headers=list(_SCRUBBED_REQUEST_HEADERS),
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )


def vcr_config_dict() -> dict[str, Any]:
    """The same rules as keyword arguments, for pytest-recording's ``vcr_config`` fixture."""
    return {
        "record_mode": "none",
        "match_on": ["method", "scheme", "host", "port", "path", "query"],
        "filter_headers": list(_SCRUBBED_REQUEST_HEADERS),
        "before_record_request": _scrub_request,
        "before_record_response": _scrub_response,
        "decode_compressed_response": True,
    }


def cassette_files() -> list[Path]:
    """Every cassette in the test tree."""
    return sorted(p for p in TESTS_DIR.rglob("*.yaml") if "cassettes" in p.parts)


def dumps_json(payload: object) -> str:
    return json.dumps(payload, indent=2, sort_keys=False)
