"""The inventory page: search and filters over a sortable table, with the detail pane beside it."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.models.credentials import (
    STATE_LABELS,
    Column,
    CredentialFilterProxy,
    CredentialTableModel,
    Roles,
)
from desktop.models.kinds import LOCATION_KINDS
from desktop.services import Services
from desktop.views.detail import DetailPane
from desktop.workers import JobRunner
from scanner.inventory.models import CredentialState

RESIZE_SAMPLE_ROWS = 100


class InventoryPage(QWidget):
    selection_changed = Signal(object)  # credential id or None

    def __init__(
        self,
        model: CredentialTableModel,
        services: Services,
        runner: JobRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = CredentialFilterProxy(self)
        self.proxy.setSourceModel(model)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        filters = QHBoxLayout()
        filters.setSpacing(8)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search credentials, providers, owners, notes  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search")
        self.search.textChanged.connect(self.proxy.set_search)
        filters.addWidget(self.search, 3)
        self.state_filter = QComboBox()
        self.state_filter.setAccessibleName("Filter by state")
        self.state_filter.addItem("All states", None)
        for state in CredentialState:
            self.state_filter.addItem(STATE_LABELS[state], state)
        self.state_filter.currentIndexChanged.connect(
            lambda _i: self.proxy.set_state(self.state_filter.currentData())
        )
        self.provider_filter = QComboBox()
        self.provider_filter.setAccessibleName("Filter by provider")
        self.provider_filter.addItem("All providers", None)
        self.provider_filter.currentIndexChanged.connect(
            lambda _i: self.proxy.set_provider(self.provider_filter.currentData())
        )
        self.kind_filter = QComboBox()
        self.kind_filter.setAccessibleName("Filter by location kind")
        self.kind_filter.addItem("All locations", None)
        for kind in LOCATION_KINDS:
            self.kind_filter.addItem(kind, kind)
        self.kind_filter.currentIndexChanged.connect(
            lambda _i: self.proxy.set_location_kind(self.kind_filter.currentData())
        )
        for combo in (self.state_filter, self.provider_filter, self.kind_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            filters.addWidget(combo, 1)
        layout.addLayout(filters)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableView()
        self.table.setAccessibleName("Credentials")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.RISK, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.CREDENTIAL, QHeaderView.ResizeMode.Stretch)
        for column in (Column.PROVIDER, Column.COPIES, Column.RISK, Column.EXPIRY, Column.STATE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setHighlightSections(False)
        # Sizing columns to their contents asks the model about every row (per role, each a
        # Python call): with 1,000 rows that froze the window for a second after each refresh.
        # A sample of rows gives the same widths in practice.
        header.setResizeContentsPrecision(RESIZE_SAMPLE_ROWS)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.splitter.addWidget(self.table)
        self.detail = DetailPane(services, runner)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)
        model.modelReset.connect(self.refresh_providers)
        model.rowsInserted.connect(self.refresh_providers)

    def refresh_providers(self, *_args: object) -> None:
        current = self.provider_filter.currentData()
        providers = self.model.providers()
        existing = [
            self.provider_filter.itemData(i) for i in range(1, self.provider_filter.count())
        ]
        if existing == providers:
            return
        self.provider_filter.blockSignals(True)
        self.provider_filter.clear()
        self.provider_filter.addItem("All providers", None)
        for provider in providers:
            self.provider_filter.addItem(provider, provider)
        index = self.provider_filter.findData(current)
        self.provider_filter.setCurrentIndex(max(0, index))
        self.provider_filter.blockSignals(False)

    def selected_id(self) -> int | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        value = indexes[0].data(Roles.CREDENTIAL_ID)
        return int(value) if value is not None else None

    def select_credential(self, credential_id: int) -> bool:
        row = self.model.row_of(credential_id)
        if row is None:
            return False
        proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not proxy_index.isValid():  # hidden by a filter: clear filters so it can be shown
            self.clear_filters()
            proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(proxy_index.row())
        self.table.scrollTo(proxy_index)
        return True

    def clear_filters(self) -> None:
        self.search.clear()
        for combo in (self.state_filter, self.provider_filter, self.kind_filter):
            combo.setCurrentIndex(0)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        credential_id = self.selected_id()
        if credential_id is None:
            self.detail.clear()
        else:
            self.detail.show_credential(credential_id)
        self.selection_changed.emit(credential_id)
