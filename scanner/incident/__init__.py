"""Guided leak response (``stowaway incident``), Qt-free, state kept in the inventory::

    flow = IncidentFlow.start_from_credential(inventory, credential_id)
    # or IncidentFlow.start_from_token(inventory, pasted)   (fingerprint only, never stored)
    flow.find_copies()                       # inventory + fresh scan of personal locations
    flow.revocation_info()                   # provider page, steps, callable API (if any)
    flow.revoke_via_api(confirm=ask)         # opt-in; ask() sees exactly what is sent where
    flow.mark_revoked("revoked on the web")  # or after doing it by hand
    flow.replace(new_token)                  # keychain; the tools' entries get the new token
    flow.scrub()                             # migration of every old copy, with undo
    flow.record(); flow.report_markdown(); flow.report_json()
    flow.skip(IncidentStep.REVOKE, "reason")
    IncidentFlow.resume(inventory, incident_id)
"""

from __future__ import annotations

from scanner.incident.flow import (
    IncidentFlow,
    all_incidents,
    identify,
    incident_for,
    open_incidents,
)
from scanner.incident.models import (
    STEP_ORDER,
    STEP_TITLES,
    Incident,
    IncidentAction,
    IncidentCopy,
    IncidentReport,
    IncidentStep,
    ReplaceResult,
    RevocationInfo,
    ScrubResult,
    StepRecord,
    StepStatus,
)
from scanner.incident.store import IncidentError
from scanner.revoke import RevokeOutcome

__all__ = [
    "STEP_ORDER",
    "STEP_TITLES",
    "Incident",
    "IncidentAction",
    "IncidentCopy",
    "IncidentError",
    "IncidentFlow",
    "IncidentReport",
    "IncidentStep",
    "ReplaceResult",
    "RevocationInfo",
    "RevokeOutcome",
    "ScrubResult",
    "StepRecord",
    "StepStatus",
    "all_incidents",
    "identify",
    "incident_for",
    "open_incidents",
]
