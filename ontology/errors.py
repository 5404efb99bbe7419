"""Peninsula's exceptions, all under one root.

    PeninsulaError                 every error Peninsula raises on purpose; the CLI prints it
    ├── OntologyError              the ontology itself is inconsistent
    ├── InputError                 bad input: names the file, line or record, and field
    │   └── ValidationError        the data parses but breaks a SHACL shape or a reference
    ├── StoreError                 a store cannot be reached, refuses, or the URI is wrong
    │   └── ReadOnlyError          a write was sent through a read-only query
    └── QueryError                 an unknown pack or query, a missing or mistyped parameter
"""

from __future__ import annotations


class PeninsulaError(Exception):
    """Root of every error Peninsula raises on purpose."""

    exit_code = 1


class OntologyError(PeninsulaError):
    exit_code = 3


class InputError(PeninsulaError):
    """Bad input. `where` is 'file:line' or 'file record N'; `field` the column or property."""

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None, field: str | None = None):
        self.where, self.field, self.detail = where, field, message
        parts = [p for p in (where, f"field {field!r}" if field else None) if p]
        super().__init__(f"{': '.join(parts)}: {message}" if parts else message)


class ValidationError(InputError):
    """The data breaks the ontology's shapes; `problems` holds every violation found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s):\n{shown}{more}")


class StoreError(PeninsulaError):
    exit_code = 4


class ReadOnlyError(StoreError):
    exit_code = 5


class QueryError(PeninsulaError):
    exit_code = 6
