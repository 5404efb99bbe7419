"""Missile reach: geodesic distances (WGS84, geographiclib) from the DPRK's launch sites to every
place, and derived CAN_REACH relationships where the maximum range of a system the DPRK develops,
operates or deploys covers them. Other states' systems (South Korea's Hyunmoo, Japan's PAC-3) keep
their ranges as data and are never measured from DPRK sites."""

from __future__ import annotations

import hashlib

from geographiclib.geodesic import Geodesic

HOME = "state/PRK"
ARSENAL = ("DEVELOPS", "OPERATES", "DEPLOYS")  # HOME -[one of these]-> a system it can fire


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance on the WGS84 ellipsoid, in km."""
    return Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)["s12"] / 1000.0


def _classes(node) -> set:
    return set(node["labels"])


def launch_sites(nodes, edges) -> list[dict]:
    """Places in the DPRK that a missile or rocket was launched from, or LaunchSites located in it.
    A nuclear test's site (LAUNCHED_FROM a NuclearTest) launches nothing: Punggye-ri is no launch site."""
    by_key = {n["key"]: n for n in nodes}
    in_prk = {e["src"] for e in edges if e["type"] == "LOCATED_IN" and e["dst"] == HOME}
    used = {e["dst"] for e in edges if e["type"] == "LAUNCHED_FROM"
            and "NuclearTest" not in by_key.get(e["src"], {"labels": []})["labels"]}
    sites = []
    for key in sorted(in_prk):
        node = by_key.get(key)
        if node and "latitude" in node["props"] and "longitude" in node["props"] and (
                key in used or "LaunchSite" in _classes(node)):
            sites.append(node)
    return sites


def reach_edges(nodes, edges) -> list[dict]:
    """CAN_REACH edges, each with distance, margin, the site measured from, and the system's sources."""
    sites = launch_sites(nodes, edges)
    if not sites:
        return []
    in_prk = {e["src"] for e in edges if e["type"] == "LOCATED_IN" and e["dst"] == HOME}
    targets = [n for n in nodes if "Place" in _classes(n) and n["key"] not in in_prk
               and "latitude" in n["props"] and "longitude" in n["props"]]
    arsenal = {e["dst"] for e in edges if e["src"] == HOME and e["type"] in ARSENAL}
    systems = [n for n in nodes if "WeaponSystem" in _classes(n) and "MissileDefenseSystem" not in _classes(n)
               and n["key"] in arsenal and n["props"].get("range_max_km") is not None]
    out = []
    for target in sorted(targets, key=lambda n: n["key"]):
        tp = target["props"]
        best = min((distance_km(s["props"]["latitude"], s["props"]["longitude"], tp["latitude"], tp["longitude"]), s["key"])
                    for s in sites)
        dist, site = best
        for system in sorted(systems, key=lambda n: n["key"]):
            sp = system["props"]
            rmax = float(sp["range_max_km"])
            if rmax < dist:
                continue
            rmin = sp.get("range_min_km")
            key = "stmt/reach-" + hashlib.sha1(f"{system['key']}|{target['key']}".encode()).hexdigest()[:12]
            props = {"key": key, "distance_km": round(dist, 1), "margin_km": round(rmax - dist, 1),
                     "max_only": bool(rmin is not None and float(rmin) < dist), "from_site": site,
                     "sources": sp.get("sources", [])}
            out.append({"type": "CAN_REACH", "key": key, "src": system["key"], "dst": target["key"], "props": props})
    return out
