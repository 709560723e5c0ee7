"""False-positive filters: real-world-shaped lines that must be dropped, and real tokens kept."""

from __future__ import annotations

import base64

import pytest

from scanner.filters import false_positive_reason
from scanner.model import Confidence, Persistence, Revocation, Rule
from tests import tokens


def make_rule(confidence: Confidence, tags: tuple[str, ...] = ()) -> Rule:
    return Rule(
        id=f"test-{confidence}",
        name="test rule",
        provider="Test",
        pattern=r"(?P<secret>x)",
        keywords=(),
        persistence=Persistence.PERSISTENT,
        revoke=Revocation(url="https://example.invalid/revoke"),
        examples=(),
        negative_examples=(),
        confidence=confidence,
        tags=tags,
    )


GENERIC = make_rule(Confidence.LOW, ("generic",))
GENERIC_TAG = make_rule(Confidence.MEDIUM, ("generic",))
MEDIUM = make_rule(Confidence.MEDIUM)
HIGH = make_rule(Confidence.HIGH)


def reason(
    secret: str, line: str, rule: Rule = GENERIC, path: str = "/home/u/notes.txt"
) -> str | None:
    return false_positive_reason(secret, line, rule, path)


# --- documented examples ----------------------------------------------------------------------
@pytest.mark.parametrize("rule", [GENERIC, MEDIUM, HIGH])
def test_aws_documented_examples_dropped_for_every_rule(rule: Rule) -> None:
    key_id, secret = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    assert reason(key_id, f"aws_access_key_id = {key_id}", rule) == "documented example value"
    assert reason(secret, f"aws_secret_access_key={secret}", rule) == "documented example value"


def test_jwt_io_sample_dropped_but_other_jwts_kept() -> None:
    sample = tokens.jwt({"sub": "1234567890", "name": "John Doe", "iat": 1516239022})
    assert reason(sample, f"Authorization: Bearer {sample}", MEDIUM) is not None
    real = tokens.jwt({"sub": "42", "iss": "auth.internal", "exp": 1_900_000_000})
    assert reason(real, f"Authorization: Bearer {real}", MEDIUM) is None


def test_documented_stripe_key_by_digest() -> None:
    documented = "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc"  # assembled: Stripe docs' shared key
    assert reason(documented, f"stripe.api_key = '{documented}'", MEDIUM) is not None
    own = tokens.stripe("sk_test")
    assert reason(own, f"stripe.api_key = '{own}'", MEDIUM) is None


# --- placeholders -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("secret", "line"),
    [
        ("xxxxxxxxxxxxxxxx", "API_KEY=xxxxxxxxxxxxxxxx"),
        ("XXXXXXXXXXXXXXXXXXXX", "token: XXXXXXXXXXXXXXXXXXXX"),
        ("<token>", "curl -H 'Authorization: Bearer <token>'"),
        ("<your-token>", "export GITHUB_TOKEN=<your-token>"),
        ("YOUR_API_KEY", 'api_key = "YOUR_API_KEY"'),
        ("your_token_here", "SLACK_TOKEN=your_token_here"),
        ("changeme", "password: changeme"),
        ("change_me", "DB_PASSWORD=change_me"),
        ("password", "password = password"),
        ("secret", "client_secret: secret"),
        ("redacted", "token=redacted"),
        ("********", "password: ********"),
        ("sk-...", "OPENAI_API_KEY=sk-..."),
        ("dummy", "api_key=dummy"),
        ("placeholder", "secret_key = placeholder"),
        ("null", "auth_token: null"),
        ("TBD", "api_secret=TBD"),
        ("aaaaaaaaaaaaaaaaaaaa", "token=aaaaaaaaaaaaaaaaaaaa"),
        ("1234567890abcdef", "secret=1234567890abcdef"),
        ("%s", "password=%s"),
        ("insert-your-key-here", "apikey: insert-your-key-here"),
    ],
)
def test_placeholders_dropped_for_generic_rules(secret: str, line: str) -> None:
    assert reason(secret, line) is not None


