"""Locate the bundled ``resources/`` folder in every way Stowaway can be run.

* installed wheel: hatch force-includes ``resources/`` as ``scanner/_resources``;
* editable install or source checkout: ``resources/`` sits beside ``scanner/``;
* PyInstaller bundle: the spec copies it to ``<bundle>/resources``.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


class ResourcesMissingError(RuntimeError):
    """The resources folder could not be found (a broken install)."""


@cache
def resources_dir() -> Path:
    here = Path(__file__).resolve().parent
    candidates = [here / "_resources", here.parent / "resources"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.insert(0, Path(bundle) / "resources")
    for candidate in candidates:
        if (candidate / "rules").is_dir():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise ResourcesMissingError(f"Stowaway's resources folder is missing (looked in {looked})")


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/`` (it may not exist)."""
    return resources_dir().joinpath(*parts)
