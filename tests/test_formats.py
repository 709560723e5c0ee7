"""File formats: exact line/column/byte mapping back to the raw file for real-world shapes."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from scanner.formats.context import context_key
from scanner.formats.encoded import encoded_blobs
from scanner.formats.zsh import unmetafy
from scanner.scan import Engine
from tests import tokens
from tests.test_engine_core import make_engine


def metafy(data: bytes) -> bytes:
    """What zsh writes: bytes 0x83..0x9f (and NUL) become 0x83, byte ^ 0x20."""
    out = bytearray()
    for b in data:
        if b == 0 or 0x83 <= b <= 0x9F:
            out += bytes([0x83, b ^ 0x20])
        else:
            out.append(b)
    return bytes(out)


def scan_bytes(engine: Engine, tmp_path: Path, name: str, data: bytes) -> tuple[bytes, list]:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data, list(engine.scan_file(path).findings)


def test_crlf_and_no_trailing_newline(tmp_path: Path) -> None:
    token = tokens.github("ghp")
    data = f"A=1\r\nB=2\r\nGH_TOKEN={token}".encode()
    raw, (f,) = scan_bytes(make_engine(), tmp_path, "proj/.env", data)
    assert (f.line, f.column, f.end_column) == (3, 10, 10 + len(token))
    assert raw[f.byte_start : f.byte_end] == token.encode()
    assert f.file_kind == "dotenv" and f.context_key == "GH_TOKEN"


def test_multibyte_text_columns_in_chars_bytes_in_bytes(tmp_path: Path) -> None:
    token = tokens.github("ghp")
    data = f"première ligne\nclé: «{token}»\n".encode()
    raw, (f,) = scan_bytes(make_engine(), tmp_path, "notes.md", data)
    assert (f.line, f.column) == (2, len("clé: «") + 1)
    assert raw[f.byte_start : f.byte_end] == token.encode()
    assert f.file_kind == "notes"


def test_non_utf8_file_is_scanned_with_exact_bytes(tmp_path: Path) -> None:
    token = tokens.github("ghp")
    data = b"caf\xe9 \xff\xfe junk\n token " + token.encode() + b"\n"
    engine = make_engine()
    raw, (f,) = scan_bytes(engine, tmp_path, "legacy.txt", data)
    assert raw[f.byte_start : f.byte_end] == token.encode()
    assert (f.line, f.column) == (2, 8)
    assert engine.scan_file(tmp_path / "legacy.txt").issue.kind == "decode"


def test_utf16_with_bom(tmp_path: Path) -> None:
    token = tokens.github("ghp")
    data = f"\ufeffline one\r\n$env:GH_TOKEN = '{token}'\r\n".encode("utf-16-le")
    data = data[2:]  # encode() of \ufeff gives the BOM bytes already
    data = b"\xff\xfe" + data
    raw, (f,) = scan_bytes(make_engine(), tmp_path, "ConsoleHost_history.txt", data)
    assert raw[f.byte_start : f.byte_end] == token.encode("utf-16-le")
    assert (f.line, f.column) == (2, len("$env:GH_TOKEN = '") + 1)
    assert f.file_kind == "powershell_history" and f.context_key == "GH_TOKEN"


def test_zsh_extended_history_metafied_bytes(tmp_path: Path) -> None:
    token = tokens.github("ghp")
    command = f"echo 'Grüße – ✓' && export GH_TOKEN={token}"
    data = b": 1700000000:0;ls\n: 1700000001:0;" + metafy(command.encode()) + b"\n"
    assert b"\x83" in data
    raw, (f,) = scan_bytes(make_engine(), tmp_path, ".zsh_history", data)
    assert f.file_kind == "zsh_history"
    assert raw[f.byte_start : f.byte_end] == token.encode()
    prefix = ": 1700000001:0;" + command[: command.index(token)]
    assert (f.line, f.column) == (2, len(prefix) + 1)


def test_unmetafy_maps_offsets() -> None:
    plain = "é✓x".encode()
    meta = metafy(plain)
    out, raw_offset = unmetafy(meta)
    assert out == plain
    assert raw_offset(len(plain) - 1) == len(meta) - 1


def test_zsh_multiline_command_joined(tmp_path: Path) -> None:
    secret = tokens.random_secret(28)
    data = f": 1700000000:0;curl https://api.example.com \\\n  --header token=\\\n{secret}\n"
    raw, findings = scan_bytes(make_engine(), tmp_path, ".zsh_history", data.encode())
    (f,) = [x for x in findings if x.rule_id == "generic-secret"]
    assert raw[f.byte_start : f.byte_end] == secret.encode()
    assert (f.line, f.column) == (3, 1)


def test_powershell_backtick_continuation(tmp_path: Path) -> None:
    secret = tokens.random_secret(28)
    data = f"Invoke-RestMethod -Uri $u `\r\n  -Headers @{{ password = `\r\n'{secret}' }}\r\n"
    raw, findings = scan_bytes(
        make_engine(), tmp_path, "PSReadLine/ConsoleHost_history.txt", data.encode()
    )
    (f,) = findings
    assert raw[f.byte_start : f.byte_end] == secret.encode()
    assert (f.line, f.column) == (3, 2)


def test_fish_history_escapes(tmp_path: Path) -> None:
    secret = tokens.random_secret(26)
    data = f"- cmd: printf 'a\\\\b' \\n password={secret}\n  when: 1700000000\n"
    raw, findings = scan_bytes(make_engine(), tmp_path, "fish/fish_history", data.encode())
    (f,) = findings
    assert raw[f.byte_start : f.byte_end] == secret.encode()
    assert f.line == 1 and f.file_kind == "fish_history"


def test_bash_history_with_timestamps(tmp_path: Path) -> None:
    token = tokens.github("ghp")
    data = f"#1700000000\ngit status\n#1700000001\ngh auth login --with-token {token}\n"
    _, (f,) = scan_bytes(make_engine(), tmp_path, ".bash_history", data.encode())
    assert (f.line, f.column) == (4, 28)
    assert f.context_key == "with-token" and f.file_kind == "bash_history"


def test_docker_config_base64_auth_points_at_blob(tmp_path: Path) -> None:
    token = tokens.github("ghp")
    blob = base64.b64encode(f"octocat:{token}".encode()).decode()
    config = {"auths": {"ghcr.io": {"auth": blob}}, "credsStore": ""}
    data = json.dumps(config, indent=2).encode()
    raw, findings = scan_bytes(make_engine(), tmp_path, ".docker/config.json", data)
    (f,) = findings
    assert f.rule_id == "gh-pat" and f.encoding == "base64"
    assert raw[f.byte_start : f.byte_end] == blob.encode()
    assert f.line == 4 and f.context_key == "auth" and f.file_kind == "docker_config"
    assert f.fingerprint == make_engine().scan_text(token)[0].fingerprint


def test_kubeconfig_client_key_data(tmp_path: Path) -> None:
    body = "\n".join(tokens.random_secret(64) for _ in range(4))
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n"
    blob = base64.b64encode(pem.encode()).decode()
    data = (
        f"apiVersion: v1\nkind: Config\nusers:\n- name: me\n  user:\n    client-key-data: {blob}\n"
    )
    raw, (f,) = scan_bytes(make_engine(), tmp_path, ".kube/config", data.encode())
    assert f.rule_id == "pem-key" and f.encoding == "base64" and f.file_kind == "kubeconfig"
    assert (f.line, f.column) == (6, len("    client-key-data: ") + 1)
    assert raw[f.byte_start : f.byte_end] == blob.encode()


def test_jupyter_escaped_string_maps_into_raw_json(tmp_path: Path) -> None:
    secret = tokens.random_secret(30)
    cell = f'os.environ["X"] = "1"\\n", "password = \\"{secret}\\"\\n'
    data = '{\n "cells": [{"source": ["' + cell + '"]}]\n}\n'
    raw, findings = scan_bytes(make_engine(), tmp_path, "analysis.ipynb", data.encode())
    (f,) = findings
    assert raw[f.byte_start : f.byte_end] == secret.encode()
    assert f.file_kind == "jupyter" and f.line == 2


def test_netrc_ini_xml_npmrc_context(tmp_path: Path) -> None:
    engine = make_engine()
    s1, s2, s3 = (tokens.random_secret(24) for _ in range(3))
    _, (f,) = scan_bytes(
        engine, tmp_path, ".netrc", f"machine api.x.com login bob password {s1}\n".encode()
    )
    assert f.file_kind == "netrc" and f.context_key == "password"
    xml = f"<settings><servers><server><password>{s2}</password></server></servers></settings>"
    _, (f,) = scan_bytes(engine, tmp_path, ".m2/settings.xml", xml.encode())
    assert f.file_kind == "maven_settings" and f.context_key == "password"
    aws = f"[default]\naws_access_key_id = AKIA\naws_secret_access_key = {s3}\n".replace(
        "aws_secret_access_key", "secret"
    )
    _, (f,) = scan_bytes(engine, tmp_path, ".aws/credentials", aws.encode())
    assert f.file_kind == "aws_credentials" and (f.line, f.context_key) == (3, "secret")


def test_context_key_shapes() -> None:
    cases = {
        "export GH_TOKEN=": "GH_TOKEN",
        '  "password": "': "password",
        "//registry.npmjs.org/:_authToken=": "_authToken",
        "<password>": "password",
        "curl -H 'Authorization: Bearer ": "Authorization",
        "https://bob:": "url",
        "echo ": None,
        "token = '": "token",
    }
    for prefix, key in cases.items():
        assert context_key(prefix) == key, prefix


def test_segment_repr_hides_its_text() -> None:
    """A derived segment holds decoded plaintext: its repr (tracebacks, logs) must not."""
    token = tokens.github("ghp")
    blob = base64.b64encode(f"token={token}".encode()).decode()
    segments = encoded_blobs(f"auth: {blob}\n")
    assert segments and any(token in s.text for s in segments)
    for segment in segments:
        assert token not in repr(segment) and blob not in repr(segment)
