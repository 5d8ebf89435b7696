// horizonscan charts: every [data-chart] element fetches JSON from data-src (the page's own
// filters) and draws it with ECharts. Clicking a mark follows data-link with the mark's values,
// so every number leads back to the events behind it. No inline scripts (CSP).
"use strict";

(function () {
  const charts = {};
  window.hsCharts = charts; // read by the browser tests

  const COOP = [26, 127, 55], NEUTRAL = [138, 143, 152], CONFLICT = [198, 40, 40];

  function scoreColour(score) {
    // -10 (conflict) … +10 (cooperation) → red … grey … green
    const s = Math.max(-1, Math.min(1, (score || 0) / 5));
    const [a, b] = s >= 0 ? [NEUTRAL, COOP] : [NEUTRAL, CONFLICT];
    const t = Math.abs(s);
    const c = a.map((v, i) => Math.round(v + (b[i] - v) * t));
    return `rgb(${c[0]},${c[1]},${c[2]})`;
  }

  async function getJSON(url) {
    const res = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!res.ok) throw new Error(`${res.status} ${url}`);
    return res.json();
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(values[k] ?? ""));
  }

  function follow(el, values) {
    const link = el.dataset.link;
    if (link) window.location.assign(fill(link, values));
  }

  function empty(el, text) {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = text;
    el.replaceChildren(p);
  }

  // world-atlas keeps shapes whole across the antimeridian (d3 cuts them while projecting),
  // but ECharts draws longitude and latitude as a plane: a ring stepping from 179.9 to
  // -179.9 (Russia's Chukotka, Fiji, Antarctica) paints a stripe across the whole map.
  // Such rings are made continuous, closed along the pole if they circle it, and drawn
  // twice, once on each side of the map, each clipped to [-180, 180].
  function unwrapRing(ring) {
    const out = [[ring[0][0], ring[0][1]]];
    for (let i = 1; i < ring.length; i++) {
      const prev = out[i - 1][0];
      let lon = ring[i][0];
      while (lon - prev > 180) lon -= 360;
      while (lon - prev < -180) lon += 360;
      out.push([lon, ring[i][1]]);
    }
    const drift = out[out.length - 1][0] - out[0][0];
    if (Math.abs(drift) > 180) {  // circles a pole: go down to it and back along the map's edge
      const pole = out.reduce((sum, p) => sum + p[1], 0) < 0 ? -90 : 90;
      out.push([out[out.length - 1][0], pole], [out[0][0], pole], [out[0][0], out[0][1]]);
    }
    return out;
  }

  // A step of more than half the globe, except along a pole (the map's own edge).
  function crosses(ring) {
    return ring.some((p, i) => i > 0 && Math.abs(p[0] - ring[i - 1][0]) > 180 && !(Math.abs(p[1]) >= 90 && Math.abs(ring[i - 1][1]) >= 90));
  }

  function cutPolygon(rings) {
    if (!rings.some(crosses)) return [rings];
    const parts = rings.map(unwrapRing);
    let min = Infinity, max = -Infinity;
    for (const ring of parts) for (const p of ring) { min = Math.min(min, p[0]); max = Math.max(max, p[0]); }
    const shifts = [0];
    if (max > 180) shifts.push(-360);
    if (min < -180) shifts.push(360);
    return shifts.map((shift) => parts.map((ring) => clipRing(ring.map(([lon, lat]) => [lon + shift, lat]))))
      .map((poly) => poly.filter((ring) => ring.length >= 4))
      .filter((poly) => poly.length && poly[0].length >= 4);
  }

  // Sutherland–Hodgman clipping of a ring to -180 <= lon <= 180 (a strip is convex), so
  // the part of a shape beyond the edge is cut off where it crosses, not squashed onto it.
  function clipRing(ring) {
    let out = ring;
    for (const [edge, inside] of [[180, (x) => x <= 180], [-180, (x) => x >= -180]]) {
      const input = out;
      out = [];
      for (let i = 0; i < input.length; i++) {
        const cur = input[i], prev = input[(i + input.length - 1) % input.length];
        const cross = () => [edge, prev[1] + (cur[1] - prev[1]) * (edge - prev[0]) / (cur[0] - prev[0])];
        if (inside(cur[0])) {
          if (!inside(prev[0])) out.push(cross());
          out.push(cur);
        } else if (inside(prev[0])) {
          out.push(cross());
        }
      }
    }
    if (out.length && (out[0][0] !== out[out.length - 1][0] || out[0][1] !== out[out.length - 1][1])) out.push(out[0].slice());
    return out;
  }

  function cutAtAntimeridian(collection) {
    for (const f of collection.features) {
      const g = f.geometry;
      if (!g) continue;
      const polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : null;
      if (!polygons) continue;
      const cut = polygons.flatMap(cutPolygon);
      f.geometry = cut.length === 1 ? { type: "Polygon", coordinates: cut[0] } : { type: "MultiPolygon", coordinates: cut };
    }
    return collection;
  }

  // ECharts lays a chart out from its element's box. A box of zero width or height (not laid
  // out yet, collapsed, or a viewport briefly resized, e.g. while a full-page screenshot is
  // taken) gives a singular transform: the geo coordinate system of the maps then inverts it
  // to null and throws "Cannot read properties of null (reading '0')". Under CPU load such a
  // moment lines up with a draw or a resize often enough to matter, so charts are drawn and
  // resized only while their element has a real box.
  function sized(el) {
    return el.clientWidth > 0 && el.clientHeight > 0;
  }

  function whenSized(el) {
    if (sized(el)) return Promise.resolve();
    return new Promise((resolve) => {
      const watch = new ResizeObserver(() => { if (sized(el)) { watch.disconnect(); resolve(); } });
      watch.observe(el);
    });
  }

  async function initChart(el) {
    await whenSized(el);
    return echarts.init(el);
  }

  // Each chart follows its own element's box (window resizes included), at most once a
  // frame, and skips boxes of zero size; it catches up when the box comes back.
  const resizer = new ResizeObserver((entries) => {
    for (const { target } of entries) {
      const chart = charts[target.id];
      if (!chart || chart.isDisposed() || !sized(target)) continue;
      if (chart.getWidth() !== target.clientWidth || chart.getHeight() !== target.clientHeight) chart.resize();
    }
  });

  let worldLoaded = null;
  function loadWorld() {
    if (!worldLoaded) {
      worldLoaded = getJSON("/static/vendor/countries-110m.json").then((topo) => {
        const world = cutAtAntimeridian(topojson.feature(topo, topo.objects.countries));
        window.hsWorld = world;  // read by the browser test
        echarts.registerMap("world", world);
      });
    }
    return worldLoaded;
  }

  async function drawMap(el) {
    const [data] = await Promise.all([getJSON(el.dataset.src), loadWorld()]);
    const points = data.items.filter((p) => p.lat !== null && p.lon !== null)
      .map((p) => ({ name: p.name + (p.country ? ` (${p.country})` : ""), value: [p.lon, p.lat, p.count] }));
    const max = Math.max(1, ...points.map((p) => p.value[2]));
    const chart = await initChart(el);
    chart.setOption({
      tooltip: { trigger: "item", formatter: (p) => `${echarts.format.encodeHTML(p.name)}: ${p.value[2]} events` },
      geo: { map: "world", roam: true, itemStyle: { areaColor: "#eef1f4", borderColor: "#9aa4ae" },
             emphasis: { disabled: true } },
      series: [{ type: "scatter", coordinateSystem: "geo", data: points,
                 symbolSize: (v) => 6 + 22 * Math.sqrt(v[2] / max), itemStyle: { color: "#c2410c", opacity: 0.75 } }],
    });
    chart.on("click", (p) => { if (p.seriesType === "scatter") follow(el, { lon: p.value[0], lat: p.value[1] }); });
    if (!points.length) chart.setOption({ title: { text: "No located events", left: "center", top: "middle", textStyle: { color: "#57606a", fontSize: 14 } } });
    return chart;
  }

  // First day (UTC milliseconds) of a timeline period: 2020, 2020-Q2, 2020-03, 2020-W12, 2020-03-30.
  function periodStart(period) {
    let m;
    if ((m = /^(\d{4})-W(\d{2})$/.exec(period))) {
      // ISO week 1 is the week holding January 4th; weeks start on Monday.
      const jan4 = Date.UTC(+m[1], 0, 4);
      const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86400000;
      return monday + (+m[2] - 1) * 7 * 86400000;
    }
    if ((m = /^(\d{4})-Q(\d)$/.exec(period))) return Date.UTC(+m[1], 3 * (+m[2] - 1), 1);
    if ((m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(period))) return Date.UTC(+m[1], m[2] ? +m[2] - 1 : 0, m[3] ? +m[3] : 1);
    return NaN;
  }

  async function drawTimeline(el) {
    const data = await getJSON(el.dataset.src);
    // The API lists empty periods with 0; on a time axis a gap in time stays a gap on screen.
    const periods = [...new Set(data.points.map((p) => p.period))].sort();
    const keys = data.by ? data.keys : [null];
    const series = keys.map((k) => {
      const counts = new Map(data.points.filter((p) => p.key === k).map((p) => [p.period, p.count]));
      return { name: k === null ? "events" : String(k), type: "bar", stack: "all", barMaxWidth: 24,
               data: periods.map((p) => ({ name: p, value: [periodStart(p), counts.get(p) || 0] })) };
    });
    const chart = await initChart(el);
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
                 formatter: (items) => items.length ? echarts.format.encodeHTML(items[0].name) + "<br>" +
                   items.map((i) => `${echarts.format.encodeHTML(i.seriesName)}: ${i.value[1]}`).join("<br>") : "" },
      legend: data.by ? { type: "scroll", top: 0 } : undefined,
      grid: { left: 40, right: 10, top: data.by ? 36 : 10, bottom: 30 },
      xAxis: { type: "time" }, yAxis: { type: "value", minInterval: 1 }, series,
    });
    chart.on("click", (p) => follow(el, { period: p.name }));
    el.dataset.periods = String(periods.length);  // read by the browser test
    if (!periods.length) chart.setOption({ title: { text: "No dated events", left: "center", top: "middle", textStyle: { color: "#57606a", fontSize: 14 } } });
    return chart;
  }

  function eventQuery(side, key) {
    // Node keys are actor ids, or ISO-3 country codes for events without a known actor.
    return /^[A-Z]{3}$/.test(key) ? `${side}_country=${encodeURIComponent(key)}` : `${side}_actor=${encodeURIComponent(key)}`;
  }

  async function showEdgeEvents(el, edge) {
    const box = document.getElementById("edge-events");
    if (!box) return;
    const filter = el.dataset.filter ? el.dataset.filter.replace(/(^|&)level=[^&]*/g, "") : "";
    const url = `/api/v1/events?limit=25&${eventQuery("source", edge.source)}&${eventQuery("target", edge.target)}` + (filter ? `&${filter}` : "");
    const data = await getJSON(url);
    const h = document.createElement("h2");
    h.textContent = `${edge.sourceLabel} → ${edge.targetLabel}: ${edge.weight} events`;
    const list = document.createElement("ul");
    for (const e of data.items) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = e.link || `/documents/${e.document_id}`;
      a.textContent = e.sentence;
      li.append(`${e.date_value || "undated"} ${e.type}: `, a);
      list.append(li);
    }
    box.replaceChildren(h, list);
  }

  async function drawNetwork(el) {
    const data = await getJSON(el.dataset.src);
    const maxW = Math.max(1, ...data.nodes.map((n) => n.weight));
    const labels = new Map(data.nodes.map((n) => [n.id, n.label]));
    const kinds = [...new Set(data.nodes.map((n) => n.kind || "other"))];
    const chart = await initChart(el);
    chart.setOption({
      tooltip: { formatter: (p) => echarts.format.encodeHTML(p.dataType === "edge"
        ? `${labels.get(p.data.source)} → ${labels.get(p.data.target)}: ${p.data.value} events, score ${p.data.score.toFixed(1)}`
        : `${p.data.name}: ${p.data.value} events`) },
      legend: { data: kinds, top: 0 },
      series: [{
        type: "graph", layout: "force", roam: true, draggable: true, edgeSymbol: ["none", "arrow"], edgeSymbolSize: 7,
        force: { repulsion: 220, edgeLength: [60, 180], gravity: 0.08 },
        categories: kinds.map((k) => ({ name: k })),
        label: { show: true, position: "right", fontSize: 11 },
        emphasis: { focus: "adjacency" },
        data: data.nodes.map((n) => ({ id: n.id, name: n.label, value: n.weight, category: kinds.indexOf(n.kind || "other"),
                                       symbolSize: 8 + 30 * Math.sqrt(n.weight / maxW) })),
        links: data.edges.map((e) => ({ source: e.source, target: e.target, value: e.weight, score: e.mean_score || 0,
                                        lineStyle: { color: scoreColour(e.mean_score), width: 1 + Math.log2(1 + e.weight), curveness: 0.15, opacity: 0.85 } })),
      }],
    });
    chart.on("click", (p) => {
      if (p.dataType === "edge") {
        showEdgeEvents(el, { source: p.data.source, target: p.data.target, weight: p.data.value,
                             sourceLabel: labels.get(p.data.source), targetLabel: labels.get(p.data.target) })
          .catch((err) => console.error(err));
      } else if (p.dataType === "node" && !/^[A-Z]{3}$/.test(p.data.id)) {
        window.location.assign(`/actors/${encodeURIComponent(p.data.id)}`);
      }
    });
    if (!data.nodes.length) chart.setOption({ title: { text: "No events between known actors", left: "center", top: "middle", textStyle: { color: "#57606a", fontSize: 14 } } });
    return chart;
  }

  const DRAW = { map: drawMap, timeline: drawTimeline, network: drawNetwork };

  function init() {
    document.querySelectorAll("[data-chart]").forEach((el) => {
      const draw = DRAW[el.dataset.chart];
      if (!draw || typeof echarts === "undefined") return;
      el.dataset.state = "loading";
      draw(el).then((chart) => {
        charts[el.id] = chart;
        resizer.observe(el);
        el.dataset.state = "ready";
      }).catch((err) => { console.error(err); el.dataset.state = "error"; empty(el, "Could not load this chart."); });
    });
    // Upload progress: htmx reports the XHR upload's progress events.
    document.body.addEventListener("htmx:xhr:progress", (evt) => {
      const bar = document.getElementById("upload-progress");
      if (bar && evt.detail.lengthComputable) { bar.hidden = false; bar.value = Math.round(100 * evt.detail.loaded / evt.detail.total); }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
