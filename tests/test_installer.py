"""Installers: the Linux bundle is built and run for real; the macOS and Windows files are
generated and checked for structure."""

from __future__ import annotations

import os
import plistlib
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_build_script():  # type: ignore[no-untyped-def]
    """installer/build.py under its own module name (``build`` is also a PyPI package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "stowaway_installer_build", ROOT / "installer" / "build.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load_build_script()


def test_macos_info_plist_is_a_tray_app(tmp_path: Path) -> None:
    app = build.macos_layout(tmp_path)
    info = plistlib.loads((app / "Contents" / "Info.plist").read_bytes())
    assert info["LSUIElement"] is True
    assert info["CFBundleIdentifier"] == "app.stowaway"
    assert info["CFBundleExecutable"] == "stowaway-app"
    assert info["CFBundlePackageType"] == "APPL"
    for sub in ("MacOS", "Resources"):
        assert (app / "Contents" / sub).is_dir()


def test_windows_inno_script_structure(tmp_path: Path) -> None:
    from scanner import __version__

    text = build.windows_layout(tmp_path).read_text(encoding="utf-8")
    sections = [line.strip() for line in text.splitlines() if line.startswith("[")]
    for section in ("[Setup]", "[Files]", "[Icons]", "[Registry]", "[UninstallRun]", "[Code]"):
        assert section in sections
    assert f'#define AppVersion "{__version__}"' in text
    assert "PrivilegesRequired=lowest" in text
    run_line = next(line for line in text.splitlines() if line.startswith("Root: HKCU"))
    assert r"Software\Microsoft\Windows\CurrentVersion\Run" in run_line
    assert "uninsdeletevalue" in run_line and "--tray" in run_line
    assert 'Parameters: "autostart remove"' in text
    assert "Keychain entries are kept" in text
    assert "@VERSION@" not in text


@pytest.fixture(scope="module")
def linux_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    work = tmp_path_factory.mktemp("work")
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "installer" / "build.py"),
            "linux",
            "--dist",
            str(dist),
            "--work",
            str(work),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(result.stdout)
    return dist


@pytest.mark.slow
def test_linux_bundle_runs_cli_scan_and_app(linux_bundle: Path, home: Path) -> None:
    bundle = linux_bundle / "stowaway"
    size_mb = build.bundle_size(bundle) / 1e6
    print(f"bundle size: {size_mb:.1f} MB")
    cli = bundle / "stowaway"
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True, timeout=120)
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("stowaway ")

    notes = home / "Documents" / "Notes"
    notes.mkdir(parents=True)
    body = "".join(chr(ord("a") + (i * 7) % 26) for i in range(36))
    (notes / "deploy.md").write_text(f"# deploy\nstripe: sk_live_{body}Zq\n")
    scan = subprocess.run(
        [str(cli), "scan", str(home), "--format", "json", "--no-progress"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert scan.returncode in (0, 1), scan.stderr
    assert "deploy.md" in scan.stdout or scan.returncode == 0

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    app = subprocess.Popen(
        [str(bundle / "stowaway-app")], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        time.sleep(6)
        assert app.poll() is None, app.communicate()[1].decode(errors="replace")[-2000:]
    finally:
        app.send_signal(signal.SIGTERM)
        try:
            app.wait(timeout=15)
        except subprocess.TimeoutExpired:
            app.kill()


@pytest.mark.slow
def test_linux_release_tarball_installs_and_uninstalls(linux_bundle: Path, home: Path) -> None:
    tarball = next(linux_bundle.glob("stowaway-*-linux-*.tar.gz"))
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
        top = names[0].split("/")[0]
        for member in (
            "install.sh",
            "uninstall.sh",
            "stowaway/stowaway",
            "stowaway/stowaway-app",
            "share/applications/stowaway.desktop",
        ):
            assert f"{top}/{member}" in names
        tar.extractall(home / "unpacked", filter="data")
    release = home / "unpacked" / top
    subprocess.run(["bash", str(release / "install.sh")], check=True, timeout=300)
    installed = home / ".local" / "bin" / "stowaway"
    assert installed.exists()
    icon = home / ".local" / "share" / "icons" / "hicolor" / "256x256" / "apps" / "stowaway.png"
    assert icon.exists()
    entry = (home / ".local" / "share" / "applications" / "stowaway.desktop").read_text()
    app = home / ".local" / "opt" / "stowaway" / "stowaway-app"
    assert f"Exec={app}\n" in entry and f"Exec={app} --scan\n" in entry
    subprocess.run([str(installed), "autostart", "enable"], check=True, timeout=120)
    autostart_file = home / ".config" / "autostart" / "stowaway.desktop"
    assert autostart_file.exists()
    data = home / ".local" / "share" / "stowaway"
    data.mkdir(parents=True, exist_ok=True)
    (data / "marker").write_text("inventory")
    subprocess.run(["bash", str(release / "uninstall.sh"), "--keep-data"], check=True, timeout=120)
    assert not autostart_file.exists(), "uninstall must leave no autostart entry"
    assert not installed.exists()
    assert (data / "marker").exists(), "--keep-data keeps the inventory"

    appdir = linux_bundle / "Stowaway.AppDir"
    assert os.access(appdir / "AppRun", os.X_OK)
    assert (appdir / "stowaway.desktop").exists()