@pytest.mark.parametrize(
    "secret",
    [
        "ghp_" + "x" * 36,
        "ghp_" + "X" * 36,
        "ghp_EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLE1",
        "ghp_1234567890abcdefghijklmnopqrstuvwxyz",
        "xoxb-000000000000-000000000000-REDACTEDREDACTEDREDACTED",
        "sk-proj-****************",
        "glpat-your-token-here0000",
    ],
)
def test_structured_placeholders_dropped(secret: str) -> None:
    assert reason(secret, f"TOKEN={secret}", HIGH) is not None


# --- references -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("secret", "line"),
    [
        ("${GITHUB_TOKEN}", "export GITHUB_TOKEN=${GITHUB_TOKEN}"),
        ("$GITHUB_TOKEN", 'curl -H "Authorization: token $GITHUB_TOKEN" https://api.github.com'),
        ("${{ secrets.NPM_TOKEN }}", "          token: ${{ secrets.NPM_TOKEN }}"),
        ("NPM_TOKEN", "          token: ${{ secrets.NPM_TOKEN }}"),
        ('os.environ["DB_PASSWORD"]', 'password = os.environ["DB_PASSWORD"]'),
        ("DB_PASSWORD", 'password = os.environ["DB_PASSWORD"]'),
        ("DB_PASSWORD", 'password = os.environ.get("DB_PASSWORD")'),
        ("API_SECRET", "api_secret = os.getenv('API_SECRET')"),
        ("STRIPE_KEY", "const key = process.env.STRIPE_KEY;"),
        ("process.env.STRIPE_KEY", "const key = process.env.STRIPE_KEY;"),
        ("SENTRY_TOKEN", "token = ENV['SENTRY_TOKEN']"),
        ("%API_TOKEN%", "set TOKEN=%API_TOKEN%"),
        ("$(pass show github/token)", "export GH_TOKEN=$(pass show github/token)"),
        ("`cat ~/.token`", "export GH_TOKEN=`cat ~/.token`"),
        ("op://Private/Stripe/credential", "api_key: op://Private/Stripe/credential"),
        ("vault:secret/data/app#token", "token: vault:secret/data/app#token"),
        ("vault://secret/app/token", "token = vault://secret/app/token"),
        ("{{ .Values.apiKey }}", "  apiKey: {{ .Values.apiKey }}"),
        ("{{ api_token }}", "api_token: {{ api_token }}"),
        ("<%= ENV['TOKEN'] %>", "token: <%= ENV['TOKEN'] %>"),
        ('@Value("${api.key}")', 'private String apiKey; // @Value("${api.key}")'),
        ("keyring get pypi __token__", "password = keyring get pypi __token__"),
        ("$env:API_KEY", "$headers = @{ Authorization = $env:API_KEY }"),
        ("ENC[AES256_GCM,data:abcd,iv:ef]", "password: ENC[AES256_GCM,data:abcd,iv:ef]"),
    ],
)
def test_references_dropped(secret: str, line: str) -> None:
    assert reason(secret, line) == "reference to a secret stored elsewhere"


def test_real_token_next_to_a_reference_is_kept() -> None:
    token = tokens.github("ghp")
    assert reason(token, f"GH=${{GH:-{token}}}", HIGH) is None
    assert reason(token, f'os.environ["GITHUB_TOKEN"] = "{token}"', HIGH) is None
    secret = tokens.random_secret(32)
    assert reason(secret, f'os.environ["API_KEY"] = "{secret}"') is None


# --- hashes, UUIDs, lockfiles -----------------------------------------------------------------
def _hex(n: int) -> str:
    return tokens.random_secret(n, "0123456789abcdef")


def test_git_shas_dropped() -> None:
    sha = _hex(40)
    assert reason(sha, f"commit {sha}") is not None
    assert reason(sha, f'  "rev": "{sha}",') is not None
    assert reason(sha, f"{sha} refs/heads/main") is not None
    assert reason(sha[:7], f"* {sha[:7]} fix: typo") is not None


