"""The admin key is checked when a client is made: one clear error, before any request.

A key an ``Authorization`` header cannot carry (non-ASCII, whitespace, control characters)
used to fail late: a raw ``UnicodeEncodeError``, or an httpx protocol error retried four times
quoting the header. Now ``UsageClient``/``AsyncUsageClient`` refuse it at once with an
``InvalidParameterError`` naming ``api_key`` that holds none of the key (not in ``value``,
the message, ``args``, the repr or the chain); the command says ``OPENAI_ADMIN_KEY`` and the
store names the organization's variable.

Every bad key here carries a distinctive run of characters: any leak, whole or in part, shows.
"""

from __future__ import annotations

import traceback

import httpx
import pytest
from _exceptions import exception_chain
from click.testing import CliRunner

from openai_org_usage import AsyncUsageClient, InvalidParameterError, UsageClient
from openai_org_usage.cli._app import cli
from openai_org_usage.fake import FakeUsageAPI, running_server
from openai_org_usage.store import Organization, open_clients

FRAGMENT = "Zq9XwZq9Xw"
HEAD = "sk-admin-" + FRAGMENT
TAIL = FRAGMENT[::-1] * 2

# (what is wrong, the key, what the error says of it)
BAD_KEYS = [
    ("non-ASCII letter", f"sk-é{FRAGMENT}", "a non-ASCII character"),
    ("line break inside", f"{HEAD}\n{TAIL}", "a line break"),
    ("final newline", f"{HEAD}{TAIL}\n", "a line break at its end"),
    ("final CRLF", f"{HEAD}{TAIL}\r\n", "a line break at its end"),
    ("leading space", f" {HEAD}{TAIL}", "a space at its start"),
    ("space inside", f"{HEAD} {TAIL}", "a space"),
    ("tab", f"{HEAD}\t{TAIL}", "a tab"),
    ("NUL", f"{HEAD}\x00{TAIL}", "a control character"),
    ("ESC", f"{HEAD}\x1b[31m{TAIL}", "a control character"),
    ("DEL", f"{HEAD}\x7f{TAIL}", "a control character"),
    ("no-break space", f"{HEAD}\u00a0{TAIL}", "a non-ASCII character"),
    ("zero-width space", f"{HEAD}\u200b{TAIL}", "a non-ASCII character"),
    ("bidi override", f"{HEAD}\u202e{TAIL}", "a non-ASCII character"),
    ("emoji", f"{HEAD}\U0001f511{TAIL}", "a non-ASCII character"),
    ("undecodable byte from the environment", f"{HEAD}\udcff{TAIL}", "a non-ASCII character"),
]
BAD_IDS = [case[0] for case in BAD_KEYS]
# What an environment variable can hold (not NUL).
ENV_KEYS = [case for case in BAD_KEYS if "\x00" not in case[1]]
ENV_IDS = [case[0] for case in ENV_KEYS]


def never(request: httpx.Request) -> httpx.Response:
    raise AssertionError("a request was sent")


def assert_hidden(exc: InvalidParameterError, key: str) -> None:
    assert exc.value == "<hidden>"
    texts = ["".join(traceback.format_exception(exc))]
    for link in exception_chain(exc):
        texts += [str(link), repr(link), repr(link.args), repr(vars(link))]
    for text in texts:
        assert key not in text
        assert FRAGMENT not in text
        assert FRAGMENT[::-1] not in text
        assert key.strip() not in text


@pytest.fixture(autouse=True)
def _no_key_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


