"""Notifications: the desktop's notification service when there is one, else the tray balloon;
every notification is also kept in an in-app alert list (the tray may be missing entirely).

Texts are built from redacted previews and paths only; they never hold a secret.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QSystemTrayIcon

MAX_ALERTS = 200
DBUS_SERVICE = "org.freedesktop.Notifications"
DBUS_PATH = "/org/freedesktop/Notifications"


@dataclass(frozen=True)
class Alert:
    title: str
    body: str
    credential_id: int | None = None
    kind: str = "exposure"  # "exposure" | "reminder" | "info"
    at: datetime = field(default_factory=datetime.now)


class _DBusNotifications(QObject):
    """org.freedesktop.Notifications over D-Bus (jeepney, which keyring already brings on Linux).

    One long-lived sender thread owns the connection: it first decides once whether a
    notification server owns the name (emitting :attr:`decided`), then sends what
    :meth:`submit` queues, in order, reporting each outcome as :attr:`sent` (the notification id,
    or None when it could not be shown). The UI thread never waits on the bus. Clicks ("default"
    action) arrive on a listener thread and are re-emitted as :attr:`action_invoked`; all three
    signals are delivered on the UI thread.
    """

    decided = Signal(bool)  # a notification server is there
    sent = Signal(object, object)  # Alert, notification id or None
    action_invoked = Signal(int)  # notification id

    def __init__(self) -> None:
        super().__init__()
        self.available: bool | None = None  # None until the sender thread has decided
        self._queue: queue.SimpleQueue[Alert | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="stowaway-notify", daemon=True)
        self._thread.start()

    def submit(self, alert: Alert) -> None:
        self._queue.put(alert)

    def close(self) -> None:
        self._queue.put(None)

    def _run(self) -> None:
        conn = self._connect()
        self.available = conn is not None
        self.decided.emit(self.available)
        if conn is not None:
            threading.Thread(
                target=self._listen, name="stowaway-notify-actions", daemon=True
            ).start()
        try:
            while (alert := self._queue.get()) is not None:
                self.sent.emit(alert, self._send(conn, alert) if conn is not None else None)
        finally:
            if conn is not None:
                conn.close()

    @staticmethod
    def _connect() -> Any:
        try:
            from jeepney.bus_messages import message_bus
            from jeepney.io.blocking import open_dbus_connection

            conn = open_dbus_connection(bus="SESSION")
            reply = conn.send_and_get_reply(message_bus.NameHasOwner(DBUS_SERVICE), timeout=1)
            if not reply.body[0]:
                conn.close()
                return None
        except Exception:  # no session bus / no jeepney: no desktop notifications
            return None
        return conn

    @staticmethod
    def _send(conn: Any, alert: Alert) -> int | None:
        from jeepney import DBusAddress, new_method_call

        address = DBusAddress(DBUS_PATH, bus_name=DBUS_SERVICE, interface=DBUS_SERVICE)
        message = new_method_call(
            address,
            "Notify",
            "susssasa{sv}i",
            ("Stowaway", 0, "stowaway", alert.title, alert.body, ["default", "Open"], {}, 10000),
        )
        try:
            reply = conn.send_and_get_reply(message, timeout=2)
            return int(reply.body[0])
        except Exception:
            return None

    def _listen(self) -> None:
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        try:
            conn = open_dbus_connection(bus="SESSION")
            rule = MatchRule(
                type="signal", interface=DBUS_SERVICE, member="ActionInvoked", path=DBUS_PATH
            )
            conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=2)
            with conn.filter(rule) as messages:
                while True:
                    signal = conn.recv_until_filtered(messages)
                    self.action_invoked.emit(int(signal.body[0]))
        except Exception:
            return


class Notifier(QObject):
    """Shows notifications and keeps the alert list; emits :attr:`activated` on a click."""

    alert_added = Signal(object)  # Alert
    shown = Signal(str, object)  # channel ("dbus" | "tray" | "list"), Alert
    activated = Signal(object)  # credential id or None

    def __init__(self, parent: QObject | None = None, *, use_dbus: bool = True) -> None:
        super().__init__(parent)
        self.alerts: list[Alert] = []
        self._tray: QSystemTrayIcon | None = None
        self._last_tray_alert: Alert | None = None
        self._dbus = _DBusNotifications() if use_dbus else None
        self._dbus_ids: dict[int, Alert] = {}
        if self._dbus is not None:
            self._dbus.action_invoked.connect(self._on_dbus_action)
            self._dbus.sent.connect(self._on_dbus_sent)

    def attach_tray(self, tray: QSystemTrayIcon | None) -> None:
        self._tray = tray
        if tray is not None:
            tray.messageClicked.connect(self._on_tray_clicked)

    @property
    def dbus_available(self) -> bool:
        """True once the sender thread found a notification server (False until it decided)."""
        return self._dbus is not None and self._dbus.available is True

    def close(self) -> None:
        """Stop the D-Bus sender thread (alerts still queued are dropped; the list keeps them)."""
        if self._dbus is not None:
            self._dbus.close()

    def notify(self, alert: Alert) -> None:
        """Record the alert and show it. The desktop notification is sent off the UI thread;
        :attr:`shown` reports the channel that was used once it is known."""
        self.alerts.insert(0, alert)
        del self.alerts[MAX_ALERTS:]
        self.alert_added.emit(alert)
        if self._dbus is not None and self._dbus.available is not False:
            self._dbus.submit(alert)  # answered by _on_dbus_sent
            return
        self._show_fallback(alert)

    @Slot(object, object)
    def _on_dbus_sent(self, alert: Alert, notification_id: int | None) -> None:
        if notification_id is None:
            self._show_fallback(alert)
            return
        self._dbus_ids[notification_id] = alert
        while len(self._dbus_ids) > MAX_ALERTS:
            del self._dbus_ids[next(iter(self._dbus_ids))]
        self.shown.emit("dbus", alert)

    def _show_fallback(self, alert: Alert) -> None:
        channel = "list"
        if self._tray is not None and self._tray.isVisible():
            self._last_tray_alert = alert
            icon = (
                QSystemTrayIcon.MessageIcon.Warning
                if alert.kind == "exposure"
                else QSystemTrayIcon.MessageIcon.Information
            )
            self._tray.showMessage(alert.title, alert.body, icon, 10000)
            channel = "tray"
        self.shown.emit(channel, alert)

    @Slot()
    def _on_tray_clicked(self) -> None:
        alert = self._last_tray_alert
        self.activated.emit(alert.credential_id if alert else None)

    @Slot(int)
    def _on_dbus_action(self, notification_id: int) -> None:
        alert = self._dbus_ids.pop(notification_id, None)
        if alert is not None:
            self.activated.emit(alert.credential_id)
