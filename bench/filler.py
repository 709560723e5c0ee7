"""Benign filler for the benchmark home: source, logs, configs, data, docs, bundles, binaries.

Everything is drawn from pools of pre-rendered lines so hundreds of megabytes are written in
seconds: a pool holds a few thousand distinct lines of one kind, and a file is a random sample of
them. No line here holds a credential; the hashes, ids and base64 that real files are full of
(request ids, commit SHAs, lockfile integrity, data URIs) are left in, unlabelled, because a
scanner that reports them is wrong.
"""

from __future__ import annotations

import base64
import json
import random
import string
import zlib
from collections.abc import Callable

from bench.token_kinds import ALNUM, HEX, git_sha, integrity, rand, uuid4

WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "it",
    "that",
    "for",
    "on",
    "with",
    "as",
    "was",
    "be",
    "by",
    "this",
    "are",
    "from",
    "at",
    "or",
    "an",
    "not",
    "but",
    "which",
    "have",
    "has",
    "had",
    "were",
    "can",
    "will",
    "would",
    "should",
    "could",
    "may",
    "might",
    "must",
    "data",
    "user",
    "file",
    "system",
    "value",
    "request",
    "response",
    "server",
    "client",
    "cache",
    "queue",
    "worker",
    "config",
    "setting",
    "option",
    "default",
    "error",
    "warning",
    "message",
    "result",
    "status",
    "update",
    "create",
    "delete",
    "list",
    "record",
    "table",
    "index",
    "query",
    "schema",
    "model",
    "view",
    "controller",
    "service",
    "handler",
    "event",
    "stream",
    "buffer",
    "batch",
    "job",
    "task",
    "retry",
    "timeout",
    "session",
    "account",
    "project",
    "team",
    "release",
    "build",
    "deploy",
    "test",
    "suite",
    "coverage",
    "branch",
    "commit",
    "merge",
    "review",
    "issue",
    "feature",
    "bug",
    "fix",
    "refactor",
    "performance",
    "memory",
    "latency",
    "throughput",
    "metric",
    "alert",
    "dashboard",
    "report",
    "customer",
    "invoice",
    "payment",
    "order",
    "product",
    "price",
    "currency",
    "region",
    "cluster",
    "node",
    "pod",
    "container",
    "image",
    "volume",
    "network",
    "route",
    "proxy",
    "gateway",
    "endpoint",
    "version",
    "migration",
    "backup",
]
NAMES = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "orion",
    "atlas",
    "nimbus",
    "cobalt",
    "ember",
    "falcon",
    "harbor",
    "juniper",
    "kestrel",
    "lumen",
    "meridian",
    "nova",
    "onyx",
    "pioneer",
    "quartz",
    "raven",
    "sable",
    "tundra",
    "umbra",
    "vertex",
    "willow",
    "zephyr",
]
PKGS = [
    "react",
    "lodash",
    "express",
    "axios",
    "chalk",
    "debug",
    "commander",
    "yargs",
    "dotenv",
    "uuid",
    "moment",
    "dayjs",
    "zod",
    "jest",
    "mocha",
    "eslint",
    "prettier",
    "typescript",
    "webpack",
    "rollup",
    "vite",
    "esbuild",
    "babel-core",
    "postcss",
    "tailwindcss",
    "semver",
    "glob",
    "minimatch",
    "rimraf",
    "mkdirp",
    "ws",
    "cookie",
    "body-parser",
    "cors",
    "helmet",
    "morgan",
    "pino",
    "winston",
]


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(WORDS, k=n))


def ident(rng: random.Random) -> str:
    a, b = rng.sample(WORDS, 2)
    return f"{a}_{b}" if rng.random() < 0.5 else a + b.capitalize()


def sentence(rng: random.Random) -> str:
    s = words(rng, rng.randrange(6, 20))
    return s[0].upper() + s[1:] + "."


# --- line pools -------------------------------------------------------------------------------


