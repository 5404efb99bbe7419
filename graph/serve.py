"""A read-only SPARQL 1.1 Protocol endpoint over the store's RDF, with a query form that works offline.

`GET /sparql?query=...` and `POST /sparql` (a form with `query=`, or an `application/sparql-query`
body) answer through the persistent pyoxigraph copy of graph/sparql.py, checked against the store
before each query. The result format follows the Accept header (or a `format`/`output` parameter):
SELECT/ASK in SPARQL JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE in Turtle, N-Triples, JSON-LD,
RDF/XML, TriG or N-Quads. Updates are refused (403). `GET /` is the query form: one page, no
request to anything but this endpoint. `default-graph-uri` / `named-graph-uri` pick the dataset.
"""

from __future__ import annotations

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qs, urlsplit

from peninsula.graph.sparql import (
    GRAPH_MEDIA,
    INFERENCE,
    RESULT_FORMATS,
    SparqlStore,
    kind_of,
    serialize_result,
)
from peninsula.loaders.formats import RDF_FORMATS
from peninsula.ontology import PEN, QueryError
from peninsula.ontology.model import PACKAGED_ROOT

MAX_BODY = 1 << 20  # bytes of a POSTed query
ALIASES = {  # Accept media types and `format` values -> our format names
    "application/sparql-results+json": "json", "application/json": "json", "json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml", "xml": "xml",
    "text/csv": "csv", "csv": "csv", "text/tab-separated-values": "tsv", "tsv": "tsv",
    "application/x-turtle": "turtle", "text/plain": "ntriples",  # older names of RDF media types
    # each RDF format by its media type and names (Turtle 1.2 shares Turtle's media type: asked by name only)
    **{n: f.name for f in RDF_FORMATS.values() if not f.triple_terms for n in (f.media_type, f.name, *f.aliases)},
}


def negotiate(accept: str | None, kind: str, asked: str | None = None) -> str:
    """The format to answer in: a `format` parameter first, else the Accept header's most preferred
    type this kind of result has, else SPARQL JSON (SELECT/ASK) or Turtle (CONSTRUCT/DESCRIBE)."""
    usable = set(GRAPH_MEDIA) if kind == "graph" else set(RESULT_FORMATS)
    if asked and ALIASES.get(asked.lower()) in usable:
        return ALIASES[asked.lower()]
    offers = []
    for i, part in enumerate((accept or "").split(",")):
        media, *params = (x.strip() for x in part.split(";"))
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        offers.append((-q, i, media.lower()))
    for _, _, media in sorted(offers):
        if ALIASES.get(media) in usable:
            return ALIASES[media]
    return "turtle" if kind == "graph" else "json"


class Endpoint:
    """The SPARQL copy of one store, shared by the server's threads (one query at a time: the store's
    client is not thread-safe, and the copy is checked against the store before each)."""

    def __init__(self, store, infer: str = "none", cache_dir=None):
        if infer not in INFERENCE:
            raise QueryError(f"unknown inference {infer!r}; one of {', '.join(INFERENCE)}")
        self.sparql = SparqlStore(store, cache_dir)
        self.infer = infer
        self.lock = threading.Lock()
        self.sparql.sync(infer)

    def answer(self, text: str, accept: str | None, asked: str | None = None,
               default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> tuple[bytes, str]:
        with self.lock:
            result = self.sparql.query(text, self.infer, default_graphs=default_graphs, named_graphs=named_graphs)
            return serialize_result(result, negotiate(accept, kind_of(result), asked))

    def close(self) -> None:
        self.sparql.close()


def form_page() -> bytes:
    """The query form, its example query's `pen:` prefix the ontology namespace in use."""
    page = resources.files("peninsula.graph").joinpath("templates/sparql.html").read_text(encoding="utf-8")
    return page.replace(f"&lt;{PACKAGED_ROOT}#&gt;", f"&lt;{PEN}&gt;").encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    endpoint: Endpoint  # set on the class made by make_server
    server_version = "peninsula-sparql"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # quiet: the CLI prints one line when it starts

    def _send(self, status: int, body: bytes, media: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media if "charset" in media or not media.startswith("text/")
                         else f"{media}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Vary", "Accept")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain")

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        if url.path in ("/", "/index.html") or (url.path == "/sparql" and "query" not in params and "update" not in params):
            self._send(HTTPStatus.OK, form_page(), "text/html")
            return
        if url.path != "/sparql":
            self._error(HTTPStatus.NOT_FOUND, "not found: the endpoint is /sparql, the query form /")
            return
        self._query(params)

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._error(HTTPStatus.NOT_FOUND, "not found: the endpoint is /sparql")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a query is at most {MAX_BODY} bytes")
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query, keep_blank_values=True)
        if media == "application/sparql-update":
            self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: SPARQL Update is refused")
            return
        if media == "application/sparql-query":
            params["query"] = [body]
        elif media == "application/x-www-form-urlencoded":
            for k, v in parse_qs(body, keep_blank_values=True).items():
                params.setdefault(k, []).extend(v)
        else:
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "POST application/sparql-query or a form "
                        "(application/x-www-form-urlencoded) with query=")
            return
        self._query(params)

    def _query(self, params: dict) -> None:
        if "update" in params:
            self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: SPARQL Update is refused")
            return
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            self._error(HTTPStatus.BAD_REQUEST, "give exactly one query= parameter")
            return
        asked = (params.get("format") or params.get("output") or [None])[0]
        try:
            body, media = self.endpoint.answer(queries[0], self.headers.get("Accept"), asked,
                                               params.get("default-graph-uri"), params.get("named-graph-uri"))
        except QueryError as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc))
            return
        except ValueError as exc:  # an invalid graph IRI
            self._error(HTTPStatus.BAD_REQUEST, f"bad request: {exc}")
            return
        self._send(HTTPStatus.OK, body, media)


def make_server(store, host: str = "127.0.0.1", port: int = 7878, infer: str = "none", cache_dir=None):
    """A ThreadingHTTPServer answering the SPARQL protocol for `store` (not yet serving)."""
    endpoint = Endpoint(store, infer, cache_dir)
    handler = type("PeninsulaHandler", (Handler,), {"endpoint": endpoint})
    server = ThreadingHTTPServer((host, port), handler)
    server.endpoint = endpoint
    return server


__all__ = ["make_server", "negotiate", "Endpoint"]
