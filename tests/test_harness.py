"""The test harness itself works: real keychain, real display with a tray, clean layering, and the
entry points from an installed wheel."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_keyring_round_trip_of_a_4kb_secret(keychain) -> None:
    import keyring

    value = secrets.token_urlsafe(3072)[:4096]
    keyring.set_password("stowaway-test-harness", "roundtrip", value)
    assert keyring.get_password("stowaway-test-harness", "roundtrip") == value
    keyring.delete_password("stowaway-test-harness", "roundtrip")
    assert keyring.get_password("stowaway-test-harness", "roundtrip") is None
    assert type(keychain).__module__ == "keyring.backends.SecretService"


@pytest.mark.display
def test_main_window_on_xvfb_with_system_tray(require_display, qtbot, screenshot) -> None:
    from PySide6.QtWidgets import QLabel, QMainWindow, QSystemTrayIcon

    window = QMainWindow()
    window.setCentralWidget(QLabel("harness"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.isVisible()
    qtbot.waitUntil(QSystemTrayIcon.isSystemTrayAvailable, timeout=5000)
    assert screenshot("harness-xvfb").stat().st_size > 0


def test_scanner_imports_without_pyside6(tmp_path: Path) -> None:
    """Every scanner module imports with PySide6 made unimportable."""
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        textwrap.dedent(
            """
            import importlib.abc, sys
            class _Block(importlib.abc.MetaPathFinder):
                def find_spec(self, name, path=None, target=None):
                    if name == "PySide6" or name.startswith(("PySide6.", "shiboken6")):
                        raise ImportError(f"{name} is blocked by the layering test")
                    return None
            sys.meta_path.insert(0, _Block())
            """
        )
    )
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import scanner
        names = [m.name for m in pkgutil.walk_packages(scanner.__path__, "scanner.")
                 if m.name != "scanner.__main__"]
        for name in names:
            importlib.import_module(name)
        assert not any(k.startswith("PySide6") for k in sys.modules), "PySide6 leaked in"
        print(len(names))
        """
    )
    env = dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}")
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 5


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel and install it (without re-downloading dependencies) into a fresh venv."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        timeout=600,
    )
    wheel = next(out.glob("stowaway-*.whl"))
    venv = tmp_path_factory.mktemp("venv")
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Dependencies come from the test venv's site-packages, added as a plain path entry so that
    # the editable install's .pth hook there is *not* activated: `scanner` comes from the wheel.
    Path(site, "zz_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        timeout=600,
    )
    return venv


@pytest.mark.slow
def test_wheel_entry_points(installed_wheel: Path, home: Path) -> None:
    from scanner import __version__

    bin_dir = installed_wheel / "bin"
    version = subprocess.run(
        [str(bin_dir / "stowaway"), "--version"], capture_output=True, text=True, timeout=60
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"stowaway {__version__}"
    help_ = subprocess.run(
        [str(bin_dir / "stowaway"), "--help"], capture_output=True, text=True, timeout=60
    )
    assert help_.returncode == 0, help_.stderr
    assert "usage: stowaway" in help_.stdout
    assert (bin_dir / "stowaway-app").exists()
    where = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "import scanner, scanner.resources as r;"
            " print(scanner.__file__); print(r.resources_dir())",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(home),
    )
    assert where.returncode == 0, where.stderr
    module_file, resources = where.stdout.split()
    assert str(installed_wheel) in module_file, "scanner must come from the installed wheel"
    assert resources.endswith("scanner/_resources")
    assert Path(resources, "rules").is_dir()
