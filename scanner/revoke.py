"""Provider revocation APIs that need nothing but the token itself.

Sending a token to its provider is the only network action in Stowaway besides what the user
runs through it, so every call here is opt-in: :func:`describe` gives the exact text of what is
sent where (with the redacted preview in place of the token), the caller shows it and asks, and
only then :func:`send` makes the one request. ``urllib`` with TLS verification on, a timeout, no
proxies for loopback addresses and no redirects (a redirect could carry the token to another
host). ``endpoint`` replaces the provider's URL (tests use a stub server on 127.0.0.1; plain
``http`` is refused for anything but a loopback address).

Nothing here logs, stores or raises with the token in it; :class:`RevokeOutcome` holds the HTTP
status and a short message only.
"""

from __future__ import annotations

import ipaddress
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from scanner import __version__

DEFAULT_TIMEOUT = 20.0
MAX_RESPONSE = 64 * 1024
USER_AGENT = f"stowaway/{__version__}"


class RevokeError(Exception):
    """The request could not be made as asked (bad endpoint); the message holds no secret."""


@dataclass(frozen=True)
class RevokeApi:
    """One provider's self-service revocation request.

    ``token_in``: ``"json"`` (a JSON body built by ``body``), ``"header"`` (header ``header``
    with ``header_prefix`` + token) or ``"form"`` (``application/x-www-form-urlencoded`` field
    ``field``).
    """

    key: str
    provider: str
    method: str
    url: str
    token_in: str
    header: str = ""
    header_prefix: str = ""
    field: str = ""
    accept: str = "application/json"
    note: str = ""  # what the provider does with the request, for the user

    def body_for(self, token: str) -> bytes | None:
        if self.token_in == "json":
            return json.dumps({"credentials": [token]}).encode()
        if self.token_in == "form":
            return urllib.parse.urlencode({self.field: token}).encode()
        return None

    def content_type(self) -> str | None:
        return {"json": "application/json", "form": "application/x-www-form-urlencoded"}.get(
            self.token_in
        )


GITHUB = RevokeApi(
    key="github",
    provider="GitHub",
    method="POST",
    url="https://api.github.com/credentials/revoke",
    token_in="json",
    accept="application/vnd.github+json",
    note=(
        "GitHub revokes the token if it is valid and notifies its owner; it answers the same "
        "way for unknown tokens, so a success means the request was accepted."
    ),
)
SLACK = RevokeApi(
    key="slack",
    provider="Slack",
    method="POST",
    url="https://slack.com/api/auth.revoke",
    token_in="header",
    header="Authorization",
    header_prefix="Bearer ",
    note="Slack revokes the token that authenticates the call (auth.revoke).",
)
GITLAB = RevokeApi(
    key="gitlab",
    provider="GitLab",
    method="DELETE",
    url="https://gitlab.com/api/v4/personal_access_tokens/self",
    token_in="header",
    header="PRIVATE-TOKEN",
    note=(
        "GitLab revokes the personal access token that authenticates the call. For a "
        "self-managed GitLab, give its URL as the endpoint."
    ),
)
GOOGLE = RevokeApi(
    key="google",
    provider="Google",
    method="POST",
    url="https://oauth2.googleapis.com/revoke",
    token_in="form",
    field="token",
    note="Google revokes the OAuth token (and the grant it belongs to).",
)

APIS: dict[str, RevokeApi] = {api.key: api for api in (GITHUB, SLACK, GITLAB, GOOGLE)}

# the rules' ``revoke.api`` text (method + URL) → the API that can be called with the token alone
_BY_RULE_TEXT: tuple[tuple[str, RevokeApi], ...] = (
    ("api.github.com/credentials/revoke", GITHUB),
    ("slack.com/api/auth.revoke", SLACK),
    ("/api/v4/personal_access_tokens/self", GITLAB),
    ("oauth2.googleapis.com/revoke", GOOGLE),
)


def api_for(rule_api_text: str | None) -> RevokeApi | None:
    """The callable API a rule's ``revoke.api`` names, or None (manual revocation only)."""
    if not rule_api_text:
        return None
    for needle, api in _BY_RULE_TEXT:
        if needle in rule_api_text:
            return api
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def target_url(api: RevokeApi, endpoint: str | None = None) -> str:
    """The URL the request goes to; ``endpoint`` must be https (or http on a loopback address)."""
    url = endpoint or api.url
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return url
    if parts.scheme == "http" and _is_loopback(host):
        return url
    raise RevokeError(
        f"Refusing to send a token to {url!r}: use an https:// URL (plain http is only allowed "
        "for a local test server on 127.0.0.1)."
    )


def _header_names(api: RevokeApi) -> list[str]:
    names = []
    if api.content_type():
        names.append(f"Content-Type: {api.content_type()}")
    names += [f"Accept: {api.accept}", f"User-Agent: {USER_AGENT}"]
    return names


