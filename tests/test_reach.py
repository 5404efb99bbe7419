"""Missile reach: WGS84 geodesic distances, checked against great-circle values computed here
independently (haversine on a sphere, 1% tolerance) and exact ellipsoid values; CAN_REACH holds for
exactly the places within a system's maximum range."""

from __future__ import annotations

import math

import pytest

from peninsula.graph.reach import distance_km, launch_sites, reach_edges
from peninsula.ontology import load

ONT = load()
MEAN_EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * MEAN_EARTH_RADIUS_KM * math.asin(math.sqrt(a))


# Test inputs: rounded city-centre coordinates (the check is geometric, not about the data).
PAIRS = [
    ((39.02, 125.75), (35.68, 139.69)),   # Pyongyang - Tokyo
    ((39.02, 125.75), (13.44, 144.79)),   # Pyongyang - Guam
    ((39.02, 125.75), (38.90, -77.04)),   # Pyongyang - Washington
    ((37.57, 126.98), (34.05, -118.24)),  # Seoul - Los Angeles
    ((39.02, 125.75), (51.51, -0.13)),    # Pyongyang - London
    ((-33.87, 151.21), (40.71, -74.01)),  # Sydney - New York (crosses the equator and the date line)
]


@pytest.mark.parametrize("a, b", PAIRS)
def test_geodesic_matches_great_circle_within_one_percent(a, b):
    got, sphere = distance_km(*a, *b), haversine_km(*a, *b)
    assert got == pytest.approx(sphere, rel=0.01)
    assert distance_km(*b, *a) == pytest.approx(got, abs=1e-6)


def test_exact_ellipsoid_values():
    """A quarter of the equator is a*pi/2; a meridian quadrant of WGS84 is 10001.965729 km."""
    assert distance_km(0, 0, 0, 90) == pytest.approx(6378.137 * math.pi / 2, abs=1e-6)
    assert distance_km(0, 0, 90, 0) == pytest.approx(10001.965729, abs=1e-5)
    assert distance_km(39.0, 125.75, 39.0, 125.75) == 0


# ---------------------------------------------------------------- a hand-made world

SITE = (40.0, 128.0)


def _node(key, cls, **props):
    return {"key": key, "labels": ONT.labels([cls]), "props": {"key": key, "class": cls, "name": key, **props}}


def _edge(src, rel, dst):
    return {"type": rel, "key": f"stmt/{src}-{dst}", "src": src, "dst": dst, "props": {}}


def world(range_max, range_min=None):
    """One DPRK launch site, a place inside the DPRK, and places due east at known distances."""
    nodes = [_node("state/PRK", "State", iso3="PRK"), _node("state/XXX", "State", iso3="XXX"),
             _node("place/site", "LaunchSite", latitude=SITE[0], longitude=SITE[1]),
             _node("place/home", "City", latitude=39.0, longitude=125.7),
             _node("place/nowhere", "City")]  # no coordinates: never a target
    edges = [_edge("place/site", "LOCATED_IN", "state/PRK"), _edge("place/home", "LOCATED_IN", "state/PRK")]
    for lon in (130, 135, 140, 150, 170):
        key = f"place/e{lon}"
        nodes.append(_node(key, "City", latitude=SITE[0], longitude=float(lon)))
        edges.append(_edge(key, "LOCATED_IN", "state/XXX"))
    props = {"range_max_km": range_max, "sources": ["src/range-estimate"]}
    if range_min is not None:
        props["range_min_km"] = range_min
    nodes.append(_node("missile/m", "MissileSystem", **props))
    nodes.append(_node("mds/shield", "MissileDefenseSystem", range_max_km=1e6))  # defence systems never reach
    nodes.append(_node("missile/theirs", "MissileSystem", range_max_km=1e6))  # another state's: never measured
    edges += [_edge("state/PRK", "DEVELOPS", "missile/m"), _edge("state/PRK", "DEPLOYS", "mds/shield"),
              _edge("state/XXX", "DEVELOPS", "missile/theirs")]
    return nodes, edges


def _targets():
    return {f"place/e{lon}": distance_km(*SITE, SITE[0], float(lon)) for lon in (130, 135, 140, 150, 170)}


def test_launch_sites_are_dprk_sites():
    nodes, edges = world(1000)
    assert [n["key"] for n in launch_sites(nodes, edges)] == ["place/site"]


