"""The hostile corpus: every file in tests/hostile/ is one case, run through the real CLI against a
real store that already holds data (tests/hostile/base/): embedded FalkorDB and the live Neo4j.

A broken or hostile file must fail with exit code 2 and a message naming the file, the line (or
record) and the field, and leave the store exactly as it was (whole-graph checksum). A file of
valid input that merely looks hostile (script tags, quotes, Cypher fragments as names) must load
and come back byte for byte, never executed as Cypher.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import store_checksum

from peninsula.graph.cli import main
from peninsula.graph.store import open_store

HOSTILE = Path(__file__).resolve().parent / "hostile"
SOURCE_FORMATS = {"cns": ("cns", "loaders/cns.py"), "unxml": ("un-xml", "loaders/unlist.py"),
                  "ftm": ("ftm", "loaders/ftm.py"), "wikidata": ("wikidata", "loaders/wikidata.py")}
MODULES = {"cns": "peninsula.loaders.cns", "unxml": "peninsula.loaders.unlist", "ftm": "peninsula.loaders.ftm",
           "wikidata": "peninsula.loaders.wikidata"}


@dataclass(frozen=True)
class Bad:
    """What the error must say: `at` a line number, or a record such as 'record 1'; None when the file
    as a whole is at fault (empty, not UTF-8, a DOCTYPE); `field` the field named; `says` a fragment."""

    at: int | str | None
    field: str | None
    says: str
    bug: str | None = None  # a known bug in a file outside this suite's area: xfail (strict) with this reason


CASES = {
    # ---- curated YAML (peninsula build --data FILE)
    "yaml-billion-laughs.yaml": Bad(None, None, "aliases expand to more than"),
    "yaml-recursive-alias.yaml": Bad(None, None, "alias refers to the structure that contains it"),
    "yaml-class-is-a-list.yaml": Bad(6, "type", "unknown class"),
    "yaml-comments-only.yaml": Bad(None, None, "the file is empty"),
    "yaml-control-character.yaml": Bad(6, "name", "control character U+001B"),
    "yaml-date-not-a-date.yaml": Bad(6, "valid_from", "is not a date"),
    "yaml-duplicate-id.yaml": Bad(10, "id", "already defined at"),
    "yaml-duplicate-key.yaml": Bad(10, None, "duplicate key 'name'"),
    "yaml-empty.yaml": Bad(None, None, "the file is empty"),
    "yaml-entities-not-a-list.yaml": Bad(None, "entities", "is a list of mappings"),
    "yaml-entry-not-a-mapping.yaml": Bad("entities[1]", None, "each entry is a mapping"),
    "yaml-id-cypher-fragment.yaml": Bad(6, "id", "is not a key"),
    "yaml-id-trailing-newline.yaml": Bad(6, "id", "is not a key"),
    "yaml-impossible-date.yaml": Bad(6, "valid_from", "'2023-02-30' is not a real calendar date"),
    "yaml-impossible-month.yaml": Bad(6, "valid_to", "has no month 13"),
    "yaml-integer-is-text.yaml": Bad(6, "stages", "is not an integer"),
    "yaml-integer-too-big.yaml": Bad(6, "stages", "does not fit in 64 bits"),
    "yaml-key-not-text.yaml": Bad(10, None, "a key must be text"),
    "yaml-language-tag-hostile.yaml": Bad(6, "name", "is not a language tag"),
    "yaml-links-not-a-list.yaml": Bad(6, "links", "links is a list"),
    "yaml-lone-surrogate.yaml": Bad(6, "name", "lone surrogate U+D800"),
    "yaml-not-utf8.yaml": Bad(None, None, "not UTF-8"),
    "yaml-nul-character.yaml": Bad(6, "name", "control character U+0000"),
    "yaml-number-infinite.yaml": Bad(6, "range_max_km", "is not a finite number"),
    "yaml-number-nan.yaml": Bad(6, "range_max_km", "is not a finite number"),
    "yaml-python-tag.yaml": Bad(6, None, "could not determine a constructor"),
    "yaml-tab-indent.yaml": Bad(7, None, "malformed YAML"),
    "yaml-text-is-a-list.yaml": Bad(6, "iso3", "takes one value"),
    "yaml-top-level-list.yaml": Bad(None, None, "a data file is a mapping"),
    "yaml-unclosed-flow.yaml": Bad(9, None, "malformed YAML"),
    "yaml-unknown-class.yaml": Bad(6, "type", "unknown class 'Spaceship'"),
    "yaml-unknown-property.yaml": Bad(6, "colour", "unknown property"),
    "yaml-unknown-reference.yaml": Bad(11, "to", "dangling reference: 'org/does-not-exist'"),
    "yaml-unknown-relationship.yaml": Bad(11, "rel", "unknown relationship 'befriends'"),
    "yaml-unknown-source.yaml": Bad(6, "sources", "dangling reference: 'src/never-defined'"),
    # ---- Turtle, N-Triples (peninsula load FILE)
    "turtle-binary.ttl": Bad(None, None, "not UTF-8"),
    "turtle-double-infinite.ttl": Bad(4, "degree", "is not a finite number"),
    "turtle-empty.ttl": Bad(None, None, "the file is empty"),
    "turtle-escape-in-literal.ttl": Bad(3, "name", "control character U+001B"),
    "turtle-iri-with-space.ttl": Bad(3, "subject", "holds a space"),
    "turtle-missing-dot.ttl": Bad(4, None, "expected '.'"),
    "turtle-nul-in-literal.ttl": Bad(3, "name", "control character U+0000"),
    "turtle-prefixes-only.ttl": Bad(None, None, "holds no RDF triples"),
    "turtle-undefined-prefix.ttl": Bad(3, None, 'Prefix "nope:" not bound'),
    "turtle-unknown-class.ttl": Bad("<https://peninsula.invalid/id/org/fixture-gamma>", "rdf:type", "unknown class"),
    "turtle-unknown-reference.ttl": Bad("<https://peninsula.invalid/id/org/fixture-gamma>", "member_of",
                                        "org/nowhere"),
    "turtle-unterminated-string.ttl": Bad(4, None, "newline found in string literal"),
    "turtle-whitespace-only.ttl": Bad(None, None, "the file is empty"),
    "turtle-wrong-datatype.ttl": Bad("<https://peninsula.invalid/id/missile/fixture-m>", "stages",
                                     "datatype xsd:integer"),
    "ntriples-iri-with-space.nt": Bad(2, None, "Invalid line"),
    "ntriples-impossible-month.nt": Bad(4, "validTo", "'2017-13' is not a real calendar date: it has no month 13"),
    "turtle-impossible-month.ttl": Bad(6, "validTo", "'2017-13' is not a real calendar date: it has no month 13"),
    "turtle-impossible-date.ttl": Bad(6, "validFrom", "'2017-02-30' is not a real calendar date"),
    # ---- JSON-LD
    "jsonld-import.jsonld": Bad(3, "@import", "never fetches anything"),
    "jsonld-nested-too-deep.jsonld": Bad(None, None, "nested too deeply"),
    "jsonld-no-triples.jsonld": Bad(None, None, "holds no RDF triples"),
    "jsonld-not-an-object.jsonld": Bad(1, None, "an object or an array"),
    "jsonld-nul-in-value.jsonld": Bad(3, "name", "control character U+0000"),
    "jsonld-remote-context.jsonld": Bad(2, "@context", "never fetches anything"),
    "jsonld-scoped-remote-context.jsonld": Bad(3, "@context", "never fetches anything"),
    "jsonld-truncated.jsonld": Bad(3, None, "malformed JSON"),
    # ---- RDF/XML
    "rdfxml-billion-laughs.rdf": Bad(None, None, "DOCTYPE or entity declarations is refused"),
    "rdfxml-doctype-utf16.rdf": Bad(None, None, "DOCTYPE or entity declarations is refused"),
    "rdfxml-external-dtd-late.rdf": Bad(None, None, "DOCTYPE or entity declarations is refused"),
    "rdfxml-external-entity.rdf": Bad(None, None, "DOCTYPE or entity declarations is refused"),
    "rdfxml-mismatched-tag.rdf": Bad(4, None, "mismatched tag"),
    # ---- CNS missile tests CSV (load --format cns)
    "cns-duplicated-column.csv": Bad(1, "Date", "appears twice (columns 2 and 20)"),
    "cns-empty.csv": Bad(None, None, "no data rows"),
    "cns-extra-cells.csv": Bad(3, None, "20 cells for 19 columns"),
    "cns-header-only.csv": Bad(1, None, "no data rows"),
    "cns-impossible-date.csv": Bad(3, "Date", "'31-Feb-17' is not a date"),
    "cns-impossible-number.csv": Bad(2, "Apogee", "'1e999 km' is more than"),
    "cns-impossible-time.csv": Bad(2, "Launch Time (UTC)", "is not a time"),
    "cns-latitude-out-of-range.csv": Bad(2, "Facility Latitude", "outside -90..90"),
    "cns-missing-column.csv": Bad(1, "Missile Name", "missing column(s) ['Missile Name']"),
    "cns-negative-distance.csv": Bad(2, "Distance Travelled", "'-40 km' is negative"),
    "cns-nul-byte.csv": Bad(2, "name", "control character U+0000"),
    "cns-repeated-id.csv": Bad(3, "F1", "is repeated"),
    "cns-unclosed-quote.csv": Bad(2, "Date", "is not a date"),
    "cns-undecodable-bytes.csv": Bad(2, None, "undecodable byte 0x81"),
    "cns-wrong-columns.csv": Bad(1, "Date", "missing column(s)"),
    # ---- UN consolidated list XML (load --format un-xml)
    "unxml-billion-laughs.xml": Bad(None, None, "DOCTYPE or entity declarations is refused"),
    "unxml-control-character.xml": Bad(11, None, "invalid character"),
    "unxml-doctype.xml": Bad(None, None, "DOCTYPE or entity declarations is refused"),
    "unxml-empty.xml": Bad(1, None, "no element found"),
    "unxml-external-entity.xml": Bad(None, None, "DOCTYPE or entity declarations is refused"),
    "unxml-impossible-date.xml": Bad("record 1", "LISTED_ON", "'2020-02-30' is not a date"),
    "unxml-late-doctype.xml": Bad(None, None, "unsafe XML refused"),
    "unxml-mismatched-tag.xml": Bad(11, None, "mismatched tag"),
    "unxml-missing-reference.xml": Bad("record 1", "REFERENCE_NUMBER", "has no REFERENCE_NUMBER"),
    "unxml-truncated.xml": Bad(9, None, "unclosed token"),
    "unxml-wrong-root.xml": Bad(None, None, "not <CONSOLIDATED_LIST>"),
    # ---- FollowTheMoney JSON lines (load --format ftm)
    "ftm-empty.jsonl": Bad(None, None, "no entities"),
    "ftm-huge-number-key.jsonl": Bad(1, "id", "needs a string"),
    "ftm-impossible-date.jsonl": Bad(1, "valid_from", "'2020-02-30' is not a real calendar date"),
    "ftm-missing-schema.jsonl": Bad(1, "schema", "needs a string"),
    "ftm-not-an-object.jsonl": Bad(2, None, "each line is one JSON object"),
    "ftm-not-utf8.jsonl": Bad(2, None, "not UTF-8"),
    "ftm-nul-in-name.jsonl": Bad(1, "name", "control character U+0000"),
    "ftm-properties-wrong-type.jsonl": Bad(1, "properties", "lists of strings"),
    "ftm-truncated-line.jsonl": Bad(2, None, "not a JSON object"),
    # ---- Wikidata JSON (load --format wikidata)
    "wikidata-bad-item.json": Bad("result 1", "item", "is not a Wikidata item"),
    "wikidata-bad-time.json": Bad("result 1", "inception", "is not a Wikidata time"),
    "wikidata-not-json.json": Bad(2, None, "not JSON"),
    "wikidata-wrong-shape.json": Bad(None, None, "neither SPARQL JSON results"),
}

# Cases too large to keep in the repository: written at test time, checked the same way.
PREFIXES = "@prefix pen: <https://peninsula.invalid/ontology#> .\n@prefix id: <https://peninsula.invalid/id/> .\n"
GENERATED = {
    "turtle-enormous-literal.ttl": (lambda: (PREFIXES + "<https://peninsula.invalid/id/org/fixture-gamma> a pen:Organization ;\n"
                                             '  pen:name "' + "A" * 300_000 + '"@en .\n').encode(),
                                    Bad(4, "name", "longer than the 100,000 allowed")),
    "turtle-enormous-garbage-line.ttl": (lambda: b"x" * 5_000_000, Bad(1, None, "malformed turtle")),
    "yaml-enormous-line.yaml": (lambda: (
        "sources:\n  - id: src/hostile-fixture\n    publisher: Peninsula test suite\n    title: Hostile corpus fixture\n"
        "entities:\n  - {id: org/fixture-gamma, type: Organization, name: {en: '" + "A" * 300_000
        + "'}, sources: [src/hostile-fixture]}\n").encode(), Bad(6, "name", "longer than the 100,000 allowed")),
    "ftm-enormous-line.jsonl": (lambda: json.dumps({"id": "fixture-1", "schema": "Person", "properties": {
        "name": ["Fixture " + "A" * 300_000]}}).encode() + b"\n", Bad(1, "name", "longer than the 100,000 allowed")),
}

NAMES = [  # the names in tests/hostile/valid-hostile-names.* (valid input that looks hostile)
    '<script>alert("pwned")</script>',
    "<img src=x onerror=alert(1)>",
    "O'Brien \"double\" \\ back\\slash\\",
    "`backticks` and $rows and {braces}",
    "'}) DETACH DELETE n //",
    '"}) MATCH (n) DETACH DELETE n RETURN 1 //',
    "CYPHER rows=[] MATCH (n) DELETE n",
    "조선 \u202eevil.exe \U0001F680",
]
VALID = {"valid-hostile-names.yaml": "org/hostile-name-", "valid-hostile-names.ttl": "org/hostile-name-ttl-",
         "valid-hostile-names.jsonld": "org/hostile-name-jsonld-"}


def command(path: Path) -> list[str]:
    prefix = path.name.split("-")[0]
    if prefix in ("yaml", "valid") and path.suffix == ".yaml":
        return ["build", "--data", str(path)]
    if prefix in SOURCE_FORMATS:
        return ["load", "--format", SOURCE_FORMATS[prefix][0], str(path)]
    return ["load", str(path)]


def require_loader(name: str) -> None:
    prefix = name.split("-")[0]
    if prefix in MODULES and importlib.util.find_spec(MODULES[prefix]) is None:
        pytest.skip(f"the {SOURCE_FORMATS[prefix][0]} loader ({SOURCE_FORMATS[prefix][1]}) is not there yet")


def run(uri: str, *args: str):
    return CliRunner().invoke(main, ["--store", uri, *args])


@pytest.fixture(scope="module", params=["falkordb", "neo4j"])
def base(request, tmp_path_factory):
    """A store holding the base data, which every hostile case must leave unchanged: embedded
    FalkorDB, then the live Neo4j (cleared first)."""
    if request.param == "neo4j":
        uri = request.getfixturevalue("neo4j_uri")
        with open_store(uri) as store:
            store.clear()
    else:
        uri = f"embedded:{tmp_path_factory.mktemp('hostile') / 'store.db'}"
    result = run(uri, "build", "--data", str(HOSTILE / "base"))
    assert result.exit_code == 0, result.output
    return uri


def test_every_file_is_a_case():
    files = {p.name for p in HOSTILE.iterdir() if p.is_file()}
    assert files == set(CASES) | set(VALID)
    assert not set(GENERATED) & files


def check_refused(base, path: Path, case: Bad, request) -> None:
    uri = base
    if case.bug:
        request.applymarker(pytest.mark.xfail(strict=True, reason=case.bug))
    before = store_checksum(uri)  # per case: a known-bug case that loads must not blame the next one
    result = run(uri, *command(path))
    out = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), out
    assert result.exit_code == 2, out
    assert out.startswith("error: "), out
    where = str(path) if case.at is None else f"{path}:{case.at}" if isinstance(case.at, int) else f"{path} {case.at}"
    assert where in out, out
    if case.field:
        assert f"field {case.field!r}" in out, out
    assert case.says in out, out
    assert store_checksum(uri) == before, "a refused load changed the store"


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_is_refused(base, name, request):
    require_loader(name)
    check_refused(base, HOSTILE / name, CASES[name], request)


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_enormous_input_is_refused(base, name, tmp_path, request):
    require_loader(name)
    make, case = GENERATED[name]
    path = tmp_path / name
    path.write_bytes(make())
    check_refused(base, path, case, request)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A store with the base data and then every valid-but-hostile-looking file."""
    uri = f"embedded:{tmp_path_factory.mktemp('valid') / 'store.db'}"
    assert run(uri, "build", "--data", str(HOSTILE / "base")).exit_code == 0
    with open_store(uri) as store:
        base_nodes = {n["key"]: n for n in store.nodes()}
    results = {name: run(uri, *command(HOSTILE / name)) for name in VALID}
    return uri, base_nodes, results


