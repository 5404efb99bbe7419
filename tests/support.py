"""Helpers shared by the tests (importable: pytest puts tests/ on the path)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path(__file__).resolve().parent / "samples"


def require(tool: str, why: str) -> str:
    """The path of a command-line tool; fail under CI (it must be there), skip elsewhere."""
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} not found ({why}); `make test` installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
