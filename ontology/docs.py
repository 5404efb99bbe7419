"""The ontology reference, generated: every class and property with its label, definition,
domain, range, graph name and alignments."""

from __future__ import annotations

import html

from peninsula.ontology.model import PEN, load


def _short(iri) -> str:
    if iri is None:
        return ""
    text = str(iri)
    for ns, prefix in (("http://www.w3.org/2001/XMLSchema#", "xsd:"), (str(PEN), ""),
                       ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf:")):
        if text.startswith(ns):
            return prefix + text[len(ns):]
    return text


def rows():
    ont = load()
    classes = [(c.name, c.label, c.definition, ", ".join(c.parents), ", ".join(ont.labels([c.name])),
                ", ".join(c.alignments)) for c in sorted(ont.classes.values(), key=lambda c: c.name)]
    props = [(p.name, p.label, p.definition, p.domain or "", _short(p.range), p.rel_type or p.key,
              "yes" if p.on_relationship else "", ", ".join(p.alignments))
             for p in sorted(ont.properties.values(), key=lambda p: (p.kind, p.name))]
    return classes, props


CLASS_HEAD = ("class", "label", "definition", "subclass of", "graph labels", "alignments")
PROP_HEAD = ("property", "label", "definition", "domain", "range", "graph name", "on relationships", "alignments")


def reference(fmt: str = "markdown") -> str:
    classes, props = rows()
    if fmt == "html":
        def table(head, body):
            cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
            trs = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in body)
            return f"<table><thead><tr>{cells}</tr></thead><tbody>{trs}</tbody></table>"
        return ("<!doctype html><meta charset=utf-8><title>Peninsula ontology</title>"
                "<style>body{font:14px sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px;vertical-align:top}"
                "table{border-collapse:collapse}</style><h1>Peninsula ontology</h1><h2>Classes</h2>"
                + table(CLASS_HEAD, classes) + "<h2>Properties</h2>" + table(PROP_HEAD, props) + "\n")

    def md(head, body):
        lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
        lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in body]
        return "\n".join(lines)
    return ("# Peninsula ontology reference\n\nGenerated from `ontology/peninsula.ttl` by "
            "`peninsula ontology docs`.\n\n## Classes\n\n" + md(CLASS_HEAD, classes)
            + "\n\n## Properties\n\n" + md(PROP_HEAD, props) + "\n")
