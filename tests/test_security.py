"""Nothing let in: read-only queries, secrets never echoed, output paths that do not escape.

All through the real CLI on a real embedded store; the Neo4j and FalkorDB-server cases need no
live server: they check the error path (unreachable host) never shows the password.
"""

from __future__ import annotations

import json
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import store_checksum

from peninsula.graph.cli import main

HOSTILE = Path(__file__).resolve().parent / "hostile"
SECRET = "s3cret-token"

WRITES = [
    "CREATE (n:Entity {key: 'x'})",
    "create (n:Entity {key: 'x'})",
    "MERGE (n:Entity {key: 'x'}) RETURN n",
    "MATCH (n:Entity) SET n.name = 'x'",
    "MATCH (n:Entity) DETACH DELETE n",
    "MATCH (n:Entity) delete n",
    "MATCH (n:Entity) REMOVE n.name",
    "MATCH (n) /* harmless */ CREATE (m:Entity {key: 'y'})",
    "MATCH (n) // a comment\nCREATE (m:Entity {key: 'y'})",
    "MATCH (n)\tSET\tn.x = 1",
    "MATCH (n)\nWITH n LIMIT 1\nMeRgE (m:Entity {key: n.key + 'x'})",
    "MATCH (n:Entity) FOREACH (x IN [1] | SET n.y = x)",
    "CALL { CREATE (m:Entity {key: 'z'}) }",
    "CALL db.idx.fulltext.createNodeIndex('Entity', 'name')",
    "CALL db.idx.fulltext.drop('Entity')",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "UNWIND [1] AS x CREATE (:Entity {key: toString(x)})",
    "MATCH (n:Entity {name: 'CREATE'}) SET n.name = 'x'",
]
READS = [
    "MATCH (n:Entity) WHERE n.name = 'CREATE (x) SET y' RETURN count(n) AS c",
    "// CREATE (m)\nMATCH (n:Entity) RETURN count(n) AS c",
    "MATCH (n:Entity) RETURN count(n) AS c /* DELETE n */",
    "MATCH (n:Entity) WHERE n.key = $k RETURN count(n) AS c",
]


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    uri = f"embedded:{tmp_path_factory.mktemp('security') / 'store.db'}"
    result = run("--store", uri, "build", "--data", str(HOSTILE / "base"))
    assert result.exit_code == 0, result.output
    return uri


# ---------------------------------------------------------------------------- read-only queries
@pytest.mark.parametrize("cypher", WRITES)
def test_query_refuses_writes_without_write(base, cypher):
    before = store_checksum(base)
    result = run("--store", base, "query", "--cypher", cypher)
    assert result.exit_code == 5, result.output  # ReadOnlyError
    assert "--write" in result.output
    assert store_checksum(base) == before


@pytest.mark.parametrize("cypher", READS)
def test_read_queries_with_write_words_in_strings_and_comments_run(base, cypher):
    result = run("--store", base, "query", "--format", "json", "--cypher", cypher, "-p", "k=org/fixture-alpha")
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.output)[0]["c"], int)


def test_write_flag_allows_writes(tmp_path):
    uri = f"embedded:{tmp_path / 'w.db'}"
    before = store_checksum(uri)
    result = run("--store", uri, "query", "--write", "--cypher", "CREATE (:Entity {key: 'org/written'})")
    assert result.exit_code == 0, result.output
    assert store_checksum(uri) != before


def test_library_query_refuses_writes_too(base):
    from peninsula.graph.store import open_store
    from peninsula.ontology import ReadOnlyError

    with open_store(base) as store:
        before = store.query("MATCH (n) RETURN count(n) AS c")
        for cypher in WRITES:
            with pytest.raises(ReadOnlyError):
                store.query(cypher)
        assert store.query("MATCH (n) RETURN count(n) AS c") == before


# ---------------------------------------------------------------------------- secrets
SECRET_STORES = [
    f"bolt://neo4j:{SECRET}@127.0.0.1:1",
    f"neo4j+s://user:{SECRET}@127.0.0.1:1",
    f"redis://default:{SECRET}@127.0.0.1:1",
    f"redis://:{SECRET}@127.0.0.1:1/peninsula",
    f"nosuchscheme://user:{SECRET}@host:1",
]


@pytest.mark.parametrize("uri", SECRET_STORES)
@pytest.mark.parametrize("command", [["doctor"], ["stats"], ["query", "--cypher", "RETURN 1 AS one"],
                                     ["export", "--format", "turtle"]])
def test_passwords_never_appear_in_output_or_errors(uri, command):
    env = {"NEO4J_PASSWORD": SECRET, "PENINSULA_STORE": uri}
    result = run(*command, env=env)
    assert result.exit_code != 0
    assert SECRET not in result.output
    assert "***" in result.output or "127.0.0.1" in result.output or "host" in result.output, result.output
    debug = run("--debug", *command, env=env)  # tracebacks, too
    text = debug.output + "".join(traceback.format_exception(debug.exception)) if debug.exception else debug.output
    assert SECRET not in text


def test_neo4j_password_from_environment_never_appears():
    env = {"NEO4J_PASSWORD": SECRET, "NEO4J_USER": "neo4j"}
    for args in (["--store", "bolt://127.0.0.1:1", "doctor"], ["--store", "bolt://127.0.0.1:1", "stats"]):
        result = run(*args, env=env)
        assert result.exit_code != 0
        assert SECRET not in result.output


