"""First run: three short screens (what Stowaway looks at, offline and no secrets kept, what it
does next), then the first scan."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget, QWizard, QWizardPage

from scanner.resources import resource_path

PAGES = (
    (
        "What Stowaway looks at",
        "Stowaway finds API tokens that ended up in plain text on this computer:\n\n"
        "•  shell histories (bash, zsh, fish, PowerShell)\n"
        "•  .env files and shell start-up files\n"
        "•  tool configuration: AWS, git, Docker, kubectl, npm, PyPI…\n"
        "•  notes and any folder you add in Settings",
    ),
    (
        "Offline, and no secrets kept",
        "Everything happens on this computer; Stowaway never sends anything anywhere unless you "
        "ask it to for one specific request (such as revoking a leaked token).\n\n"
        "It never stores a secret. Its inventory keeps only where each copy is, a redacted "
        "preview like ghp_…3f9a and a keyed fingerprint.",
    ),
    (
        "Then: tidy up",
        "After the scan you can move tokens into the system keychain with the tools that use "
        "them still working, get reminders before tokens expire, and follow a guided checklist "
        "if one ever leaks.\n\nPress Scan to look now. It takes a few seconds.",
    ),
)


class FirstRunWizard(QWizard):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Stowaway")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Scan")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Later")
        logo = QPixmap(str(resource_path("icons", "hicolor", "64x64", "stowaway.png")))
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, logo)
        for title, text in PAGES:
            page = QWizardPage()
            page.setTitle(title)
            layout = QVBoxLayout(page)
            label = QLabel(text)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)
            layout.addStretch(1)
            self.addPage(page)
        self.resize(600, 420)
