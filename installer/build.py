"""Build Stowaway's desktop bundles.

    python installer/build.py linux      # PyInstaller one-folder bundle -> dist/*.tar.gz + AppDir
    python installer/build.py macos      # .app bundle on macOS; elsewhere the layout + Info.plist
    python installer/build.py windows    # one-folder bundle (on Windows) + Inno Setup script
    python installer/build.py layouts    # only generate the macOS/Windows files (any OS)

Only the build for the running OS runs PyInstaller; the others are generated for inspection.
"""

from __future__ import annotations

import argparse
import os
import platform
import plistlib
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
TEMPLATES = INSTALLER / "templates"
sys.path.insert(0, str(ROOT))

from scanner import __version__  # noqa: E402

APP_NAME = "Stowaway"
BUNDLE_ID = "app.stowaway"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def run_pyinstaller(dist: Path, work: Path) -> Path:
    """Run the spec; returns the one-folder bundle (``dist/stowaway``)."""
    env = dict(os.environ, STOWAWAY_ROOT=str(ROOT), STOWAWAY_VERSION=__version__)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(INSTALLER / "stowaway.spec"),
        ],
        check=True,
        env=env,
        cwd=str(ROOT),
    )
    return dist / "stowaway"


def bundle_size(folder: Path) -> int:
    """Bytes on disk, counting each file once (the bundle symlinks some libraries)."""
    return sum(f.lstat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


def desktop_entry(exec_path: str = "stowaway-app") -> str:
    return (
        (ROOT / "resources" / "desktop" / "stowaway.desktop")
        .read_text()
        .replace("Exec=stowaway-app", f"Exec={exec_path}")
    )


def icon_png(size: int) -> Path | None:
    hicolor = ROOT / "resources" / "icons" / "hicolor" / f"{size}x{size}"
    for candidate in (hicolor / "stowaway.png", hicolor / "apps" / "stowaway.png"):
        if candidate.exists():
            return candidate
    return None


def _share_tree(target: Path) -> None:
    apps = target / "share" / "applications"
    apps.mkdir(parents=True, exist_ok=True)
    (apps / "stowaway.desktop").write_text(desktop_entry())
    for size in ICON_SIZES:
        png = icon_png(size)
        if png:
            dest = target / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy2(png, dest / "stowaway.png")


def package_linux(bundle: Path, dist: Path) -> tuple[Path, Path]:
    """The release tarball (bundle + install/uninstall scripts + XDG files) and an AppDir."""
    name = f"stowaway-{__version__}-linux-{platform.machine()}"
    release = dist / name
    shutil.rmtree(release, ignore_errors=True)
    release.mkdir(parents=True)
    shutil.copytree(bundle, release / "stowaway", symlinks=True)
    _share_tree(release)
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy2(TEMPLATES / script, release / script)
        (release / script).chmod(0o755)
    tarball = dist / f"{name}.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(release, arcname=name)

    appdir = dist / "Stowaway.AppDir"
    shutil.rmtree(appdir, ignore_errors=True)
    (appdir / "usr" / "lib").mkdir(parents=True)
    shutil.copytree(bundle, appdir / "usr" / "lib" / "stowaway", symlinks=True)
    _share_tree(appdir / "usr")
    (appdir / "stowaway.desktop").write_text(desktop_entry("AppRun"))
    icon = icon_png(256)
    if icon:
        shutil.copy2(icon, appdir / "stowaway.png")
    shutil.copy2(TEMPLATES / "AppRun", appdir / "AppRun")
    (appdir / "AppRun").chmod(0o755)
    return tarball, appdir


def macos_info_plist() -> bytes:
    return plistlib.dumps(
        {
            "CFBundleName": APP_NAME,
            "CFBundleDisplayName": APP_NAME,
            "CFBundleIdentifier": BUNDLE_ID,
            "CFBundleExecutable": "stowaway-app",
            "CFBundleIconFile": "stowaway.icns",
            "CFBundlePackageType": "APPL",
            "CFBundleShortVersionString": __version__,
            "CFBundleVersion": __version__,
            "LSMinimumSystemVersion": "12.0",
            "LSUIElement": True,  # tray-only start: no Dock icon until the window opens
            "NSHighResolutionCapable": True,
        }
    )


def macos_layout(dist: Path) -> Path:
    """The .app layout with Info.plist (PyInstaller's BUNDLE fills MacOS/ on a Mac)."""
    app = dist / "macos" / f"{APP_NAME}.app" / "Contents"
    for sub in ("MacOS", "Resources", "Frameworks"):
        (app / sub).mkdir(parents=True, exist_ok=True)
    (app / "Info.plist").write_bytes(macos_info_plist())
    (app / "Resources" / "resources").mkdir(exist_ok=True)
    return app.parent


def windows_inno_script() -> str:
    return (TEMPLATES / "stowaway.iss.in").read_text().replace("@VERSION@", __version__)


def windows_layout(dist: Path) -> Path:
    target = dist / "windows"
    target.mkdir(parents=True, exist_ok=True)
    script = target / "stowaway.iss"
    script.write_text(windows_inno_script(), encoding="utf-8")
    return script


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("target", choices=("linux", "macos", "windows", "layouts"))
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    args = parser.parse_args(argv)
    dist: Path = args.dist.resolve()
    dist.mkdir(parents=True, exist_ok=True)
    if args.target == "layouts":
        print(macos_layout(dist))
        print(windows_layout(dist))
        return 0
    if args.target == "linux":
        if not sys.platform.startswith("linux"):
            parser.error("the Linux bundle is built on Linux")
        bundle = run_pyinstaller(dist, args.work)
        tarball, appdir = package_linux(bundle, dist)
        size = bundle_size(bundle)
        print(f"bundle: {bundle} ({size / 1e6:.1f} MB)")
        print(f"tarball: {tarball} ({tarball.stat().st_size / 1e6:.1f} MB)")
        print(f"AppDir: {appdir}")
        return 0
    if args.target == "macos":
        if sys.platform == "darwin":
            run_pyinstaller(dist, args.work)
        print(macos_layout(dist))
        return 0
    if sys.platform == "win32":
        run_pyinstaller(dist, args.work)
    print(windows_layout(dist))
    return 0


if __name__ == "__main__":
    sys.exit(main())
