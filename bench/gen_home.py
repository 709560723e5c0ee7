"""Generate a realistic engineer's home directory with labelled credentials, for benchmarking.

    python bench/gen_home.py --size 300M --seed 7 [--out DIR]

The home holds the places people paste tokens into (shell histories, CLI credential files, notes,
notebooks, project ``.env`` files, git remotes, source), with:

* **positives**: real-shaped credentials of ~35 kinds, generated from providers' documented
  formats with valid checksums where the format has one (``bench/token_kinds.py``); the same
  token is often copied to several places, as people do;
* **hard negatives**: placeholders, variable references, documented example keys, hashes, ids,
  public keys, checksum-invalid tokens, test fixtures;
* **informational**: encrypted private keys (a scanner may list them; they are not a leak);
* **benign filler** up to the requested size (``bench/filler.py``), including the trees a
  personal scanner should skip (``node_modules``, ``.git/objects``, virtualenvs) and big/binary
  files.

Labels go to ``labels.json`` next to (never inside) the home: for each labelled line its path
(relative to the home), 1-based line (and end line for multi-line values), kind, label
(positive/negative/informational), the sha256 of the value (never the value) and the line's shape
with the value replaced by ``<kind>``. ``corpus(size, seed)`` caches a generated home in
``bench/.cache/home-<size>-s<seed>-v<version>/``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import token_kinds as tk
from bench.filler import NAMES, PKGS, WORDS, Filler, ordinary_commands, words

GENERATOR_VERSION = 6
CACHE_DIR = Path(__file__).resolve().parent / ".cache"
AWS_DOC_KEY_ID = "AKIA" + "IOSFODNN7" + "EXAMPLE"
AWS_DOC_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"  # stowaway:ignore (AWS docs)
JWT_IO_EXAMPLE = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwi"
    "aWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
# Trees a personal-secrets scanner is expected to skip by default (and that run.py tells the peer
# tools to skip as well, so every tool reads the same files).
EXCLUDED_DIR_NAMES = ("node_modules", ".venv", "venv", "__pycache__", "site-packages")
EXCLUDED_SUBPATHS = (".git/objects",)


@dataclass(frozen=True)
class Label:
    path: str  # relative to the home, POSIX separators
    line: int  # 1-based
    end_line: int
    kind: str
    label: str  # positive | negative | informational
    sha256: str  # of the value
    file_kind: str
    shape: str  # the line with the value replaced by <kind>, at most 160 chars


@dataclass(frozen=True)
class Plant:
    value: str
    kind: str
    label: str = "positive"


def P(value: str, kind: str) -> Plant:
    return Plant(value, kind, "positive")


def N(value: str, kind: str) -> Plant:
    return Plant(value, kind, "negative")


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def parse_size(text: str) -> int:
    text = text.strip().upper()
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    return int(float(text.rstrip("KMGB") if mult > 1 else text) * mult)


class Person:
    """The credentials one engineer has accumulated, each kept to be copied to several places."""

    def __init__(self, rng: random.Random) -> None:
        g = tk.POSITIVE_KINDS
        self.rng = rng
        self.user = "alex"
        self.tokens: dict[str, list[str]] = {
            kind: [g[kind](rng) for _ in range(n)]
            for kind, n in {
                "github_pat": 4,
                "github_oauth": 1,
                "github_fine_grained": 2,
                "gitlab_pat": 2,
                "npm_token": 2,
                "pypi_token": 2,
                "aws_access_key_id": 3,
                "aws_secret_key": 3,
                "slack_bot_token": 2,
                "slack_user_token": 1,
                "slack_webhook": 2,
                "stripe_secret_key": 2,
                "stripe_restricted_key": 1,
                "openai_key": 2,
                "anthropic_key": 2,
                "google_api_key": 2,
                "huggingface_token": 2,
                "sendgrid_key": 1,
                "twilio_api_key": 1,
                "digitalocean_token": 1,
                "shopify_token": 1,
                "grafana_sa_token": 1,
                "atlassian_token": 1,
                "cargo_token": 1,
                "azure_storage_key": 1,
                "jwt": 3,
                "password": 12,
                "generic_api_key": 4,
                "vault_token": 1,
                "terraform_token": 1,
                "docker_pat": 1,
                "google_refresh_token": 1,
                "google_client_secret": 1,
            }.items()
        }
        self.session = (
            tk.aws_key_id(rng, "ASIA"),
            tk.aws_secret(rng),
            tk.aws_session_token(rng),
        )

    def pick(self, kind: str) -> str:
        return self.rng.choice(self.tokens[kind])

    def t(self, kind: str, i: int = 0) -> str:
        return self.tokens[kind][i % len(self.tokens[kind])]


class HomeWriter:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.labels: list[Label] = []
        self.files = 0
        self.bytes = 0

    def write(
        self, rel: str, text: str | bytes, plants: list[Plant] | None = None, file_kind: str = ""
    ) -> None:
        path = self.home / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
        path.write_bytes(data)
        self.files += 1
        self.bytes += len(data)
        if plants:
            assert isinstance(text, str)
            self._label(rel, text, plants, file_kind or _file_kind(rel))

    def _label(self, rel: str, text: str, plants: list[Plant], file_kind: str) -> None:
        seen: set[tuple[str, int]] = set()
        for plant in plants:
            start = text.find(plant.value)
            if start < 0:
                raise AssertionError(f"planted value of kind {plant.kind} not in {rel}")
            while start >= 0:
                line = text.count("\n", 0, start) + 1
                end_line = line + plant.value.count("\n")
                if (plant.value, line) not in seen:
                    seen.add((plant.value, line))
                    bol = text.rfind("\n", 0, start) + 1
                    eol = text.find("\n", start)
                    full = text[bol : eol if eol >= 0 else len(text)]
                    for other in plants:  # never keep any planted value in a shape
                        first = other.value.split("\n", 1)[0]
                        full = full.replace(first, f"<{other.kind}>")
                    self.labels.append(
                        Label(
                            rel,
                            line,
                            end_line,
                            plant.kind,
                            plant.label,
                            sha256(plant.value),
                            file_kind,
                            full[:160],
                        )
                    )
                start = text.find(plant.value, start + len(plant.value))


def _file_kind(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    table = {
        ".bash_history": "bash_history",
        ".zsh_history": "zsh_history",
        "fish_history": "fish_history",
        "ConsoleHost_history.txt": "powershell_history",
        "credentials": "aws_credentials" if ".aws/" in rel else "credentials",
        "hosts.yml": "gh_hosts",
        ".git-credentials": "git_credentials",
        ".netrc": "netrc",
        "config.json": "docker_config" if ".docker/" in rel else "json",
        "config": "kubeconfig" if ".kube/" in rel else ("gitconfig" if ".git/" in rel else "ini"),
        ".npmrc": "npmrc",
        ".pypirc": "pypirc",
        "credentials.toml": "cargo_credentials",
        "settings.xml": "maven_settings",
        "gradle.properties": "gradle_properties",
        "settings.json": "vscode_settings",
    }
    if name in table:
        return table[name]
    if name.startswith(".env"):
        return "dotenv"
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    if "Notes/" in rel or "Obsidian/" in rel:
        return "notes"
    return {
        "ipynb": "jupyter",
        "md": "markdown",
        "yml": "yaml",
        "yaml": "yaml",
        "json": "json",
        "py": "source",
        "js": "source",
        "ts": "source",
        "go": "source",
        "csv": "csv",
        "toml": "toml",
        "txt": "text",
    }.get(ext, "other")


# --- the person's shell histories ---------------------------------------------------------------


def secret_commands(p: Person, rng: random.Random) -> list[tuple[list[str], list[Plant]]]:
    """Commands that put a secret on the command line, one or more physical lines each."""
    u = p.user
    org = rng.choice(NAMES)
    out: list[tuple[list[str], list[Plant]]] = []

    def add(lines: str | list[str], *plants: Plant) -> None:
        out.append(([lines] if isinstance(lines, str) else lines, list(plants)))

    for i in range(4):
        ghp = p.t("github_pat", i)
        add(f"export GITHUB_TOKEN={ghp}", P(ghp, "github_pat"))
    add(
        f"git clone https://{u}:{p.t('github_pat', 1)}@github.com/{org}/infra.git",
        P(p.t("github_pat", 1), "github_pat"),
    )
    add(
        f'curl -H "Authorization: token {p.t("github_pat", 2)}" https://api.github.com/user/repos',
        P(p.t("github_pat", 2), "github_pat"),
    )
    add(
        f"echo {p.t('github_pat', 0)} | gh auth login --with-token",
        P(p.t("github_pat", 0), "github_pat"),
    )
    fg = p.t("github_fine_grained", 0)
    add(f"GH_TOKEN={fg} gh release create v1.4.0 --generate-notes", P(fg, "github_fine_grained"))
    gl = p.t("gitlab_pat", 0)
    add(
        f'curl --header "PRIVATE-TOKEN: {gl}" "https://gitlab.com/api/v4/projects?owned=true"',
        P(gl, "gitlab_pat"),
    )
    npm = p.t("npm_token", 0)
    add(f"npm config set //registry.npmjs.org/:_authToken {npm}", P(npm, "npm_token"))
    pypi = p.t("pypi_token", 0)
    add(f"twine upload -u __token__ -p {pypi} dist/*", P(pypi, "pypi_token"))
    for i in range(2):
        kid, sec = p.t("aws_access_key_id", i), p.t("aws_secret_key", i)
        add(f"export AWS_ACCESS_KEY_ID={kid}", P(kid, "aws_access_key_id"))
        add(f"export AWS_SECRET_ACCESS_KEY={sec}", P(sec, "aws_secret_key"))
    sec = p.t("aws_secret_key", 2)
    add(f"aws configure set aws_secret_access_key {sec} --profile ci", P(sec, "aws_secret_key"))
    oa = p.t("openai_key", 0)
    add(f"export OPENAI_API_KEY={oa}", P(oa, "openai_key"))
    add(
        [
            "curl https://api.openai.com/v1/chat/completions \\",
            '  -H "Content-Type: application/json" \\',
            f'  -H "Authorization: Bearer {p.t("openai_key", 1)}" \\',
            '  -d \'{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}\'',
        ],
        P(p.t("openai_key", 1), "openai_key"),
    )
    an = p.t("anthropic_key", 0)
    add(f"export ANTHROPIC_API_KEY={an}", P(an, "anthropic_key"))
    hook = p.t("slack_webhook", 0)
    add(
        f"curl -X POST -H 'Content-type: application/json' --data '{{\"text\":\"deployed\"}}' "
        f"{hook}",
        P(hook, "slack_webhook"),
    )
    xb = p.t("slack_bot_token", 0)
    add(
        f'curl -H "Authorization: Bearer {xb}" https://slack.com/api/auth.test',
        P(xb, "slack_bot_token"),
    )
    sk = p.t("stripe_secret_key", 0)
    add(f"curl https://api.stripe.com/v1/charges -u {sk}: -d limit=3", P(sk, "stripe_secret_key"))
    add(
        f"stripe listen --api-key {p.t('stripe_restricted_key', 0)}",
        P(p.t("stripe_restricted_key", 0), "stripe_restricted_key"),
    )
    hf = p.t("huggingface_token", 0)
    add(f"HF_TOKEN={hf} python train.py --epochs 3", P(hf, "huggingface_token"))
    add(
        f"huggingface-cli login --token {p.t('huggingface_token', 1)}",
        P(p.t("huggingface_token", 1), "huggingface_token"),
    )
    pw = p.t("password", 0)
    add(f'psql "postgresql://app:{pw}@db.{org}.internal:5432/app"', P(pw, "password"))
    pw = p.t("password", 1)
    add(f"mysql -h 10.0.3.12 -u root -p{pw} analytics", P(pw, "password"))
    pw = p.t("password", 2)
    add(f"curl -u admin:{pw} https://jenkins.{org}.internal/job/deploy/build", P(pw, "password"))
    ga = p.t("google_api_key", 0)
    add(
        f'curl "https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key={ga}"',
        P(ga, "google_api_key"),
    )
    do = p.t("digitalocean_token", 0)
    add(f"doctl auth init -t {do}", P(do, "digitalocean_token"))
    sg = p.t("sendgrid_key", 0)
    add(f"export SENDGRID_API_KEY='{sg}'", P(sg, "sendgrid_key"))
    jw = p.t("jwt", 0)
    add(
        [
            f"curl -s https://api.{org}.dev/v2/admin/users \\",
            f"  -H 'Authorization: Bearer {jw}' | jq '.[0]'",
        ],
        P(jw, "jwt"),
    )
    dp = p.t("docker_pat", 0)
    add(f"docker login -u {u} -p {dp}", P(dp, "docker_pat"))
    add(
        f"docker login ghcr.io -u {u} --password {p.t('github_pat', 3)}",
        P(p.t("github_pat", 3), "github_pat"),
    )
    gk = p.t("generic_api_key", 0)
    add(
        f"kubectl create secret generic datadog --from-literal=api-key={gk} -n monitoring",
        P(gk, "generic_api_key"),
    )
    vt = p.t("vault_token", 0)
    add(f"export VAULT_TOKEN={vt}", P(vt, "vault_token"))
    gf = p.t("grafana_sa_token", 0)
    add(
        f'curl -H "Authorization: Bearer {gf}" https://grafana.{org}.dev/api/dashboards/uid/x',
        P(gf, "grafana_sa_token"),
    )
    tw = p.t("twilio_api_key", 0)
    add(
        f"twilio login --api-key {tw} --api-secret {p.t('generic_api_key', 1)}",
        P(tw, "twilio_api_key"),
        P(p.t("generic_api_key", 1), "generic_api_key"),
    )
    return out


def negative_commands(p: Person, rng: random.Random) -> list[tuple[list[str], list[Plant]]]:
    """Commands that look credential-ish but hold no secret."""
    out: list[tuple[list[str], list[Plant]]] = []

    def add(lines: str | list[str], *plants: Plant) -> None:
        out.append(([lines] if isinstance(lines, str) else lines, list(plants)))

    add("export GITHUB_TOKEN=$(gh auth token)", N("$(gh auth token)", "reference"))
    add("export GH_TOKEN=${GITHUB_TOKEN}", N("${GITHUB_TOKEN}", "reference"))
    add("export OPENAI_API_KEY=sk-your-key-here", N("sk-your-key-here", "placeholder"))
    add(
        "export OPENAI_API_KEY=$(op read op://Private/OpenAI/credential)",
        N("op://Private/OpenAI/credential", "reference"),
    )
    add(f"aws configure set aws_access_key_id {AWS_DOC_KEY_ID}", N(AWS_DOC_KEY_ID, "aws_example"))
    add(
        f"aws configure set aws_secret_access_key {AWS_DOC_SECRET}",
        N(AWS_DOC_SECRET, "aws_example"),
    )
    sha = tk.git_sha(rng)
    add(f"git reset --hard {sha}", N(sha, "git_sha"))
    sha = tk.git_sha(rng)
    add(f"git cherry-pick {sha}", N(sha, "git_sha"))
    digest = tk.rand(rng, tk.HEX, 64)
    add(f"docker pull python@sha256:{digest}", N(digest, "sha256_digest"))
    add("read -s DB_PASSWORD && export DB_PASSWORD", N("DB_PASSWORD", "reference"))
    add(
        'curl -H "Authorization: Bearer $API_TOKEN" https://api.example.com/v1/me',
        N("$API_TOKEN", "reference"),
    )
    add(
        'echo "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" > token.example',
        N("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "placeholder"),
    )
    add("export GH_TOKEN=<token>", N("<token>", "placeholder"))
    add('gh secret set NPM_TOKEN --body "$NPM_TOKEN"', N("$NPM_TOKEN", "reference"))
    bad = tk.github_bad_checksum(rng)
    add(f"export GITHUB_TOKEN={bad}", N(bad, "invalid_checksum"))
    bad = tk.github_bad_checksum(rng)
    add(
        f"git remote set-url origin https://{p.user}:{bad}@github.com/x/y.git",
        N(bad, "invalid_checksum"),
    )
    u = tk.uuid4(rng)
    add(f"az account set --subscription {u}", N(u, "uuid"))
    pub = tk.ssh_public_key(rng)
    add(f"echo '{pub}' >> ~/.ssh/authorized_keys", N(pub.split()[1], "ssh_public_key"))
    add("mysql -u root -p analytics_ro", N("mysql -u root -p analytics_ro", "no_value"))
    add(
        "docker login -u alex --password-stdin < ~/.docker-token",
        N("--password-stdin < ~/.docker-token", "no_value"),
    )
    add(
        "export STRIPE_API_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
        N("sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", "placeholder"),
    )
    add(
        f"curl -H 'Authorization: Bearer {JWT_IO_EXAMPLE}' http://localhost:8080/debug",
        N(JWT_IO_EXAMPLE, "jwt_example"),
    )
    add("export PASSWORD=changeme", N("changeme", "placeholder"))
    add("echo $AWS_SECRET_ACCESS_KEY | wc -c", N("$AWS_SECRET_ACCESS_KEY", "reference"))
    pk = tk.stripe_publishable(rng)
    add(f"export NEXT_PUBLIC_STRIPE_KEY={pk}", N(pk, "public_key"))
    add("read -rs GITHUB_TOKEN", N("read -rs GITHUB_TOKEN", "no_value"))
    return out


def interleave(
    rng: random.Random, n_ordinary: int, special: list[tuple[list[str], list[Plant]]]
) -> list[tuple[list[str], list[Plant]]]:
    entries: list[tuple[list[str], list[Plant]]] = [
        ([c], []) for c in ordinary_commands(rng, n_ordinary)
    ]
    for item in special:
        entries.insert(rng.randrange(len(entries) + 1), item)
    return entries


def bash_history(entries: list[tuple[list[str], list[Plant]]]) -> tuple[str, list[Plant]]:
    plants = [pl for _, ps in entries for pl in ps]
    return "\n".join(line for lines, _ in entries for line in lines) + "\n", plants


def zsh_history(
    rng: random.Random, entries: list[tuple[list[str], list[Plant]]]
) -> tuple[str, list[Plant]]:
    """zsh EXTENDED_HISTORY: ``: <start>:<elapsed>;<command>``, continuation lines kept."""
    t = 1_735_000_000
    out: list[str] = []
    for lines, _ in entries:
        t += rng.randrange(2, 400)
        out.append(f": {t}:{rng.randrange(0, 30)};{lines[0]}")
        out.extend(lines[1:])
        if rng.random() < 0.002:  # non-ASCII bytes are metafied by zsh: 0x83 then byte ^ 0x20
            meta = "".join("\udc83" + chr(0xDC00 + (b ^ 0x20)) for b in "é".encode())
            out.append(f": {t}:0;echo 'caf{meta}' >> notes.txt")
    plants = [pl for _, ps in entries for pl in ps]
    return "\n".join(out) + "\n", plants


def fish_history(
    rng: random.Random, entries: list[tuple[list[str], list[Plant]]]
) -> tuple[str, list[Plant]]:
    t = 1_736_000_000
    out: list[str] = []
    for lines, _ in entries:
        t += rng.randrange(2, 400)
        cmd = (
            "\\n".join(lines).replace("export ", "set -gx ", 1).replace("=", " ", 1)
            if (lines[0].startswith("export "))
            else "\\n".join(lines)
        )
        out.append(f"- cmd: {cmd}")
        out.append(f"  when: {t}")
        if rng.random() < 0.2:
            out.append("  paths:")
            out.append(f"    - ~/src/{rng.choice(NAMES)}")
    plants = [pl for _, ps in entries for pl in ps]
    return "\n".join(out) + "\n", plants


def powershell_history(p: Person, rng: random.Random, n: int) -> tuple[str, list[Plant]]:
    """PSReadLine history. PSReadLine itself skips lines mentioning password/token/secret/apikey,
    so the secrets that do land here sit on lines that avoid those words."""
    special: list[tuple[list[str], list[Plant]]] = []
    ghp, oa = p.t("github_pat", 2), p.t("openai_key", 0)
    az = p.t("azure_storage_key", 0)
    special += [
        ([f'$env:GH_PAT = "{ghp}"'], [P(ghp, "github_pat")]),
        ([f'$env:OPENAI_KEY="{oa}"'], [P(oa, "openai_key")]),
        (
            [f'$headers = @{{ Authorization = "Bearer {p.t("jwt", 1)}" }}'],
            [P(p.t("jwt", 1), "jwt")],
        ),
        (
            [
                f'$conn = "DefaultEndpointsProtocol=https;AccountName=alexdata;AccountKey={az};'
                'EndpointSuffix=core.windows.net"'
            ],
            [P(az, "azure_storage_key")],
        ),
        (
            [f"docker login -u alex -p {p.t('docker_pat', 0)}"],
            [P(p.t("docker_pat", 0), "docker_pat")],
        ),
        (['$env:GH_PAT = "<paste here>"'], [N("<paste here>", "placeholder")]),
        ([f"Invoke-RestMethod https://api.github.com/repos/x/y/commits/{tk.git_sha(rng)}"], []),
    ]
    cmds = [
        rng.choice(
            (
                "Get-ChildItem -Recurse -Filter *.log",
                f"Set-Location C:\\src\\{rng.choice(NAMES)}",
                "git status",
                f"winget upgrade {rng.choice(PKGS)}",
                f"Get-Process {rng.choice(WORDS)} | Stop-Process",
                "wsl --shutdown",
                f"code .\\{rng.choice(WORDS)}.ps1",
                "Get-Content .\\build.log -Tail 50",
            )
        )
        for _ in range(n)
    ]
    entries: list[tuple[list[str], list[Plant]]] = [([c], []) for c in cmds]
    for item in special:
        entries.insert(rng.randrange(len(entries) + 1), item)
    return bash_history(entries)


# --- credential files ----------------------------------------------------------------------------


def credential_files(w: HomeWriter, p: Person, rng: random.Random) -> None:
    u = p.user
    k = p.tokens
    w.write(
        ".aws/credentials",
        (
            "[default]\n"
            f"aws_access_key_id = {k['aws_access_key_id'][0]}\n"
            f"aws_secret_access_key = {k['aws_secret_key'][0]}\n\n"
            "[prod]\n"
            f"aws_access_key_id = {k['aws_access_key_id'][1]}\n"
            f"aws_secret_access_key = {k['aws_secret_key'][1]}\n"
            "region = eu-central-1\n\n"
            "[temp]\n"
            f"aws_access_key_id = {p.session[0]}\n"
            f"aws_secret_access_key = {p.session[1]}\n"
            f"aws_session_token = {p.session[2]}\n\n"
            "[docs-example]\n"
            f"aws_access_key_id = {AWS_DOC_KEY_ID}\n"
            f"aws_secret_access_key = {AWS_DOC_SECRET}\n"
        ),
        [
            P(k["aws_access_key_id"][0], "aws_access_key_id"),
            P(k["aws_secret_key"][0], "aws_secret_key"),
            P(k["aws_access_key_id"][1], "aws_access_key_id"),
            P(k["aws_secret_key"][1], "aws_secret_key"),
            P(p.session[0], "aws_access_key_id"),
            P(p.session[1], "aws_secret_key"),
            P(p.session[2], "aws_session_token"),
            N(AWS_DOC_KEY_ID, "aws_example"),
            N(AWS_DOC_SECRET, "aws_example"),
        ],
    )
    w.write(
        ".aws/config",
        (
            "[default]\nregion = eu-west-1\noutput = json\n\n"
            "[profile sso-dev]\nsso_start_url = https://alexcorp.awsapps.com/start\n"
            "sso_region = eu-west-1\nsso_account_id = 123456789012\nsso_role_name = Developer\n\n"
            "[profile vaulted]\ncredential_process = /usr/local/bin/aws-vault export --format=json "
            "vaulted\n"
        ),
    )
    gho = k["github_oauth"][0]
    w.write(
        ".config/gh/hosts.yml",
        (
            f"github.com:\n    users:\n        {u}:\n            oauth_token: {gho}\n"
            f"    git_protocol: https\n    user: {u}\n    oauth_token: {gho}\n"
        ),
        [P(gho, "github_oauth")],
    )
    pw = k["password"][3]
    w.write(
        ".git-credentials",
        (
            f"https://{u}:{k['github_pat'][0]}@github.com\n"
            f"https://oauth2:{k['gitlab_pat'][1]}@gitlab.com\n"
            f"https://{u}:{pw}@bitbucket.org\n"
        ),
        [
            P(k["github_pat"][0], "github_pat"),
            P(k["gitlab_pat"][1], "gitlab_pat"),
            P(pw, "password"),
        ],
    )
    pw2 = k["password"][4]
    w.write(
        ".netrc",
        (
            f"machine api.github.com\n  login {u}\n  password {k['github_pat'][1]}\n"
            f"machine deploy.internal login deploy password {pw2}\n"
            "machine example.com login anonymous password changeme\n"
        ),
        [P(k["github_pat"][1], "github_pat"), P(pw2, "password"), N("changeme", "placeholder")],
    )
    docker_auth = base64.b64encode(f"{u}:{k['docker_pat'][0]}".encode()).decode()
    ghcr_auth = base64.b64encode(f"{u}:{k['github_pat'][3]}".encode()).decode()
    w.write(
        ".docker/config.json",
        json.dumps(
            {
                "auths": {
                    "https://index.docker.io/v1/": {"auth": docker_auth},
                    "ghcr.io": {"auth": ghcr_auth},
                    "registry.gitlab.com": {},
                },
                "credHelpers": {"gcr.io": "gcloud"},
                "currentContext": "desktop-linux",
            },
            indent="\t",
        )
        + "\n",
        [P(docker_auth, "docker_auth"), P(ghcr_auth, "docker_auth")],
    )
    key_pem = "\n".join(tk.private_key_pem(rng)) + "\n"
    key_b64 = base64.b64encode(key_pem.encode()).decode()
    ca_b64 = base64.b64encode(
        (
            "-----BEGIN CERTIFICATE-----\n"
            + "\n".join(tk.pem_body(rng, 14))
            + "\n-----END CERTIFICATE-----\n"
        ).encode()
    ).decode()
    kube_jwt = k["jwt"][2]
    w.write(
        ".kube/config",
        (
            "apiVersion: v1\nkind: Config\nclusters:\n"
            f"- cluster:\n    certificate-authority-data: {ca_b64}\n"
            "    server: https://10.0.0.1:6443\n  name: homelab\n"
            "- cluster:\n    server: https://k8s.prod.internal\n  name: prod\n"
            "contexts:\n- context:\n    cluster: homelab\n    user: admin\n  name: homelab\n"
            "- context:\n    cluster: prod\n    user: ci\n  name: prod\n"
            "current-context: homelab\nusers:\n"
            f"- name: admin\n  user:\n    client-certificate-data: {ca_b64}\n"
            f"    client-key-data: {key_b64}\n"
            f"- name: ci\n  user:\n    token: {kube_jwt}\n"
            "- name: eks\n  user:\n    exec:\n"
            "      apiVersion: client.authentication.k8s.io/v1beta1\n"
            "      command: aws\n      args: [eks, get-token, --cluster-name, prod]\n"
        ),
        [P(key_b64, "private_key_b64"), P(kube_jwt, "jwt"), N(ca_b64, "certificate")],
    )
    w.write(
        ".npmrc",
        (
            f"//registry.npmjs.org/:_authToken={k['npm_token'][0]}\n"
            f"//npm.pkg.github.com/:_authToken={k['github_pat'][2]}\n"
            "@corp:registry=https://npm.corp.internal/\n"
            "//npm.corp.internal/:_authToken=${CORP_NPM_TOKEN}\n"
            "save-exact=true\n"
        ),
        [
            P(k["npm_token"][0], "npm_token"),
            P(k["github_pat"][2], "github_pat"),
            N("${CORP_NPM_TOKEN}", "reference"),
        ],
    )
    w.write(
        ".pypirc",
        (
            "[distutils]\nindex-servers =\n    pypi\n    testpypi\n\n"
            f"[pypi]\nusername = __token__\npassword = {k['pypi_token'][0]}\n\n"
            f"[testpypi]\nrepository = https://test.pypi.org/legacy/\nusername = __token__\n"
            f"password = {k['pypi_token'][1]}\n"
        ),
        [P(k["pypi_token"][0], "pypi_token"), P(k["pypi_token"][1], "pypi_token")],
    )
    w.write(
        ".cargo/credentials.toml",
        f'[registry]\ntoken = "{k["cargo_token"][0]}"\n',
        [P(k["cargo_token"][0], "cargo_token")],
    )
    pw5 = k["password"][5]
    w.write(
        ".m2/settings.xml",
        (
            '<?xml version="1.0" encoding="UTF-8"?>\n<settings>\n  <servers>\n'
            f"    <server>\n      <id>ossrh</id>\n      <username>{u}</username>\n"
            f"      <password>{pw5}</password>\n    </server>\n"
            "    <server>\n      <id>github</id>\n      <username>alex</username>\n"
            f"      <password>{k['github_pat'][3]}</password>\n    </server>\n"
            "    <server>\n      <id>corp</id>\n      <username>alex</username>\n"
            "      <password>${env.CORP_MAVEN_PASSWORD}</password>\n    </server>\n"
            "  </servers>\n</settings>\n"
        ),
        [
            P(pw5, "password"),
            P(k["github_pat"][3], "github_pat"),
            N("${env.CORP_MAVEN_PASSWORD}", "reference"),
        ],
    )
    pw6 = k["password"][6]
    w.write(
        ".gradle/gradle.properties",
        (
            "org.gradle.jvmargs=-Xmx4g -Dfile.encoding=UTF-8\norg.gradle.parallel=true\n"
            f"signing.keyId=6F2A1C3B\nsigning.password={pw6}\n"
            "signing.secretKeyRingFile=/home/alex/.gnupg/secring.gpg\n"
            f"ossrhUsername={u}\nossrhPassword={pw5}\n"
            f"gpr.user={u}\ngpr.key={k['github_pat'][1]}\n"
        ),
        [P(pw6, "password"), P(pw5, "password"), P(k["github_pat"][1], "github_pat")],
    )
    pw7 = k["password"][7]
    w.write(
        ".config/Code/User/settings.json",
        json.dumps(
            {
                "editor.fontSize": 14,
                "editor.formatOnSave": True,
                "files.exclude": {"**/__pycache__": True},
                "github.copilot.enable": {"*": True, "markdown": False},
                "openai.apiKey": k["openai_key"][1],
                "sqltools.connections": [
                    {
                        "name": "analytics",
                        "driver": "PostgreSQL",
                        "server": "db.internal",
                        "port": 5432,
                        "database": "analytics",
                        "username": "alex",
                        "password": pw7,
                    }
                ],
                "rest-client.environmentVariables": {
                    "$shared": {"token": k["github_pat"][0]},
                    "local": {"token": "{{$dotenv API_TOKEN}}"},
                },
                "terminal.integrated.env.linux": {"ANTHROPIC_API_KEY": "${env:ANTHROPIC_API_KEY}"},
                "workbench.colorTheme": "Default Dark Modern",
            },
            indent=4,
        )
        + "\n",
        [
            P(k["openai_key"][1], "openai_key"),
            P(pw7, "password"),
            P(k["github_pat"][0], "github_pat"),
            N("{{$dotenv API_TOKEN}}", "reference"),
            N("${env:ANTHROPIC_API_KEY}", "reference"),
        ],
    )
    w.write(".vault-token", k["vault_token"][0] + "\n", [P(k["vault_token"][0], "vault_token")])
    w.write(
        ".cache/huggingface/token",
        k["huggingface_token"][1],
        [P(k["huggingface_token"][1], "huggingface_token")],
    )
    tf = k["terraform_token"][0]
    w.write(
        ".terraform.d/credentials.tfrc.json",
        json.dumps({"credentials": {"app.terraform.io": {"token": tf}}}, indent=2) + "\n",
        [P(tf, "terraform_token")],
    )
    rk = k["stripe_restricted_key"][0]
    w.write(
        ".config/stripe/config.toml",
        (
            "[default]\ndevice_name = 'alex-laptop'\ndisplay_name = 'Alex Corp'\n"
            f"live_mode_api_key = '{rk}'\nlive_mode_key_expires_at = '2026-03-01'\n"
            f"live_mode_pub_key = '{tk.stripe_publishable(rng)}'\n"
        ),
        [P(rk, "stripe_restricted_key")],
    )
    pw8 = k["password"][8]
    w.write(
        ".pgpass",
        f"db.internal:5432:analytics:alex:{pw8}\nlocalhost:5432:*:postgres:postgres\n",
        [P(pw8, "password"), N("postgres\n", "test_fixture")],
    )
    rt, cs = k["google_refresh_token"][0], k["google_client_secret"][0]
    w.write(
        ".config/gcloud/application_default_credentials.json",
        json.dumps(
            {
                "client_id": f"{rng.randrange(10**11, 10**12)}-{tk.rand(rng, tk.LOWER_DIGITS, 32)}"
                ".apps.googleusercontent.com",
                "client_secret": cs,
                "refresh_token": rt,
                "type": "authorized_user",
            },
            indent=2,
        )
        + "\n",
        [P(cs, "google_client_secret"), P(rt, "google_refresh_token")],
    )
    sa_key = "\n".join(tk.private_key_pem(rng, "PRIVATE KEY")) + "\n"
    sa_escaped = json.dumps(sa_key)[1:-1]
    w.write(
        "Downloads/alexcorp-prod-3f9a1c2b7d4e.json",
        json.dumps(
            {
                "type": "service_account",
                "project_id": "alexcorp-prod",
                "private_key_id": tk.rand(rng, tk.HEX, 40),
                "private_key": sa_key,
                "client_email": "deployer@alexcorp-prod.iam.gserviceaccount.com",
                "client_id": str(rng.randrange(10**20, 10**21)),
                "token_uri": "https://oauth2.googleapis.com/token",
            },
            indent=2,
        )
        + "\n",
        [P(sa_escaped, "private_key")],
        "gcp_service_account",
    )
    ssh_key = "\n".join(tk.private_key_pem(rng, "OPENSSH PRIVATE KEY")) + "\n"
    w.write(".ssh/id_ed25519", ssh_key, [P(ssh_key.rstrip("\n"), "private_key")])
    pub = tk.ssh_public_key(rng)
    w.write(".ssh/id_ed25519.pub", pub + "\n", [N(pub.split()[1], "ssh_public_key")])
    enc = "\n".join(tk.encrypted_private_key_pem(rng))
    w.write(
        ".ssh/legacy_deploy.pem", enc + "\n", [Plant(enc, "encrypted_private_key", "informational")]
    )
    rsa_enc_body = "\n".join(tk.pem_body(rng, 25))
    rsa_enc = (
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
        f"DEK-Info: AES-128-CBC,{tk.rand(rng, '0123456789ABCDEF', 32)}\n\n"
        f"{rsa_enc_body}\n-----END RSA PRIVATE KEY-----"
    )
    w.write(
        ".ssh/old_rsa", rsa_enc + "\n", [Plant(rsa_enc, "encrypted_private_key", "informational")]
    )
    w.write(
        ".ssh/config",
        "Host *\n  AddKeysToAgent yes\n  IdentityFile ~/.ssh/id_ed25519\n"
        "Host bastion\n  HostName 203.0.113.10\n  User alex\n",
    )
    w.write(
        ".ssh/known_hosts",
        "".join(
            f"|1|{base64.b64encode(rng.randbytes(20)).decode()}|"
            f"{base64.b64encode(rng.randbytes(20)).decode()} {tk.ssh_public_key(rng)[:-11]}\n"
            for _ in range(30)
        ),
    )
    pw9 = k["password"][9]
    w.write(
        ".my.cnf", f'[client]\nuser=alex\npassword="{pw9}"\nhost=127.0.0.1\n', [P(pw9, "password")]
    )


def notes(w: HomeWriter, p: Person, rng: random.Random, filler: Filler) -> None:
    k = p.tokens
    kid, sec = k["aws_access_key_id"][2], k["aws_secret_key"][2]
    w.write(
        "Documents/Notes/api-keys.md",
        (
            "# Keys (move these to 1Password!!)\n\n"
            f"- prod stripe: {k['stripe_secret_key'][0]}\n"
            f"- stripe staging restricted: {k['stripe_restricted_key'][0]}\n"
            f"- github CI pat: {k['github_pat'][3]}\n"
            f"- aws ci user\n  - key: {kid}\n  - secret: {sec}\n"
            f"- openai (personal): {k['openai_key'][0]}\n"
            f"- anthropic: {k['anthropic_key'][1]}\n"
            f"- shopify admin: {k['shopify_token'][0]}\n"
            f"- slack bot (deploy-bot): {k['slack_bot_token'][1]}\n"
            f"- sendgrid: {k['sendgrid_key'][0]}\n"
            "- datadog: see vault, `vault kv get secret/datadog`\n"
            "- template for new ones: `sk_live_...` / `ghp_...`\n"
        ),
        [
            P(k["stripe_secret_key"][0], "stripe_secret_key"),
            P(k["stripe_restricted_key"][0], "stripe_restricted_key"),
            P(k["github_pat"][3], "github_pat"),
            P(kid, "aws_access_key_id"),
            P(sec, "aws_secret_key"),
            P(k["openai_key"][0], "openai_key"),
            P(k["anthropic_key"][1], "anthropic_key"),
            P(k["shopify_token"][0], "shopify_token"),
            P(k["slack_bot_token"][1], "slack_bot_token"),
            P(k["sendgrid_key"][0], "sendgrid_key"),
            N("`sk_live_...`", "placeholder"),
        ],
    )
    pw = k["password"][10]
    w.write(
        "Documents/Notes/onboarding.md",
        (
            "# Onboarding notes\n\n" + filler.markdown(3000) + "\n## Staging access\n\n"
            f"wifi guest password: {pw}\n"
            "VPN: use SSO, no password.\n"
            "Grafana: login with google.\n\n"
            "```bash\nexport GITHUB_TOKEN=ghp_YOUR_TOKEN_HERE\nexport AWS_PROFILE=dev\n```\n\n"
            f"Atlassian API token for the jira CLI: {k['atlassian_token'][0]}\n\n"
            + filler.markdown(2000)
        ),
        [
            P(pw, "password"),
            P(k["atlassian_token"][0], "atlassian_token"),
            N("ghp_YOUR_TOKEN_HERE", "placeholder"),
        ],
    )
    w.write(
        "Documents/Notes/incident-2025-03-12.txt",
        (
            "Incident 2025-03-12: deploy bot token leaked in CI logs\n"
            f"old token (revoked): xoxb-REDACTED\nnew one: {k['slack_bot_token'][0]}\n"
            f"webhook for #alerts: {k['slack_webhook'][1]}\n"
            f"user token for the export script: {k['slack_user_token'][0]}\n"
            f"trace id {tk.rand(rng, tk.HEX, 32)}, commit {tk.git_sha(rng)}\n"
        ),
        [
            P(k["slack_bot_token"][0], "slack_bot_token"),
            P(k["slack_webhook"][1], "slack_webhook"),
            P(k["slack_user_token"][0], "slack_user_token"),
            N("xoxb-REDACTED", "placeholder"),
        ],
    )
    for i in range(25):
        w.write(
            f"Documents/Notes/{words(rng, 2).replace(' ', '-')}-{i}.md",
            filler.markdown(rng.randrange(1000, 12000)),
        )
    vault = "Documents/Obsidian/Work"
    w.write(
        f"{vault}/.obsidian/app.json",
        json.dumps(
            {
                "alwaysUpdateLinks": True,
                "newFileLocation": "folder",
                "attachmentFolderPath": "assets",
            },
            indent=2,
        )
        + "\n",
    )
    w.write(f"{vault}/.obsidian/workspace.json", filler.json_config(4000))
    hf, ga = k["huggingface_token"][0], k["google_api_key"][1]
    w.write(
        f"{vault}/Projects/ML platform.md",
        (
            "---\ntags: [ml, infra]\ncreated: 2025-02-01\n---\n# ML platform\n\n"
            "See [[Onboarding]] and [[GPU quotas]].\n\n"
            f"HF token (org read): `{hf}`\n"
            f"Maps key for the demo: {ga}\n"
            "Use `HF_TOKEN=<your token>` locally.\n\n" + filler.markdown(4000)
        ),
        [P(hf, "huggingface_token"), P(ga, "google_api_key"), N("<your token>", "placeholder")],
    )
    az = k["azure_storage_key"][0]
    w.write(
        f"{vault}/Snippets/azure.md",
        (
            "# Azure\n\n```\nDefaultEndpointsProtocol=https;AccountName=alexdata;"
            f"AccountKey={az};EndpointSuffix=core.windows.net\n```\n\n"
            "Example from the docs: `AccountKey=<account-key>`\n"
        ),
        [P(az, "azure_storage_key"), N("<account-key>", "placeholder")],
    )
    ek = tk.encrypted_private_key_pem(rng)
    w.write(
        f"{vault}/Snippets/keys.md",
        (
            "# Keys\n\nbackup of the signing key (encrypted, passphrase in 1Password):\n\n```\n"
            + "\n".join(ek)
            + "\n```\n\nPublic key: "
            + tk.ssh_public_key(rng)
            + "\n"
        ),
        [Plant("\n".join(ek), "encrypted_private_key", "informational")],
    )
    for i in range(40):
        w.write(
            f"{vault}/Daily/2025-{1 + i // 28:02d}-{1 + i % 28:02d}.md",
            filler.markdown(rng.randrange(500, 5000)),
        )


def notebook(cells: list[tuple[str, list[str]]], image: str | None = None) -> str:
    nb_cells = []
    for cell_type, src in cells:
        cell: dict[str, object] = {
            "cell_type": cell_type,
            "metadata": {},
            "source": [s + "\n" for s in src[:-1]] + src[-1:],
        }
        if cell_type == "code":
            cell["execution_count"] = 1
            cell["outputs"] = []
        nb_cells.append(cell)
    if image:
        nb_cells.append(
            {
                "cell_type": "code",
                "execution_count": 2,
                "metadata": {},
                "source": ["plt.plot(losses)"],
                "outputs": [
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {"image/png": image.split(",", 1)[1], "text/plain": ["<Figure>"]},
                    }
                ],
            }
        )
    return (
        json.dumps(
            {
                "cells": nb_cells,
                "metadata": {"kernelspec": {"name": "python3"}},
                "nbformat": 4,
                "nbformat_minor": 5,
            },
            indent=1,
        )
        + "\n"
    )


def notebooks(w: HomeWriter, p: Person, rng: random.Random, filler: Filler) -> None:
    k = p.tokens
    img = filler.png_data_uri()
    oa, hf = k["openai_key"][0], k["huggingface_token"][1]
    w.write(
        "notebooks/embeddings.ipynb",
        notebook(
            [
                ("markdown", ["# Embedding experiments"]),
                (
                    "code",
                    [
                        "import os",
                        "import openai",
                        f'openai.api_key = "{oa}"',
                        f'os.environ["HF_TOKEN"] = "{hf}"',
                    ],
                ),
                ("code", ["client = openai.OpenAI(api_key=os.environ['OPENAI_API_KEY'])"]),
            ],
            img,
        ),
        [
            P(oa, "openai_key"),
            P(hf, "huggingface_token"),
            N(img.split(",", 1)[1][:200], "base64_image"),
        ],
    )
    an = k["anthropic_key"][0]
    w.write(
        "notebooks/eval.ipynb",
        notebook(
            [
                ("code", ["import anthropic", f"client = anthropic.Anthropic(api_key='{an}')"]),
                ("code", ["API_KEY = 'YOUR_API_KEY'", "assert API_KEY != 'changeme'"]),
            ]
        ),
        [P(an, "anthropic_key"), N("YOUR_API_KEY", "placeholder")],
    )
    for i in range(6):
        w.write(
            f"notebooks/analysis-{i}.ipynb",
            notebook(
                [
                    ("code", filler.lines("py", 1500).splitlines()),
                    ("markdown", filler.lines("md", 800).splitlines()),
                ],
                filler.png_data_uri(rng.randrange(2000, 20000)),
            ),
        )


PROJECT_LANGS = ("py", "js", "ts", "go", "java", "rs")


def project(
    w: HomeWriter, p: Person, rng: random.Random, filler: Filler, name: str, idx: int, budget: int
) -> int:
    """One repository under ~/src; returns the bytes written."""
    k = p.tokens
    root = f"src/{name}"
    start = w.bytes
    lang = PROJECT_LANGS[idx % len(PROJECT_LANGS)]
    org = rng.choice(NAMES)
    remote = f"https://github.com/{org}/{name}.git"
    plants: list[Plant] = []
    if idx % 7 == 1:
        tok = k["github_pat"][idx % 4]
        remote = f"https://{p.user}:{tok}@github.com/{org}/{name}.git"
        plants = [P(tok, "github_pat")]
    elif idx % 7 == 4:
        tok = k["gitlab_pat"][0]
        remote = f"https://oauth2:{tok}@gitlab.com/{org}/{name}.git"
        plants = [P(tok, "gitlab_pat")]
    w.write(
        f"{root}/.git/config",
        (
            "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"
            f'[remote "origin"]\n\turl = {remote}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n'
            '[branch "main"]\n\tremote = origin\n\tmerge = refs/heads/main\n'
        ),
        plants,
        "gitconfig",
    )
    w.write(f"{root}/.git/HEAD", "ref: refs/heads/main\n")
    w.write(
        f"{root}/.git/packed-refs",
        "".join(
            f"{tk.git_sha(rng)} refs/remotes/origin/{rng.choice(WORDS)}-{i}\n" for i in range(20)
        ),
    )
    # .env files: a real one in some projects, always an example
    env_plants: list[Plant] = []
    env_lines = [f"APP_NAME={name}", "NODE_ENV=development", "PORT=3000", "LOG_LEVEL=debug"]
    choice = idx % 6
    pw = k["password"][idx % 12]
    env_lines.append(f"DATABASE_URL=postgres://{name}:{pw}@localhost:5432/{name}")
    env_plants.append(P(pw, "password"))
    extra = {
        0: ("STRIPE_SECRET_KEY", "stripe_secret_key", 1),
        1: ("OPENAI_API_KEY", "openai_key", 0),
        2: ("SENDGRID_API_KEY", "sendgrid_key", 0),
        3: ("SLACK_BOT_TOKEN", "slack_bot_token", 0),
        4: ("ANTHROPIC_API_KEY", "anthropic_key", 1),
        5: ("GOOGLE_MAPS_API_KEY", "google_api_key", 0),
    }[choice]
    val = k[extra[1]][extra[2]]
    env_lines.append(f'{extra[0]}="{val}"')
    env_plants.append(P(val, extra[1]))
    if idx % 4 == 0:
        gk = k["generic_api_key"][(idx // 4) % 4]
        env_lines.append(f"DD_API_KEY={gk}")
        env_plants.append(P(gk, "generic_api_key"))
    if idx % 5 == 2:
        tw = k["twilio_api_key"][0]
        env_lines.append(f"TWILIO_API_KEY={tw}")
        env_plants.append(P(tw, "twilio_api_key"))
    if idx % 5 == 3:
        jw = k["jwt"][idx % 3]
        env_lines.append(f"SERVICE_JWT={jw}")
        env_plants.append(P(jw, "jwt"))
    if idx % 2:
        env_lines.append(f"SESSION_SECRET={k['password'][(idx + 5) % 12]}")
        env_plants.append(P(k["password"][(idx + 5) % 12], "password"))
    uid = tk.uuid4(rng)
    env_lines.append(f"TENANT_ID={uid}")
    env_plants.append(N(uid, "uuid"))
    env_lines.append("FEATURE_FLAGS=search,export")
    if idx % 4 != 3:  # not every project has a local .env
        w.write(
            f"{root}/.env" if idx % 3 else f"{root}/.env.local",
            "\n".join(env_lines) + "\n",
            env_plants,
        )
    w.write(
        f"{root}/.env.example",
        (
            f"APP_NAME={name}\nDATABASE_URL=postgres://user:password@localhost:5432/{name}\n"
            "STRIPE_SECRET_KEY=sk_live_your_key_here\nOPENAI_API_KEY=\nSENDGRID_API_KEY=SG.xxxxx\n"
            "SESSION_SECRET=changeme\nSLACK_BOT_TOKEN=xoxb-your-token\n"
        ),
        [
            N("postgres://user:password@", "placeholder"),
            N("sk_live_your_key_here", "placeholder"),
            N("SG.xxxxx", "placeholder"),
            N("changeme", "placeholder"),
            N("xoxb-your-token", "placeholder"),
        ],
    )
    w.write(
        f"{root}/.github/workflows/ci.yml",
        (
            "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n"
            "      - run: make test\n        env:\n"
            "          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n"
            "          AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n"
        ),
        [
            N("${{ secrets.NPM_TOKEN }}", "reference"),
            N("${{ secrets.AWS_SECRET_ACCESS_KEY }}", "reference"),
        ],
    )
    w.write(
        f"{root}/docker-compose.yml",
        (
            "services:\n  db:\n    image: postgres:16\n    environment:\n"
            "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-postgres}\n"
            f"  app:\n    build: .\n    environment:\n      DATABASE_URL: postgres://{name}:"
            f"${{DB_PASSWORD}}@db/{name}\n"
        ),
        [N("${POSTGRES_PASSWORD:-postgres}", "reference"), N("${DB_PASSWORD}", "reference")],
    )
    # tests with fixture credentials
    fixture_uuid = tk.uuid4(rng)
    w.write(
        f"{root}/tests/test_auth.py",
        (
            "from app.auth import login\n\n\ndef test_login():\n"
            '    user = {"username": "alice", "password": "test123"}\n'
            '    assert login(user, api_key="dummy-api-key-for-tests")\n'
            f'    assert login(user, token="{fixture_uuid}") is None\n'
        ),
        [
            N("test123", "test_fixture"),
            N("dummy-api-key-for-tests", "test_fixture"),
            N(fixture_uuid, "test_fixture"),
        ],
    )
    # a hard-coded secret in source, now and then
    if idx % 6 == 2:
        hook = k["slack_webhook"][0]
        w.write(
            f"{root}/scripts/notify.js",
            (
                "const fetch = require('node-fetch');\n"
                f"const WEBHOOK = '{hook}';\n"
                "module.exports = (text) => fetch(WEBHOOK, { method: 'POST', body: "
                "JSON.stringify({ text }) });\n"
            ),
            [P(hook, "slack_webhook")],
        )
    if idx % 6 == 5:
        ak, sk = k["aws_access_key_id"][2], k["aws_secret_key"][2]
        w.write(
            f"{root}/scripts/upload.py",
            (
                "import boto3\n\n"
                f"s3 = boto3.client('s3', aws_access_key_id='{ak}',\n"
                f"                  aws_secret_access_key='{sk}')\n"
                "s3.upload_file('report.csv', 'reports', 'report.csv')\n"
            ),
            [P(ak, "aws_access_key_id"), P(sk, "aws_secret_key")],
        )
    if idx % 8 == 3:
        key = "\n".join(tk.private_key_pem(rng, "EC PRIVATE KEY"))
        w.write(f"{root}/deploy/tls/server.key", key + "\n", [P(key, "private_key")])
    if idx % 8 == 6:
        cfg = k["password"][11]
        w.write(
            f"{root}/config/database.yml",
            (
                "development:\n  adapter: postgresql\n  database: app_dev\n  password: <%= "
                "ENV['DB_PASSWORD'] %>\nproduction:\n  adapter: postgresql\n"
                f"  database: app\n  password: {cfg}\n"
            ),
            [P(cfg, "password"), N("<%= ENV['DB_PASSWORD'] %>", "reference")],
        )
    # source and docs
    w.write(f"{root}/README.md", filler.markdown(rng.randrange(2000, 8000)))
    w.write(f"{root}/config/settings.json", filler.json_config(rng.randrange(1000, 6000)))
    w.write(
        f"{root}/deploy/k8s.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n"
        + filler.lines("yaml", rng.randrange(1000, 5000)),
    )
    remaining = budget - (w.bytes - start)
    n_src = 0
    while remaining > 0:
        size = min(remaining, rng.randrange(2000, 40000))
        sub = rng.choice(("src", "lib", "internal", "app", "pkg"))
        w.write(
            f"{root}/{sub}/{words(rng, 2).replace(' ', '_')}_{n_src}.{lang}",
            filler.source(lang, size),
        )
        n_src += 1
        remaining -= size
    return w.bytes - start


def excluded_trees(
    w: HomeWriter, rng: random.Random, filler: Filler, name: str, budget: int
) -> None:
    """node_modules, .git/objects and a virtualenv inside one project."""
    root = f"src/{name}"
    third = max(budget // 3, 20_000)  # even a tiny corpus has these trees
    done = 0
    while done < third:
        pkg = rng.choice(PKGS) + f"-{rng.randrange(10**4)}"
        size = rng.randrange(1000, 30000)
        w.write(f"{root}/node_modules/{pkg}/index.js", filler.source("js", size))
        w.write(
            f"{root}/node_modules/{pkg}/package.json",
            json.dumps({"name": pkg, "version": "1.0.0", "main": "index.js"}) + "\n",
        )
        done += size
    done = 0
    while done < third:
        size = rng.randrange(500, 20000)
        sha = tk.git_sha(rng)
        data = filler.git_object(size)
        w.write(f"{root}/.git/objects/{sha[:2]}/{sha[2:]}", data)
        done += len(data) + size // 2
    done = 0
    while done < third:
        size = rng.randrange(1000, 30000)
        mod = rng.choice(WORDS)
        w.write(
            f"{root}/.venv/lib/python3.11/site-packages/{mod}{rng.randrange(999)}/"
            f"{rng.choice(WORDS)}.py",
            filler.source("py", size),
        )
        done += size


def generate(home: Path, size: int, seed: int) -> dict[str, object]:
    """Write the home into ``home`` (which must not exist) and return the labels document."""
    t0 = time.perf_counter()
    rng = random.Random(seed)
    home.mkdir(parents=True)
    w = HomeWriter(home)
    person = Person(rng)
    filler = Filler(random.Random(seed + 1))

    special = secret_commands(person, rng) + negative_commands(person, rng)
    text, plants = bash_history(interleave(rng, 6000, special))
    w.write(".bash_history", text, plants)
    cmds = secret_commands(person, rng)
    multi_line = [c for c in cmds[1::2] if len(c[0]) > 1]  # keep every continued command
    zsh_special = cmds[::2] + multi_line + negative_commands(person, rng)[::2]
    text, plants = zsh_history(rng, interleave(rng, 9000, zsh_special))
    w.write(".zsh_history", text, plants)
    fish_special = secret_commands(person, rng)[1::3] + negative_commands(person, rng)[1::3]
    text, plants = fish_history(rng, interleave(rng, 3000, fish_special))
    w.write(".local/share/fish/fish_history", text, plants)
    text, plants = powershell_history(person, rng, 2000)
    w.write(".local/share/powershell/PSReadLine/ConsoleHost_history.txt", text, plants)
    w.write(
        ".bashrc",
        "# ~/.bashrc\nexport EDITOR=vim\nexport PATH=$HOME/.local/bin:$PATH\n"
        "export GITHUB_TOKEN=$(cat ~/.config/github-token 2>/dev/null)\n"
        "alias k=kubectl\nHISTSIZE=100000\n",
        [N("$(cat ~/.config/github-token 2>/dev/null)", "reference")],
    )
    w.write(
        ".zshrc",
        "export ZSH=$HOME/.oh-my-zsh\nsetopt EXTENDED_HISTORY\nplugins=(git)\n"
        "export OPENAI_API_KEY=\"$(op read 'op://Dev/OpenAI/api key')\"\n",
        [N("op://Dev/OpenAI/api key", "reference")],
    )
    w.write(
        ".gitconfig",
        "[user]\n\tname = Alex Doe\n\temail = alex@example.com\n"
        "[credential]\n\thelper = store\n[init]\n\tdefaultBranch = main\n",
    )

    credential_files(w, person, rng)
    notes(w, person, rng, filler)
    notebooks(w, person, rng, filler)

    # Budget the rest: projects, excluded trees, data, logs, bundles, binaries.
    rest = max(0, size - w.bytes)
    n_projects = 24
    budgets = {
        "projects": 0.30,
        "excluded": 0.25,
        "logs": 0.13,
        "csv": 0.08,
        "lock": 0.06,
        "bundles": 0.06,
        "binary": 0.10,
        "docs": 0.02,
    }
    b = {key: int(rest * frac) for key, frac in budgets.items()}
    names = [f"{NAMES[i % len(NAMES)]}-{WORDS[(i * 7) % len(WORDS)]}" for i in range(n_projects)]
    for i, name in enumerate(names):
        project(w, person, rng, filler, name, i, b["projects"] // n_projects)
    for name in names[:4]:
        excluded_trees(w, rng, filler, name, b["excluded"] // 4)
    for name in names[::3]:
        per = b["lock"] // len(names[::3])
        w.write(f"src/{name}/package-lock.json", filler.package_lock(per))
    for name in names[1::3]:
        per = b["bundles"] // len(names[1::3])
        w.write(f"src/{name}/dist/app.{tk.rand(rng, tk.HEX, 8)}.min.js", filler.minified_js(per))
    # logs: one large file (bigger than the usual 20 MB single-file limits only at full size)
    big = b["logs"] // 2
    w.write("Downloads/server-2025-05.log", filler.lines("log", big))
    done = 0
    i = 0
    while done < b["logs"] - big:
        s = rng.randrange(20_000, 2_000_000)
        w.write(
            f".local/state/{rng.choice(NAMES)}/logs/{rng.choice(WORDS)}-{i}.log",
            filler.lines("log", s),
        )
        done += s
        i += 1
    done = 0
    i = 0
    while done < b["csv"]:
        s = rng.randrange(50_000, 5_000_000)
        w.write(f"Documents/data/{rng.choice(WORDS)}_{i}.csv", filler.csv(s))
        done += s
        i += 1
    done = 0
    i = 0
    while done < b["docs"]:
        s = rng.randrange(2000, 30000)
        folder = rng.choice(("reports", "specs", "drafts"))
        w.write(f"Documents/{folder}/{words(rng, 2).replace(' ', '_')}-{i}.md", filler.markdown(s))
        done += s
        i += 1
    done = 0
    i = 0
    magics = (
        (b"\x89PNG\r\n\x1a\n", "Pictures", "png"),
        (b"\x1f\x8b\x08\x00", "Downloads", "tar.gz"),
        (b"\x00\x00\x00\x18ftypmp42", "Videos", "mp4"),
        (b"PK\x03\x04", "Downloads", "zip"),
        (b"\x7fELF\x02\x01\x01", ".local/bin", ""),
    )
    while done < b["binary"]:
        magic, folder, ext = magics[i % len(magics)]
        s = rng.randrange(100_000, 8_000_000) if i % 7 else rng.randrange(8_000_000, 30_000_000)
        s = min(s, max(1000, b["binary"] - done))
        w.write(
            f"{folder}/{words(rng, 2).replace(' ', '-')}-{i}{'.' + ext if ext else ''}",
            filler.binary(s, magic),
        )
        done += s
        i += 1
    labels = sorted(w.labels, key=lambda lab: (lab.path, lab.line, lab.kind))
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "size": size,
        "files": w.files,
        "bytes": w.bytes,
        "seconds": round(time.perf_counter() - t0, 2),
        "excluded_dir_names": list(EXCLUDED_DIR_NAMES),
        "excluded_subpaths": list(EXCLUDED_SUBPATHS),
        "labels": [asdict(lab) for lab in labels],
    }


def corpus_id(size: int, seed: int) -> str:
    return f"home-{size}-s{seed}-v{GENERATOR_VERSION}"


def corpus(size: int, seed: int = 7, cache: Path = CACHE_DIR) -> tuple[Path, Path]:
    """The cached corpus for these parameters, generated on first use: (home, labels.json)."""
    base = cache / corpus_id(size, seed)
    home, labels = base / "home", base / "labels.json"
    if labels.exists() and home.is_dir():
        return home, labels
    if base.exists():
        shutil.rmtree(base)
    tmp = cache / (corpus_id(size, seed) + f".tmp{os.getpid()}")
    if tmp.exists():
        shutil.rmtree(tmp)
    doc = generate(tmp / "home", size, seed)
    (tmp / "labels.json").write_text(json.dumps(doc, indent=1) + "\n")
    tmp.rename(base)
    return home, labels


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="300M", help="total size, e.g. 50M, 300M (default 300M)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, help="write here instead of the cache (must not exist)")
    args = ap.parse_args(argv)
    size = parse_size(args.size)
    if args.out:
        doc = generate(args.out / "home", size, args.seed)
        labels_path = args.out / "labels.json"
        labels_path.write_text(json.dumps(doc, indent=1) + "\n")
        home = args.out / "home"
    else:
        home, labels_path = corpus(size, args.seed)
        doc = json.loads(labels_path.read_text())
    counts: dict[str, int] = {}
    labels: list[dict[str, str]] = doc["labels"]  # type: ignore[assignment]
    for lab in labels:
        counts[lab["label"]] = counts.get(lab["label"], 0) + 1
    print(
        f"home: {home}\nlabels: {labels_path}\nfiles: {doc['files']}  bytes: {doc['bytes']:,}  "
        f"labels: {counts}  generated in {doc['seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
