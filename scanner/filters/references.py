"""References instead of values: ``$VAR``, ``${{ secrets.X }}``, ``os.environ[…]``, ``op://…``.

The secret itself being a reference drops it for every rule. The text around it only counts for
generic rules: a real token written as a shell default (``${GH_TOKEN:-ghp_…}``) must be kept.
"""

from __future__ import annotations

import regex

from scanner.filters._context import Candidate

# The whole value is a reference to a secret kept elsewhere.
REFERENCE = regex.compile(
    r"""(?x)
    ^\$[A-Za-z_]\w*$                              # $VAR
    | ^\$\{[^{}]*\}$                              # ${VAR}, ${VAR:-…} as a whole
    | ^\$\{\{.*\}\}$                              # GitHub Actions ${{ secrets.X }}
    | ^\$\(.*\)$ | ^`.*`$                         # command substitution
    | ^%[A-Za-z_]\w*%$                            # Windows %VAR%
    | ^\$env:\w+$                                 # PowerShell
    | ^\{\{.*\}\}$ | ^\{%.*%\}$                   # Jinja/Helm/Go templates
    | ^<%=?.*%>$                                  # ERB
    | ^@Value\(.*\)$ | ^\#\{.*\}$                 # Spring, Ruby/Spring EL
    | ^(?:op|vault|keyring|pass|gopass|bw|awssm|gcpsm|azkv|sops|ref\+\w+)://
    | ^(?:vault|secret|secretref|keyring|env|file|exec|ssm|kms|secretsmanager):\S
    | ^!vault\b | ^ENC\[ | ^\{\{resolve:
    | ^arn:aws[\w-]*:(?:secretsmanager|ssm|kms):
    | ^(?:os\.environ|os\.getenv|getenv|process\.env|ENV\[|ENV\.fetch|System\.getenv
        |Environment\.GetEnvironmentVariable|env\(|secrets\.|vars\.)
    | ^keyring\s+get\b | ^(?:pass|gopass)\s+show\b | ^security\s+find-\w+-password\b
    | ^\[?stowaway:keychain:                       # the marker Stowaway leaves after a migration
    | ^stowaway\s+get\b
    """
)
ARN_BEFORE = regex.compile(r"\barn:aws[\w-]*:[\w-]+:[\w-]*:[\w-]*:[^\s\"'`]*$")
# A Stowaway keychain entry name, ``<provider>/<8 hex of the fingerprint>`` (``-2``… when taken):
# what ``stowaway get``/``exec --env VAR=NAME`` and migrated files refer to; never a secret.
KEYCHAIN_ENTRY = regex.compile(r"[a-z0-9][a-z0-9._-]{0,63}/[0-9a-f]{8}(?:-\d{1,3})?")
# Generic rules: the value sits inside such an expression (``os.environ["DB_PASSWORD"]``).
INSIDE = regex.compile(
    r"""(?x)
    (?: os\.environ(?:\.get)?\s*[\[(]
      | (?:os\.)?getenv\s*\(
      | process\.env\s*(?:\.|\[)
      | import\.meta\.env\.
      | \bENV(?:\.fetch)?\s*[\[(]
      | System\.getenv\s*\(
      | Environment\.GetEnvironmentVariable\s*\(
      | \benv\s*\(
      | \$\{\{\s*(?:secrets|vars|env|inputs|steps|needs)\s*\.
      | \$\{\s* | \$(?=[A-Za-z_]) | \$env: | %(?=\w+%)
      | \{\{-?\s*\.?[\w.]*\s* | <%=?\s*[\w.\[\]'"]*
      | @Value\(\s*["']?\$?\{?
      | (?:op|vault)://\S* | \bkeyring\s+get\s+(?:\S+\s+)?
      | \bsecrets\.
    )["']?$
    """
)
CLOSES = regex.compile(r"""^["']?(?:[\])};,%\s]|\}\}|%>|$)""")


def reference(c: Candidate) -> str | None:
    secret = c.secret.strip().strip("\"'")
    if REFERENCE.search(secret):
        return "reference to a secret stored elsewhere"
    if KEYCHAIN_ENTRY.fullmatch(secret):
        return "reference to a Stowaway keychain entry"
    if not c.generic:
        return None
    if c.after.startswith("("):  # ``token = derive_key(…)``: a call, not a literal
        return "function call, not a value"
    if ARN_BEFORE.search(c.before[-200:]):  # the 'secret:NAME' part of a Secrets Manager ARN
        return "part of an AWS resource name"
    if INSIDE.search(c.before[-120:]) and (CLOSES.match(c.after) or not c.after):
        return "reference to a secret stored elsewhere"
    return None
