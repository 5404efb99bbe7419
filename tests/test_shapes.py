"""SHACL shapes: every shape has data that violates it and data that satisfies it, and each
problem names the file (and line for YAML), the entity and the field."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from support import SAMPLES

from peninsula.loaders import read_files, validate_curated
from peninsula.loaders.rdf import read_rdf
from peninsula.ontology import PEN, InputError, ValidationError, base_iri
from peninsula.ontology.shapes import class_tree, shapes_graph, validate

SH = Namespace("http://www.w3.org/ns/shacl#")
CONFORMING = SAMPLES / "rdf" / "conforming.ttl"
ID = base_iri()


def iri(key: str) -> URIRef:
    return URIRef(ID + key)


def violated_shapes(data: Graph, severity=SH.Violation) -> set[str]:
    """The node shapes pySHACL reports, by local name ("Derived" for the ones shapes.py derives)."""
    from pyshacl import validate as shacl

    shapes = shapes_graph()
    _, report, _ = shacl(data, shacl_graph=shapes, ont_graph=class_tree(), inference="none", advanced=True,
                         allow_warnings=True)
    out = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != severity:
            continue
        source = report.value(result, SH.sourceShape)
        node = shapes.value(None, SH.property, source) or source
        name = str(node).rsplit("#", 1)[-1]
        out.add("Derived" if name.endswith("DerivedShape") else name)
    return out


# (case id, subject key, property, value to remove (None: all, ...: none), value to add, node shape, field)
KEEP = ...
CASES = [
    ("no source", "missile/sample-x", PEN.source, None, None, "SourcedShape", "sources"),
    ("two English names", "state/XXA", PEN.name, KEEP, Literal("Other name", lang="en"), "SourcedShape", "name"),
    ("name in an unlisted language", "state/XXB", PEN.name, KEEP, Literal("Alia", lang="eo"), "SourcedShape", "name"),
    ("relationship without source", "stmt/sample-targets", PEN.source, None, None, "StatementShape", "sources"),
    ("confidence outside the list", "stmt/sample-support", PEN.confidence, None, Literal("certain"),
     "StatementShape", "confidence"),
    ("support kind outside the list", "stmt/sample-support", PEN.kind, None, Literal("cultural"),
     "StatementShape", "kind"),
    ("two valid_from on a relationship", "stmt/sample-targets", PEN.validFrom, KEEP,
     Literal("2018", datatype=XSD.gYear), "StatementShape", "valid_from"),
    ("support without kind", "stmt/sample-support", PEN.kind, None, None, "SupportShape", "kind"),
    ("ISO code pattern", "state/XXA", PEN.iso3, None, Literal("xxa"), "StateShape", "iso3"),
    ("required ISO code missing", "state/XXB", PEN.iso3, None, None, "StateShape", "iso3"),
    ("two ISO codes", "state/XXB", PEN.iso3, KEEP, Literal("XXC"), "StateShape", "iso3"),
    ("event without date", "event/sample-test", PEN.date, None, None, "EventShape", "date"),
    ("outcome outside the list", "event/sample-test", PEN.outcome, None, Literal("exploded"), "EventShape", "outcome"),
    ("negative apogee", "event/sample-test", PEN.apogeeKm, None, Literal("-1.5", datatype=XSD.decimal),
     "EventShape", "apogee_km"),
    ("zero missiles fired", "event/sample-test", PEN["count"], None, Literal(0), "EventShape", "count"),
    ("negative yield", "event/sample-blast", PEN.yieldMinKt, None, Literal("-1.0", datatype=XSD.decimal),
     "NuclearTestShape", "yield_min_kt"),
    ("minimum yield above maximum", "event/sample-blast", PEN.yieldMinKt, None, Literal("30.0", datatype=XSD.decimal),
     "NuclearTestShape", "yield_min_kt"),
    ("missile class outside the list", "missile/sample-x", PEN.missileClass, None, Literal("XRBM"),
     "WeaponSystemShape", "missile_class"),
    ("propellant outside the list", "missile/sample-x", PEN.propellant, None, Literal("hybrid"),
     "WeaponSystemShape", "propellant"),
    ("zero stages", "missile/sample-x", PEN.stages, None, Literal(0), "WeaponSystemShape", "stages"),
    ("negative range", "missile/sample-x", PEN.rangeMaxKm, None, Literal("-5.0", datatype=XSD.decimal),
     "WeaponSystemShape", "range_max_km"),
    ("minimum range above maximum", "missile/sample-x", PEN.rangeMinKm, None, Literal("2000.0", datatype=XSD.decimal),
     "WeaponSystemShape", "range_min_km"),
    ("latitude beyond 90", "place/sample-site", PEN.latitude, None, Literal("91.0", datatype=XSD.decimal),
     "PlaceShape", "latitude"),
    ("longitude beyond -180", "place/sample-site", PEN.longitude, None, Literal("-181.0", datatype=XSD.decimal),
     "PlaceShape", "longitude"),
    ("measure type outside the list", "measure/sample-ban", PEN.measureType, None, Literal("sanctions"),
     "SanctionMeasureShape", "measure_type"),
    ("source without publisher", "src/sample-a", PEN.publisher, None, None, "SourceRequiredShape", "publisher"),
    ("source with two dates", "src/sample-a", PEN.date, KEEP, Literal("2017", datatype=XSD.gYear),
     "SourceRequiredShape", "date"),
    ("source kind outside the list", "src/sample-a", PEN.sourceKind, None, Literal("blog"),
     "SourceRequiredShape", "source_kind"),
    ("resolution symbol pattern", "unscr/9997", PEN.symbol, None, Literal("UNSCR 9997"), "SanctionShape", "symbol"),
    ("resolution without date", "unscr/9997", PEN.date, None, None, "SanctionShape", "date"),
    ("valid_from after valid_to", "org/sample-council", PEN.validTo, None, Literal("1949", datatype=XSD.gYear),
     "ValidPeriodShape", "valid_to"),
    ("relationship valid_from after valid_to", "stmt/sample-support", PEN.validTo, None,
     Literal("2000-12", datatype=XSD.gYearMonth), "ValidPeriodShape", "valid_to"),
    ("end date before date", "event/sample-test", PEN.endDate, None, Literal("2017-05-13", datatype=XSD.date),
     "EventPeriodShape", "end_date"),
    ("no English name", "place/sample-site", PEN.name, None, Literal("견본 기지", lang="ko"),
     "EnglishNameShape", "name"),
    ("datatype: integer given as text", "missile/sample-x", PEN.stages, None, Literal("two"), "Derived", "stages"),
    ("datatype: date given as text", "event/sample-blast", PEN.date, None, Literal("early September"),
     "Derived", "date"),
    ("datatype: time given as text", "event/sample-test", PEN.launchTime, None, Literal("9pm"), "Derived",
     "launch_time"),
    ("range class: tested a state", "event/sample-test", PEN.tested, KEEP, iri("state/XXB"), "Derived", "tested"),
    ("cardinality: two maximum ranges", "missile/sample-x", PEN.rangeMaxKm, KEEP,
     Literal("1300.0", datatype=XSD.decimal), "Derived", "range_max_km"),
]


@pytest.fixture(scope="module")
def conforming() -> Graph:
    return read_rdf(CONFORMING)


def test_the_conforming_sample_conforms(conforming):
    assert validate(conforming, warnings=True) == []
    assert violated_shapes(conforming) == set()


def mutate(graph: Graph, key, prop, remove, add) -> Graph:
    g = Graph()
    for t in graph:
        g.add(t)
    s = iri(key)
    assert (s, None, None) in g, f"{key} is not in the conforming sample"
    if remove is None:
        assert (s, prop, None) in g, f"{key} has no {prop} to remove"
        g.remove((s, prop, None))
    if add is not None:
        g.add((s, prop, add))
    return g


@pytest.mark.parametrize("case, key, prop, remove, add, shape, field", CASES, ids=[c[0] for c in CASES])
def test_each_shape_rejects_its_violation(conforming, case, key, prop, remove, add, shape, field):
    data = mutate(conforming, key, prop, remove, add)
    assert shape in violated_shapes(data)
    problems = validate(data, where=lambda s: f"{CONFORMING.name} <{s}>")
    mine = [p for p in problems if f"<{iri(key)}>" in p and f"field {field!r}" in p]
    assert mine, f"no problem names {key} and field {field!r}: {problems}"
    assert all(p.startswith(CONFORMING.name) for p in problems)


def test_every_shape_has_a_violation_case():
    """A new shape in shapes.ttl (or derived ones) needs a case above."""
    shapes = shapes_graph()
    hand = {str(s).rsplit("#", 1)[-1] for s in shapes.subjects(RDF.type, SH.NodeShape)
            if not str(s).endswith("DerivedShape")}
    covered = {c[5] for c in CASES}
    missing = hand - covered - {"SourceShape"}  # warnings only: test_source_warnings below
    assert not missing, f"shapes without a violating case: {sorted(missing)}"
    assert "Derived" in covered


def test_source_warnings_do_not_fail_validation(conforming):
    """A source without a date only warns (web reference pages often have none)."""
    data = mutate(conforming, "src/sample-a", PEN.date, None, None)
    assert "SourceShape" in violated_shapes(data, severity=SH.Warning)
    assert validate(data) == []
    warnings = validate(data, warnings=True)
    assert any("src/sample-a" in w and "field 'date'" in w for w in warnings), warnings


def test_a_relationship_problem_names_both_ends(conforming):
    data = mutate(conforming, "stmt/sample-targets", PEN.source, None, None)
    [problem] = [p for p in validate(data) if "stmt/sample-targets" in p]
    assert "unscr/9997 -TARGETS-> state/XXB" in problem


# ---------------------------------------------------------------------------- the curated YAML
BASE_YAML = """\
sources:
  - id: src/sample-un
    publisher: Sample Publisher
    title: Sample resolution text
    date: 2006-10-14
    symbol: S/RES/9998 (2006)
