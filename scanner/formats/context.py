"""The key a secret is assigned to, read from the text just before it on its line.

Covers ``KEY=value`` (dotenv, ``export``, INI, gradle.properties, npmrc), ``key: value`` (YAML),
``"key": "value"`` (JSON), ``key = "value"`` (TOML), ``<key>value</key>`` (XML), netrc tokens,
``--flag value`` / ``--flag=value`` and HTTP headers, and ``scheme://user:`` URL userinfo.
"""

from __future__ import annotations

import regex

MAX_PREFIX = 200

CONTEXT_PATTERNS: tuple[regex.Pattern[str], ...] = (
    # XML element: <password>
    regex.compile(r"<(?P<key>[\w:.-]+)(?:\s[^<>]*)?>\s*$"),
    # netrc: machine h login u password p
    regex.compile(r"(?:^|\s)(?P<key>password|passwd|login|account)\s+$"),
    # URL userinfo: https://user:secret@host
    regex.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]*:$", regex.IGNORECASE),
    # assignments in every config syntax, optional quotes and auth schemes
    regex.compile(
        r"""(?:^|[\s;,{(&|"'])(?:export\s+|set\s+|setx\s+|\$env:|env\.)?["']?"""
        r"""(?P<key>[A-Za-z_@/][\w.\-/@:]*?)["']?\s*(?::=|=>|\+=|=|:)\s*"""
        r"""(?:["'`]|\$\{[^}]*:-)?\s*(?:(?:Bearer|Basic|token|Token)\s+)?$"""
    ),
    # command-line flags: --token X, --password=X, -p X
    regex.compile(r"""(?:^|\s)--?(?P<key>[A-Za-z][\w-]*)(?:=|\s+)["']?$"""),
)


def context_key(prefix: str) -> str | None:
    """Key name for a secret whose line reads ``prefix`` up to the secret, or None."""
    prefix = prefix[-MAX_PREFIX:]
    for pattern in CONTEXT_PATTERNS:
        match = pattern.search(prefix)
        if match:
            key = match.groupdict().get("key")
            if key is None:
                return "url"
            # npmrc: //registry.npmjs.org/:_authToken -> _authToken
            return key.rsplit(":", 1)[-1] if key.startswith("//") else key
    return None