def test_integrity_and_digests_dropped() -> None:
    sri = "sha512-" + base64.b64encode(bytes(range(64))).decode()
    line = f'      "integrity": "{sri}",'
    assert reason(sri, line, path="/p/package-lock.json") is not None
    assert reason(sri, line, path="/p/other.json") is not None
    digest = _hex(64)
    assert reason(digest, f"FROM python@sha256:{digest}") == "hash digest"
    assert reason(digest, f"requests==2.32.3 --hash=sha256:{digest}") == "hash digest"
    go_sum = base64.b64encode(bytes(range(32))).decode()
    assert reason(go_sum, f"golang.org/x/net v0.1.0 h1:{go_sum}", path="/p/go.sum") is not None
    assert reason(go_sum, f"golang.org/x/net v0.1.0 h1:{go_sum}", path="/p/deps.txt") is not None
    resolved = _hex(40)
    yarn = f'  resolved "https://registry.yarnpkg.com/x/-/x-1.0.0.tgz#{resolved}"'
    assert reason(resolved, yarn, path="/p/yarn.lock") == "lockfile or checksum file"


def test_uuid_ids_dropped_but_uuid_api_keys_kept() -> None:
    uuid = tokens.TokenFactory(seed=3)._uuid()
    assert reason(uuid, f'  "id": "{uuid}",') == "UUID identifier"
    assert reason(uuid, f"request_id={uuid}") == "UUID identifier"
    assert reason(uuid, f"HEROKU_API_KEY={uuid}") is None


def test_hex_secret_keys_are_not_hashes() -> None:
    key = _hex(64)
    assert reason(key, f"webhook_secret = {key}  # rotated after the last commit") is None
    assert reason(key, f"password_hash = {key}") is not None


def test_structured_rules_ignore_hash_context() -> None:
    token = tokens.github("ghp")
    assert reason(token, f"commit message: leaked {token}", HIGH) is None
    assert reason(token, f"sha256:{token}", HIGH) is None


# --- encoded media and minified code ----------------------------------------------------------
def test_data_uri_payload_dropped_for_every_rule() -> None:
    blob = base64.b64encode(bytes(range(256)) * 3).decode()
    inner = blob[100:140]
    line = f'<img src="data:image/png;base64,{blob}">'
    for rule in (GENERIC, MEDIUM, HIGH):
        assert reason(inner, line, rule) == "inside a base64 data URI"
    outside = tokens.random_secret(40)
    assert reason(outside, f"{line} <!-- key={outside} -->", HIGH) is None


def test_minified_code_dropped_for_low_and_medium_only() -> None:
    secret = tokens.random_secret(40)
    chunk = "function(a){return a&&a.b===void 0?this.c:new D(a)};var e=f=>g(h);"
    line = chunk * 20 + f'var k="{secret}";' + chunk * 20
    assert reason(secret, line, GENERIC) == "minified or generated code"
    assert reason(secret, line, MEDIUM) == "minified or generated code"
    assert reason(secret, line, HIGH) is None
    assert reason(secret, f"apiKey: '{secret}'", MEDIUM, path="/app/dist/main.min.js") is not None
    assert reason(secret, f"apiKey: '{secret}'", MEDIUM, path="/app/src/main.js") is None


# --- test values and low variety --------------------------------------------------------------
@pytest.mark.parametrize(
    ("secret", "line"),
    [
        ("test-api-key-123", "API_KEY=test-api-key-123"),
        ("fake_secret_value", "client_secret: fake_secret_value"),
        ("mockTokenForCi99", "token = mockTokenForCi99"),
        ("R4nd0mLook1ngV4lue", "TEST_TOKEN=R4nd0mLook1ngV4lue"),
        ("R4nd0mLook1ngV4lue", "fake_key = 'R4nd0mLook1ngV4lue'"),
        ("R4nd0mLook1ngV4lue", "dummyPassword: R4nd0mLook1ngV4lue"),
        ("qwerty123456", "password=qwerty123456"),
        ("abababababab", "token=abababababab"),
    ],
)
def test_test_values_dropped_for_generic(secret: str, line: str) -> None:
    assert reason(secret, line) is not None
    assert reason(secret, line, GENERIC_TAG) is not None


