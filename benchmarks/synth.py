"""Synthetic Peninsula graphs for benchmarks: deterministic from a seed, shaped like the curated data.

    python benchmarks/synth.py --triples 1000000 --seed 7 --out out/bench/synth-1m.nt
    python benchmarks/synth.py --triples 100000 --format turtle --out out/bench/synth-100k.ttl

Every entity is typed, named in English and Korean (Hangul), cites a source; states carry an
ISO-like code. Relationships come in the shape of the curated data: most are annotated (one
``rdf:Statement`` per relationship with ``valid_from``/``valid_to`` and sources), a few events
carry two statements of one triple (two rounds, two tests: they must stay two edges), and some
plain triples (``located_in``) have no statement. Everything is fictional: the names say so,
the codes are not real ISO codes, and no Wikidata QID is made up.

``shuffle=True`` writes the lines in a random order, which is legal N-Triples and exercises a
loader that must not rely on statements following their triple.

`replicate` makes the other, held-out kind of input: a real export (the curated graph's own
N-Triples) copied as often as needed, every IRI under the base and every blank node renamed per
copy (``state/PRK`` -> ``state/PRK-c7``), so the copies are disjoint graphs of the real shape; only
the first copy keeps the states' ISO codes.
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Iterator
from pathlib import Path

BASE = "https://peninsula.invalid/id/"
PEN = "https://peninsula.invalid/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = f"<{RDF}type>"
REGION = 100  # states per region (see _neighbours)
HANGUL = [chr(0xAC00 + i * 28) for i in range(0, 399, 7)]  # syllables without a final consonant


def _iri(key: str) -> str:
    return f"<{BASE}{key}>"


def _p(name: str) -> str:
    return f"<{PEN}{name}>"


def _lit(text: str, lang: str | None = None, dt: str | None = None) -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"@{lang}' if lang else (f'"{text}"^^<{XSD}{dt}>' if dt else f'"{text}"')


def _dec(x: float) -> str:
    """A decimal in the lexical form the graph gives back (the float's shortest repr), so export(load(x)) == x."""
    return repr(round(float(x), 4))


class _Gen:
    def __init__(self, seed: int):
        self.rnd = random.Random(seed)
        self.stmt = 0

    def hangul(self) -> str:
        return "".join(self.rnd.choice(HANGUL) for _ in range(self.rnd.randint(2, 4)))

    def date(self, lo: int = 1953, hi: int = 2025) -> tuple[str, str]:
        y = self.rnd.randint(lo, hi)
        kind = self.rnd.random()
        if kind < 0.7:
            return f"{y:04d}-{self.rnd.randint(1, 12):02d}-{self.rnd.randint(1, 28):02d}", "date"
        if kind < 0.9:
            return f"{y:04d}-{self.rnd.randint(1, 12):02d}", "gYearMonth"
        return f"{y:04d}", "gYear"

    def entity(self, key: str, cls: str, name: str, sources: list[str], extra=()) -> Iterator[str]:
        s = _iri(key)
        yield f"{s} {TYPE} {_p(cls)} ."
        yield f"{s} {_p('name')} {_lit(name, 'en')} ."
        if self.rnd.random() < 0.8:
            yield f"{s} {_p('name')} {_lit(self.hangul(), 'ko')} ."
        if self.rnd.random() < 0.3:
            yield f"{s} {_p('alias')} {_lit(name.upper().replace(' ', '-'), 'en')} ."
        for src in sources:
            yield f"{s} {_p('source')} {_iri(src)} ."
        for p, o in extra:
            yield f"{s} {_p(p)} {o} ."

    def relation(self, src: str, prop: str, dst: str, sources: list[str], n_statements: int = 1,
                 extra=()) -> Iterator[str]:
        s, o = _iri(src), _iri(dst)
        yield f"{s} {_p(prop)} {o} ."
        for _ in range(n_statements):
            self.stmt += 1
            st = _iri(f"stmt/synth-{self.stmt}")
            yield f"{st} {TYPE} <{RDF}Statement> ."
            yield f"{st} <{RDF}subject> {s} ."
            yield f"{st} <{RDF}predicate> {_p(prop)} ."
            yield f"{st} <{RDF}object> {o} ."
            start, dt = self.date()
            yield f"{st} {_p('validFrom')} {_lit(start, dt=dt)} ."
            if self.rnd.random() < 0.4:
                end, dt2 = self.date(int(start[:4]), 2025)
                if (end, dt2) != (start, dt) and end >= start:
                    yield f"{st} {_p('validTo')} {_lit(end, dt=dt2)} ."
            for src_key in sources:
                yield f"{st} {_p('source')} {_iri(src_key)} ."
            for p, lit in extra:
                yield f"{st} {_p(p)} {lit} ."


def region(states: list, i: int) -> list:
    """The states of the i-th state's region: REGION states in a row (the last region may be smaller)."""
    start = i // REGION * REGION
    return states[start:start + REGION]


def _neighbours(rnd: random.Random, states: list) -> tuple[str, str]:
    """Two states of one region: summits, alliances and support stay regional, so a state's
    neighbourhood (and the number of short chains between two states of a region) is the same at
    every size, as it is in the real world; only the number of regions grows."""
    i = rnd.randrange(len(states))
    a, b = rnd.sample(region(states, i), 2) if len(region(states, i)) > 1 else rnd.sample(states, 2)
    return a, b


def generate(triples: int, seed: int = 7) -> Iterator[str]:
    """N-Triples lines (without newline) until about `triples` triples; same seed, same lines."""
    g = _Gen(seed)
    rnd = g.rnd
    scale = max(triples // 1000, 1)
    n_src = max(scale, 5)
    n_states = min(max(scale // 10, 8), 17576)
    n_orgs = max(scale // 5, 3)
    n_missiles = max(scale // 5, 3)
    n_sites = max(scale // 10, 2)
    count = 0

    def emit(lines):
        nonlocal count
        for line in lines:
            count += 1
            yield line

    def pick_sources(k: int = 1) -> list[str]:
        return sorted({f"src/synth-{rnd.randrange(n_src)}" for _ in range(k)})

    for i in range(n_src):
        d, dt = g.date(1990)
        yield from emit(g.entity(f"src/synth-{i}", "Source", f"Synthetic source {i}", [], extra=[
            ("publisher", _lit(f"Synthetic publisher {i % 17}")), ("title", _lit(f"Synthetic report {i}")),
            ("date", _lit(d, dt=dt)), ("url", _lit(f"https://example.invalid/src/{i}", dt="anyURI"))]))
    states = []
    for i in range(n_states):
        code = "".join(chr(65 + (i // 26 ** k) % 26) for k in (2, 1, 0))
        states.append(f"state/X{code}")
        yield from emit(g.entity(states[-1], "State", f"Synthland {code}", pick_sources(),
                                 extra=[("iso3", _lit(code))]))
    orgs = [f"org/synth-{i}" for i in range(n_orgs)]
    for key in orgs:
        yield from emit(g.entity(key, rnd.choice(["Organization", "IntergovernmentalOrganization", "Forum"]),
                                 f"Synthetic organization {key[10:]}", pick_sources()))
    missiles = [f"missile/synth-{i}" for i in range(n_missiles)]
    for key in missiles:
        yield from emit(g.entity(key, "MissileSystem", f"Synthetic missile {key[14:]}", pick_sources(), extra=[
            ("missileClass", _lit(rnd.choice(["SRBM", "MRBM", "IRBM", "ICBM", "SLBM"]))),
            ("rangeMaxKm", _lit(_dec(rnd.randint(100, 15000)), dt="decimal"))]))
        yield from emit(g.relation(rnd.choice(states), "develops", key, pick_sources()))
    sites = [f"place/synth-site-{i}" for i in range(n_sites)]
    for key in sites:
        yield from emit(g.entity(key, "LaunchSite", f"Synthetic site {key[17:]}", pick_sources(), extra=[
            ("latitude", _lit(_dec(rnd.uniform(-60, 60)), dt="decimal")),
            ("longitude", _lit(_dec(rnd.uniform(-180, 180)), dt="decimal"))]))
        yield from emit(g.relation(key, "locatedIn", rnd.choice(states), [], n_statements=0))
    for key in orgs:
        for state in rnd.sample(states, 3):
            yield from emit(g.relation(state, "memberOf", key, pick_sources()))

    i = 0
    while count < triples:
        i += 1
        kind = i % 4
        if kind == 0:  # a person who leads a state, with a term
            key = f"person/synth-{i}"
            yield from emit(g.entity(key, "Person", f"Synthetic person {i}", pick_sources()))
            yield from emit(g.relation(key, "leads", rnd.choice(states), pick_sources(2),
                                       extra=[("role", _lit("head of state"))]))
        elif kind == 1:  # an agreement with parties and signatories
            key = f"agreement/synth-{i}"
            d, dt = g.date()
            yield from emit(g.entity(key, rnd.choice(["Treaty", "JointStatement", "Declaration"]),
                                     f"Synthetic agreement {i}", pick_sources(), extra=[("dateSigned", _lit(d, dt=dt))]))
            for party in rnd.sample(states, 2):
                yield from emit(g.relation(party, "partyTo", key, pick_sources()))
                yield from emit(g.relation(party, "signed", key, pick_sources()))
        elif kind == 2:  # a missile test: conducted, tested (sometimes reported twice), launched from
            key = f"event/synth-{i}"
            d, dt = g.date(1984)
            yield from emit(g.entity(key, "MissileTest", f"Synthetic test {i}", pick_sources(), extra=[
                ("date", _lit(d, dt=dt)), ("outcome", _lit(rnd.choice(["success", "failure", "unknown"])))]))
            yield from emit(g.relation(key, "conductedBy", rnd.choice(states), pick_sources()))
            yield from emit(g.relation(key, "tested", rnd.choice(missiles), pick_sources(),
                                       n_statements=2 if rnd.random() < 0.2 else 1,
                                       extra=[("distanceKm", _lit(_dec(rnd.randint(10, 4500)), dt="decimal"))]))
            yield from emit(g.relation(key, "launchedFrom", rnd.choice(sites), pick_sources()))
        else:  # a summit, its participants; alliances and support between states
            key = f"event/synth-{i}"
            d, dt = g.date()
            yield from emit(g.entity(key, "Summit", f"Synthetic summit {i}", pick_sources(),
                                     extra=[("date", _lit(d, dt=dt))]))
            a, b = _neighbours(rnd, states)
            yield from emit(g.relation(a, "participatedIn", key, pick_sources()))
            yield from emit(g.relation(b, "participatedIn", key, pick_sources()))
            if rnd.random() < 0.5:
                yield from emit(g.relation(a, "alliedWith", b, pick_sources(2), extra=[("confidence", _lit("high"))]))
            else:
                yield from emit(g.relation(a, "supports", b, pick_sources(), extra=[
                    ("kind", _lit(rnd.choice(["economic", "diplomatic", "military"]))), ("basis", _lit("synthetic"))]))


def write(path: Path | str, triples: int, seed: int = 7, fmt: str | None = None, shuffle: bool = False) -> int:
    """Write the graph as N-Triples or Turtle (by suffix or `fmt`); return the number of lines written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = fmt or ("turtle" if path.suffix == ".ttl" else "ntriples")
    lines = generate(triples, seed)
    if shuffle:
        lines = list(lines)
        random.Random(seed + 1).shuffle(lines)
    n = 0
    if fmt == "ntriples":
        with path.open("w", encoding="utf-8") as f:
            for line in lines:
                f.write(line + "\n")
                n += 1
        return n
    import tempfile

    import pyoxigraph

    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".nt", dir=path.parent, delete=False) as tmp:
        for line in lines:
            tmp.write(line + "\n")
            n += 1
    try:
        quads = pyoxigraph.parse(path=tmp.name, format=pyoxigraph.RdfFormat.N_TRIPLES)
        with path.open("wb") as f:
            pyoxigraph.serialize((q.triple for q in quads), f, format=pyoxigraph.RdfFormat.TURTLE,
                                 prefixes={"pen": PEN, "id": BASE, "rdf": RDF, "xsd": XSD})
    finally:
        Path(tmp.name).unlink()
    return n


_RENAMED = re.compile(r"<" + re.escape(BASE) + r"([^>]*)>|(?<![^ \n])_:([A-Za-z0-9_][A-Za-z0-9_.-]*)")
_ISO3 = f"<{PEN}iso3> "


def replicate(source: Path | str, path: Path | str, triples: int) -> int:
    """Write whole copies of the N-Triples file `source` to `path`, as many as bring the total nearest
    to `triples` (at least one; a copy is never cut, so no statement loses a part). Returns the
    number of lines written.

    Only the first copy keeps the states' ISO codes: a code names one state in the world, and an
    anchored query (`iso3`, an index) would otherwise find one state per copy and grow with them."""
    lines = [line for line in Path(source).read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        raise ValueError(f"{source}: no triples to replicate")
    first, rest = "\n".join(lines), "\n".join(line for line in lines if _ISO3 not in line)
    copies = max(1, round(triples / len(lines)))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with path.open("w", encoding="utf-8") as f:
        for copy in range(copies):
            def rename(m, copy=copy):
                return f"<{BASE}{m.group(1)}-c{copy}>" if m.group(1) is not None else f"_:c{copy}x{m.group(2)}"

            text = first if copy == 0 else rest
            f.write(_RENAMED.sub(rename, text) + "\n")
            written += text.count("\n") + 1
    return written


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--format", choices=["ntriples", "turtle"])
    ap.add_argument("--shuffle", action="store_true", help="Write the lines in a random order.")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    n = write(args.out, args.triples, args.seed, args.format, args.shuffle)
    print(f"wrote {n} triples to {args.out}")


if __name__ == "__main__":
    main()
