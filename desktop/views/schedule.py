"""The expiry / rotation cadence / owner editor shared by the detail pane and the reminders page.

Its rows live in its own :class:`QFormLayout` (:attr:`ScheduleEditor.form`): a host that shows
more fields around them (the detail pane's persistence, notes...) adds its rows to that same form,
so every label lines up in one column.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from scanner.inventory.models import Credential
from scanner.lifecycle import DEFAULT_ROTATION_DAYS

MAX_ROTATION_DAYS = 3650


class ScheduleEditor(QWidget):
    def __init__(
        self,
        *,
        rotation_name: str = "Rotate every",
        owner_placeholder: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        expiry_row = QHBoxLayout()
        self.has_expiry = QCheckBox("Expires on")
        self.expiry = QDateEdit()
        self.expiry.setCalendarPopup(True)
        self.expiry.setDisplayFormat("yyyy-MM-dd")
        self.expiry.setAccessibleName("Expiry date")
        self.has_expiry.toggled.connect(self.expiry.setEnabled)
        expiry_row.addWidget(self.has_expiry)
        expiry_row.addWidget(self.expiry, 1)
        self.form.addRow("Expiry:", expiry_row)
        self.rotation = QSpinBox()
        self.rotation.setRange(0, MAX_ROTATION_DAYS)
        # 0 stores "no cadence of its own": scanner.lifecycle then applies the default
        # (90 days for persistent tokens without an expiry)
        self.rotation.setSpecialValueText(f"default ({DEFAULT_ROTATION_DAYS} days if no expiry)")
        self.rotation.setSuffix(" days")
        self.rotation.setAccessibleName(rotation_name)
        self.form.addRow("Rotate every:", self.rotation)
        self.owner = QLineEdit()
        if owner_placeholder:
            self.owner.setPlaceholderText(owner_placeholder)
        self.owner.setAccessibleName("Owner")
        self.form.addRow("Owner:", self.owner)

    def set_credential(self, cred: Credential) -> None:
        """Show ``cred``'s values; without an expiry the (disabled) date starts at today."""
        self.has_expiry.setChecked(cred.expires_at is not None)
        self.expiry.setEnabled(cred.expires_at is not None)
        when = (cred.expires_at or datetime.now(UTC)).astimezone()
        self.expiry.setDate(QDate(when.year, when.month, when.day))
        self.rotation.setValue(cred.rotation_days or 0)
        self.owner.setText(cred.owner)

    def fields(self) -> dict[str, Any]:
        """The edited values as ``Inventory.update_credential`` fields (an expiry date means the
        end of that local day)."""
        expires: datetime | None = None
        if self.has_expiry.isChecked():
            d = self.expiry.date()
            expires = datetime.combine(
                datetime(d.year(), d.month(), d.day()).date(), time(23, 59)
            ).astimezone(UTC)
        return {
            "expires_at": expires,
            "rotation_days": self.rotation.value() or None,
            "owner": self.owner.text().strip(),
        }