def test_checksum_valid_token_in_a_test_file_is_kept() -> None:
    token = tokens.github("ghp")
    line = f'TEST_TOKEN = "{token}"  # fake token for the test'
    assert reason(token, line, HIGH, path="/home/u/proj/tests/test_api.py") is None
    npm = tokens.npm()
    assert reason(npm, f"//registry.npmjs.org/:_authToken={npm}", HIGH, "/p/test/.npmrc") is None


# --- recall: real-looking values in ordinary places survive ---------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda: tokens.github("ghp"),
        tokens.npm,
        tokens.gitlab_routable,
        tokens.grafana_service_account,
        tokens.atlassian_api_token,
        tokens.cloudflare,
        tokens.pypi,
        tokens.aws_access_key_id,
        tokens.aws_secret_access_key,
        tokens.openai,
        tokens.anthropic,
        tokens.huggingface,
        tokens.google_api_key,
        lambda: tokens.slack("bot"),
        lambda: tokens.slack("webhook"),
        tokens.stripe,
        tokens.jwt,
    ],
)
@pytest.mark.parametrize(
    "template",
    [
        "export TOKEN={s}",
        'api_key = "{s}"',
        "curl -H 'Authorization: Bearer {s}' https://api.example.invalid/v1",
        "  password: {s}",
        "{s}",
    ],
)
def test_generated_tokens_are_kept(make: object, template: str) -> None:
    assert callable(make)
    for _ in range(5):
        secret = make()
        line = template.format(s=secret)
        for rule in (HIGH, MEDIUM):
            assert reason(secret, line, rule) is None, (line[:20], rule.confidence)


def test_random_generic_secrets_are_kept() -> None:
    factory = tokens.TokenFactory(seed=11)
    for length in (16, 20, 24, 32, 40, 64):
        for _ in range(500):
            secret = factory.random_secret(length)
            assert reason(secret, f"db_password = '{secret}'") is None
            assert reason(secret, f"API_KEY={secret}") is None


def test_private_key_blocks_are_kept() -> None:
    key = tokens.pem_private_key("openssh")
    assert reason(key, key.splitlines()[0], HIGH) is None
    assert reason(key, key, HIGH) is None


# --- test code and fixtures -------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/home/u/src/app/tests/test_auth.py",
        "/home/u/src/app/test/helpers.py",
        "/home/u/src/app/auth_test.go",
        "/home/u/src/web/src/login.spec.ts",
        "/home/u/src/web/src/__tests__/login.js",
        "/home/u/src/app/spec/models/user_spec.rb",
        "/home/u/src/app/fixtures/users.json",
        "/home/u/src/app/conftest.py",
        "/home/u/src/app/UserServiceTest.java",
    ],
)
def test_generic_matches_in_test_code_dropped(path: str) -> None:
    value = tokens.random_secret(24)
    line = f'    assert login(user, token="{value}") is None'
    assert reason(value, line, GENERIC, path) == "test code or fixture"
    assert reason(value, line, GENERIC_TAG, path) == "test code or fixture"


def test_structured_tokens_in_test_code_kept() -> None:
    token = tokens.github("ghp")
    assert reason(token, f'TOKEN = "{token}"', HIGH, "/home/u/src/app/tests/test_api.py") is None


@pytest.mark.parametrize(
    "path",
    [
        "/home/u/src/app/.env",
        "/home/u/src/app/latest/config.py",  # 'test' inside a word
        "/home/u/src/app/contest_results.py",
        "/home/u/notes/testimony.md",
    ],
)
def test_ordinary_files_are_not_test_code(path: str) -> None:
    value = tokens.random_secret(24)
    assert reason(value, f"API_TOKEN={value}", GENERIC, path) is None


