"""The guided leak response: find → revoke → replace → scrub → record, resumable.

All state lives in the inventory (schema v3), so a flow can stop after any step and be resumed
in another process. The leaked token is never stored: a pasted token is kept in this object's
memory only (and matched by fingerprint); otherwise the live value is read again from a file
(:meth:`Engine.read_secret`) or the keychain at the moment an action needs it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner import redact, revoke
from scanner.fingerprint import Fingerprinter
from scanner.incident import keys, store
from scanner.incident.models import (
    STEP_ORDER,
    Incident,
    IncidentReport,
    IncidentStep,
    ReplaceResult,
    RevocationInfo,
    ScrubResult,
    StepStatus,
)
from scanner.incident.store import IncidentError
from scanner.inventory import CredentialState, Exposure, Inventory
from scanner.inventory.timestamps import now_utc
from scanner.keychain import SERVICE, Keychain, KeychainError, default_account, open_keychain
from scanner.migrate.rotate import RotateError
from scanner.model import Finding

if TYPE_CHECKING:
    from scanner.migrate.journal import Journal, KeychainEntry

ProgressFn = Callable[[Any], None]


def _engine() -> Any:
    from scanner.scan import Engine

    return Engine()


class IncidentFlow:
    """One incident's guided response. Start with :meth:`start_from_credential` or
    :meth:`start_from_token`, or reopen with :meth:`resume`."""

    def __init__(
        self,
        inventory: Inventory,
        incident_id: int,
        *,
        engine: Any = None,
        fingerprinter: Callable[[str], str] | None = None,
        token: str | None = None,
    ) -> None:
        self.inventory = inventory
        self.incident_id = incident_id
        self._engine_obj = engine
        self._fp = fingerprinter
        self.__token = token  # a pasted token, in memory only (name-mangled, never in repr)
        self.incident: Incident = store.load(inventory, incident_id)

    def __repr__(self) -> str:
        return f"IncidentFlow(#{self.incident_id}, {self.incident.label})"

    # -- opening -----------------------------------------------------------------------------
    @classmethod
    def start_from_credential(
        cls, inventory: Inventory, credential_id: int, **kw: Any
    ) -> IncidentFlow:
        """Open an incident for an inventory credential (or return its open incident)."""
        cred = inventory.credential(credential_id)
        if cred is None:
            raise IncidentError(f"There is no credential #{credential_id} in the inventory.")
        existing = store.open_for_fingerprint(inventory, cred.fingerprint)
        if existing is not None:
            return cls(inventory, existing, **kw)
        incident_id = store.create(
            inventory,
            credential_id=cred.id,
            fingerprint=cred.fingerprint,
            preview=cred.preview,
            provider=cred.provider,
            rule_id=cred.rule_id,
            rule_name=cred.rule_name,
            origin="inventory",
        )
        store.log(
            inventory,
            incident_id,
            "start",
            f"Incident opened for inventory credential #{cred.id} ({cred.rule_name} "
            f"{cred.preview}, {cred.present_copies} known cop"
            f"{'y' if cred.present_copies == 1 else 'ies'}).",
        )
        return cls(inventory, incident_id, **kw)

    @classmethod
    def start_from_token(cls, inventory: Inventory, token: str, **kw: Any) -> IncidentFlow:
        """Open an incident for a pasted token: identified by fingerprint, never stored."""
        engine = kw.get("engine") or _engine()
        kw["engine"] = engine
        fp = kw.get("fingerprinter") or Fingerprinter()
        kw["fingerprinter"] = fp
        secret, finding = identify(engine, token, fp)
        fingerprint = fp(secret)
        cred = inventory.credential_by_fingerprint(fingerprint)
        if cred is not None:
            flow = cls.start_from_credential(inventory, cred.id, token=secret, **kw)
            return flow
        existing = store.open_for_fingerprint(inventory, fingerprint)
        if existing is not None:
            return cls(inventory, existing, token=secret, **kw)
        if finding is not None:
            preview, provider, rule_id, rule_name = (
                finding.preview,
                finding.provider,
                finding.rule_id,
                finding.rule_name,
            )
        else:
            preview = redact.preview(secret, "")
            provider, rule_id, rule_name = "unknown", "unknown", "Unrecognised token"
        incident_id = store.create(
            inventory,
            credential_id=None,
            fingerprint=fingerprint,
            preview=preview,
            provider=provider,
            rule_id=rule_id,
            rule_name=rule_name,
            origin="pasted",
        )
        store.log(
            inventory,
            incident_id,
            "start",
            f"Incident opened for a pasted {rule_name} {preview} (not in the inventory yet; "
            "the token itself was not stored).",
        )
        return cls(inventory, incident_id, token=secret, **kw)

    @classmethod
    def resume(cls, inventory: Inventory, incident_id: int, **kw: Any) -> IncidentFlow:
        return cls(inventory, incident_id, **kw)

    # -- helpers -----------------------------------------------------------------------------
    @property
    def engine(self) -> Any:
        if self._engine_obj is None:
            self._engine_obj = _engine()
        return self._engine_obj

    @property
    def fingerprinter(self) -> Callable[[str], str]:
        if self._fp is None:
            self._fp = Fingerprinter()
        return self._fp

    def refresh(self) -> Incident:
        self.incident = store.load(self.inventory, self.incident_id)
        return self.incident

    def _log(self, step: IncidentStep | str, message: str) -> None:
        store.log(self.inventory, self.incident_id, step, message)

    def _finish(
        self,
        step: IncidentStep,
        note: str,
        data: dict[str, Any] | None = None,
        status: StepStatus = StepStatus.DONE,
    ) -> None:
        store.set_step(self.inventory, self.incident_id, step, status, note, data)
        self._log(step, f"{step.value} {status.value}: {note}")
        self.refresh()

    def _require_open(self) -> None:
        if not self.incident.is_open:
            raise IncidentError(f"Incident #{self.incident_id} is closed.")

    def _present(self) -> list[Exposure]:
        cid = self.incident.credential_id
        return [] if cid is None else self.inventory.exposures(cid)

    # -- 1. find -----------------------------------------------------------------------------
    def find_copies(
        self,
        on_progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
        *,
        paths: Iterable[Path] | None = None,
    ) -> list[Exposure]:
        """Every copy on this machine: the inventory's, plus a fresh scan of all personal
        locations (or ``paths``) keeping files that hold this token; recorded in the inventory."""
        self._require_open()
        fingerprint = self.incident.fingerprint
        matched: list[Any] = []
        scanned: set[str] = set()

        def on_file(file_scan: Any) -> None:
            scanned.add(file_scan.path)
            if any(f.fingerprint == fingerprint for f in file_scan.findings):
                matched.append(file_scan)

        result = self.engine.scan(
            list(paths) if paths is not None else None,
            on_progress=on_progress,
            on_file=on_file,
            cancel=cancel,
        )
        if result.cancelled:
            raise IncidentError("The search was cancelled; nothing was recorded.")
        # copies the inventory knows in files outside the scanned locations: look again there
        known = self._present()
        for exp in known:
            if exp.path not in scanned:
                scanned.add(exp.path)
                file_scan = self.engine.scan_file(Path(exp.path), known_credential=True)
                matched.append(file_scan)
        for file_scan in matched:  # each file's scan is authoritative for that file
            self.inventory.apply_file_scan(file_scan)
        self._link_credential()
        exposures = self._present()
        new_paths = {
            fs.path for fs in matched if any(f.fingerprint == fingerprint for f in fs.findings)
        }
        known_paths = {e.path for e in known}
        new_files = new_paths - known_paths
        for exp in exposures:
            store.add_copy(
                self.inventory,
                self.incident_id,
                exposure_id=exp.id,
                path=exp.path,
                line=exp.line,
                column=exp.column,
                file_kind=exp.file_kind,
                found_by="inventory" if exp.path in known_paths else "scan",
            )
        files = len({e.path for e in exposures})
        note = (
            f"{len(exposures)} cop{'y' if len(exposures) == 1 else 'ies'} in {files} "
            f"file{'' if files == 1 else 's'} ({result.files_scanned} files scanned"
            + (f", {len(new_files)} new to the inventory" if new_files else "")
            + ")"
        )
        self._finish(
            IncidentStep.FIND,
            note,
            {"copies": len(exposures), "files": files, "files_scanned": result.files_scanned},
        )
        return exposures

    def _link_credential(self) -> None:
        if self.incident.credential_id is not None:
            return
        cred = self.inventory.credential_by_fingerprint(self.incident.fingerprint)
        if cred is None:
            return
        store.link_credential(
            self.inventory,
            self.incident_id,
            cred.id,
            provider=cred.provider,
            rule_id=cred.rule_id,
            rule_name=cred.rule_name,
            preview=cred.preview,
        )
        self._log("find", f"Linked to inventory credential #{cred.id}.")
        self.refresh()

    def copies(self) -> list[Any]:
        return store.copies(self.inventory, self.incident_id)

    # -- 2. revoke ---------------------------------------------------------------------------
    def revocation_info(self, endpoint: str | None = None) -> RevocationInfo:
        from scanner.rules import default_rules

        rule = default_rules().by_id().get(self.incident.rule_id)
        if rule is None:
            return RevocationInfo(
                provider=self.incident.provider,
                rule_name=self.incident.rule_name,
                url="",
                steps="Stowaway does not know this token's provider: revoke or regenerate it "
                "where it was created.",
                api_text="",
                api_key=None,
                api_description=None,
            )
        api = revoke.api_for(rule.revoke.api)
        description = None
        if api is not None:
            try:
                description = revoke.describe(api, self.incident.preview, endpoint)
            except revoke.RevokeError:
                description = None
        return RevocationInfo(
            provider=rule.provider,
            rule_name=rule.name,
            url=rule.revoke.url,
            steps=rule.revoke.steps or "",
            api_text=rule.revoke.api or "",
            api_key=api.key if api else None,
            api_description=description,
        )

    def live_token(self, keychain: Keychain | None = None) -> str | None:
        """The token's plaintext right now (memory only): the pasted one, a file copy whose
        fingerprint still matches, or a keychain entry holding it."""
        if self.__token is not None:
            return self.__token
        fingerprint = self.incident.fingerprint
        for exp in self._present():
            file_scan = self.engine.scan_file(Path(exp.path), known_credential=True)
            for finding in file_scan.findings:
                if finding.fingerprint == fingerprint:
                    value = self.engine.read_secret(finding)
                    if value is not None:
                        return str(value)
        from scanner.migrate.journal import Journal

        try:
            with Journal.open() as jr:
                if not keys.entries_holding(jr, fingerprint):
                    return None
                kc = keychain or open_keychain()
                return keys.value_from_keychain(kc, jr, fingerprint, self.fingerprinter)
        except KeychainError:
            return None

    def revoke_via_api(
        self,
        *,
        confirm: Callable[[str], bool],
        endpoint: str | None = None,
        timeout: float = revoke.DEFAULT_TIMEOUT,
        keychain: Keychain | None = None,
    ) -> revoke.RevokeOutcome:
        """Call the provider's revocation API, after ``confirm`` saw exactly what is sent where.
        On success the revoke step is done and the credential becomes ``revoked``."""
        self._require_open()
        info = self.revocation_info()
        if info.api_key is None:
            where = f" at {info.url}" if info.url else ""
            raise IncidentError(
                f"{info.provider} has no revocation API Stowaway can call with the token alone; "
                f"revoke it{where} and mark the step done."
            )
        api = revoke.APIS[info.api_key]
        token = self.live_token(keychain)
        if token is None:
            raise IncidentError(
                "No live copy of the token is left to send (no file or keychain entry holds it). "
                f"Revoke it{f' at {info.url}' if info.url else ''}, or start the incident again "
                "with --paste."
            )
        try:
            outcome = revoke.send(
                api,
                token,
                confirm=confirm,
                preview=self.incident.preview,
                endpoint=endpoint,
                timeout=timeout,
            )
        except revoke.RevokeError as exc:
            raise IncidentError(str(exc)) from exc
        finally:
            del token
        if not outcome.sent:
            self._log(IncidentStep.REVOKE, f"{api.method} {outcome.url}: {outcome.message}")
            return outcome
        self._log(
            IncidentStep.REVOKE,
            f"{api.method} {outcome.url} → HTTP {outcome.status}: {outcome.message}",
        )
        if outcome.ok:
            self.mark_revoked(f"revoked through the {api.provider} API ({outcome.message})")
        return outcome

    def mark_revoked(self, note: str = "") -> None:
        """The token is revoked (by the API, or by the user on the provider's page)."""
        self._require_open()
        cid = self.incident.credential_id
        if cid is not None:
            self.inventory.update_credential(cid, state=CredentialState.REVOKED)
        self._finish(IncidentStep.REVOKE, note or "revoked at the provider (confirmed by the user)")

    # -- 3. replace --------------------------------------------------------------------------
    def replace(
        self,
        new_token: str,
        *,
        keychain: Keychain | None = None,
        journal: Any = None,
        name: str | None = None,
    ) -> ReplaceResult:
        """Store the new token in the keychain and switch the entries the tools read to it
        (now for entries that already exist, at the scrub for the ones it creates)."""
        self._require_open()
        new_token = new_token.strip()
        if not new_token:
            raise IncidentError("The new token is empty; nothing was stored.")
        new_fp = self.fingerprinter(new_token)
        if new_fp == self.incident.fingerprint:
            raise IncidentError(
                "That is the leaked token itself, not a new one; nothing was stored."
            )
        found = self.engine.scan_text(new_token)
        new_preview = found[0].preview if found else redact.preview(new_token, "")
        messages: list[str] = []
        provider = self.incident.provider
        if found and found[0].provider.lower() != provider.lower() and provider != "unknown":
            messages.append(
                f"The new token looks like a {found[0].rule_name}, not a {provider} token."
            )
        elif not found:
            messages.append("Stowaway does not recognise the new token's format.")
        account = name or default_account(provider if provider != "unknown" else "token", new_fp)
        from scanner.migrate.journal import Journal, KeychainEntry, now

        try:
            kc = keychain or open_keychain()
            jr = journal or Journal.open()
        except KeychainError as exc:
            raise IncidentError(f"{exc} Nothing was stored.") from exc
        rotated: list[str] = []
        references: list[str] = []
        try:
            existing = kc.get(account, service=SERVICE)
            if existing is not None and existing != new_token:
                raise IncidentError(
                    f"The keychain already holds a different secret under {account!r}; choose "
                    "another name."
                )
            kc.set_verified(account, new_token, service=SERVICE)
            jr.add_entry(
                KeychainEntry(
                    service=SERVICE,
                    account=account,
                    provider=provider,
                    kind="token",
                    fingerprints=(new_fp,),
                    source=f"incident #{self.incident_id}",
                    created=now(),
                    expires_at=None,
                    meta={"incident": str(self.incident_id), "replaces": self.incident.preview},
                    migration_id=None,
                )
            )
            for entry in self._switch_tool_entries(kc, jr, new_token, new_fp):
                pair = f"{entry.service}:{entry.account}"
                (rotated if entry.read_by_tools else references).append(pair)
        except (KeychainError, RotateError) as exc:
            raise IncidentError(f"{exc}") from exc
        finally:
            if journal is None:
                jr.close()
        scrub_done = self.incident.steps[IncidentStep.SCRUB].status == StepStatus.DONE
        pending = not rotated and not scrub_done
        note = f"new token {new_preview} stored in the keychain as {account}"
        if rotated:
            note += f"; the tools' entries now hold it ({', '.join(rotated)})"
        elif pending:
            note += "; the tools get it when the scrub points them at the keychain"
        if references:
            note += f"; so do the entries your history or notes point at ({', '.join(references)})"
        data = {
            "account": account,
            "new_fingerprint": new_fp,
            "new_preview": new_preview,
            "rotated": rotated + references,  # every switched entry (undo-scrub restores them)
            "references": references,
        }
        self._finish(IncidentStep.REPLACE, note, data)
        for message in messages:
            self._log(IncidentStep.REPLACE, message)
        return ReplaceResult(
            account, new_preview, tuple(rotated), pending, tuple(messages), tuple(references)
        )

    # -- 4. scrub ----------------------------------------------------------------------------
    def scrub(
        self,
        on_progress: ProgressFn | None = None,
        *,
        keychain: Keychain | None = None,
        journal: Any = None,
        home: Path | None = None,
    ) -> ScrubResult:
        """Remove or redact every old copy through a migration (journaled, undoable), then
        switch the tool entries it created to the new token if the replace step stored one."""
        self._require_open()
        from scanner.migrate import MigrationError, plan_migration, run_plan
        from scanner.migrate.journal import Journal

        cid = self.incident.credential_id
        present = self._present()
        if cid is None or not present:
            result = ScrubResult(None, (), (), (), (), 0)
            self._finish(IncidentStep.SCRUB, "no copy left in a file", {"migration_id": None})
            return result
        plan = plan_migration(self.inventory, [cid], engine=self.engine, home=home)
        if not plan.changes:
            raise IncidentError(
                "Nothing could be scrubbed: "
                + (" ".join(plan.problems) or "no copy can be migrated.")
            )
        try:
            kc = keychain or open_keychain()
        except KeychainError as exc:
            raise IncidentError(f"{exc} Nothing was changed.") from exc
        with Journal.using(journal) as jr:
            try:
                migration = run_plan(
                    plan,
                    on_progress=on_progress,
                    keychain=kc,
                    journal=jr,
                    inventory=self.inventory,
                    fingerprinter=self.fingerprinter,
                )
            except MigrationError as exc:
                self._log(IncidentStep.SCRUB, f"scrub failed: {exc}")
                raise IncidentError(str(exc)) from exc
            self._log(
                IncidentStep.SCRUB,
                f"migration {migration.migration_id}: rewrote {len(migration.files_written)} "
                f"file(s): {', '.join(migration.files_written)}",
            )
            rotated = self._rotate_after_scrub(kc, jr, migration.migration_id)
        if self.incident.steps[IncidentStep.REVOKE].status == StepStatus.DONE:
            # the migration marked it migrated; a revoked token stays revoked
            self.inventory.update_credential(cid, state=CredentialState.REVOKED)
        remaining = len(self._present())
        warnings = tuple(dict.fromkeys(w for c in plan.changes for w in c.warnings))
        note = (
            f"{len(present) - remaining} of {len(present)} cop"
            f"{'y' if len(present) == 1 else 'ies'} removed or redacted "
            f"(migration {migration.migration_id}; undo with "
            f"`stowaway incident undo-scrub {self.incident_id}`)"
        )
        if plan.problems:
            note += f"; not scrubbed: {' '.join(plan.problems)}"
        self._finish(
            IncidentStep.SCRUB,
            note,
            {
                "migration_id": migration.migration_id,
                "files": list(migration.files_written),
                "rotated": rotated,
                "problems": list(plan.problems),
                "warnings": list(warnings),
            },
        )
        for message in migration.messages:
            self._log(IncidentStep.SCRUB, message)
        return ScrubResult(
            migration.migration_id,
            tuple(migration.files_written),
            tuple(rotated),
            tuple(plan.problems),
            warnings,
            remaining,
        )

    def _switch_tool_entries(
        self,
        kc: Keychain,
        jr: Journal,
        new_token: str,
        new_fingerprint: str,
        *,
        migration_id: str | None = None,
    ) -> list[KeychainEntry]:
        """Put the new token into the indexed entries that hold the leaked one (only those a
        migration created, with ``migration_id``); returns the entries that were switched."""
        switched: list[KeychainEntry] = []
        for entry in keys.tool_entries(jr, self.incident.fingerprint):
            if migration_id is not None and entry.migration_id != migration_id:
                continue
            if keys.rotate_entry(
                kc,
                jr,
                entry,
                incident_id=self.incident_id,
                old_fingerprint=self.incident.fingerprint,
                new_token=new_token,
                new_fingerprint=new_fingerprint,
                fp=self.fingerprinter,
            ):
                switched.append(entry)
        return switched

    def _rotate_after_scrub(self, kc: Keychain, jr: Any, migration_id: str) -> list[str]:
        replace_step = self.incident.steps[IncidentStep.REPLACE]
        account = replace_step.data.get("account")
        if replace_step.status != StepStatus.DONE or not account:
            return []
        new_token = kc.get(str(account), service=SERVICE)
        if new_token is None:
            self._log(
                IncidentStep.SCRUB,
                f"the new token's keychain entry {account} is gone; the tools still read the "
                "old token from the keychain. Run the replace step again.",
            )
            return []
        rotated: list[str] = []
        try:
            new_fp = str(replace_step.data.get("new_fingerprint", ""))
            for entry in self._switch_tool_entries(
                kc, jr, new_token, new_fp, migration_id=migration_id
            ):
                rotated.append(f"{entry.service}:{entry.account}")
        except (KeychainError, RotateError) as exc:
            self._log(
                IncidentStep.SCRUB,
                f"could not switch the new keychain entries to the new token ({exc}); run the "
                "replace step again.",
            )
        finally:
            del new_token
        if rotated:
            self._log(
                IncidentStep.REPLACE,
                f"the tools' keychain entries now hold the new token: {', '.join(rotated)}",
            )
            store.update_step_data(
                self.inventory,
                self.incident_id,
                IncidentStep.REPLACE,
                rotated=[*replace_step.data.get("rotated", []), *rotated],
            )
        return rotated

    def undo_scrub(self, *, keychain: Keychain | None = None, journal: Any = None) -> Any:
        """Put every scrubbed file back byte for byte (the keychain entries the tools read get
        their previous value back first, so the migration's undo can rebuild the files)."""
        from scanner.migrate import undo
        from scanner.migrate.journal import Journal

        step = self.incident.steps[IncidentStep.SCRUB]
        migration_id = step.data.get("migration_id")
        if step.status != StepStatus.DONE or not migration_id:
            raise IncidentError("The scrub step has not rewritten any file; nothing to undo.")
        try:
            kc = keychain or open_keychain()
        except KeychainError as exc:
            raise IncidentError(f"{exc} Nothing was changed.") from exc
        jr = journal or Journal.open()
        try:
            for pair in step.data.get("rotated", []):
                service, _, account = str(pair).partition(":")
                keys.restore_entry(
                    kc, jr, incident_id=self.incident_id, service=service, account=account
                )
            result = undo(str(migration_id), journal=jr, keychain=kc, inventory=self.inventory)
        except (KeychainError, RotateError) as exc:
            raise IncidentError(str(exc)) from exc
        except Exception as exc:
            if type(exc).__name__ == "UndoError":
                raise IncidentError(str(exc)) from exc
            raise
        finally:
            if journal is None:
                jr.close()
        cid = self.incident.credential_id
        if cid is not None and self.incident.steps[IncidentStep.REVOKE].status == StepStatus.DONE:
            self.inventory.update_credential(cid, state=CredentialState.REVOKED)
        rotated = set(step.data.get("rotated", []))
        replace_data = dict(self.incident.steps[IncidentStep.REPLACE].data)
        if replace_data.get("rotated"):
            store.update_step_data(
                self.inventory,
                self.incident_id,
                IncidentStep.REPLACE,
                rotated=[r for r in replace_data["rotated"] if r not in rotated],
            )
        self._finish(
            IncidentStep.SCRUB,
            f"undone ({result.state}): {', '.join(result.restored) or 'no file restored'}",
            {"migration_id": None, "undone": migration_id},
            status=StepStatus.PENDING,
        )
        return result

    # -- 5. record ---------------------------------------------------------------------------
    def record(self, note: str = "") -> IncidentReport:
        """Close the incident and return its report."""
        self._require_open()
        self._finish(IncidentStep.RECORD, note or "incident recorded and closed")
        store.close(self.inventory, self.incident_id)
        self.refresh()
        return self.report()

    def report(self) -> IncidentReport:
        self.refresh()
        return IncidentReport(
            incident=self.incident,
            copies=tuple(store.copies(self.inventory, self.incident_id)),
            actions=tuple(store.actions(self.inventory, self.incident_id)),
            generated_at=now_utc(),
        )

    def report_markdown(self) -> str:
        from scanner.incident.report import to_markdown

        return to_markdown(self.report())

    def report_json(self) -> dict[str, Any]:
        from scanner.incident.report import to_dict

        return to_dict(self.report())

    # -- skipping ----------------------------------------------------------------------------
    def skip(self, step: IncidentStep | str, reason: str) -> None:
        """Skip a step with a reason (kept in the record). Skipping ``record`` closes it."""
        self._require_open()
        step = IncidentStep(step)
        if not reason.strip():
            raise IncidentError("Say why the step is skipped (the reason goes into the record).")
        if self.incident.steps[step].status == StepStatus.DONE:
            raise IncidentError(f"The {step.value} step is already done.")
        self._finish(step, reason.strip(), status=StepStatus.SKIPPED)
        if step is IncidentStep.RECORD:
            store.close(self.inventory, self.incident_id)
            self.refresh()

    def next_step(self) -> IncidentStep | None:
        """The first unfinished step, or None when the incident is closed."""
        self.refresh()
        if not self.incident.is_open:
            return None
        for step in STEP_ORDER:
            if self.incident.steps[step].status == StepStatus.PENDING:
                return step
        return IncidentStep.RECORD


def identify(engine: Any, text: str, fp: Callable[[str], str]) -> tuple[str, Finding | None]:
    """The token in pasted ``text`` and the rule it matches (a whole line like
    ``export TOKEN=…`` works too). Raises for empty input."""
    text = text.strip()
    if not text:
        raise IncidentError("No token was given.")
    raw = text.encode("utf-8", "surrogateescape")
    findings = sorted(
        engine.scan_text(text),
        key=lambda f: (f.informational, f.confidence != "high", -(f.byte_end - f.byte_start)),
    )
    for finding in findings:
        candidate = raw[finding.byte_start : finding.byte_end].decode("utf-8", "surrogateescape")
        if fp(candidate) == finding.fingerprint:
            return candidate, finding
    for finding in findings:
        if fp(text) == finding.fingerprint:
            return text, finding
    if any(ch.isspace() for ch in text):
        raise IncidentError(
            "Stowaway found no token it recognises in what was pasted; paste the token alone."
        )
    return text, None


def open_incidents(inventory: Inventory) -> list[Incident]:
    return [store.load(inventory, i) for i in store.incident_ids(inventory, open_only=True)]


def all_incidents(inventory: Inventory) -> list[Incident]:
    return [store.load(inventory, i) for i in store.incident_ids(inventory)]


def incident_for(inventory: Inventory, incident_id: int) -> Incident:
    return store.load(inventory, incident_id)


__all__ = [
    "IncidentFlow",
    "all_incidents",
    "identify",
    "incident_for",
    "open_incidents",
]
