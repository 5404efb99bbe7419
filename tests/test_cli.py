"""The `peninsula` command end to end on a real embedded store: the spine's promises.

Small data folders written here in the curated format keep each case to a few seconds; the
curated knowledge base itself is built once through the CLI to check idempotency.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from support import TINY, tiny_folder

from peninsula.graph.cli import main

COMMANDS = ["build", "validate", "load", "query", "queries", "export", "view", "stats", "analyze", "sparql",
            "serve", "demo", "doctor", "ontology"]



def run(*args, env=None, input=None):
    result = CliRunner().invoke(main, list(args), env=env, input=input, catch_exceptions=False)
    return result


def stderr_of(result) -> str:
    return result.stderr if result.stderr_bytes is not None else result.output


@pytest.fixture
def tiny(tmp_path):
    return tiny_folder(tmp_path)


@pytest.fixture
def uri(tmp_path):
    return f"embedded:{tmp_path / 'cli.db'}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and command in result.output


def test_build_twice_changes_nothing_the_second_time(tiny, uri):
    first = run("--store", uri, "build", "--data", str(tiny))
    assert first.exit_code == 0, first.output
    assert "built 3 entities and 1 relationships" in first.output  # the source is an entity too
    assert "0 nodes created" not in first.output
    second = run("--store", uri, "build", "--data", str(tiny))
    assert second.exit_code == 0, second.output
    assert "changes: 0 nodes created, 0 relationships created, 0 properties set" in second.output


@pytest.mark.slow
def test_curated_build_is_idempotent_through_the_cli(tmp_path):
    uri = f"embedded:{tmp_path / 'kb.db'}"
    first = run("--store", uri, "build")
    assert first.exit_code == 0, first.output
    second = run("--store", uri, "build")
    assert second.exit_code == 0, second.output
    assert "changes: 0 nodes created, 0 relationships created, 0 properties set" in second.output
    stats = json.loads(run("--store", uri, "stats", "--format", "json").output)
    assert stats["labels"]["State"] >= 40
    assert stats["types"]["CAN_REACH"] > 0


def test_env_var_chooses_the_store(tiny, tmp_path):
    uri = f"embedded:{tmp_path / 'from-env.db'}"
    assert run("build", "--data", str(tiny), env={"PENINSULA_STORE": uri}).exit_code == 0
    stats = json.loads(run("--store", uri, "stats", "--format", "json").output)
    assert stats["labels"].get("State") == 1


@pytest.mark.slow
def test_validate_passes_on_the_curated_data():
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("valid: ")


def test_invalid_date_names_file_line_and_field_and_writes_nothing(tiny, uri):
    assert run("--store", uri, "build", "--data", str(tiny)).exit_code == 0
    before = json.loads(run("--store", uri, "stats", "--format", "json").output)
    # a valid change (a new name) beside an invalid date: neither may reach the store
    bad = TINY.replace("valid_from: 2006-10-14", "valid_from: 2006-13-45")
    bad = bad.replace("name: {en: North Korea, ko: 조선민주주의인민공화국}", "name: {en: North Korea (renamed)}")
    (tiny / "tiny.yaml").write_text(bad, encoding="utf-8")
    result = run("--store", uri, "build", "--data", str(tiny))
    assert result.exit_code == 2
    message = stderr_of(result)
    line = bad.splitlines().index("      - rel: targets") + 1  # the link that holds the field
    assert f"tiny.yaml:{line}" in message and "valid_from" in message
    after = json.loads(run("--store", uri, "stats", "--format", "json").output)
    assert after == before
    rows = json.loads(run("--store", uri, "query", "--cypher", "MATCH (s:State) RETURN s.name AS name",
                          "--format", "json").output)
    assert rows == [{"name": "North Korea"}]


def test_unknown_reference_is_named(tiny, uri):
    (tiny / "tiny.yaml").write_text(TINY.replace("to: state/PRK", "to: state/XXX"), encoding="utf-8")
    result = run("--store", uri, "build", "--data", str(tiny))
    assert result.exit_code == 2
    assert "state/XXX" in stderr_of(result) and "tiny.yaml" in stderr_of(result)


def test_cypher_is_read_only_unless_asked(tiny, uri):
    assert run("--store", uri, "build", "--data", str(tiny)).exit_code == 0
    refused = run("--store", uri, "query", "--cypher", "MATCH (n) DETACH DELETE n")
    assert refused.exit_code == 5
    assert "--write" in stderr_of(refused)
    still = json.loads(run("--store", uri, "stats", "--format", "json").output)
    assert sum(still["labels"].values()) > 0
    allowed = run("--store", uri, "query", "--write", "--cypher", "MATCH (n:State) SET n.note = $v",
                  "--param", "v=ok", "--format", "json")
    assert allowed.exit_code == 0, allowed.output
    rows = json.loads(run("--store", uri, "query", "--cypher", "MATCH (n:State) RETURN n.note AS note",
                          "--format", "json").output)
    assert rows == [{"note": "ok"}]


def test_query_formats_agree(tiny, uri):
    assert run("--store", uri, "build", "--data", str(tiny)).exit_code == 0
    cypher = "MATCH (o)-[r:TARGETS]->(s:State) RETURN o.key AS org, s.key AS state, r.valid_from AS since"
    as_json = json.loads(run("--store", uri, "query", "--cypher", cypher, "--format", "json").output)
    assert as_json == [{"org": "org/unsc", "state": "state/PRK", "since": "2006-10-14"}]
    as_csv = run("--store", uri, "query", "--cypher", cypher, "--format", "csv").output.splitlines()
    assert as_csv == ["org,state,since", "org/unsc,state/PRK,2006-10-14"]
    as_table = run("--store", uri, "query", "--cypher", cypher).output
    assert "org/unsc" in as_table and "1 row(s)" in as_table


def test_unknown_store_scheme_is_a_store_error():
    result = run("--store", "ftp://example.invalid/x", "stats")
    assert result.exit_code == 4
    assert "ftp" in stderr_of(result)


def test_export_then_load_into_a_fresh_store_gives_the_same_counts(tiny, tmp_path, uri):
    assert run("--store", uri, "build", "--data", str(tiny)).exit_code == 0
    out = tmp_path / "kb.ttl"
    assert run("--store", uri, "export", "--format", "turtle", "-o", str(out)).exit_code == 0
    other = f"embedded:{tmp_path / 'other.db'}"
    loaded = run("--store", other, "load", str(out))
    assert loaded.exit_code == 0, loaded.output
    first = json.loads(run("--store", uri, "stats", "--format", "json").output)
    second = json.loads(run("--store", other, "stats", "--format", "json").output)
    assert first == second


def test_doctor_reports_the_store_and_never_the_password(tiny, uri):
    result = run("--store", uri, "doctor")
    assert result.exit_code == 0, result.output
    assert "store" in result.output and "answers" in result.output
    secret = "s3cret-Token-42"
    bad = run("--store", f"bolt://neo4j:{secret}@127.0.0.1:1", "doctor", env={"NEO4J_PASSWORD": secret})
    assert bad.exit_code == 1
    assert "FAIL" in bad.output
    assert secret not in bad.output and secret not in stderr_of(bad)


def test_ontology_docs_list_every_class(tmp_path):
    from peninsula.ontology import load

    out = tmp_path / "ontology.md"
    assert run("ontology", "docs", "-o", str(out)).exit_code == 0
    text = out.read_text("utf-8")
    ont = load()
    assert ont.classes and ont.rel_types
    for name in ont.classes:
        assert f"| {name} |" in text
    for rel in ont.rel_types:
        assert rel in text



@pytest.mark.parametrize("args, code, words", [
    (["--store", "redis://127.0.0.1:1", "stats"], 4, ["127.0.0.1:1"]),
    (["load", "/nonexistent/kb.ttl"], 2, ["/nonexistent/kb.ttl"]),
    (["query", "nope/missing"], 6, ["nope", "peninsula queries"]),
    (["view", "nope"], 2, ["nope", "alliances"]),
])
def test_bad_requests_get_one_message_and_no_traceback(args, code, words, uri):
    if args[0] != "--store":
        args = ["--store", uri, *args]
    result = run(*args)
    message = stderr_of(result)
    assert result.exit_code == code, message
    assert "Traceback" not in message and "Traceback" not in result.output
    for word in words:
        assert word in message


# ------------------------------------------------------------ review fixes: keys, analyze, validate, exit codes
EXTEND = """\
sources:
  - id: src/second
    publisher: Test Publisher
    title: A second made-up source
    date: 2007