@pytest.mark.parametrize("name", sorted(VALID))
def test_hostile_looking_names_load_literally(loaded, name):
    uri, base_nodes, results = loaded
    assert results[name].exit_code == 0, results[name].output
    keys = [f"{VALID[name]}{i}" for i in range(len(NAMES))]
    with open_store(uri) as store:
        rows = store.query("MATCH (n:Entity) WHERE n.key IN $keys RETURN n.key AS key, n.name AS name "
                           "ORDER BY n.key", {"keys": keys})
        nodes = {n["key"]: n for n in store.nodes()}
    assert {r["key"]: r["name"] for r in rows} == dict(zip(keys, NAMES, strict=True))
    for key, node in base_nodes.items():  # nothing was deleted or rewritten by a "fragment"
        assert nodes[key] == node


def test_hostile_name_as_query_parameter_is_a_value(loaded):
    uri, _, _ = loaded
    for i, name in enumerate(NAMES):
        result = run(uri, "query", "--format", "json", "--cypher",
                     "MATCH (n:Entity {name: $name}) RETURN n.key AS key ORDER BY key", "-p", f"name={name}")
        assert result.exit_code == 0, result.output
        keys = [r["key"] for r in json.loads(result.output)]
        assert keys == sorted(f"{prefix}{i}" for prefix in VALID.values())


