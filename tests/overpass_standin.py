"""A local stand-in for the Overpass API and Nominatim, serving a real OSM extract (tests only).

It reads a box of a real extract with pyosmium (complete ways, like ``osmium extract
--strategy complete_ways``), writes that cut as ``.osm`` (so the file reader can read the very
same data) and answers:

- ``/api/interpreter`` (GET or POST ``data=``): Overpass QL as osmnx writes it. Each
  ``node|way|relation[...]...`` statement is evaluated on tags (``[k]``, ``[k=v]``, ``[k!=v]``,
  ``[k~re]``, ``[k!~re]``; the ``(poly:…)`` area is ignored – osmnx clips itself); matches are
  returned with their nodes and members (``>``), as Overpass JSON.
- ``/api/status``: a rate-limit status text.
- ``/nominatim/search``: ``format=json`` results with GeoJSON polygons for known place names.

``mode`` switches the server into failure modes: ``"500"`` (HTTP 500 with a text body) or
``"garbage"`` (HTTP 200 with HTML instead of JSON).
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import osmium

_STATEMENT = re.compile(r"\b(node|way|relation)((?:\[[^\]]*\])+)")
_CLAUSE = re.compile(r"""\[(['"])(.*?)\1(?:(=|!=|~|!~)(['"])(.*?)\4)?\]""")


class OsmData:
    """A complete-ways cut of an extract, as Overpass JSON elements keyed by (type, id)."""

    def __init__(self, src: Path, bbox: tuple[float, float, float, float]) -> None:
        west, south, east, north = bbox
        nodes: dict[int, dict] = {}
        ways: dict[int, dict] = {}
        rels: dict[int, dict] = {}
        for obj in osmium.FileProcessor(str(src)):
            tags = dict(obj.tags)
            if obj.is_node():
                node = {"type": "node", "id": obj.id, "lat": obj.location.lat, "lon": obj.location.lon}
                if tags:
                    node["tags"] = tags
                nodes[obj.id] = node
            elif obj.is_way():
                ways[obj.id] = {
                    "type": "way",
                    "id": obj.id,
                    "nodes": [n.ref for n in obj.nodes],
                    "tags": tags,
                }
            elif obj.is_relation():
                members = [
                    {"type": {"n": "node", "w": "way", "r": "relation"}[m.type], "ref": m.ref, "role": m.role}
                    for m in obj.members
                ]
                rels[obj.id] = {"type": "relation", "id": obj.id, "members": members, "tags": tags}
        inside = {i for i, n in nodes.items() if west <= n["lon"] <= east and south <= n["lat"] <= north}
        keep_ways = {i for i, w in ways.items() if any(r in inside for r in w["nodes"])}
        keep_nodes = set(inside)
        for i in keep_ways:
            keep_nodes.update(ways[i]["nodes"])
        keep_rels = set()
        for i, r in rels.items():
            refs = [(m["type"], m["ref"]) for m in r["members"]]
            ways_ok = all(ref in keep_ways for kind, ref in refs if kind == "way")
            if r["tags"].get("type") == "multipolygon" and ways_ok and any(k == "way" for k, _ in refs):
                keep_rels.add(i)
        self.elements: dict[tuple[str, int], dict] = {}
        for i in sorted(keep_nodes):
            self.elements[("node", i)] = nodes[i]
        for i in sorted(keep_ways):
            self.elements[("way", i)] = ways[i]
        for i in sorted(keep_rels):
            self.elements[("relation", i)] = rels[i]

    @property
    def node_extent(self) -> tuple[float, float, float, float]:
        lons = [e["lon"] for (k, _), e in self.elements.items() if k == "node"]
        lats = [e["lat"] for (k, _), e in self.elements.items() if k == "node"]
        return (min(lons), min(lats), max(lons), max(lats))

    def write_osm(self, path: Path) -> None:
        """Write the cut as .osm XML (pyosmium SimpleWriter) for the file reader."""
        path.unlink(missing_ok=True)
        writer = osmium.SimpleWriter(str(path))
        try:
            for (kind, _), e in self.elements.items():
                tags = e.get("tags", {})
                if kind == "node":
                    writer.add_node(
                        osmium.osm.mutable.Node(id=e["id"], location=(e["lon"], e["lat"]), tags=tags)
                    )
                elif kind == "way":
                    writer.add_way(osmium.osm.mutable.Way(id=e["id"], nodes=e["nodes"], tags=tags))
                else:
                    members = [(m["type"][0], m["ref"], m["role"]) for m in e["members"]]
                    writer.add_relation(osmium.osm.mutable.Relation(id=e["id"], members=members, tags=tags))
        finally:
            writer.close()

    def query(self, ql: str) -> list[dict]:
        """Evaluate the tag filters of an osmnx Overpass query; return matches with nodes and members."""
        found: dict[tuple[str, int], dict] = {}
        for kind, clauses_text in _STATEMENT.findall(ql):
            clauses = _CLAUSE.findall(clauses_text)
            for (ekind, eid), e in self.elements.items():
                if ekind == kind and _matches(e.get("tags", {}), clauses):
                    self._add_recursive(ekind, eid, found)
        order = {"node": 0, "way": 1, "relation": 2}
        return [found[k] for k in sorted(found, key=lambda k: (order[k[0]], k[1]))]

    def _add_recursive(self, kind: str, eid: int, found: dict) -> None:
        key = (kind, eid)
        if key in found or key not in self.elements:
            return
        e = self.elements[key]
        found[key] = e
        if kind == "way":
            for ref in e["nodes"]:
                self._add_recursive("node", ref, found)
        elif kind == "relation":
            for m in e["members"]:
                self._add_recursive(m["type"], m["ref"], found)


def _matches(tags: dict[str, str], clauses: list[tuple[str, str, str, str, str]]) -> bool:
    for _q, key, op, _q2, value in clauses:
        have = tags.get(key)
        if not op:
            ok = have is not None
        elif op == "=":
            ok = have == value
        elif op == "!=":
            ok = have != value
        elif op == "~":
            ok = have is not None and re.search(value, have) is not None
        else:  # "!~": absent keys pass, as in Overpass
            ok = have is None or re.search(value, have) is None
        if not ok:
            return False
    return True


class StandIn:
    """The running server: ``base_url``, ``overpass_url``, ``nominatim_url``, ``mode``, ``requests``."""

    def __init__(self, data: OsmData, places: dict[str, tuple[float, float, float, float]]) -> None:
        self.data = data
        self.places = places
        self.mode = "ok"
        self.requests: list[str] = []
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # noqa: A002 - silence the default stderr log
                pass

            def do_GET(self):
                url = urlparse(self.path)
                self._answer(url.path, parse_qs(url.query))

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                url = urlparse(self.path)
                self._answer(url.path, parse_qs(body) | parse_qs(url.query))

            def _send(self, status: int, body: str, ctype: str) -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _answer(self, path: str, params: dict[str, list[str]]) -> None:
                standin.requests.append(path)
                if standin.mode == "500":
                    return self._send(500, "Internal Server Error: database is restarting", "text/plain")
                if standin.mode == "garbage":
                    return self._send(200, "<html><body>Bad gateway</body></html>", "text/html")
                if path == "/api/status":
                    return self._send(
                        200, "Connected as: 1\nRate limit: 0\n2 slots available now.\n", "text/plain"
                    )
                if path == "/api/interpreter":
                    ql = params.get("data", [""])[0]
                    body = {"version": 0.6, "generator": "atlas stand-in", "elements": standin.data.query(ql)}
                    return self._send(200, json.dumps(body), "application/json")
                if path == "/nominatim/search":
                    return self._send(
                        200, json.dumps(standin.search(params.get("q", [""])[0])), "application/json"
                    )
                return self._send(404, "not found", "text/plain")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        port = self.server.server_address[1]
        self.base_url = f"http://127.0.0.1:{port}"
        self.overpass_url = f"{self.base_url}/api"
        self.nominatim_url = f"{self.base_url}/nominatim/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def search(self, q: str) -> list[dict]:
        box = self.places.get(q.strip().lower())
        if box is None:
            return []
        w, s, e, n = box
        ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
        return [
            {
                "place_id": 1,
                "licence": "Data © OpenStreetMap contributors, ODbL 1.0",
                "osm_type": "relation",
                "osm_id": 1,
                "lat": str((s + n) / 2),
                "lon": str((w + e) / 2),
                "class": "boundary",
                "type": "administrative",
                "place_rank": 20,
                "importance": 0.5,
                "addresstype": "suburb",
                "name": q,
                "display_name": q,
                "boundingbox": [str(s), str(n), str(w), str(e)],
                "geojson": {"type": "Polygon", "coordinates": [ring]},
            }
        ]

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