def _py_line(rng: random.Random) -> str:
    i, j = ident(rng), ident(rng)
    return rng.choice(
        (
            f"    {i} = {j}({rng.randrange(100)})",
            f"    if {i} is None:",
            f"        return {j}.{ident(rng)}()",
            f"def {i}({j}, {ident(rng)}=None):",
            f'    """{sentence(rng)}"""',
            f"    for {i} in {j}:",
            f"        logger.debug('{words(rng, 4)} %s', {i})",
            f"    # {sentence(rng)}",
            f"class {i.title().replace('_', '')}({j.title().replace('_', '')}):",
            f"        self.{i} = {j}",
            f"    {i}.append({j}[{rng.randrange(10)}])",
            f"    assert {i} == {rng.randrange(1000)}, '{words(rng, 3)}'",
            f"import {rng.choice(('os', 'sys', 'json', 're', 'typing', 'pathlib', 'logging'))}",
            "",
        )
    )


def _js_line(rng: random.Random) -> str:
    i, j = ident(rng), ident(rng)
    return rng.choice(
        (
            f"  const {i} = await {j}.{ident(rng)}({rng.randrange(100)});",
            f"  if (!{i}) {{ return null; }}",
            f"export function {i}({j}, options = {{}}) {{",
            f"  // {sentence(rng)}",
            f"  {i}.forEach(({j}) => console.log('{words(rng, 3)}', {j}));",
            f"import {{ {i} }} from './{j}';",
            f"  return {{ ...{i}, {j}: {rng.randrange(1000)} }};",
            "}",
            f"  throw new Error('{words(rng, 5)}');",
            "",
        )
    )


def _go_line(rng: random.Random) -> str:
    i, j = ident(rng).replace("_", ""), ident(rng).replace("_", "")
    return rng.choice(
        (
            f"\t{i}, err := {j}.{i.title()}(ctx)",
            "\tif err != nil {",
            '\t\treturn nil, fmt.Errorf("%w", err)',
            f"func ({j[0]} *{j.title()}) {i.title()}(ctx context.Context) error {{",
            f"\t// {sentence(rng)}",
            "}",
            f'\tlog.Printf("{words(rng, 4)}: %v", {i})',
            "",
        )
    )


def _java_line(rng: random.Random) -> str:
    i, j = ident(rng).replace("_", ""), ident(rng).replace("_", "")
    return rng.choice(
        (
            f"    private final {j.title()} {i};",
            f"    public {j.title()} get{i.title()}() {{ return {i}; }}",
            f"        {i}.{j}({rng.randrange(100)});",
            f"    // {sentence(rng)}",
            "    }",
            f'        LOG.info("{words(rng, 4)} {{}}", {i});',
            "",
        )
    )


def _rs_line(rng: random.Random) -> str:
    i, j = ident(rng).lower(), ident(rng).lower()
    return rng.choice(
        (
            f"    let {i} = {j}.iter().map(|x| x * {rng.randrange(9)}).collect::<Vec<_>>();",
            f"pub fn {i}(&self, {j}: &str) -> Result<(), Error> {{",
            f"    // {sentence(rng)}",
            "    }",
            f"    {i}?;",
            "",
        )
    )


def _log_line(rng: random.Random) -> str:
    ts = f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:"
    ts += f"{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(1000):03d}Z"
    level = rng.choice(("INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"))
    return rng.choice(
        (
            f"{ts} {level} [worker-{rng.randrange(8)}] request_id={uuid4(rng)} "
            f"{rng.choice(('GET', 'POST', 'PUT'))} "
            f"/api/v1/{rng.choice(WORDS)}/{rng.randrange(9999)}"
            f" {rng.choice((200, 200, 201, 204, 404, 500))} {rng.randrange(1, 900)}ms",
            f"{ts} {level} {rng.choice(NAMES)}.{rng.choice(WORDS)}: {sentence(rng)}",
            f"{ts} {level} trace_id={rand(rng, HEX, 32)} span_id={rand(rng, HEX, 16)} "
            f"{words(rng, 5)}",
            f"{ts} {level} deployed commit {git_sha(rng)} to {rng.choice(NAMES)}",
            f'{ts} {level} {{"event":"{rng.choice(WORDS)}","user_id":{rng.randrange(10**6)},'
            f'"duration_ms":{rng.randrange(5000)}}}',
        )
    )


def _csv_line(rng: random.Random) -> str:
    return ",".join(
        (
            str(rng.randrange(10**6)),
            rng.choice(NAMES).title(),
            rng.choice(WORDS),
            f"{rng.uniform(0, 1000):.2f}",
            f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            rng.choice(("EUR", "USD", "GBP")),
            uuid4(rng) if rng.random() < 0.3 else "",
        )
    )


