"""Network and table exports: GraphML (networks), CSV, JSON and Parquet (any list of records).

GraphML is written with ``xml.etree`` (no graph library needed) and opens in Gephi,
Cytoscape, yEd and networkx. Parquet needs ``pyarrow``, imported only when used.
CSV cells pass through ``cells.spreadsheet_cell`` (no formula injection); JSON,
Parquet and GraphML are for programs and keep values as they are.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..query.records import Network
from .cells import spreadsheet_cell

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_TYPES = {str: "string", int: "long", float: "double"}
NODE_KEYS = (("label", str), ("kind", str), ("country", str), ("weight", int))
EDGE_KEYS = (("weight", int), ("mean_score", float), ("first", str), ("last", str))


def network_graphml(net: Network) -> str:
    """The network as GraphML: directed for events (source→target), undirected for co-occurrence."""
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    for scope, keys, prefix in (("node", NODE_KEYS, "n"), ("edge", EDGE_KEYS, "e")):
        for name, typ in keys:
            ET.SubElement(root, f"{{{GRAPHML_NS}}}key", {"id": f"{prefix}_{name}", "for": scope, "attr.name": name, "attr.type": _TYPES[typ]})
    graph = ET.SubElement(root, f"{{{GRAPHML_NS}}}graph", {
        "id": f"{net.kind}-{net.level}", "edgedefault": "directed" if net.kind == "events" else "undirected",
    })
    for node in net.nodes:
        el = ET.SubElement(graph, f"{{{GRAPHML_NS}}}node", {"id": node.id})
        for name, _ in NODE_KEYS:
            value = getattr(node, name)
            if value is not None:
                ET.SubElement(el, f"{{{GRAPHML_NS}}}data", {"key": f"n_{name}"}).text = str(value)
    for i, edge in enumerate(net.edges):
        el = ET.SubElement(graph, f"{{{GRAPHML_NS}}}edge", {"id": f"e{i}", "source": edge.source, "target": edge.target})
        for name, _ in EDGE_KEYS:
            value = getattr(edge, name)
            if value is not None:
                ET.SubElement(el, f"{{{GRAPHML_NS}}}data", {"key": f"e_{name}"}).text = repr(value) if isinstance(value, float) else str(value)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def rows_of(records: Iterable[Any]) -> list[dict[str, Any]]:
    """Records (dataclasses with ``to_dict``) or dicts → flat dicts."""
    return [r.to_dict() if hasattr(r, "to_dict") else dict(r) for r in records]


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    out = io.StringIO()
    cols = list(columns or (rows[0].keys() if rows else []))
    writer = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("" if v is None else spreadsheet_cell(v)) for k, v in r.items()})
    return out.getvalue()


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def write_parquet(rows: Sequence[dict[str, Any]], path: str | Path, columns: Sequence[str] | None = None) -> int:
    """Write rows as one Parquet file; returns the number of rows. Column types are inferred."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = list(columns or (rows[0].keys() if rows else []))
    table = pa.table({c: [r.get(c) for r in rows] for c in cols})
    pq.write_table(table, str(path))
    return len(rows)
