"""The README stays true: its table matches a build, its commands name real queries and views."""

from __future__ import annotations

import re

from support import ROOT

from peninsula import queries
from peninsula.graph.summary import markdown, readme_section
from peninsula.graph.views import VIEWS

README = (ROOT / "README.md").read_text("utf-8")


def test_knowledge_base_table_matches_a_build(built):
    assert readme_section(README) == markdown(built.counts()), "run `make readme` after changing data/"


def test_every_query_the_readme_names_exists():
    named = set(re.findall(r"peninsula (?:query|export [^\n]*--query|view --query) ([a-z_]+/[a-z0-9_]+)", README))
    named |= set(re.findall(r"--query ([a-z_]+/[a-z0-9_]+)", README))
    assert named, "the README tours name pack queries"
    for query_id in named:
        queries.get(query_id)  # raises QueryError for an unknown query


def test_every_view_the_readme_names_exists():
    named = set(re.findall(r"peninsula view ([a-z]+)", README))
    assert named and named <= set(VIEWS)


def test_the_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "make test" in README and re.search(r"^make test$", ci, re.M)