def test_reloading_hostile_names_changes_nothing(loaded):
    uri, _, _ = loaded
    before = store_checksum(uri)
    for name in VALID:
        result = run(uri, *command(HOSTILE / name))
        assert result.exit_code == 0, result.output
        assert "0 nodes created, 0 relationships created, 0 properties set" in result.output, result.output
    assert store_checksum(uri) == before


STREAMED = {  # the same corpus through the streaming path (`load --stream`, used above 20 MB)
    "turtle-nul-in-literal.ttl": Bad(3, "name", "control character U+0000"),
    "turtle-escape-in-literal.ttl": Bad(3, "name", "control character U+001B"),
    "jsonld-remote-context.jsonld": Bad(None, None, "remote"),
    "ntriples-impossible-month.nt": Bad(None, "validTo", "'2017-13' is not a real calendar date: it has no month 13"),
    "turtle-impossible-date.ttl": Bad(None, "validFrom", "'2017-02-30' is not a real calendar date"),
}


@pytest.mark.parametrize("name", sorted(STREAMED))
def test_hostile_file_is_refused_when_streamed(base, name, request):
    case = STREAMED[name]
    if case.bug:
        request.applymarker(pytest.mark.xfail(strict=True, reason=case.bug))
    before = store_checksum(base)
    result = run(base, "load", "--stream", str(HOSTILE / name))
    assert result.exit_code == 2, result.output
    assert case.says in result.output, result.output
    assert store_checksum(base) == before
