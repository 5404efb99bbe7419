"""The curated sources: no fact in data/ rests on a wiki, a copy of one, or a forum or blog post
(issue 14). The source kinds are the ones the shapes allow and data/README.md's table explains."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import yaml
from rdflib import RDF, Graph, Namespace
from support import ROOT

SH = Namespace("http://www.w3.org/ns/shacl#")
DATA = ROOT / "data"

# Hosts that serve wikis (any language or edition, and their offline, IPFS and proxy copies) or
# user posts (forums, blogs, answer pages): never a source, whatever kind a file gives them.
UNRELIABLE_HOST = re.compile(
    r"(^|[.-])wiki|wiki([.-]|$)|wikipedia|wikinews|dbpedia|kiwix|ipfs|osmarks|clateway|hitchhikersgui"
    r"|edocr\.com|hotbot\.com|datana\.cloud|blogspot\.|defence\.pk|frajer\.net|reddit\.com"
    r"|quora\.com")
WIKI_NAME = re.compile(r"wiki", re.IGNORECASE)

# Hosts that republish other outlets' reports (content farms, aggregators, syndication feeds):
# cite the outlet that wrote the report, or the document it reports on, instead.
COPY_HOSTS = {
    "batonrougegazette.com": "unattributed reposts of CNN and wire copy",
    "ustimetoday.com": "unattributed reposts of Reuters copy",
    "tedmontgomery.com": "a personal site's copies of UN press releases",
    "hallikainen.com": "a personal copy of the FCC rules (47 CFR); cite the GPO/govinfo edition",
    "hallikainen.org": "a personal copy of the FCC rules (47 CFR); cite the GPO/govinfo edition",
    "korean-vibe.com": "reposts of Yonhap photos and copy",
    "heraldk.com": "reposts of Yonhap copy",
    "inform.kz": "Kazinform's reposts of Yonhap and TASS copy",
    "socialnews.xyz": "an auto-generated feed of IANS copy",
    "day.kyiv.ua": "Den's reposts of UNN and Reuters copy",
    "dailyfinland.fi": "reposts of Xinhua copy",
    "gmw.cn": "Guangming Online's reposts of Xinhua copy",
    "newsghana.com.gh": "reposts of Xinhua copy",
    "keyanhelp.cn": "an unrelated site serving China Daily pages",
    "arabstoday.net": "reposts of Yonhap copy",
    "1913intel.com": "copies of 38 North articles",
    "defense-aerospace.com": "reposts of government and agency releases",
    "defence-point.com": "reposts of Yonhap and Kyodo copy",
    "gulfnews.com": "a report retelling a Chosun Ilbo story",
    "today.az": "reposts of Trend and TASS copy",
    "outlookseries.com": "copies of FBI statements",
    "aicoin.com": "a crypto-exchange feed retelling FBI notices",
    "watcher.guru": "a crypto news feed retelling FBI notices",
    "urdupoint.com": "reposts of APP and AFP copy",
    "myanmaritv.com": "reposts of Yonhap copy",
    "devdiscourse.com": "an auto-generated feed of agency copy",
    "eastcoastdaily.in": "rewrites of agency copy",
    "world-today-journal.com": "rewrites of Kyodo and MTI copy",
    "bellenews.com": "rewrites of BBC News copy",
    "theorientnews.com": "reposts of the wire report CNA carried",
    "saxafimedia.com": "reposts of Kahawatungu copy",
}


def copy_host(url: str) -> str | None:
    """The copy host a URL is on (also inside an archive or proxy URL), or None."""
    inner = re.findall(r"(?<=/)https?:/{1,2}[^\s]+", url)
    hosts = [urlsplit(u).hostname or "" for u in [url, *inner]]
    for host in hosts:
        for copy in COPY_HOSTS:
            if host.lower() == copy or host.lower().endswith("." + copy):
                return copy
    return None


def sources() -> list[tuple[str, dict]]:
    """Every Source in data/*.yaml with the file it is defined in."""
    out = []
    for path in sorted(DATA.glob("*.yaml")):
        for source in yaml.safe_load(path.read_text(encoding="utf-8")).get("sources") or []:
            out.append((path.name, source))
    return out


def unreliable(url: str) -> bool:
    """A wiki, wiki copy, forum or blog host, also when wrapped in an archive or proxy URL."""
    hosts = [urlsplit(url).hostname or ""]
    hosts += [urlsplit(inner).hostname or "" for inner in re.findall(r"https?://[^\s]+", url)[1:] + re.findall(r"(?<=/)https?:/{1,2}[^\s]+", url)]
    return any(UNRELIABLE_HOST.search(host.lower()) for host in hosts)


def shape_kinds() -> set[str]:
    """The source kinds the SHACL shapes allow (the sh:in list on source_kind)."""
    shapes = Graph().parse(ROOT / "ontology" / "shapes.ttl")
    kinds: set[str] = set()
    for node in shapes.subjects(SH["in"], None):
        values = shapes.value(node, SH["in"])
        items = []
        while values is not None and values != RDF.nil:
            items.append(str(shapes.value(values, RDF.first)))
            values = shapes.value(values, RDF.rest)
        if "mirror" in items:
            kinds = set(items)
    return kinds


def readme_kinds() -> set[str]:
    """The kinds data/README.md's source table explains (its first column)."""
    text = (DATA / "README.md").read_text(encoding="utf-8")
    table = text.split("Every Source has a `source_kind`", 1)[1].split("\n\n", 2)[1]
    return set(re.findall(r"^\| `([a-z]+)` \|", table, re.MULTILINE))


def test_the_kind_table_is_the_shapes_list():
    assert shape_kinds() and readme_kinds() == shape_kinds()


def test_every_source_has_a_known_kind():
    kinds = shape_kinds()
    wrong = [(file, s["id"], s.get("source_kind")) for file, s in sources() if s.get("source_kind") not in kinds]
    assert not wrong


def test_no_source_is_a_wiki_a_wiki_copy_or_a_forum():
    bad = [(file, s["id"], s.get("url")) for file, s in sources() if s.get("url") and unreliable(s["url"])]
    assert not bad, "replace these with the primary document or the original report:\n" + "\n".join(map(str, bad))


def test_no_source_names_a_wiki_as_publisher():
    bad = [(file, s["id"], s.get("publisher")) for file, s in sources() if WIKI_NAME.search(str(s.get("publisher", "")))]
    assert not bad


@pytest.mark.parametrize("url", [
    "https://en.wikipedia.org/wiki/Korean_Armistice_Agreement",
    "https://simple.m.wikipedia.org/wiki/Hanoi",
    "https://sco.wikipedia.org/wiki/Manila",
    "https://en.m.wikinews.org/wiki/North_Korea_test-fires_missiles",
    "https://wiki.kidzsearch.com/wiki/Seattle,_WA",
    "https://it.qaz.wiki/wiki/Osan_Air_Base",
    "https://wikiclassic.com/wiki/Yokosuka_Naval_Yard",
    "https://review.clateway.com/wiki/view_html.php?q=Busan",
    "https://en.wikipedia-on-ipfs.org/wiki/Kursk",
    "https://cloudflare-ipfs.com/ipfs/QmXoypizjW3WknFiJnKLwHCnL72vedxjQkDDP1mXWo6uco/wiki/Kadena_AB.html",
    "https://kiwix.casplantje.nl/wikipedia_en_all_maxi_2020-06/A/United_States_Special_Representative_for_North_Korea",
    "https://a.osmarks.net/wikipedia_en_all_maxi_2020-08/A/List_of_presidents_of_South_Korea",
    "https://webcf.waybackmachine.org/web/20211016202814/https://en.wikipedia.org/wiki/Jakarta",
    "http://replay.waybackmachine.org/web/20080627130559/http://en.wikipedia.org/wiki/Assistant_Secretary",
    "https://defence.pk/pdf/threads/n-korea-marks-60th-year-of-china-friendship-treaty.716670/",
    "https://military-online.blogspot.com/2014/09/ufg-demonstrates-strength-of-alliance.html?m=1",
])
def test_the_host_check_catches_wikis_copies_and_forums(url):
    assert unreliable(url)


@pytest.mark.parametrize("url", [
    "https://press.un.org/en/2012/sc10672.doc.htm",
    "https://www.archives.gov/publications/prologue/2003/summer/korean-war-armistice",
    "http://www.globalsecurity.org/military/facility/osan.htm",
    "https://web.archive.org/web/2019/https://www.mofa.go.jp/press/",
])
def test_the_host_check_passes_official_and_archived_pages(url):
    assert not unreliable(url)


def test_no_source_is_a_copy_of_another_outlets_report():
    bad = [(file, s["id"], s.get("url")) for file, s in sources() if s.get("url") and copy_host(s["url"])]
    assert not bad, "cite the original report or the document it reports on:\n" + "\n".join(map(str, bad))


@pytest.mark.parametrize(("url", "host"), [
    ("https://batonrougegazette.com/uncategorized/north-korea-says-it-conducted-new-icbm-test", "batonrougegazette.com"),
    ("https://en.inform.kz/news/n-korea-fires-irbm-over-japan-s-korean-military_a3986563/", "inform.kz"),
    ("http://m.keyanhelp.cn/world/2010-02/11/content_19412484.htm", "keyanhelp.cn"),
    ("https://web.archive.org/web/2017/https://tedmontgomery.com/remarks/17.7-12/NKorea/x.html", "tedmontgomery.com"),
    ("https://en.yna.co.kr/view/AEN20230824001151325", None),
    ("https://www.gulf-times.com/story/1", None),
    ("https://notwatcher.guru.example.org/", None),
])
def test_the_copy_host_check(url, host):
    assert copy_host(url) == host
