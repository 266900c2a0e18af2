"""The sink every finding goes through: the reader's diagnostics and the rules' own.

It gives each finding the severity of the code table, fills in the line of
item-level findings the reader reports without one, and drops what the user
did not ask for (``--rules``, ``--ignore``).
"""

from __future__ import annotations

from dataclasses import replace

from wpmigrate.diagnostics import Diagnostic, Diagnostics
from wpmigrate.readers.elements import ItemPosition
from wpmigrate.validate.codes import CODES, REPLACED, rule_of


class Findings(Diagnostics):
    """Diagnostics with the validator's severities and filters."""

    def __init__(self, rules: frozenset[str], ignore: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.rules = rules
        self.ignore = ignore
        #: Where the reader is: the item being parsed. Set by the validator.
        self.position = ItemPosition()
        #: Files the reader found damaged (an ``xml-malformed`` finding).
        self.malformed: set[str] = set()

    def wants(self, code: str) -> bool:
        return rule_of(code) in self.rules and code not in self.ignore

    def report(self, code: str, message: str, **where) -> None:
        """A finding of one of the table's codes, with the table's severity."""
        self._keep(Diagnostic(code, CODES[code].severity, message, **where))

    def add(self, diagnostic: Diagnostic) -> None:
        """A diagnostic from the reader."""
        if diagnostic.code not in REPLACED:
            self._keep(diagnostic)

    def _keep(self, diagnostic: Diagnostic) -> None:
        code = diagnostic.code
        if code == "xml-malformed" and diagnostic.file:
            self.malformed.add(diagnostic.file)
        if not self.wants(code):
            return
        known = CODES.get(code)
        if known is not None and known.severity != diagnostic.severity:
            diagnostic = replace(diagnostic, severity=known.severity)
        here = self.position
        if diagnostic.line is None and diagnostic.item is not None and diagnostic.item == here.item:
            if diagnostic.file == here.file:
                diagnostic = replace(diagnostic, line=here.line)
        super().add(diagnostic)