# -- the clients ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("case", "key", "said"), BAD_KEYS, ids=BAD_IDS)
@pytest.mark.parametrize("cls", [UsageClient, AsyncUsageClient])
def test_a_bad_key_is_refused_when_the_client_is_made(
    case: str, key: str, said: str, cls: type[UsageClient] | type[AsyncUsageClient]
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        cls(api_key=key, transport=httpx.MockTransport(never))
    exc = caught.value
    assert exc.param == "api_key"
    assert "printable ASCII" in exc.allowed
    assert exc.hint is not None
    assert exc.hint.startswith(f"the key holds {said} ")
    assert "the key itself is not shown" in exc.hint
    assert_hidden(exc, key)


@pytest.mark.parametrize(("case", "key", "said"), ENV_KEYS, ids=ENV_IDS)
@pytest.mark.parametrize("cls", [UsageClient, AsyncUsageClient])
def test_a_bad_key_from_the_environment_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    key: str,
    said: str,
    cls: type[UsageClient] | type[AsyncUsageClient],
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", key)
    with pytest.raises(InvalidParameterError) as caught:
        cls(transport=httpx.MockTransport(never))
    exc = caught.value
    assert exc.param == "api_key"
    assert f"OPENAI_ADMIN_KEY holds {said} " in str(exc)
    assert_hidden(exc, key)


def test_a_key_that_is_not_a_string_is_refused_without_showing_it() -> None:
    key = (HEAD + TAIL).encode()
    with pytest.raises(InvalidParameterError) as caught:
        UsageClient(api_key=key, transport=httpx.MockTransport(never))  # type: ignore[arg-type]
    assert caught.value.param == "api_key"
    assert_hidden(caught.value, HEAD + TAIL)


@pytest.mark.parametrize("key", ["demo", "sk-admin-" + "a" * 40, "".join(map(chr, range(33, 127)))])
def test_every_printable_ascii_key_is_accepted_and_sent(key: str) -> None:
    seen: list[str] = []

    def respond(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(200, json={"object": "list", "data": [], "has_more": False})

    with UsageClient(api_key=key, transport=httpx.MockTransport(respond)) as client:
        assert list(client.projects()) == []
    assert seen == [f"Bearer {key}"]


# -- the command ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "said"),
    [("sk-é", "a non-ASCII character"), ("sk-admin\nx", "a line break")]
    + [(key, said) for _, key, said in ENV_KEYS],
    ids=["sk-é", "sk-admin-newline-x", *ENV_IDS],
)
def test_the_command_says_which_variable_and_never_the_key(key: str, said: str) -> None:
    fake = FakeUsageAPI(seed=0)
    with running_server(fake) as url:
        result = CliRunner().invoke(
            cli,
            ["costs", "--start", "2026-11-01", "--end", "2026-11-08", "--base-url", url],
            env={"OPENAI_ADMIN_KEY": key},
            catch_exceptions=False,
        )
    assert result.exit_code == 2
    assert fake.requests == []
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        "openai-org-usage: error: invalid OPENAI_ADMIN_KEY: expected an admin key of "
        "printable ASCII characters"
    )
    assert f"OPENAI_ADMIN_KEY holds {said} " in lines[0]
    assert "--api-key" not in lines[0]
    for text in (result.stdout, result.stderr):
        assert key not in text
        assert FRAGMENT not in text
        assert key.strip() not in text


# -- the store's organizations -------------------------------------------------------------------


@pytest.mark.parametrize(("case", "key", "said"), ENV_KEYS, ids=ENV_IDS)
def test_an_organizations_bad_key_fails_that_organization_only(
    monkeypatch: pytest.MonkeyPatch, case: str, key: str, said: str
) -> None:
    monkeypatch.setenv("KEY_GOOD", "sk-admin-" + "g" * 40)
    monkeypatch.setenv("KEY_BAD", key)
    orgs = [Organization("a", "org-a", "KEY_GOOD"), Organization("b", "org-b", "KEY_BAD")]
    clients = open_clients(orgs)
    try:
        assert clients[0].client is not None
        assert clients[1].client is None
        error = clients[1].error
        assert error is not None
        assert error.startswith(
            "environment variable KEY_BAD does not hold a usable admin key: expected an "
            "admin key of printable ASCII characters"
        )
        assert f"the key holds {said} " in error
        for text in (error, repr(clients)):
            assert key not in text
            assert FRAGMENT not in text
    finally:
        for org in clients:
            if org.client is not None:
                org.client.close()