def test_home_folder_named_test_is_not_test_code(monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.filters import testfiles

    monkeypatch.setattr(testfiles, "_home", lambda: "/home/test")
    value = tokens.random_secret(24)
    assert reason(value, f"API_TOKEN={value}", GENERIC, "/home/test/src/app/.env") is None
    assert reason(value, f"token={value}", GENERIC, "/home/test/src/app/tests/t.py") is not None


# --- UUIDs ------------------------------------------------------------------------------------
def test_uuid_needs_a_strongly_secret_name() -> None:
    uuid = "3f0c7a52-8d1e-4b6a-9c2f-51d7e0a4b9c3"
    assert reason(uuid, f'login(user, token="{uuid}")') == "UUID identifier"
    assert reason(uuid, f'"ChangeToken": "{uuid}"') == "UUID identifier"
    assert reason(uuid, f"HEROKU_API_KEY={uuid}") is None
    assert reason(uuid, f"client_secret: {uuid}") is None
    assert reason(uuid, f"AUTH_TOKEN={uuid}") is None


# --- references -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("github/3f2a9c1d", "stowaway exec --env GITHUB_TOKEN=github/3f2a9c1d -- gh repo list"),
        ("openai-2/0a1b2c3d-2", "OPENAI_API_KEY=openai-2/0a1b2c3d-2"),
        ("stowaway:keychain:github/3f2a9c1d", "# GH_TOKEN=[stowaway:keychain:github/3f2a9c1d]"),
    ],
)
@pytest.mark.parametrize("rule", [GENERIC, MEDIUM, HIGH])
def test_stowaway_keychain_references_dropped(value: str, line: str, rule: Rule) -> None:
    assert reason(value, line, rule) is not None


def test_function_calls_and_arn_parts_are_not_values() -> None:
    assert reason("base64url", "Routable token: base64url(routing + 16 bytes)") is not None
    assert reason("utf8_to_utf16_dup", "password = utf8_to_utf16_dup(v);") is not None
    arn = "arn:aws:secretsmanager:us-west-2:123456789012:secret:MyDbSecret-a1b2c3"
    assert reason("MyDbSecret-a1b2c3", f'"ARN": "{arn}",') == "part of an AWS resource name"
    value = tokens.random_secret(20)
    assert reason(value, f"password = {value}  # rotate(quarterly)") is None


def test_secret_position_is_the_match_not_the_first_occurrence() -> None:
    value = tokens.random_secret(18)
    line = f'("{value}", "TEST_TOKEN={value}"),'
    column = line.rindex(value)
    assert false_positive_reason(value, line, GENERIC, "/home/u/n.txt", column) is not None
    assert false_positive_reason(value, line, GENERIC, "/home/u/n.txt", 2) is None


# --- placeholders in URLs and example hosts ---------------------------------------------------
@pytest.mark.parametrize("word", ["TOKEN", "PASSWORD", "secret", "apikey"])
def test_placeholder_word_as_url_password(word: str) -> None:
    line = f"# https://user:{word}@host.corp.internal/repo.git"
    assert reason(word, line, MEDIUM) == "placeholder value"


def test_credentials_for_documentation_hosts_dropped() -> None:
    assert reason("xyz", "new URL('https://abc:xyz@example.com')", MEDIUM) is not None
    assert reason("thing", '"http://evil:thing@www.example.org/x"', MEDIUM) is not None
    value = tokens.random_secret(16)
    assert reason(value, f"https://ci:{value}@nexus.example.corp/x", MEDIUM) is None
    assert reason(value, f"https://ci:{value}@example.company.com/x", MEDIUM) is None


@pytest.mark.parametrize(
    ("secret", "line"),
    [
        ("V1SecretVolumeSource", '        "secret": "V1SecretVolumeSource",'),
        (
            "V1ServiceAccountTokenProjection",
            '"service_account_token": "V1ServiceAccountTokenProjection"',
        ),
        ("SomeKindOfPassword123!@#", '"Password": "SomeKindOfPassword123!@#",'),
    ],
)
def test_values_naming_their_own_kind_dropped(secret: str, line: str) -> None:
    assert reason(secret, line) is not None


def test_random_values_do_not_name_their_kind() -> None:
    tokens.seed(4)
    for _ in range(2000):
        value = tokens.random_secret(40)
        assert reason(value, f"API_TOKEN={value}") is None, value


def test_rfc6749_examples_dropped() -> None:
    assert (
        reason(
            "2YotnFZFEjr1zCsicMWpAA",
            "Location: http://a.invalid/cb#access_token=2YotnFZFEjr1zCsicMWpAA",
        )
        is not None
    )