def test_store_error_messages_are_redacted():
    from peninsula.graph.store import open_store, redact
    from peninsula.ontology import PeninsulaError

    assert SECRET not in redact(f"bolt://neo4j:{SECRET}@example.invalid:7687")
    for uri in SECRET_STORES:
        with pytest.raises(PeninsulaError) as info:
            open_store(uri)
        chain, exc = [], info.value
        while exc is not None:
            chain.append(str(exc))
            exc = exc.__cause__ or exc.__context__
        assert all(SECRET not in text for text in chain), chain


# ---------------------------------------------------------------------------- output paths
@pytest.fixture
def victim(tmp_path) -> Path:
    path = tmp_path / "victim.txt"
    path.write_text("precious\n")
    return path


def test_export_does_not_write_through_a_planted_link(base, tmp_path, victim):
    out = tmp_path / "shared"
    out.mkdir()
    (out / "graph.ttl").symlink_to(victim)
    result = run("--store", base, "export", "--format", "turtle", "-o", str(out / "graph.ttl"))
    assert victim.read_text() == "precious\n", "export followed a symlink out of the directory"
    assert result.exit_code == 0, result.output  # the link is replaced by the file itself
    assert not (out / "graph.ttl").is_symlink() and "@prefix" in (out / "graph.ttl").read_text()


@pytest.mark.slow
def test_view_does_not_write_through_a_planted_link(base, tmp_path, victim):
    out = tmp_path / "shared"
    out.mkdir()
    (out / "alliances.html").symlink_to(victim)
    result = run("--store", base, "view", "alliances", "-o", str(out / "alliances.html"))
    assert victim.read_text() == "precious\n", "view followed a symlink out of the directory"
    assert result.exit_code == 0, result.output
    assert not (out / "alliances.html").is_symlink() and "<html" in (out / "alliances.html").read_text()


def test_ontology_docs_output_does_not_follow_a_link(tmp_path, victim):
    out = tmp_path / "docs"
    out.mkdir()
    (out / "ontology.md").symlink_to(victim)
    result = run("ontology", "docs", "-o", str(out / "ontology.md"))
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "precious\n"
    assert not (out / "ontology.md").is_symlink() and (out / "ontology.md").read_text().startswith("#")


def test_view_name_never_leads_out_of_the_output_folder(base, tmp_path):
    """`view NAME -o DIR`: the file name is derived from NAME and stays in DIR, whatever NAME holds."""
    from peninsula.graph import views

    out = tmp_path / "deep" / "views"
    result = run("--store", base, "view", "--query", "alliances/network_as_of", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["alliances-network_as_of.html"]
    for name in ("../../../up", "/etc/passwd", "..", "a/../../b"):
        written = views.write_view(views.View("<p>x</p>"), views.output_path(out, name))
        assert written.parent == out, written
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        ["alliances-network_as_of.html", "up.html", "etc-passwd.html", "view.html", "a-..-..-b.html"])


def test_demo_refuses_a_sub_folder_linked_out_of_the_output_folder(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "rdf").symlink_to(elsewhere, target_is_directory=True)
    result = run("--store", f"embedded:{tmp_path / 'store.db'}", "demo", "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "leads it out of" in result.output and str(out / "rdf") in result.output, result.output
    assert list(elsewhere.iterdir()) == []


def test_safe_writes_replace_links_and_leave_no_temporary_file(tmp_path, victim):
    from peninsula.graph.files import child, write_bytes_safely, write_text_safely
    from peninsula.ontology import InputError

    out = tmp_path / "out"
    out.mkdir()
    (out / "a.ttl").symlink_to(victim)
    assert write_text_safely(out / "a.ttl", "new\n") == out / "a.ttl"
    assert victim.read_text() == "precious\n" and not (out / "a.ttl").is_symlink()
    assert (out / "a.ttl").read_text() == "new\n"
    write_bytes_safely(out / "new" / "b.bin", b"\x00\xff")  # the folder is created
    assert (out / "new" / "b.bin").read_bytes() == b"\x00\xff"
    assert sorted(p.name for p in out.iterdir()) == ["a.ttl", "new"]
    assert (out / "a.ttl").stat().st_mode & 0o777 != 0o600  # the umask's mode, not mkstemp's
    # an explicit path with `..` is the user's choice: it is written where it points, as a file
    assert write_text_safely(out / ".." / "up.txt", "up") == out / ".." / "up.txt"
    assert (tmp_path / "up.txt").read_text() == "up"
    for bad in (out / "..", out / "."):
        with pytest.raises(InputError):
            write_text_safely(bad, "x")
    (out / "folder").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        write_text_safely(out / "folder", "x")
    # names Peninsula derives itself never lead out of their folder
    assert child(out, "rdf", "x.ttl") == out / "rdf" / "x.ttl"
    (out / "linked").symlink_to(tmp_path, target_is_directory=True)
    for parts in (("..", "x"), ("/etc/passwd",), ("linked", "x"), ("a", "..", "..", "x")):
        with pytest.raises(InputError):
            child(out, *parts)
    (out / "link.ttl").symlink_to(victim)  # a link as the file itself is fine: it will be replaced
    assert child(out, "link.ttl") == out / "link.ttl"


def test_write_procedures_are_told_from_listings():
    """Dotted procedure names that create or drop are writes; procedures that list are reads."""
    from peninsula.graph.store import is_write

    for cypher in ("CALL db.idx.fulltext.createNodeIndex('Entity', 'name')",
                   "CALL db.index.fulltext.createNodeIndex('a', ['L'], ['p'])",
                   "call DB.IDX.FULLTEXT.DROP('Entity')", "CALL db.createLabel('x')"):
        assert is_write(cypher), cypher
    for cypher in ("CALL db.indexes()", "CALL db.labels() YIELD label RETURN label",
                   "CALL db.index.fulltext.queryNodes('a', 'b') YIELD node RETURN node"):
        assert not is_write(cypher), cypher