@pytest.mark.parametrize("range_max", [100, 600, 1100, 2500, 5000])
def test_reach_is_exactly_the_places_within_range(range_max):
    nodes, edges = world(range_max)
    got = {e["dst"]: e for e in reach_edges(nodes, edges)}
    want = {k for k, d in _targets().items() if d <= range_max}
    assert set(got) == want
    for key, e in got.items():
        assert e["src"] == "missile/m" and e["type"] == "CAN_REACH"
        p = e["props"]
        assert p["distance_km"] == pytest.approx(_targets()[key], abs=0.05)
        assert p["margin_km"] == pytest.approx(range_max - _targets()[key], abs=0.1)
        assert p["from_site"] == "place/site"
        assert p["sources"] == ["src/range-estimate"]


def test_just_short_does_not_reach():
    d = _targets()["place/e140"]
    short = {e["dst"] for e in reach_edges(*world(d - 1.0))}
    long = {e["dst"] for e in reach_edges(*world(d + 1.0))}
    assert "place/e140" not in short
    assert "place/e140" in long


def test_max_only_when_only_the_maximum_estimate_reaches():
    d = _targets()["place/e140"]
    edges = {e["dst"]: e["props"] for e in reach_edges(*world(d + 500, range_min=d - 500))}
    assert edges["place/e140"]["max_only"] is True
    assert edges["place/e130"]["max_only"] is False  # even the minimum estimate covers the nearest place
    edges = {e["dst"]: e["props"] for e in reach_edges(*world(d + 500))}
    assert edges["place/e140"]["max_only"] is False  # no minimum estimate: nothing to say it falls short


def test_only_the_dprks_own_systems_are_measured():
    """A system another state develops (South Korea's Hyunmoo) reaches nothing from DPRK sites; one the
    DPRK operates or deploys without developing it (a Soviet Scud) does."""
    nodes, edges = world(5000)
    assert {e["src"] for e in reach_edges(nodes, edges)} == {"missile/m"}
    edges = [e for e in edges if e["dst"] != "missile/m"] + [_edge("state/PRK", "OPERATES", "missile/m")]
    assert {e["src"] for e in reach_edges(nodes, edges)} == {"missile/m"}
    edges = [e for e in edges if e["dst"] != "missile/m"]
    assert reach_edges(nodes, edges) == []


def test_no_launch_site_no_reach():
    nodes, edges = world(5000)
    edges = [e for e in edges if e["src"] != "place/site"]
    assert reach_edges(nodes, edges) == []


def test_curated_reach_matches_great_circle(built):
    """On the curated build: every CAN_REACH is within range, and every place clearly within the
    range of a system (by an independent sphere distance, 1% margin) is reached."""
    sites = built.query("MATCH (p:Place)-[:LOCATED_IN]->(:State {key: 'state/PRK'}) "
                        "WHERE p.latitude IS NOT NULL AND (p:LaunchSite OR (:Event)-[:LAUNCHED_FROM]->(p)) "
                        "RETURN DISTINCT p.key AS key, p.latitude AS lat, p.longitude AS lon")
    places = built.query("MATCH (p:Place) WHERE p.latitude IS NOT NULL AND NOT (p)-[:LOCATED_IN]->(:State {key: 'state/PRK'}) "
                         "RETURN p.key AS key, p.latitude AS lat, p.longitude AS lon")
    systems = built.query("MATCH (:State {key: 'state/PRK'})-[:DEVELOPS|OPERATES|DEPLOYS]->(m:WeaponSystem) "
                          "WHERE m.range_max_km IS NOT NULL AND NOT m:MissileDefenseSystem "
                          "RETURN DISTINCT m.key AS key, m.range_max_km AS range")
    reach = built.query("MATCH (m:WeaponSystem)-[r:CAN_REACH]->(p:Place) RETURN m.key AS m, p.key AS p, "
                        "r.distance_km AS d, r.margin_km AS margin")
    assert sites and places and systems and reach
    nearest = {p["key"]: min(haversine_km(s["lat"], s["lon"], p["lat"], p["lon"]) for s in sites) for p in places}
    got = {(r["m"], r["p"]) for r in reach}
    rng = {s["key"]: s["range"] for s in systems}
    for r in reach:
        assert r["d"] <= rng[r["m"]] and r["margin"] == pytest.approx(rng[r["m"]] - r["d"], abs=0.11)
        assert r["d"] == pytest.approx(nearest[r["p"]], rel=0.01)
    for m, range_max in rng.items():
        for p, d in nearest.items():
            if d < 0.99 * range_max:
                assert (m, p) in got, f"{m} ({range_max} km) should reach {p} ({d:.0f} km)"
            elif d > 1.01 * range_max:
                assert (m, p) not in got, f"{m} ({range_max} km) should not reach {p} ({d:.0f} km)"
