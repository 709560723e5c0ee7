"""Placeholders: values people type where a token will go (``<your-token>``, ``xxxx``, ``****``)."""

from __future__ import annotations

import regex

from scanner.filters._context import Candidate, components, longest_run, longest_sequence, words

# Whole values that are never a real credential.
PLACEHOLDER_VALUES = words(
    """
    password passwd pass pwd secret secrets token apikey api_key api-key key changeme change_me
    change-me changeit redacted removed hidden masked dummy sample placeholder none null nil
    undefined tbd todo fixme empty default n/a na blank notset not_set unset missing your_token
    your-token yourtoken your_api_key your-api-key yourapikey mytoken my_token mysecret
    my_secret mypassword my_password xxx foobar foo bar baz value string secret_key secretkey
    access_key accesskey private_key privatekey client_secret token_here key_here insert_here
    """
)
# Marks a secret can never contain: redaction, truncation, templates, prose.
REDACTION = regex.compile(r"\*{3,}|\.{3,}|…|•{2,}|#{4,}")
WRAPPED = regex.compile(r"^(?:<[^<>]+>|\[[^\[\]]+\]|\{[^{}]+\}|\([^()]+\))$")
PROSE = regex.compile(
    r"(?i)(?:^|[_\-.\s])(?:your|my|insert|enter|replace|put|paste|add|generate|fill)[_\-.\s]?"
    r"(?:\w+[_\-.\s])*?(?:token|key|secret|password|pass|pat|here|credential|value)s?(?:$|[_\-.\s])"
    r"|[_\-.](?:here|goes[_\-]here)$"
    r"|^%\(?\w*\)?[sd]$|^%s$|^\{\d*\}$"
)
X_RUN = regex.compile(r"(?:x{4,}|X{4,})[\w-]*|[\w-]*?(?:x{4,}|X{4,})")
# Words that mark a placeholder inside a structured token. Six letters or more (or with a
# separator) so a random body can't spell one by chance.
STRUCTURED_WORDS = regex.compile(
    r"REDACTED|redacted|Redacted|PLACEHOLDER|placeholder|Placeholder|DUMMY|dummy|"
    r"[Yy][Oo][Uu][Rr][_-]|YOURTOKEN|YOURKEY|yourtoken|yourkey|INSERT|CHANGEME|changeme|"
    r"[_-]HERE\b|[_-]here\b|TOKEN_?HERE|token_?here|KEY_?HERE|key_?here|XXXXXX|xxxxxx"
)


def placeholder(c: Candidate) -> str | None:
    secret = c.secret.strip().strip("\"'`")
    if not secret:
        return "empty value"
    if REDACTION.search(secret):
        return "redacted or truncated value"
    if WRAPPED.fullmatch(secret):
        return "placeholder in brackets"
    if STRUCTURED_WORDS.search(secret):
        return "placeholder text"
    # Half the value one character (base64 of zero bytes has long ``AAAA`` runs, so a run alone
    # proves nothing).
    if longest_run(secret) >= max(8, len(secret) // 2):
        return "repeated character"
    if longest_sequence(secret) >= 8:
        return "sequential characters"
    lowered = secret.lower()
    if not c.structured and lowered in PLACEHOLDER_VALUES:
        # ``https://user:TOKEN@host``, ``curl -u me:password``: the word where the value goes.
        return "placeholder value"
    if not c.generic:
        return None
    if PROSE.search(secret):
        return "placeholder value"
    if len(set(lowered)) <= 2:
        return "repeated character"
    words = components(secret)
    if words and all(w in PLACEHOLDER_VALUES or w.isdigit() for w in words):
        return "placeholder value"
    if X_RUN.fullmatch(secret):
        return "placeholder value"
    return None
