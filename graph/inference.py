"""RDFS and OWL 2 RL entailment as SPARQL rules, run to a fixpoint inside pyoxigraph.

owlrl (the Python reference implementation) needs ~4 minutes for the RDFS closure of the
curated data and its ontology; the same rules as SPARQL CONSTRUCTs over the pyoxigraph copy take
about a second. Each rule is one of the W3C's, named as in RDF 1.1 Semantics (rdfs2 ...) and the
OWL 2 RL/RDF rules (OWL 2 Profiles, section 4.3: cax-sco ...). Rules that only signal an
inconsistency (cax-dw, prp-irp, ...) are the DL reasoner's job (ontology/owl.py), and the
axiomatic triples (every IRI is an rdfs:Resource) are left out: they say nothing.
"""

from __future__ import annotations

import pyoxigraph as ox

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
RDFS_RULES = {
    "rdfs2": "CONSTRUCT { ?s a ?c } WHERE { ?p rdfs:domain ?c . FILTER(isIRI(?c)) ?s ?p ?o }",
    "rdfs3": "CONSTRUCT { ?o a ?c } WHERE { ?p rdfs:range ?c . FILTER(isIRI(?c)) ?s ?p ?o FILTER(!isLiteral(?o)) }",
    "rdfs5": "CONSTRUCT { ?p rdfs:subPropertyOf ?r } WHERE { ?p rdfs:subPropertyOf/rdfs:subPropertyOf+ ?r }",
    "rdfs7": "CONSTRUCT { ?s ?q ?o } WHERE { ?p rdfs:subPropertyOf ?q . FILTER(?p != ?q) ?s ?p ?o }",
    "rdfs9": "CONSTRUCT { ?x a ?d } WHERE { ?c rdfs:subClassOf ?d . FILTER(?c != ?d && isIRI(?d)) ?x a ?c }",
    "rdfs11": "CONSTRUCT { ?c rdfs:subClassOf ?e } WHERE { ?c rdfs:subClassOf/rdfs:subClassOf+ ?e }",
}
OWLRL_RULES = {
    **{k: v for k, v in RDFS_RULES.items()},  # prp-dom, prp-rng, scm-spo, prp-spo1, cax-sco, scm-sco
    "cax-eqc": "CONSTRUCT { ?x a ?d . ?x2 a ?c } WHERE { ?c owl:equivalentClass ?d . FILTER(isIRI(?c) && isIRI(?d)) "
               "{ ?x a ?c } UNION { ?x2 a ?d } }",
    "scm-eqc1": "CONSTRUCT { ?c rdfs:subClassOf ?d . ?d rdfs:subClassOf ?c } WHERE { ?c owl:equivalentClass ?d FILTER(isIRI(?c) && isIRI(?d)) }",
    "scm-eqp1": "CONSTRUCT { ?p rdfs:subPropertyOf ?q . ?q rdfs:subPropertyOf ?p } WHERE { ?p owl:equivalentProperty ?q }",
    "prp-inv": "CONSTRUCT { ?o ?q ?s . ?o2 ?p ?s2 } WHERE { ?p owl:inverseOf ?q . { ?s ?p ?o } UNION { ?s2 ?q ?o2 } }",
    "prp-symp": "CONSTRUCT { ?o ?p ?s } WHERE { ?p a owl:SymmetricProperty . ?s ?p ?o }",
    "prp-trp": "CONSTRUCT { ?x ?p ?z } WHERE { ?p a owl:TransitiveProperty . ?x ?p ?y . ?y ?p ?z }",
    "cls-uni": "CONSTRUCT { ?x a ?c } WHERE { ?c owl:unionOf ?list . ?list rdf:rest*/rdf:first ?m . ?x a ?m }",
    "eq-sym": "CONSTRUCT { ?y owl:sameAs ?x } WHERE { ?x owl:sameAs ?y }",
    "eq-trans": "CONSTRUCT { ?x owl:sameAs ?z } WHERE { ?x owl:sameAs ?y . ?y owl:sameAs ?z FILTER(?x != ?z) }",
    "eq-rep-s": "CONSTRUCT { ?y ?p ?o } WHERE { ?x owl:sameAs ?y . FILTER(?x != ?y) ?x ?p ?o FILTER(?p != owl:sameAs) }",
    "eq-rep-o": "CONSTRUCT { ?s ?p ?y } WHERE { ?x owl:sameAs ?y . FILTER(?x != ?y) ?s ?p ?x FILTER(?p != owl:sameAs) }",
}
RULES = {"rdfs": RDFS_RULES, "owlrl": OWLRL_RULES}


def infer(store: ox.Store, level: str, into: ox.NamedNode, over: list, max_rounds: int = 20) -> int:
    """Add to the graph `into` of `store` every triple the rules of `level` entail from the graphs
    `over` (and from what they added), until nothing new comes; returns how many were added."""
    rules = [PREFIXES + text for text in RULES[level].values()]
    default = [*over, into]
    added = 0
    for _ in range(max_rounds):
        new = []
        for rule in rules:
            for t in store.query(rule, default_graph=default):
                q = ox.Quad(t.subject, t.predicate, t.object, into)
                if isinstance(t.subject, ox.Literal) or not _fresh(store, t, default):
                    continue
                new.append(q)
        new = list(dict.fromkeys(new))
        if not new:
            return added
        store.extend(new)
        added += len(new)
    return added


def _fresh(store: ox.Store, t, graphs: list) -> bool:
    return not any(True for g in graphs for _ in store.quads_for_pattern(t.subject, t.predicate, t.object, g))
