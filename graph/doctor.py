"""`peninsula doctor`: which store, does it answer, which versions. Never prints a password."""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib import metadata

from peninsula.graph.store import default_store_uri, open_store, redact

PACKAGES = ("rdflib", "pyoxigraph", "pyshacl", "neo4j", "falkordblite", "falkordb", "networkx", "pyvis", "click", "rich")


def diagnose(uri: str | None):
    uri = uri or default_store_uri()
    yield "python", "ok", sys.version.split()[0]
    for name in PACKAGES:
        try:
            yield name, "ok", metadata.version(name)
        except metadata.PackageNotFoundError:
            yield name, "FAIL", "not installed (run make demo)"
    try:
        with open_store(uri) as store:
            store.query("RETURN 1 AS one")
            yield "store", "ok", f"{redact(uri)} ({store.dialect}) answers; {store.versions()}"
    except Exception as exc:  # noqa: BLE001 - report, never raise, and never echo secrets
        yield "store", "FAIL", f"{redact(uri)}: {redact(str(exc))}"
    node = shutil.which("node")
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip() if node else ""
    yield "node (linter)", "ok" if node else "warn", version or "not found: only the Neo4j lint test needs it"
    chromium = shutil.which("chromium")
    yield "chromium (tests)", "ok" if chromium else "warn", chromium or "not found: only the view tests need it"
