"""``stowaway incident``: guided response to a leaked token (find, revoke, replace, scrub, record).

The leaked and the new token are only ever read from a hidden prompt or from stdin, never from
the command line (which would land in the shell history).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from scanner.incident import (
    STEP_ORDER,
    STEP_TITLES,
    IncidentError,
    IncidentFlow,
    IncidentStep,
    StepStatus,
    all_incidents,
)
from scanner.inventory import Inventory, InventoryError, SchemaError

EXIT_OK = 0
EXIT_ERROR = 2
STEP_NAMES = [s.value for s in STEP_ORDER]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "incident",
        help="respond to a leaked token, step by step",
        description=(
            "Guided leak response: find every copy on this machine, revoke the token at its "
            "provider, put the new token in the keychain where the tools read it, remove the old "
            "copies (undoable) and record what happened. Stop at any point and resume later."
        ),
    )
    sub = parser.add_subparsers(dest="incident_command", metavar="ACTION")

    start = sub.add_parser("start", help="open an incident for a credential or a pasted token")
    start.add_argument("credential", nargs="?", help="inventory credential id (a number)")
    start.add_argument(
        "--paste",
        action="store_true",
        help="read the leaked token from a hidden prompt (or the first line of stdin)",
    )
    _flow_options(start)
    start.set_defaults(func=run_start)

    resume = sub.add_parser("resume", help="continue an open incident")
    resume.add_argument("incident", type=int, help="incident number")
    _flow_options(resume)
    resume.set_defaults(func=run_resume)

    listing = sub.add_parser("list", help="list incidents")
    listing.add_argument("--open", action="store_true", help="only open incidents")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=run_list)

    report = sub.add_parser("report", help="the incident record as Markdown or JSON")
    report.add_argument("incident", type=int)
    report.add_argument("--format", choices=("md", "json"), default="md")
    report.add_argument("--output", "-o", type=Path, help="write to this file instead of stdout")
    report.set_defaults(func=run_report)

    undo = sub.add_parser("undo-scrub", help="put the scrubbed files back as they were")
    undo.add_argument("incident", type=int)
    undo.set_defaults(func=run_undo_scrub)
    parser.set_defaults(func=lambda _args: parser.print_help() or EXIT_OK)


def _flow_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--yes", "-y", action="store_true", help="no questions: do every step the flags allow"
    )
    parser.add_argument(
        "--skip",
        action="append",
        choices=STEP_NAMES,
        default=[],
        metavar="STEP",
        help=f"skip a step ({', '.join(STEP_NAMES)}); give a --reason for each",
    )
    parser.add_argument(
        "--reason", action="append", default=[], help="why (one per --skip, same order)"
    )
    parser.add_argument(
        "--revoke-api",
        action="store_true",
        help="revoke through the provider's API (shows exactly what is sent where first)",
    )
    parser.add_argument(
        "--endpoint", help="send the revocation request here instead (e.g. a self-hosted GitLab)"
    )
    parser.add_argument(
        "--revoked",
        metavar="NOTE",
        nargs="?",
        const="revoked at the provider (confirmed by the user)",
        help="you revoked it yourself (on the provider's page): mark the step done",
    )
    parser.add_argument(
        "--new-token-stdin",
        action="store_true",
        help="read the new token from the next line of stdin",
    )
    parser.add_argument(
        "--stop-after", choices=STEP_NAMES, metavar="STEP", help="stop after this step"
    )


# -- reading secrets -------------------------------------------------------------------------


class SecretInput:
    """Reads tokens from a hidden prompt on a terminal, else line by line from stdin."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdin

    @property
    def interactive(self) -> bool:
        try:
            return self.stream.isatty()
        except (AttributeError, ValueError):
            return False

    def read(self, prompt: str) -> str:
        if self.interactive:
            return getpass.getpass(prompt)
        line = self.stream.readline()
        return line.rstrip("\r\n")


# -- the step loop ---------------------------------------------------------------------------