entities:
  - id: state/XXA
    type: State
    name: {en: Sample Republic, ko: 견본 공화국}
    iso3: XXA
    sources: [src/sample-un]
  - id: org/sample-council
    type: IntergovernmentalOrganization
    name: Sample Council
    valid_from: 1950
    sources: [src/sample-un]
  - id: unscr/9998
    type: SecurityCouncilResolution
    name: Sample resolution 9998
    symbol: S/RES/9998 (2006)
    date: 2006-10-14
    sources: [src/sample-un]
    links:
      - rel: targets
        to: state/XXA
        valid_from: 2006-10-14
        valid_to: 2016
        sources: [src/sample-un]
  - id: missile/sample-x
    type: MissileSystem
    name: Sample missile X
    range_min_km: 800
    range_max_km: 1250.5
    stages: 2
    sources: [src/sample-un]
"""

# (rule, old text, new text, the line the problem names (its text), entity named, field)
YAML_CASES = [
    ("required property", "    iso3: XXA\n", "", "  - id: state/XXA", "state/XXA", "iso3"),
    ("ISO code pattern", "iso3: XXA", "iso3: XxA", "  - id: state/XXA", "state/XXA", "iso3"),
    ("cardinality", "name: {en: Sample Republic, ko: 견본 공화국}", "name: {en: [Sample Republic, Other], ko: 견본}",
     "  - id: state/XXA", "state/XXA", "name"),
    ("negative range", "range_max_km: 1250.5", "range_max_km: -5", "  - id: missile/sample-x", "missile/sample-x",
     "range_max_km"),
    ("valid_from after valid_to", "valid_to: 2016", "valid_to: 2005", "      - rel: targets",
     "unscr/9998 -TARGETS-> state/XXA", "valid_to"),
    ("no English name", "name: Sample Council", "name: {ko: 견본 이사회}", "  - id: org/sample-council",
     "org/sample-council", "name"),
    ("resolution symbol pattern", "    symbol: S/RES/9998 (2006)\n    date", "    symbol: UNSCR 9998\n    date",
     "  - id: unscr/9998", "unscr/9998", "symbol"),
]

# rules the YAML reader enforces itself, before SHACL: (rule, old, new, line text, field)
READER_CASES = [
    ("datatype", "stages: 2", "stages: two", "  - id: missile/sample-x", "stages"),
    ("datatype of a date", "valid_from: 1950", "valid_from: nineteen-fifty", "  - id: org/sample-council",
     "valid_from"),
    ("no source on an entity", "    stages: 2\n    sources: [src/sample-un]\n", "    stages: 2\n",
     "  - id: missile/sample-x", "sources"),
    ("no source on a relationship", "        valid_to: 2016\n        sources: [src/sample-un]\n",
     "        valid_to: 2016\n", "      - rel: targets", "sources"),
]


def write_yaml(tmp_path, text: str):
    path = tmp_path / "sample.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def test_the_conforming_yaml_passes(tmp_path):
    cur = read_files([write_yaml(tmp_path, BASE_YAML)])
    validate_curated(cur)  # raises on any problem
    assert len(cur.graph) > 30


@pytest.mark.parametrize("rule, old, new, line_text, entity, field", YAML_CASES, ids=[c[0] for c in YAML_CASES])
def test_yaml_violation_names_file_line_entity_field(tmp_path, rule, old, new, line_text, entity, field):
    assert BASE_YAML.count(old) == 1
    text = BASE_YAML.replace(old, new)
    path = write_yaml(tmp_path, text)
    with pytest.raises(ValidationError) as err:
        validate_curated(read_files([path]))
    where = f"{path}:{line_of(text, line_text)}: {entity}"
    assert any(p.startswith(where) and f"field {field!r}" in p for p in err.value.problems), err.value.problems


@pytest.mark.parametrize("rule, old, new, line_text, field", READER_CASES, ids=[c[0] for c in READER_CASES])
def test_yaml_reader_names_file_line_field(tmp_path, rule, old, new, line_text, field):
    assert BASE_YAML.count(old) == 1
    text = BASE_YAML.replace(old, new)
    path = write_yaml(tmp_path, text)
    with pytest.raises(InputError) as err:
        read_files([path])
    assert err.value.where == f"{path}:{line_of(text, line_text)}"
    assert err.value.field == field


@pytest.mark.slow
def test_peninsula_validate_passes_on_the_curated_data():
    from peninsula.graph.cli import main

    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    entities, relationships = map(int, re.search(r"valid: (\d+) entities, (\d+) relationships", result.output).groups())
    assert entities > 500 and relationships > 500


def test_peninsula_validate_fails_on_a_violation(tmp_path):
    from peninsula.graph.cli import main

    path = write_yaml(tmp_path, BASE_YAML.replace("iso3: XXA", "iso3: XxA"))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == ValidationError.exit_code != 0
    assert f"{path}:{line_of(BASE_YAML, '  - id: state/XXA')}: state/XXA, field 'iso3'" in result.output
