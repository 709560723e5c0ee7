"""Lifecycle facts, risk explanation and reminders (incl. time zones, DST and .ics export)."""

from __future__ import annotations

import base64
import os
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scanner import x509
from scanner.inventory.models import Credential, CredentialState, Exposure, ExposureState
from scanner.lifecycle import expiry_near, facts_for, parse_instant, rotation_days_for
from scanner.reminders import alert_times, reminders_for, status_of, to_ics
from scanner.risk import assess_credential, in_synced_folder

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def credential(**overrides: object) -> Credential:
    base = Credential(
        id=1,
        fingerprint="fp_" + "0" * 32,
        rule_id="github-pat-classic",
        rule_name="GitHub personal access token",
        provider="GitHub",
        preview="ghp_…Ab12",
        persistence="persistent",
        confidence="high",
        informational=False,
        state=CredentialState.ACTIVE,
        owner="",
        notes="",
        expires_at=None,
        rotation_days=None,
        last_rotated_at=None,
        first_seen=NOW - timedelta(days=10),
        last_seen=NOW,
        present_copies=1,
        file_kinds=("notes",),
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def exposure(path: Path | str, line: int = 1, kind: str = "notes", exp_id: int = 1) -> Exposure:
    return Exposure(
        id=exp_id,
        credential_id=1,
        path=str(path),
        line=line,
        column=1,
        end_line=line,
        end_column=10,
        file_kind=kind,
        first_seen=NOW,
        last_seen=NOW,
        state=ExposureState.PRESENT,
    )


def make_certificate(tmp_path: Path, days: int) -> bytes:
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            str(days),
            "-subj",
            "/CN=stowaway-test-user/O=system:masters",
        ],
        check=True,
        capture_output=True,
    )
    return cert.read_bytes()


def test_x509_not_after_matches_openssl(tmp_path: Path) -> None:
    pem = make_certificate(tmp_path, 30)
    out = subprocess.run(
        ["openssl", "x509", "-noout", "-enddate"], input=pem, capture_output=True, check=True
    ).stdout.decode()
    expected = datetime.strptime(out.strip().split("=", 1)[1], "%b %d %H:%M:%S %Y %Z")
    assert x509.not_after_from_pem(pem) == expected.replace(tzinfo=UTC)
    with pytest.raises(x509.CertificateError):
        x509.not_after_from_pem(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")


def test_kubeconfig_client_certificate_expiry(tmp_path: Path) -> None:
    pem = make_certificate(tmp_path, 45)
    data = base64.b64encode(pem).decode()
    kubeconfig = tmp_path / "config"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\nusers:\n"
        "- name: other\n  user:\n    token: abc\n"
        f"- name: admin\n  user:\n    client-certificate-data: {data}\n"
        "    client-key-data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0t\n"
    )
    found = expiry_near(str(kubeconfig), 10, "kubeconfig")
    assert found is not None
    when, source = found
    assert source == "x509 notAfter"
    assert timedelta(days=44) < when - datetime.now(UTC) <= timedelta(days=45)
    # the other user's token has no certificate in its block
    assert expiry_near(str(kubeconfig), 6, "kubeconfig") is None