def _md_line(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.1:
        return f"## {words(rng, 3).title()}"
    if r < 0.3:
        return f"- {sentence(rng)}"
    if r < 0.35:
        return f"- [ ] {sentence(rng)}"
    if r < 0.4:
        return ""
    return " ".join(sentence(rng) for _ in range(rng.randrange(1, 4)))


def _yaml_line(rng: random.Random) -> str:
    k = ident(rng)
    return rng.choice(
        (
            f"  {k}: {rng.randrange(1000)}",
            f"  {k}: {rng.choice(WORDS)}",
            f"    - name: {rng.choice(NAMES)}-{rng.choice(WORDS)}",
            f"      image: {rng.choice(NAMES)}/{rng.choice(WORDS)}:{rng.randrange(1, 9)}."
            f"{rng.randrange(20)}",
            f"  {k}: true",
            f"{k}:",
        )
    )


POOLS: dict[str, Callable[[random.Random], str]] = {
    "py": _py_line,
    "js": _js_line,
    "ts": _js_line,
    "go": _go_line,
    "java": _java_line,
    "rs": _rs_line,
    "log": _log_line,
    "csv": _csv_line,
    "md": _md_line,
    "yaml": _yaml_line,
}


class Filler:
    """Renders benign file bodies of a requested size, fast, from a seeded RNG."""

    def __init__(self, rng: random.Random, pool_size: int = 3000) -> None:
        self.rng = rng
        self.pools = {k: [f(rng) for _ in range(pool_size)] for k, f in POOLS.items()}
        self.avg = {k: sum(map(len, v)) / len(v) + 1 for k, v in self.pools.items()}

    def lines(self, kind: str, size: int) -> str:
        n = max(1, int(size / self.avg[kind]))
        return "\n".join(self.rng.choices(self.pools[kind], k=n)) + "\n"

    def source(self, ext: str, size: int) -> str:
        header = {
            "py": '"""{}"""\n\nfrom __future__ import annotations\n\n',
            "go": "// {}\npackage main\n\n",
            "java": "// {}\npackage com.example;\n\n",
        }.get(ext, "// {}\n")
        return header.format(sentence(self.rng)) + self.lines(ext, size)

    def csv(self, size: int) -> str:
        return "id,name,category,amount,date,currency,ref\n" + self.lines("csv", size)

    def package_lock(self, size: int) -> str:
        rng = self.rng
        entries = []
        total = 0
        i = 0
        while total < size:
            name = rng.choice(PKGS) + ("" if i < len(PKGS) else f"-{rand(rng, 'abcdefgh', 4)}")
            ver = f"{rng.randrange(10)}.{rng.randrange(30)}.{rng.randrange(20)}"
            entry = (
                f'    "node_modules/{name}": {{\n'
                f'      "version": "{ver}",\n'
                f'      "resolved": "https://registry.npmjs.org/{name}/-/{name}-{ver}.tgz",\n'
                f'      "integrity": "{integrity(rng)}",\n'
                f'      "dev": {str(rng.random() < 0.5).lower()}\n'
                "    }"
            )
            entries.append(entry)
            total += len(entry)
            i += 1
        return (
            '{\n  "name": "app",\n  "lockfileVersion": 3,\n  "requires": true,\n'
            '  "packages": {\n' + ",\n".join(entries) + "\n  }\n}\n"
        )

    def minified_js(self, size: int) -> str:
        """One long line, the shape of a production bundle (with an embedded font data URI)."""
        rng = self.rng
        parts = ["!function(e){"]
        total = 0
        while total < size:
            r = rng.random()
            if r < 0.002:
                chunk = (
                    '@font-face{src:url("data:font/woff2;base64,'
                    + base64.b64encode(rng.randbytes(3000)).decode()
                    + '")}'
                )
            elif r < 0.01:
                chunk = f'var {rand(rng, "abcdefghijk", 2)}="{rand(rng, ALNUM, 32)}";'
            else:
                a, b = rand(rng, "abcdefghijklmnop", 1), rand(rng, "qrstuvwxyz", 1)
                chunk = rng.choice(
                    (
                        f"function {a}{b}({a},{b}){{return {a}.{rng.choice(WORDS)}({b})}}",
                        f"{a}.prototype.{rng.choice(WORDS)}=function(){{this.{b}=!0}};",
                        f'{a}[{b}]="{rng.choice(WORDS)}",',
                        f'if(!{a})throw new Error("{words(rng, 3)}");',
                    )
                )
            parts.append(chunk)
            total += len(chunk)
        parts.append("}(window);\n")
        return "".join(parts)

    def markdown(self, size: int) -> str:
        return f"# {words(self.rng, 3).title()}\n\n" + self.lines("md", size)

    def git_object(self, size: int) -> bytes:
        text = self.lines(self.rng.choice(("py", "js", "md")), size).encode()
        return zlib.compress(b"blob %d\x00" % len(text) + text, 1)

    def binary(self, size: int, magic: bytes = b"") -> bytes:
        return magic + self.rng.randbytes(max(0, size - len(magic)))

    def json_config(self, size: int) -> str:
        rng = self.rng
        data: dict[str, object] = {}
        while len(json.dumps(data)) < size:
            data[ident(rng)] = rng.choice(
                (
                    rng.randrange(10**5),
                    words(rng, 3),
                    [rng.choice(WORDS) for _ in range(4)],
                    {ident(rng): rng.random() < 0.5, "id": uuid4(rng)},
                )
            )
        return json.dumps(data, indent=2) + "\n"

    def png_data_uri(self, size: int = 6000) -> str:
        return (
            "data:image/png;base64,"
            + base64.b64encode(b"\x89PNG\r\n\x1a\n" + self.rng.randbytes(size)).decode()
        )


def ordinary_commands(rng: random.Random, n: int) -> list[str]:
    """Everyday shell commands with no secret in them."""
    out: list[str] = []
    for _ in range(n):
        proj = rng.choice(NAMES)
        w = rng.choice(WORDS)
        out.append(
            rng.choice(
                (
                    "ls -la",
                    "git status",
                    "git pull --rebase",
                    f"git checkout -b feature/{w}-{rng.randrange(999)}",
                    f"git commit -m '{sentence(rng)}'",
                    "git push origin HEAD",
                    f"git log --oneline -n {rng.randrange(5, 50)}",
                    f"git show {git_sha(rng)[: rng.choice((7, 8, 12, 40))]}",
                    f"cd ~/src/{proj}",
                    "cd ..",
                    f"vim src/{w}.py",
                    f"code ~/src/{proj}",
                    f"python -m pytest tests/test_{w}.py -q",
                    "npm install",
                    f"npm run {rng.choice(('build', 'test', 'dev', 'lint'))}",
                    f"pip install {rng.choice(PKGS)}=={rng.randrange(5)}.{rng.randrange(20)}",
                    f"docker compose up -d {w}",
                    f"docker logs -f {proj}-{w}-1",
                    f"docker build -t {proj}:{rng.randrange(1, 9)}.{rng.randrange(20)} .",
                    f"kubectl get pods -n {proj}",
                    f"kubectl logs deploy/{proj}-{w} -n {proj} --tail=200",
                    f"kubectl rollout restart deployment/{proj}-api -n {proj}",
                    f"ssh deploy@{proj}.internal",
                    f"grep -rn '{w}' src/",
                    f"rg {w} --type py",
                    f"make {rng.choice(('build', 'test', 'lint', 'clean', 'release'))}",
                    f"curl -s https://api.{proj}.dev/v1/{w} | jq .",
                    f"tail -f /var/log/{proj}/{w}.log",
                    "htop",
                    f"cat README.md | grep {w}",
                    f"terraform plan -var-file=envs/{rng.choice(('dev', 'prod'))}.tfvars",
                    f"aws s3 ls s3://{proj}-{w}-bucket/",
                    f"gh pr create --title '{sentence(rng)}' --body ''",
                    f"cargo build --release -p {proj}",
                    f"go test ./{w}/...",
                    "clear",
                    "history | tail -20",
                    f"echo $PATH | tr ':' '\\n' | grep {w}",
                    f"find . -name '*.{rng.choice(('py', 'ts', 'go'))}' | xargs wc -l",
                    f"brew upgrade {rng.choice(PKGS)}",
                    f"ping -c 3 {proj}.internal",
                )
            )
        )
    return out


def random_token_like_name(rng: random.Random) -> str:
    return rand(rng, string.ascii_lowercase, 6)