class Runner:
    def __init__(
        self,
        flow: IncidentFlow,
        args: argparse.Namespace,
        secrets: SecretInput,
        out: TextIO,
        ask: Callable[[str], str] | None = None,
    ) -> None:
        self.flow = flow
        self.args = args
        self.secrets = secrets
        self.out = out
        self.interactive = secrets.interactive and not args.yes
        self.ask = ask or input
        self.skips = dict(zip(args.skip, args.reason, strict=False))

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def choose(self, question: str, options: str) -> str:
        while True:
            answer = self.ask(f"{question} [{options}] ").strip().lower()[:1]
            if answer in options.replace("/", ""):
                return answer

    def skip_interactively(self, step: IncidentStep) -> bool:
        reason = ""
        while not reason.strip():
            reason = self.ask("Why skip it? (goes into the record) ")
        self.flow.skip(step, reason)
        self.say(f"Skipped: {reason.strip()}")
        return True

    def run(self) -> int:
        inc = self.flow.incident
        self.say(f"Incident #{inc.id}: {inc.label} ({inc.provider})")
        while (step := self.flow.next_step()) is not None:
            index = STEP_ORDER.index(step) + 1
            self.say(f"\n[{index}/{len(STEP_ORDER)}] {STEP_TITLES[step]}")
            if step.value in self.skips:
                self.flow.skip(step, self.skips[step.value])
                self.say(f"Skipped: {self.skips[step.value]}")
            elif not getattr(self, f"step_{step.value}")():
                self.say(
                    f"\nStopped at {step.value}. Continue with `stowaway incident resume {inc.id}`."
                )
                return EXIT_OK
            if self.args.stop_after == step.value:
                self.say(f"\nStopped after {step.value}: `stowaway incident resume {inc.id}`.")
                return EXIT_OK
        self.say(
            f"\nIncident #{inc.id} is closed. Report: `stowaway incident report {inc.id}` "
            "(--format json for machines)."
        )
        return EXIT_OK

    # each step returns True to go on, False to stop (the incident stays open)
    def step_find(self) -> bool:
        if self.interactive:
            answer = self.choose("Search every personal location for copies now?", "y/s/q")
            if answer == "q":
                return False
            if answer == "s":
                return self.skip_interactively(IncidentStep.FIND)
        self.say("Searching the inventory and every personal location…")
        copies = self.flow.find_copies()
        for exp in copies:
            self.say(f"  {exp.path}:{exp.line}  ({exp.file_kind})")
        self.say(self.flow.incident.steps[IncidentStep.FIND].note)
        return True

    def step_revoke(self) -> bool:
        info = self.flow.revocation_info(self.args.endpoint)
        if info.url:
            self.say(f"Revoke it at: {info.url}")
        if info.steps:
            self.say(f"How: {info.steps}")
        if info.api_text and not info.api_key:
            self.say(f"Provider API/CLI: {info.api_text}")
        if self.args.revoked is not None:
            self.flow.mark_revoked(self.args.revoked)
            self.say("Marked revoked.")
            return True
        if self.args.revoke_api or (self.interactive and info.api_key):
            if self.interactive and not self.args.revoke_api:
                answer = self.choose(
                    f"Revoke through the {info.provider} API now ([a]pi), mark it revoked "
                    "by hand ([d]one), [s]kip or [q]uit?",
                    "a/d/s/q",
                )
                if answer == "q":
                    return False
                if answer == "s":
                    return self.skip_interactively(IncidentStep.REVOKE)
                if answer == "d":
                    self.flow.mark_revoked()
                    return True
            return self._revoke_api()
        if self.interactive:
            answer = self.choose("Once it is revoked: [d]one, [s]kip or [q]uit?", "d/s/q")
            if answer == "d":
                self.flow.mark_revoked()
                return True
            if answer == "s":
                return self.skip_interactively(IncidentStep.REVOKE)
            return False
        self.say(
            "Revoke it, then resume with --revoked"
            + (" (or --revoke-api to let Stowaway call the provider's API)" if info.api_key else "")
            + "."
        )
        return False

    def _revoke_api(self) -> bool:
        def confirm(text: str) -> bool:
            self.say(f"About to send: {text}")
            if self.args.yes:
                return True
            if not self.interactive:
                self.say("Not sent: add --yes to confirm sending it.")
                return False
            return self.choose("Send it?", "y/n") == "y"

        outcome = self.flow.revoke_via_api(confirm=confirm, endpoint=self.args.endpoint)
        self.say(outcome.message)
        return outcome.ok

    def step_replace(self) -> bool:
        if self.args.new_token_stdin or self.interactive:
            if self.interactive:
                self.say(
                    "Create the new token at the provider, then paste it (input hidden). Empty "
                    "input: skip for now."
                )
            new = self.secrets.read("New token: ")
            if not new.strip():
                if self.interactive and self.choose("Skip this step?", "y/n") == "y":
                    return self.skip_interactively(IncidentStep.REPLACE)
                self.say("No new token was given.")
                return False
            result = self.flow.replace(new)
            del new
            self.say(
                f"Stored the new token {result.new_preview} in the keychain as {result.account}."
            )
            for message in result.messages:
                self.say(f"Note: {message}")
            if result.rotated:
                self.say("The tools' keychain entries now hold it: " + ", ".join(result.rotated))
            if result.references:
                self.say(
                    "The entries your history or notes point at hold it too: "
                    + ", ".join(result.references)
                )
            return True
        self.say("Give the new token with --new-token-stdin (read from stdin, never an argument).")
        return False

    def step_scrub(self) -> bool:
        copies = self.flow.copies()
        present = [c for c in copies if c.state == "present"]
        for c in present:
            self.say(f"  {c.path}:{c.line}  ({c.file_kind})")
        if self.interactive:
            answer = self.choose(
                f"Remove or redact these {len(present)} copies (undoable)?", "y/s/q"
            )
            if answer == "q":
                return False
            if answer == "s":
                return self.skip_interactively(IncidentStep.SCRUB)
        elif not self.args.yes:
            self.say("Add --yes to remove or redact the old copies (undoable).")
            return False
        result = self.flow.scrub()
        for path in result.files:
            self.say(f"  rewrote {path}")
        for problem in result.problems:
            self.say(f"  not scrubbed: {problem}")
        for warning in result.warnings:
            self.say(f"  note: {warning}")
        if result.migration_id:
            self.say(f"Undo: `stowaway incident undo-scrub {self.flow.incident_id}`.")
        return True

    def step_record(self) -> bool:
        note = ""
        if self.interactive:
            note = self.ask("A note for the record (optional): ").strip()
        elif not self.args.yes:
            self.say("Add --yes to record and close the incident.")
            return False
        self.flow.record(note)
        return True