def describe(api: RevokeApi, preview: str, endpoint: str | None = None) -> str:
    """Exactly what :func:`send` sends where, with ``preview`` standing in for the token."""
    url = target_url(api, endpoint)
    if api.token_in == "json":
        what = f"body: {json.dumps({'credentials': [preview]}, ensure_ascii=False)}"
    elif api.token_in == "form":
        what = f"body: {api.field}={preview}"
    else:
        what = f"header {api.header}: {api.header_prefix}{preview}, no body"
    return (
        f"{api.method} {url} — {what} (the full token is sent) — nothing else is sent "
        f"besides the headers {', '.join(_header_names(api))}"
    )


@dataclass(frozen=True)
class RevokeOutcome:
    sent: bool  # the request reached the server (an HTTP status came back)
    ok: bool  # the provider confirmed the revocation (or accepted the request)
    status: int | None
    message: str  # for the user and the incident log; never holds the token
    method: str = ""
    url: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a 3xx comes back as an HTTPError: the token never follows a redirect


def _opener(url: str) -> urllib.request.OpenerDirector:
    host = urllib.parse.urlsplit(url).hostname or ""
    handlers: list[urllib.request.BaseHandler] = [
        _NoRedirect(),
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
    ]
    if _is_loopback(host):
        handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


def _interpret(api: RevokeApi, status: int, body: bytes) -> tuple[bool, str]:
    text = body.decode("utf-8", "replace")
    try:
        doc = json.loads(text) if text.strip() else None
    except ValueError:
        doc = None
    if api.key == "slack":
        if isinstance(doc, dict) and doc.get("ok") is True:
            return True, "Slack revoked the token." if doc.get(
                "revoked", True
            ) else "Slack answered ok but did not revoke the token."
        error = doc.get("error") if isinstance(doc, dict) else None
        if error in ("invalid_auth", "token_revoked", "account_inactive", "not_authed"):
            return False, f"Slack says the token no longer works ({error}): already revoked?"
        return False, f"Slack refused the request ({error or f'HTTP {status}'})."
    if 200 <= status < 300:
        return True, f"{api.provider} accepted the revocation (HTTP {status}). {api.note}".strip()
    if api.key == "gitlab" and status == 401:
        return False, "GitLab says the token is not valid (HTTP 401): already revoked or expired?"
    if api.key == "google" and status == 400:
        return False, "Google says the token is not valid (HTTP 400): already revoked or expired?"
    detail = ""
    if isinstance(doc, dict) and isinstance(doc.get("message"), str):
        detail = ": " + doc["message"][:200]
    return False, f"{api.provider} refused the request (HTTP {status}{detail})."


def send(
    api: RevokeApi,
    token: str,
    *,
    confirm: Callable[[str], bool],
    preview: str,
    endpoint: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> RevokeOutcome:
    """Ask ``confirm`` with :func:`describe`'s text; if it says yes, make the one request."""
    url = target_url(api, endpoint)
    if not token:
        raise RevokeError("There is no token to send.")
    if any(ch.isspace() or not ch.isprintable() or not ch.isascii() for ch in token):
        # http.client would reject it with an error quoting the header value
        raise RevokeError("The token holds characters that cannot be sent; nothing was sent.")
    if not confirm(describe(api, preview, endpoint)):
        return RevokeOutcome(False, False, None, "Not sent: you declined.", api.method, url)
    headers = {"Accept": api.accept, "User-Agent": USER_AGENT}
    content_type = api.content_type()
    if content_type:
        headers["Content-Type"] = content_type
    if api.token_in == "header":
        headers[api.header] = api.header_prefix + token
    request = urllib.request.Request(
        url, data=api.body_for(token), headers=headers, method=api.method
    )
    try:
        with _opener(url).open(request, timeout=timeout) as response:
            status = int(response.status)
            body = response.read(MAX_RESPONSE)
    except urllib.error.HTTPError as exc:
        status = int(exc.code)
        try:
            body = exc.read(MAX_RESPONSE)
        except OSError:
            body = b""
        finally:
            exc.close()
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return RevokeOutcome(
            False,
            False,
            None,
            f"Could not reach {urllib.parse.urlsplit(url).netloc} ({type(reason).__name__}: "
            f"{reason}); the token was probably not revoked.",
            api.method,
            url,
        )
    except Exception as exc:  # never echo the exception text: it could quote the request
        return RevokeOutcome(
            False, False, None, f"The request failed ({type(exc).__name__}).", api.method, url
        )
    # a server echoing the request must not put the token into the outcome (and the incident log)
    ok, message = _interpret(api, status, body.replace(token.encode(), preview.encode()))
    return RevokeOutcome(True, ok, status, message.replace(token, preview), api.method, url)