entities:
  - id: org/unsc
    links:
      - rel: targets
        to: state/PRK
        valid_from: 2006-10-14
        sources: [src/second]
"""


def _relationships(output: str) -> int:
    import re

    return int(re.search(r"valid: \d+ entities, (\d+) relationships", output).group(1))


def test_a_link_added_in_a_second_file_stays_its_own_relationship(tiny, uri):
    """Same entity, rel, to and valid_from in two files: two relationships, two statement keys."""
    one = run("validate", str(tiny))
    assert one.exit_code == 0, one.output
    (tiny / "zz-extend.yaml").write_text(EXTEND, encoding="utf-8")
    two = run("validate", str(tiny))
    assert two.exit_code == 0, two.output
    assert _relationships(two.output) == _relationships(one.output) + 1
    assert run("--store", uri, "build", "--data", str(tiny)).exit_code == 0
    rows = json.loads(run("--store", uri, "query", "--format", "json", "--cypher",
                          "MATCH (:Entity {key: 'org/unsc'})-[r:TARGETS]->(:Entity {key: 'state/PRK'}) "
                          "RETURN r.key AS key, r.sources AS sources ORDER BY key").output)
    assert len({r["key"] for r in rows}) == 2
    assert sorted(s for r in rows for s in r["sources"]) == ["src/second", "src/unscr-1718"]


def test_file_order_does_not_change_statement_keys(tiny, tmp_path):
    from peninsula.loaders import read_files

    (tiny / "zz-extend.yaml").write_text(EXTEND, encoding="utf-8")
    files = [tiny / "tiny.yaml", tiny / "zz-extend.yaml"]
    a, b = read_files(files), read_files(list(reversed(files)))
    assert set(a.graph) == set(b.graph)


def test_the_same_explicit_link_id_twice_is_refused_naming_both_places(tiny):
    text = TINY.replace("      - rel: targets\n", "      - rel: targets\n        id: stmt/unsc-prk\n")
    (tiny / "tiny.yaml").write_text(text, encoding="utf-8")
    (tiny / "zz-extend.yaml").write_text(EXTEND.replace("      - rel: targets\n",
                                                        "      - rel: targets\n        id: stmt/unsc-prk\n"),
                                         encoding="utf-8")
    result = run("validate", str(tiny))
    assert result.exit_code == 2
    message = stderr_of(result)
    assert "stmt/unsc-prk" in message and "tiny.yaml:" in message and "zz-extend.yaml:" in message


def test_analyze_refuses_an_unknown_family_and_a_bad_date(tiny, uri):
    bad_family = run("--store", uri, "analyze", "--family", "bogus")
    assert bad_family.exit_code == 2 and "bogus" in stderr_of(bad_family) and "alliance" in stderr_of(bad_family)
    for text in ("notadate", "2006-02-30"):
        bad_date = run("--store", uri, "analyze", "--as-of", text)
        assert bad_date.exit_code == 2 and text in stderr_of(bad_date) and "--as-of" in stderr_of(bad_date)


def test_analyze_dry_run_prints_and_writes_nothing(tiny, uri):
    assert run("--store", uri, "build", "--data", str(tiny)).exit_code == 0
    wipe = "MATCH (n:Entity) SET n.degree = NULL, n.betweenness = NULL, n.eigenvector = NULL, n.community = NULL"
    assert run("--store", uri, "query", "--write", "--cypher", wipe).exit_code == 0
    result = run("--store", uri, "analyze", "--dry-run", "--family", "sanction")
    assert result.exit_code == 0, result.output
    # the actor network ties actors by shared facts; one body targeting one state is no tie (README, analytics)
    assert "scored 0 nodes" in result.output and "dry run" in result.output
    rows = json.loads(run("--store", uri, "query", "--format", "json", "--cypher",
                          "MATCH (n:Entity) WHERE n.degree IS NOT NULL RETURN n.key AS key").output)
    assert rows == []


ADDITIONS = """\
@prefix pen: <https://peninsula.invalid/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
<https://peninsula.invalid/id/state/PRK> pen:memberOf <https://peninsula.invalid/id/org/unsc> .
<https://peninsula.invalid/id/stmt/test-addition> a rdf:Statement ;
    rdf:subject <https://peninsula.invalid/id/state/PRK> ; rdf:predicate pen:memberOf ;
    rdf:object <https://peninsula.invalid/id/org/unsc> ;
    pen:source <https://peninsula.invalid/id/src/unscr-1718> .