def test_aws_session_expiry_field_in_its_profile_only(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text(
        "[default]\naws_access_key_id = AKIA...\n\n"
        "[sso]\naws_access_key_id = ASIA...\naws_secret_access_key = s\n"
        "aws_session_token = t\nx_security_token_expires = 2026-11-27T01:30:00Z\n"
    )
    assert expiry_near(str(path), 2, "aws_credentials") is None
    found = expiry_near(str(path), 6, "aws_credentials")
    assert found == (datetime(2026, 11, 27, 1, 30, tzinfo=UTC), "aws session")


def test_cli_config_expires_at_field(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[default]\ntest_mode_api_key = 'rk_test_x'\ntest_mode_key_expires_at = '2027-02-20'\n"
    )
    found = expiry_near(str(path), 2, "toml")
    assert found is not None and found[0] == datetime(2027, 2, 20, tzinfo=UTC)


def test_parse_instant_forms() -> None:
    assert parse_instant("1798761600") == datetime(2027, 1, 1, tzinfo=UTC)
    assert parse_instant("2027-01-01T02:00:00+02:00") == datetime(2027, 1, 1, tzinfo=UTC)
    assert parse_instant("not a date") is None


def test_token_expiry_wins_and_makes_it_bounded(tmp_path: Path) -> None:
    exp = NOW + timedelta(hours=1)
    facts = facts_for(credential(expires_at=exp, persistence="expiring"), [], now=NOW)
    assert facts.persistence == "bounded"
    assert facts.expires_at == exp and facts.expiry_source == "token"
    assert facts.rotation_due_at is None


def test_rotation_cadence_defaults_and_overrides() -> None:
    assert rotation_days_for(credential()) == 90
    assert rotation_days_for(credential(), {"GitHub": 30}) == 30
    assert rotation_days_for(credential(rotation_days=7), {"GitHub": 30}) == 7
    assert rotation_days_for(credential(persistence="expiring")) is None
    facts = facts_for(credential(last_rotated_at=NOW - timedelta(days=100)), [], now=NOW)
    assert facts.rotation_due_at == NOW - timedelta(days=10)
    assert facts.age_days == 10


def test_lead_times_keep_local_wall_clock_across_dst() -> None:
    zone = ZoneInfo("America/New_York")
    # due 09:00 local on 2026-11-03, just after DST ended on 2026-11-01
    due = datetime(2026, 11, 3, 9, 0, tzinfo=zone).astimezone(UTC)
    alerts = alert_times(due, (14, 3, 1), zone)
    local = [a.astimezone(zone) for a in alerts]
    assert [a.hour for a in local] == [9, 9, 9]
    assert [a.date().isoformat() for a in local] == ["2026-10-20", "2026-10-31", "2026-11-02"]
    # 14 days before crosses the DST change: 14 local days is 14 days + 1 hour in UTC
    assert due - alerts[0] == timedelta(days=14, hours=1)


def test_due_status_uses_the_local_calendar_day() -> None:
    tokyo, la = ZoneInfo("Asia/Tokyo"), ZoneInfo("America/Los_Angeles")
    due = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # 05:00 Dec 2 in Tokyo, 12:00 Dec 1 in LA
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # 19:00 Dec 1 Tokyo, 02:00 Dec 1 LA
    assert status_of(due, now, (14, 3, 1), la) == ("due", None)
    assert status_of(due, now, (14, 3, 1), tokyo) == ("upcoming", 1)
    assert status_of(due, now + timedelta(days=2), (14, 3, 1), la) == ("overdue", None)
    assert status_of(due, now - timedelta(days=20), (14, 3, 1), la) is None


def test_reminders_for_expiry_and_overdue_rotation() -> None:
    cred = credential(
        owner="alice",
        first_seen=NOW - timedelta(days=95),
        expires_at=None,
    )
    facts = facts_for(cred, [], now=NOW)
    [rotation] = reminders_for(cred, facts, now=NOW, zone=UTC)
    assert rotation.kind == "rotation" and rotation.status == "overdue"
    assert "owner: alice" in rotation.message
    jwt = credential(expires_at=NOW + timedelta(days=2, hours=1), persistence="expiring")
    [expiry] = reminders_for(jwt, facts_for(jwt, [], now=NOW), now=NOW, zone=UTC)
    assert expiry.kind == "expiry" and expiry.status == "upcoming" and expiry.lead_days == 3
    revoked = credential(state=CredentialState.REVOKED, first_seen=NOW - timedelta(days=400))
    assert reminders_for(revoked, facts_for(revoked, [], now=NOW), now=NOW) == []


def test_ics_parses_back_with_a_calendar_library() -> None:
    icalendar = pytest.importorskip("icalendar")
    cred = credential(
        rule_name="Stripe live secret key, with a long, long name; and more",
        first_seen=NOW - timedelta(days=100),
    )
    reminders = reminders_for(cred, facts_for(cred, [], now=NOW), now=NOW, zone=UTC)
    text = to_ics(reminders, now=NOW)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    calendar = icalendar.Calendar.from_ical(text)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]).startswith("Rotate Stripe live secret key, with a long")
    assert event.decoded("DTSTART") == reminders[0].due_at
    alarms = list(event.walk("VALARM"))
    assert sorted(a.decoded("TRIGGER") for a in alarms) == [
        timedelta(days=-14),
        timedelta(days=-3),
        timedelta(days=-1),
    ]


def test_risk_explains_copies_synced_folder_and_no_expiry(tmp_path: Path) -> None:
    synced = tmp_path / "Dropbox" / "notes.md"
    synced.parent.mkdir()
    synced.write_text("x")
    history = tmp_path / ".zsh_history"
    history.write_text("x")
    env = tmp_path / ".env"
    env.write_text("x")
    os.chmod(env, 0o644)
    os.chmod(synced, 0o600)
    os.chmod(history, 0o600)
    exposures = [
        exposure(synced, kind="notes", exp_id=1),
        exposure(history, kind="zsh_history", exp_id=2),
        exposure(env, kind="dotenv", exp_id=3),
    ]
    cred = credential(present_copies=3)
    risk = assess_credential(cred, exposures, facts_for(cred, exposures, now=NOW), now=NOW)
    assert risk.explanation.startswith(
        "3 copies, one in a synced folder, one readable by other users, one in shell history, "
        "one in notes; no expiry"
    )
    assert risk.level in ("high", "critical")
    single = assess_credential(
        cred, exposures[2:], facts_for(cred, exposures[2:], now=NOW), now=NOW
    )
    assert single.score < risk.score
    revoked = credential(state=CredentialState.REVOKED)
    assert assess_credential(revoked, exposures, facts_for(revoked, [], now=NOW)).score == 0


def test_synced_folder_markers() -> None:
    assert in_synced_folder("/Users/a/Library/Mobile Documents/com~apple~CloudDocs/keys.txt")
    assert in_synced_folder("/home/a/Dropbox/work/.env")
    assert in_synced_folder("C:\\Users\\a\\OneDrive\\notes.txt")
    assert not in_synced_folder("/home/a/src/app/.env")
