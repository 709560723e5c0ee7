"""Provider revocation calls, against a local stub server (never the internet)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from scanner import revoke
from scanner.rules import default_rules
from tests import tokens
from tests.revoke_stub import revocation_stub


def _yes(texts: list[str]) -> Callable[[str], bool]:
    def confirm(text: str) -> bool:
        texts.append(text)
        return True

    return confirm


def _send(
    api: revoke.RevokeApi, token: str, endpoint: str, preview: str = "p"
) -> revoke.RevokeOutcome:
    """``revoke.send`` with the user saying yes."""
    return revoke.send(api, token, confirm=lambda _t: True, preview=preview, endpoint=endpoint)


def test_github_sends_exactly_the_token_in_the_documented_body() -> None:
    token = tokens.github("ghp")
    texts: list[str] = []
    with revocation_stub(202) as stub:
        endpoint = stub.url + "/credentials/revoke"
        outcome = revoke.send(
            revoke.GITHUB,
            token,
            confirm=_yes(texts),
            preview="ghp_…" + token[-4:],
            endpoint=endpoint,
        )
    assert outcome.sent and outcome.ok and outcome.status == 202
    [req] = stub.requests
    assert req.method == "POST" and req.path == "/credentials/revoke"
    assert json.loads(req.body) == {"credentials": [token]}
    assert req.headers["content-type"] == "application/json"
    assert not any(k in ("authorization", "cookie") for k in req.headers)
    # the confirmation named exactly this, with the preview in place of the token
    [text] = texts
    assert text.startswith(f'POST {endpoint} — body: {{"credentials": ["ghp_…{token[-4:]}"]}}')
    assert "(the full token is sent) — nothing else is sent" in text
    assert token not in text and token not in outcome.message


def test_declining_sends_nothing() -> None:
    token = tokens.github("ghp")
    with revocation_stub() as stub:
        outcome = revoke.send(
            revoke.GITHUB,
            token,
            confirm=lambda _t: False,
            preview="ghp_…x",
            endpoint=stub.url + "/credentials/revoke",
        )
    assert not outcome.sent and not outcome.ok
    assert stub.requests == []


def test_gitlab_sends_the_token_as_private_token_header_only() -> None:
    token = tokens.gitlab_classic()
    with revocation_stub(204) as stub:
        outcome = _send(
            revoke.GITLAB,
            token,
            stub.url + "/api/v4/personal_access_tokens/self",
            preview="glpat-…",
        )
        assert outcome.ok and outcome.status == 204
        [req] = stub.requests
        assert req.method == "DELETE" and req.body == b""
        assert req.headers["private-token"] == token
    with revocation_stub(401) as stub:
        outcome = _send(revoke.GITLAB, token, stub.url + "/x", preview="glpat-…")
    assert outcome.sent and not outcome.ok and "already revoked" in outcome.message


def test_slack_reads_the_json_answer() -> None:
    token = tokens.slack("bot")
    with revocation_stub(200, {"ok": True, "revoked": True}) as stub:
        ok = _send(revoke.SLACK, token, stub.url, preview="xoxb-…")
        assert ok.ok
        assert stub.requests[0].headers["authorization"] == f"Bearer {token}"
    with revocation_stub(200, {"ok": False, "error": "invalid_auth"}) as stub:
        bad = _send(revoke.SLACK, token, stub.url, preview="xoxb-…")
    assert bad.sent and not bad.ok and "invalid_auth" in bad.message


def test_a_redirect_is_not_followed() -> None:
    token = tokens.github("ghp")
    with revocation_stub() as other, revocation_stub() as stub:
        stub.redirect_to = other.url + "/steal"
        outcome = _send(revoke.GITHUB, token, stub.url)
    assert not outcome.ok and outcome.status == 307
    assert len(stub.requests) == 1 and other.requests == []


def test_unreachable_endpoint_reports_without_the_token() -> None:
    token = tokens.github("ghp")
    with revocation_stub() as stub:
        url = stub.url
    outcome = _send(revoke.GITHUB, token, url)
    assert not outcome.sent and "Could not reach" in outcome.message
    assert token not in outcome.message


@pytest.mark.parametrize(
    "endpoint", ["http://example.com/revoke", "ftp://127.0.0.1/x", "http:///nohost"]
)
def test_plain_http_only_to_loopback(endpoint: str) -> None:
    with pytest.raises(revoke.RevokeError):
        _send(revoke.GITHUB, "ghp_x", endpoint)


def test_a_token_with_control_characters_is_refused_before_sending() -> None:
    with revocation_stub() as stub, pytest.raises(revoke.RevokeError) as err:
        _send(revoke.GITLAB, "glpat-abc\r\nX: y", stub.url)
    assert "abc" not in str(err.value) and stub.requests == []


def test_rules_map_to_callable_apis() -> None:
    by_id = default_rules().by_id()
    callable_ = {rid: revoke.api_for(r.revoke.api) for rid, r in by_id.items()}
    assert callable_["github-pat-classic"] is revoke.GITHUB
    assert callable_["gitlab-pat"] is revoke.GITLAB
    assert revoke.SLACK in callable_.values()
    # anything that needs more than the token (ids, a CLI) stays manual
    assert revoke.api_for("npm token revoke TOKEN_ID") is None
    assert revoke.api_for(None) is None
    default = revoke.describe(revoke.GITHUB, "ghp_…Ab12")
    assert default == (
        'POST https://api.github.com/credentials/revoke — body: {"credentials": ["ghp_…Ab12"]} '
        "(the full token is sent) — nothing else is sent besides the headers Content-Type: "
        f"application/json, Accept: application/vnd.github+json, User-Agent: {revoke.USER_AGENT}"
    )


@pytest.mark.parametrize("api", [revoke.GITHUB, revoke.SLACK])
def test_a_server_echoing_the_token_does_not_put_it_in_the_outcome(api: revoke.RevokeApi) -> None:
    token = tokens.github("ghp") if api is revoke.GITHUB else tokens.slack("bot")
    reply = {"ok": False, "error": f"bad {token}", "message": f"Bad credentials: {token}"}
    with revocation_stub(422 if api is revoke.GITHUB else 200, reply) as stub:
        outcome = _send(api, token, stub.url, preview="tok…")
    assert outcome.sent and not outcome.ok
    assert token not in outcome.message and "tok…" in outcome.message