"""


def test_rdf_additions_validate_against_a_data_folder_and_name_an_undefined_source(tiny, tmp_path):
    path = tmp_path / "additions.ttl"
    path.write_text(ADDITIONS, encoding="utf-8")
    ok = run("validate", str(tiny), str(path))
    assert ok.exit_code == 0, stderr_of(ok)
    assert f"valid: {path}" in ok.output
    path.write_text(ADDITIONS.replace("src/unscr-1718", "src/nowhere"), encoding="utf-8")
    bad = run("validate", str(tiny), str(path))
    assert bad.exit_code == 2
    message = stderr_of(bad)
    # the words of `load`, whose check this is: "in the file or the store" there
    assert "field 'sources': src/nowhere is not in the file or the curated data" in message
    assert "cites no source" not in message
    assert "stmt/test-addition" in message


def test_rdf_additions_alone_and_with_format(tiny, tmp_path):
    path = tmp_path / "additions.txt"  # a suffix that says nothing: --format says turtle
    path.write_text(ADDITIONS, encoding="utf-8")
    no_format = run("validate", str(tiny), str(path))
    assert no_format.exit_code == 2 and "--format" in stderr_of(no_format)
    with_format = run("validate", "--format", "turtle", str(tiny), str(path))
    assert with_format.exit_code == 0, stderr_of(with_format)
    alone = run("validate", "--alone", "--format", "turtle", str(path))
    assert alone.exit_code == 2
    assert "field 'sources': src/unscr-1718 is not in the file (checked alone)" in stderr_of(alone)


@pytest.mark.slow
def test_the_example_additions_file_validates_against_the_curated_data():
    from support import ROOT

    example = ROOT / "docs" / "example-additions.ttl"
    assert "https://peninsula.invalid/id/" in example.read_text("utf-8")
    result = run("validate", str(example))
    assert result.exit_code == 0, stderr_of(result)
    alone = run("validate", "--alone", str(example))
    assert alone.exit_code == 2 and "is not in the file (checked alone)" in stderr_of(alone)


def test_a_cypher_syntax_error_is_a_query_error(tiny, uri):
    from peninsula.graph.store import open_store
    from peninsula.ontology import QueryError

    result = run("--store", uri, "query", "--cypher", "MATCH (n RETURN n")
    assert result.exit_code == QueryError.exit_code == 6
    assert "Invalid input" in stderr_of(result)  # the engine's own words are kept
    with open_store(uri) as store, pytest.raises(QueryError, match="not defined"):
        store.query("MATCH (n) RETURN m")


def test_loads_and_exports_show_progress_with_throughput(tmp_path):
    """Every RDF load (normal and streamed) and the streamed export show a count and a rate on
    stderr (forced here: a terminal shows them by itself); PENINSULA_PROGRESS=never hides them."""
    src = f"embedded:{tmp_path / 'a.db'}"
    runner = CliRunner()
    ttl = "tests/samples/rdf/conforming.ttl"
    first = runner.invoke(main, ["--store", src, "load", ttl], catch_exceptions=False)
    assert first.exit_code == 0 and "entities per class: " in first.output and ", Source 1, State 2\n" in first.output
    out = tmp_path / "a.nt"
    env = {"PENINSULA_PROGRESS": "always", "COLUMNS": "200"}
    exported = runner.invoke(main, ["--store", src, "export", "--format", "ntriples", "-o", str(out)], env=env,
                             catch_exceptions=False)
    assert exported.exit_code == 0 and "exporting a.nt" in exported.output and "triples/s" in exported.output
    n = sum(1 for _ in out.open())
    assert f"{n:,} triples" in exported.output
    for extra in ([], ["--stream"]):
        loaded = runner.invoke(main, ["--store", f"embedded:{tmp_path / 'b.db'}", "load", *extra, str(out)],
                               env=env, catch_exceptions=False)
        assert loaded.exit_code == 0 and "loading a.nt" in loaded.output and "rows/s" in loaded.output, loaded.output
    quiet = runner.invoke(main, ["--store", src, "export", "--format", "ntriples", "-o", str(out)],
                          env={"PENINSULA_PROGRESS": "never"}, catch_exceptions=False)
    assert "triples/s" not in quiet.output and "wrote" in quiet.output


@pytest.mark.slow
def test_a_source_load_prints_its_entities_per_class(tmp_path):
    """The loader's report.classes, as the report holds them (tests/test_loaders_cns.py checks the counts)."""
    from support import SAMPLES

    from peninsula.loaders.sources import prepare_source

    csv = SAMPLES / "cns" / "missile_tests.csv"
    result = run("--store", f"embedded:{tmp_path / 'a.db'}", "load", "--format", "cns", str(csv))
    assert result.exit_code == 0, stderr_of(result)
    classes = prepare_source(None, "cns", csv)[2].classes
    line = "entities per class: " + ", ".join(f"{k} {v}" for k, v in sorted(classes.items()))
    assert classes and line in result.output.splitlines()
