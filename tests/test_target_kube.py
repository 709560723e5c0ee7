"""kubeconfig token → exec plugin, proven with the kubernetes client running the plugin."""

from __future__ import annotations

from pathlib import Path

from scanner.migrate import undo
from tests import tokens
from tests.test_migrate_support import find, migrate, plaintext_hits


def bearer(config: Path) -> str:
    from kubernetes import client
    from kubernetes import config as kconfig

    configuration = client.Configuration()
    kconfig.load_kube_config(config_file=str(config), client_configuration=configuration)
    return configuration.api_key["BearerToken"]


def test_kube_token_to_exec_plugin(home: Path, keychain) -> None:
    token = tokens.jwt({"sub": "system:serviceaccount:default:ci"})
    kube = home / ".kube"
    kube.mkdir()
    cfg = kube / "config"
    original = (
        "apiVersion: v1\nkind: Config\nclusters:\n- name: dev\n  cluster:\n"
        "    server: https://127.0.0.1:6443\ncontexts:\n- name: dev\n  context:\n"
        "    cluster: dev\n    user: ci-bot\ncurrent-context: dev\nusers:\n- name: ci-bot\n"
        f"  user:\n    token: {token}\n"
    ).encode()
    cfg.write_bytes(original)
    assert bearer(cfg) == f"Bearer {token}"
    _plan, result = migrate(find(cfg, token, kind="kubeconfig", provider="kubernetes"), home)
    text = cfg.read_text()
    assert token not in text and "exec:" in text and "client.authentication.k8s.io/v1" in text
    assert plaintext_hits(token, home) == []
    assert bearer(cfg) == f"Bearer {token}"  # the client ran `stowaway credential kube ci-bot`
    assert undo(result.migration_id).state == "undone"
    assert cfg.read_bytes() == original
