"""Shell integration: a marked block in the shell's start-up file that exports the variables
migrations registered (e.g. ``NPM_TOKEN``) from the keychain, via ``stowaway get --exports``.

Only variable *names* and keychain entry names are in the start-up file; the values come from the
keychain when a shell starts.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

BEGIN = "# >>> stowaway shell integration >>>"
END = "# <<< stowaway shell integration <<<"
SHELLS = ("bash", "zsh", "fish", "powershell")


def current_shell() -> str:
    name = Path(os.environ.get("SHELL", "")).name
    if name in ("zsh", "fish"):
        return name
    if os.name == "nt":
        return "powershell"
    return "bash"


def rc_file(shell: str, home: Path) -> Path:
    if shell == "zsh":
        return Path(os.environ.get("ZDOTDIR", str(home))) / ".zshrc"
    if shell == "fish":
        config = Path(os.environ.get("XDG_CONFIG_HOME", str(home / ".config")))
        return config / "fish" / "conf.d" / "stowaway.fish"
    if shell == "powershell":
        return home / ".config" / "powershell" / "Microsoft.PowerShell_profile.ps1"
    return home / ".bashrc"


def pwsh_quote(text: str) -> str:
    """``text`` as a PowerShell single-quoted string."""
    return "'" + text.replace("'", "''") + "'"


def pwsh_command(command: list[str]) -> str:
    """``command`` quoted word by word, for PowerShell's ``&`` call operator."""
    return " ".join(pwsh_quote(p) for p in command)


def block(shell: str, command: list[str]) -> str:
    """The integration block (without a trailing newline)."""
    if shell == "fish":
        body = f"{shlex.join(command)} get --exports --shell fish | source"
    elif shell == "powershell":
        body = (
            f"& {pwsh_command(command)} get --exports --shell powershell"
            " | Out-String | Invoke-Expression"
        )
    else:
        body = f'eval "$({shlex.join(command)} get --exports --shell {shell})"'
    return "\n".join((BEGIN, body, END))


def exports_script(pairs: list[tuple[str, str]], shell: str) -> str:
    """Lines that set each variable to its value (values are quoted for the shell)."""
    lines = []
    for var, value in pairs:
        if shell == "fish":
            escaped = value.replace("\\", "\\\\").replace("'", "\\'")
            lines.append(f"set -gx {var} '{escaped}'")
        elif shell == "powershell":
            lines.append(f"$env:{var} = {pwsh_quote(value)}")
        else:
            lines.append(f"export {var}={shlex.quote(value)}")
    return "\n".join(lines) + ("\n" if lines else "")
