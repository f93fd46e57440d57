"""No cassette holds a credential, and the harness scrubs what it records."""

from __future__ import annotations

from pathlib import Path

import httpx
import yaml
from _cassettes import KEY_SHAPED, cassette_files, make_vcr, pseudonymize_text

from openai_org_usage_client import AuthenticatedClient
from openai_org_usage_client.api.usage import usage_completions


def test_there_are_cassettes_to_scan() -> None:
    assert len(cassette_files()) >= 11


def test_no_cassette_contains_a_key_shaped_string() -> None:
    leaks = [
        f"{path}: {match.group(0)[:12]}..."
        for path in cassette_files()
        for match in KEY_SHAPED.finditer(path.read_text())
    ]
    assert leaks == []


def test_no_cassette_records_an_authorization_header() -> None:
    for path in cassette_files():
        for interaction in yaml.safe_load(path.read_text())["interactions"]:
            headers = {name.lower() for name in interaction["request"]["headers"]}
            assert "authorization" not in headers, path


def test_key_pattern_catches_real_key_shapes() -> None:
    assert KEY_SHAPED.search("sk-admin-" + "A1b2C3d4E5f6G7h8I9j0")
    assert KEY_SHAPED.search("Authorization: Bearer sk-proj-" + "x" * 30)
    assert not KEY_SHAPED.search("proj_abc key_abc user-abc")


def test_recording_scrubs_key_and_pseudonymizes_ids(tmp_path: Path) -> None:
    live_looking_key = "sk-admin-" + "Q" * 40
    body = (
        '{"object":"page","data":[{"object":"bucket","start_time":0,"end_time":86400,'
        '"results":[{"object":"organization.usage.completions.result","input_tokens":1,'
        '"output_tokens":1,"num_model_requests":1,"project_id":"proj_Zx81bQ02aKd9",'
        '"user_id":"user-7HsQ1lP0aa2Z","api_key_id":"key_Vb09sPq81Lmn"}]}],'
        '"has_more":false,"next_page":null}'
    )

    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            content=body,
            headers={"content-type": "application/json", "openai-organization": "org-secret"},
        )

    client = AuthenticatedClient(
        base_url="https://api.openai.com/v1",
        token=live_looking_key,
        httpx_args={"transport": httpx.MockTransport(serve)},
    )
    with make_vcr(tmp_path, record_mode="all").use_cassette("rec.yaml"), client as c:
        usage_completions.sync(client=c, start_time=0, project_ids=["proj_Zx81bQ02aKd9"])

    recorded = (tmp_path / "rec.yaml").read_text()
    assert live_looking_key not in recorded
    assert not KEY_SHAPED.search(recorded)
    assert "org-secret" not in recorded
    [interaction] = yaml.safe_load(recorded)["interactions"]
    body = interaction["response"]["body"]["string"]
    for raw_id in ("proj_Zx81bQ02aKd9", "user-7HsQ1lP0aa2Z", "key_Vb09sPq81Lmn"):
        assert raw_id not in body
    assert pseudonymize_text("proj_Zx81bQ02aKd9") in body
    # Pseudonyms are stable, so a filter recorded in the URI still matches the body.
    assert pseudonymize_text("proj_Zx81bQ02aKd9") == pseudonymize_text("proj_Zx81bQ02aKd9")