# -- commands --------------------------------------------------------------------------------


def _open_inventory() -> Inventory:
    return Inventory.open()


def _run_flow(flow: IncidentFlow, args: argparse.Namespace, secrets: SecretInput) -> int:
    if len(args.reason) < len(args.skip):
        print("stowaway incident: give a --reason for every --skip", file=sys.stderr)
        return EXIT_ERROR
    return Runner(flow, args, secrets, sys.stdout).run()


def run_start(args: argparse.Namespace) -> int:
    if (args.credential is None) == (not args.paste):
        print("stowaway incident start: give a credential ID or --paste", file=sys.stderr)
        return EXIT_ERROR
    if args.credential is not None and not args.credential.isdigit():
        # never echo it: it may be the token itself
        print(
            "stowaway incident start: the argument is not a credential id. Tokens are read with "
            "--paste (hidden prompt or stdin), never from the command line. If you typed the "
            "token there, it is now in your shell history too: remove that history entry.",
            file=sys.stderr,
        )
        return EXIT_ERROR
    secrets = SecretInput()
    try:
        with _open_inventory() as inv:
            if args.paste:
                token = secrets.read("Paste the leaked token (input hidden): ")
                try:
                    flow = IncidentFlow.start_from_token(inv, token)
                finally:
                    del token
            else:
                flow = IncidentFlow.start_from_credential(inv, int(args.credential))
            return _run_flow(flow, args, secrets)
    except (IncidentError, InventoryError, SchemaError) as exc:
        print(f"stowaway incident: {exc}", file=sys.stderr)
        return EXIT_ERROR


def run_resume(args: argparse.Namespace) -> int:
    try:
        with _open_inventory() as inv:
            flow = IncidentFlow.resume(inv, args.incident)
            if not flow.incident.is_open:
                print(f"Incident #{args.incident} is closed.")
                return EXIT_OK
            return _run_flow(flow, args, SecretInput())
    except (IncidentError, InventoryError, SchemaError) as exc:
        print(f"stowaway incident: {exc}", file=sys.stderr)
        return EXIT_ERROR


def run_list(args: argparse.Namespace) -> int:
    try:
        with _open_inventory() as inv:
            incidents = all_incidents(inv)
    except (InventoryError, SchemaError) as exc:
        print(f"stowaway incident: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.open:
        incidents = [i for i in incidents if i.is_open]
    if args.json:
        rows = [
            {
                "id": i.id,
                "status": "open" if i.is_open else "closed",
                "step": i.current_step.value if i.is_open else None,
                "credential_id": i.credential_id,
                "kind": i.rule_name,
                "preview": i.preview,
                "provider": i.provider,
                "started_at": i.started_at.isoformat(timespec="seconds"),
                "closed_at": i.closed_at.isoformat(timespec="seconds") if i.closed_at else None,
                "steps": {s.value: i.steps[s].status for s in STEP_ORDER},
            }
            for i in incidents
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    if not incidents:
        print("No incidents." if not args.open else "No open incidents.")
        return EXIT_OK
    for i in incidents:
        marks = "".join(
            {StepStatus.DONE: "✓", StepStatus.SKIPPED: "-"}.get(StepStatus(i.steps[s].status), "·")
            for s in STEP_ORDER
        )
        state = f"open, at {i.current_step.value}" if i.is_open else "closed"
        print(
            f"#{i.id}\t{marks}\t{state}\t{i.rule_name} {i.preview}\t"
            f"{i.started_at.astimezone().strftime('%Y-%m-%d %H:%M')}"
        )
    return EXIT_OK


def run_report(args: argparse.Namespace) -> int:
    try:
        with _open_inventory() as inv:
            flow = IncidentFlow.resume(inv, args.incident)
            text = (
                flow.report_markdown()
                if args.format == "md"
                else json.dumps(flow.report_json(), indent=2, ensure_ascii=False) + "\n"
            )
    except (IncidentError, InventoryError, SchemaError) as exc:
        print(f"stowaway incident: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"stowaway incident: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return EXIT_ERROR
    print(f"Wrote {args.output}")
    return EXIT_OK


def run_undo_scrub(args: argparse.Namespace) -> int:
    try:
        with _open_inventory() as inv:
            result = IncidentFlow.resume(inv, args.incident).undo_scrub()
    except (IncidentError, InventoryError, SchemaError) as exc:
        print(f"stowaway incident: {exc}", file=sys.stderr)
        return EXIT_ERROR
    for path in result.restored:
        print(f"restored {path}")
    for message in result.messages:
        print(message)
    return EXIT_OK if result.state == "undone" else EXIT_ERROR
