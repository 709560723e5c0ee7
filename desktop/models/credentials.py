"""The inventory table: a QAbstractTableModel over Credential rows and a filter/sort proxy.

Rows are immutable ``Credential`` records (no plaintext); updates replace a row by id so results
can stream in while a scan runs without resetting the view (selection and scroll stay put).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import IntEnum
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from desktop import theme
from desktop.models.kinds import location_kind
from scanner.inventory.models import Credential, CredentialState

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class RiskLike(Protocol):
    score: int
    level: str

    @property
    def explanation(self) -> str: ...


class Column(IntEnum):
    CREDENTIAL = 0
    PROVIDER = 1
    COPIES = 2
    RISK = 3
    EXPIRY = 4
    STATE = 5


# Qt calls data()/columnCount() tens of thousands of times while it sorts 1,000 rows: plain tuple
# lookups instead of building enum members on each call keep start-up fast.
_COLUMNS = tuple(Column)
COLUMN_COUNT = len(_COLUMNS)

HEADERS = {
    Column.CREDENTIAL: "Credential",
    Column.PROVIDER: "Provider",
    Column.COPIES: "Copies",
    Column.RISK: "Risk",
    Column.EXPIRY: "Expiry",
    Column.STATE: "State",
}

STATE_LABELS = {
    CredentialState.ACTIVE: "Active",
    CredentialState.MIGRATED: "In keychain",
    CredentialState.REVOKED: "Revoked",
    CredentialState.IGNORED: "Ignored",
}


class Roles(IntEnum):
    SORT = Qt.ItemDataRole.UserRole + 1
    CREDENTIAL_ID = Qt.ItemDataRole.UserRole + 2
    CREDENTIAL = Qt.ItemDataRole.UserRole + 3
    RISK_LEVEL = Qt.ItemDataRole.UserRole + 4


_SORT_ROLE = int(Roles.SORT)
_DISPLAY_ROLE = int(Qt.ItemDataRole.DisplayRole)


def format_expiry(expires_at: datetime | None, now: datetime | None = None) -> str:
    if expires_at is None:
        return "—"
    now = now or datetime.now(UTC)
    when = expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)
    days = (when - now).total_seconds() / 86400
    if days < 0:
        return f"expired {when:%Y-%m-%d}"
    if days < 1:
        return "today"
    if days < 60:
        return f"in {int(days)} d"
    return f"{when:%Y-%m-%d}"


class CredentialTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Credential] = []
        self._risks: dict[int, RiskLike] = {}
        self._row_by_id: dict[int, int] = {}

    # -- data in -------------------------------------------------------------------------------
    def set_rows(
        self, credentials: list[Credential], risks: dict[int, RiskLike] | None = None
    ) -> None:
        self.beginResetModel()
        self._rows = list(credentials)
        self._risks = dict(risks or {})
        self._reindex()
        self.endResetModel()

    def upsert(
        self, credentials: list[Credential], risks: dict[int, RiskLike] | None = None
    ) -> None:
        """Replace rows with the same id, append new ones (used while a scan streams in)."""
        if risks:
            self._risks.update(risks)
        new: list[Credential] = []
        for cred in credentials:
            row = self._row_by_id.get(cred.id)
            if row is None:
                new.append(cred)
                continue
            self._rows[row] = cred
            self.dataChanged.emit(self.index(row, 0), self.index(row, COLUMN_COUNT - 1))
        if new:
            first = len(self._rows)
            self.beginInsertRows(_ROOT, first, first + len(new) - 1)
            self._rows.extend(new)
            for offset, cred in enumerate(new):
                self._row_by_id[cred.id] = first + offset
            self.endInsertRows()

    def _reindex(self) -> None:
        self._row_by_id = {cred.id: row for row, cred in enumerate(self._rows)}

    # -- lookups -------------------------------------------------------------------------------
    def credential(self, row: int) -> Credential:
        return self._rows[row]

    def credentials(self) -> list[Credential]:
        return list(self._rows)

    def row_of(self, credential_id: int) -> int | None:
        return self._row_by_id.get(credential_id)

    def risk(self, credential_id: int) -> RiskLike | None:
        return self._risks.get(credential_id)

    def providers(self) -> list[str]:
        return sorted({c.provider for c in self._rows if c.provider}, key=str.lower)

    # -- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not 0 <= row < len(self._rows):
            return None
        cred = self._rows[row]
        column = _COLUMNS[index.column()]
        risk = self._risks.get(cred.id)
        if role == _SORT_ROLE:
            return self._sort_key(cred, column, risk)
        if role == _DISPLAY_ROLE:
            return self._display(cred, column, risk)
        if role == Roles.CREDENTIAL_ID:
            return cred.id
        if role == Roles.CREDENTIAL:
            return cred
        if role == Roles.RISK_LEVEL:
            return risk.level if risk else "none"
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.RISK and risk is not None:
                return risk.explanation or risk.level
            if column == Column.CREDENTIAL:
                kinds = ", ".join(k.replace("_", " ") for k in cred.file_kinds)
                return f"{cred.rule_name}\n{cred.preview}\nfound in: {kinds or '—'}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(cred, column, risk)
        if column == Column.RISK and risk is not None and cred.state is CredentialState.ACTIVE:
            colours = theme.risk_colours(risk.level)
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(colours.background))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(colours.foreground))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.COPIES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and cred.state is not CredentialState.ACTIVE:
            return QBrush(theme.muted_text())
        return None

    @staticmethod
    def _display(cred: Credential, column: Column, risk: RiskLike | None) -> str:
        if column == Column.CREDENTIAL:
            return f"{cred.rule_name}  ·  {cred.preview}"
        if column == Column.PROVIDER:
            return cred.provider
        if column == Column.COPIES:
            return str(cred.present_copies)
        if column == Column.RISK:
            if cred.state is not CredentialState.ACTIVE:
                return "—"
            return f"{risk.level.capitalize()} ({risk.score})" if risk else "…"
        if column == Column.EXPIRY:
            return format_expiry(cred.expires_at)
        return STATE_LABELS.get(cred.state, str(cred.state))

    @staticmethod
    def _sort_key(cred: Credential, column: Column, risk: RiskLike | None) -> Any:
        if column == Column.CREDENTIAL:
            return f"{cred.rule_name.lower()} {cred.preview}"
        if column == Column.PROVIDER:
            return cred.provider.lower()
        if column == Column.COPIES:
            return cred.present_copies
        if column == Column.RISK:
            if cred.state is not CredentialState.ACTIVE or risk is None:
                return -1
            return risk.score
        if column == Column.EXPIRY:
            return cred.expires_at.timestamp() if cred.expires_at else float("inf")
        return list(CredentialState).index(cred.state)


class CredentialFilterProxy(QSortFilterProxyModel):
    """Search text + state / provider / location-kind filters, sorting by :data:`Roles.SORT`."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._search = ""
        self._state: CredentialState | None = None
        self._provider: str | None = None
        self._location_kind: str | None = None
        self.setSortRole(Roles.SORT)
        self.setDynamicSortFilter(True)

    def _refilter(self, attr: str, value: Any) -> None:
        # Qt ≥ 6.9 wants begin/endFilterChange; older Qt only has invalidateRowsFilter.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            setattr(self, attr, value)
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            setattr(self, attr, value)
            self.invalidateRowsFilter()

    def set_search(self, text: str) -> None:
        self._refilter("_search", text.strip().lower())

    def set_state(self, state: CredentialState | None) -> None:
        self._refilter("_state", state)

    def set_provider(self, provider: str | None) -> None:
        self._refilter("_provider", provider or None)

    def set_location_kind(self, kind: str | None) -> None:
        self._refilter("_location_kind", kind or None)

    def credential_at(self, proxy_row: int) -> Credential:
        cred = self.index(proxy_row, 0).data(Roles.CREDENTIAL)
        assert isinstance(cred, Credential)
        return cred

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        source = self.sourceModel()
        cred = source.index(source_row, 0, source_parent).data(Roles.CREDENTIAL)
        if not isinstance(cred, Credential):
            return False
        if self._state is not None and cred.state is not self._state:
            return False
        if self._provider is not None and cred.provider != self._provider:
            return False
        if self._location_kind is not None and not any(
            location_kind(k) == self._location_kind for k in cred.file_kinds
        ):
            return False
        if self._search:
            haystack = " ".join(
                (
                    cred.rule_name,
                    cred.provider,
                    cred.preview,
                    cred.owner,
                    cred.notes,
                    cred.rule_id,
                    " ".join(cred.file_kinds),
                )
            ).lower()
            return all(word in haystack for word in self._search.split())
        return True
