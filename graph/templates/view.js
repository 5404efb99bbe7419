/* Peninsula view: every text from the data goes through textContent; never innerHTML. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("pen-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  var classInfo = {}, typeInfo = {};
  D.classes.forEach(function (c) { classInfo[c.name] = c; });
  D.types.forEach(function (t) { typeInfo[t.type] = t; });
  var nodeByKey = new Map(), edgeById = new Map(), adjacency = new Map();
  D.nodes.forEach(function (n) { nodeByKey.set(n.id, n); adjacency.set(n.id, []); n._shown = true; });
  D.edges.forEach(function (e) {
    edgeById.set(e.id, e); e._shown = true;
    adjacency.get(e.from).push(e); if (e.to !== e.from) adjacency.get(e.to).push(e);
  });
  var state = { from: D.initial.from, to: D.initial.to, mode: "window", present: false, noLegend: false, noInsp: false, hiddenClasses: new Set(), hiddenTypes: new Set(D.hiddenTypes || []), selected: null, group: null };
  var defaultHiddenTypes = (D.hiddenTypes || []).slice().sort().join(",");

  function span(a, b) {
    if (a === null && b === null) return "";
    if (a === b) return String(a);
    return (a === null ? "…" : a) + "–" + (b === null ? "" : b);
  }
  function asList(v) { return v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]; }
  function nodeTip(n) {
    var d = el("div", null, "pen-tip");
    d.appendChild(el("b", n.name));
    var ko = n.props.name_ko; if (ko) d.appendChild(el("div", asList(ko).join(", ")));
    var c = classInfo[n.cls]; d.appendChild(el("div", c ? c.label : n.cls));
    var s = span(n.y0, n.y1); if (s) d.appendChild(el("div", s));
    return d;
  }
  function edgeTip(e) {
    var d = el("div", null, "pen-tip"), t = typeInfo[e.type];
    d.appendChild(el("b", nodeByKey.get(e.from).name + " → " + (t ? t.label : e.type) + " → " + nodeByKey.get(e.to).name));
    var s = span(e.y0, e.y1); if (s) d.appendChild(el("div", s));
    if (e.props.note) d.appendChild(el("div", e.props.note));
    return d;
  }

  // ---------------------------------------------------------------- the network
  var large = D.large;
  var nodes = new vis.DataSet(D.nodes.map(function (n) {
    var c = classInfo[n.cls] || { color: "#999999", shape: "dot" };
    // "box" draws as a square with its label below, like the legend swatch, so size follows the score
    var shape = c.shape === "box" ? "square" : c.shape;
    return {
      id: n.id, label: n.label, x: n.x, y: n.y, size: n.size, shape: shape, title: nodeTip(n),
      color: { background: c.color, border: c.color, highlight: { background: c.color, border: "#111" }, hover: { background: c.color, border: "#111" } },
      font: n.vadj ? { size: n.font, vadjust: n.vadj } : { size: n.font },
      borderWidth: 1, hidden: false
    };
  }));
  var edges = new vis.DataSet(D.edges.map(function (e) {
    var t = typeInfo[e.type] || { color: "#7f8c8d", dashes: false, arrows: true };
    return {
      id: e.id, from: e.from, to: e.to, title: edgeTip(e), dashes: t.dashes, width: 1.8,
      color: { color: t.color, highlight: t.color, hover: t.color, opacity: 0.75 },
      arrows: t.arrows ? { to: { enabled: true, scaleFactor: 0.5 } } : undefined, hidden: false
    };
  }));
  var network = new vis.Network($("pen-net"), { nodes: nodes, edges: edges }, {
    physics: { enabled: false },
    layout: { improvedLayout: false, randomSeed: 1 },
    interaction: { hover: !large, tooltipDelay: 120, hideEdgesOnDrag: large, hideEdgesOnZoom: large, multiselect: true, navigationButtons: false, keyboard: false },
    nodes: { font: { size: 15, face: "system-ui, 'Peninsula Hangul', sans-serif", color: "#1f2933", strokeWidth: 4, strokeColor: "#ffffff" },
             scaling: { label: { enabled: false, drawThreshold: D.labelThreshold || 8 } } },
    edges: { smooth: large ? false : { enabled: true, type: "continuous", roundness: 0.2 }, selectionWidth: 2, hoverWidth: 0.8 }
  });
  $("pen-app").setAttribute("data-drawn", String(nodes.length));

  // vis-network redraws the whole canvas synchronously inside every DataSet update (its
  // startSimulation with physics off): changes go in as one batch with drawing blocked, then one
  // frame is asked for
  function batch(fn) {
    var em = network.body.emitter;
    em.emit("_blockRedraw");
    try { fn(); } finally { em.emit("_allowRedraw"); em.emit("_requestRedraw"); }
  }
  // what changed between two year or legend steps, without vis-network's full pass: a DataSet
  // update rebuilds its physics lists, reconnects every edge and rescans both collections (O(n + m)
  // each, twice a step); hiding only flips the changed items' `hidden` option and sets the two index
  // lists that vis-network draws and picks from (the lists its _updateVisibleIndices would compute)
  function showOnly(nu, eu) {
    var body = network.body;
    nu.forEach(function (u) { body.nodes[u.id].options.hidden = u.hidden; });
    eu.forEach(function (u) { body.edges[u.id].options.hidden = u.hidden; });
    body.nodeIndices = shownIds(D.nodes);
    body.edgeIndices = shownIds(D.edges);
    body.emitter.emit("_requestRedraw");
  }
  function shownIds(items) {
    var out = [];
    for (var i = 0; i < items.length; i++) if (items[i]._shown) out.push(items[i].id);
    return out;
  }
  // a large view draws its edges only while the camera rests: vis-network hides them during a mouse
  // drag or wheel zoom (hideEdgesOnDrag/Zoom) but not while the camera is moved by moveTo or fit
  // (search, focus, a tour step); a frame whose camera moved counts as zooming, and the edges
  // come back in one full frame 200 ms after the last move
  if (large) {
    var lastCam = "", restTimer = null;
    network.on("beforeDrawing", function () {
      var r = network.renderer, v = network.body.view, cam = v.scale + "," + v.translation.x + "," + v.translation.y;
      if (cam === lastCam) return;
      var first = lastCam === "";
      lastCam = cam;
      if (first) return;
      r.zooming = true;
      clearTimeout(restTimer);
      restTimer = setTimeout(function () { r.zooming = false; network.body.emitter.emit("_requestRedraw"); }, 200);
    });
  }
  // edges painted in one stroke per style (colour, opacity, width, dashes) instead of one save,
  // stroke and restore each: the same lines (centre to centre, the same curve), a fraction of the
  // canvas calls; selected, hovered and self-linked edges are still drawn by vis-network on top
  network.renderer._drawEdges = function (ctx) {
    var body = this.body, ids = body.edgeIndices, groups = new Map(), single = [];
    for (var i = 0; i < ids.length; i++) {
      var e = body.edges[ids[i]];
      if (!e.connected) continue;
      var t = e.edgeType;
      if (e.selected || e.hover || t.from === t.to) { single.push(e); continue; }
      var v = e.getFormattingValues();
      if (v.hidden) continue;
      var key = v.color + "|" + v.opacity + "|" + v.width + "|" + v.dashes, g = groups.get(key);
      if (!g) groups.set(key, g = { v: v, color: t.getColor(ctx, v), edges: [] });
      g.edges.push(e);
    }
    var floor = 0.3 / body.view.scale;
    groups.forEach(function (g) {
      ctx.beginPath();
      g.edges.forEach(function (e) {
        var t = e.edgeType, via = t.getViaNode();
        ctx.moveTo(t.from.x, t.from.y);
        if (via && via.x !== undefined) ctx.quadraticCurveTo(via.x, via.y, t.to.x, t.to.y); else ctx.lineTo(t.to.x, t.to.y);
      });
      ctx.strokeStyle = g.color; ctx.lineWidth = Math.max(g.v.width, floor);
      ctx.setLineDash(g.v.dashes ? (Array.isArray(g.v.dashes) ? g.v.dashes : [5, 5]) : []);
      ctx.lineCap = g.v.dashes ? "round" : "butt";
      ctx.stroke();
    });
    ctx.setLineDash([]);
    single.forEach(function (e) { e.draw(ctx); });
  };
  // an arrowhead under 4 px on screen is not drawn: at a far zoom the arrowheads were most of a
  // frame (one canvas fill each) and none of them could be seen
  var drawArrows = network.renderer._drawArrows, ARROW = 15 * 0.5 + 3 * 1.8;
  network.renderer._drawArrows = function (ctx) {
    if (ARROW * network.getScale() >= 4) drawArrows.call(this, ctx);
  };

  // labels never taller than D.labelMax px on screen, at any zoom (vis-network 9.1's maxVisible
  // does not shrink the text): before a frame at a new zoom, the labels over the cap are resized
  var capScale = null;
  network.on("beforeDrawing", function () {
    var scale = network.getScale();
    if (scale === capScale) return;
    capScale = scale;
    var cap = (D.labelMax || 20) / scale, bodyNodes = network.body.nodes;
    D.nodes.forEach(function (n) {
      var vn = bodyNodes[n.id];
      if (!vn || !vn.labelModule) return;
      var want = Math.min(n.font, cap), fo = vn.labelModule.fontOptions;
      if (fo.size === want) return;
      fo.size = want;
      if (n.vadj) fo.vadjust = -(2 * n.size + (2 * D.labelHang + D.labelLine) * want);
      vn.labelModule.labelDirty = true;
      if (vn.shape) vn.shape.refreshNeeded = true;
    });
  });

  // ---------------------------------------------------------------- years and filters
  function validIn(item) {
    return (item.y0 === null || item.y0 <= state.to) && (item.y1 === null || item.y1 >= state.from);
  }
  var visible = new Set();
  // a node with dates of its own shows in its years; one without shows while a link of the period
  // (one with years, or to a dated node) reaches it; a relationship shows in its years (its open ends taken from its nodes) while
  // both its ends show
  function apply(skipHash) {
    var nu = [], eu = [], linked = new Set();
    var all = state.from === null || (state.from <= D.years.min && state.to >= D.years.max);  // every year: everything
    visible = new Set();
    D.nodes.forEach(function (n) { n._cand = !state.hiddenClasses.has(n.cls) && (all || !n.dated || validIn(n)); });
    D.edges.forEach(function (e) {
      var a = nodeByKey.get(e.from), b = nodeByKey.get(e.to);
      e._cand = !state.hiddenTypes.has(e.type) && a._cand && b._cand && (all || validIn(e));
      // a link gives an undated node its presence when the link has years, or its other end has
      if (e._cand && (e.y0 !== null || e.y1 !== null || a.dated)) linked.add(e.to);
      if (e._cand && (e.y0 !== null || e.y1 !== null || b.dated)) linked.add(e.from);
    });
    D.nodes.forEach(function (n) {
      var v = n._cand && (all || n.dated || linked.has(n.id));
      if (v) visible.add(n.id);
      if (v !== n._shown) { n._shown = v; nu.push({ id: n.id, hidden: !v }); }
    });
    var classShown = {}, typeShown = {};
    D.edges.forEach(function (e) {
      var v = e._cand && visible.has(e.from) && visible.has(e.to);
      if (v) typeShown[e.type] = (typeShown[e.type] || 0) + 1;
      if (v !== e._shown) { e._shown = v; eu.push({ id: e.id, hidden: !v }); }
    });
    visible.forEach(function (k) { var c = nodeByKey.get(k).cls; classShown[c] = (classShown[c] || 0) + 1; });
    if (nu.length || eu.length) showOnly(nu, eu);
    document.querySelectorAll(".pen-leg").forEach(function (b) {
      var c = b.getAttribute("data-cls"), t = b.getAttribute("data-type");
      var n = c ? classShown[c] || 0 : typeShown[t] || 0, total = +b.getAttribute("data-count");
      var off = c ? state.hiddenClasses.has(c) : state.hiddenTypes.has(t);
      b.querySelector(".pen-count").textContent = off || n === total ? String(total) : n + "/" + total;
      b.classList.toggle("pen-none", !off && n === 0);
    });
    if (state.selected && !restoring) { showNode(state.selected); if (dimmed) dimAllBut(state.selected); }
    $("pen-shown").textContent = String(visible.size);
    if (D.years.min !== null) {
      var w = Math.max(1, D.years.max - D.years.min), band = $("pen-band");
      band.style.left = ((state.from - D.years.min) / w * 100) + "%";
      band.style.right = ((D.years.max - state.to) / w * 100) + "%";
      fromInput.style.zIndex = state.from >= D.years.max ? "3" : "1";
    }
    $("pen-year-from").textContent = state.from === null ? "all years" : String(state.from);
    $("pen-year-to").textContent = state.to === null ? "" : String(state.to);
    document.querySelectorAll("#pen-hist g").forEach(function (g) {
      var y = +g.getAttribute("data-year");
      g.setAttribute("class", y >= state.from && y <= state.to ? "pen-in" : "");
    });
    document.querySelectorAll("#pen-legend [data-cls]").forEach(function (b) {
      var off = state.hiddenClasses.has(b.getAttribute("data-cls"));
      if (b.type === "checkbox") b.checked = !off; else b.classList.toggle("pen-hidden", off);
    });
    document.querySelectorAll("#pen-legend [data-type]").forEach(function (b) {
      var off = state.hiddenTypes.has(b.getAttribute("data-type"));
      if (b.type === "checkbox") b.checked = !off; else b.classList.toggle("pen-hidden", off);
    });
    if (!skipHash) writeHash();
  }

  var fromInput = $("pen-from"), toInput = $("pen-to");
  function setupTime() {
    var lo = D.years.min, hi = D.years.max;
    if (lo === null) { $("pen-time").hidden = true; return; }
    [fromInput, toInput].forEach(function (i) { i.min = lo; i.max = hi; });
    fromInput.value = state.from; toInput.value = state.to;
    var svg = $("pen-hist"), ns = "http://www.w3.org/2000/svg", n = D.hist.length;
    var top = Math.max(1, Math.max.apply(null, D.hist.map(function (h) { return h[1] + h[2]; })));
    svg.setAttribute("viewBox", "0 0 " + (n * 10) + " 100");
    D.hist.forEach(function (h, i) {
      var g = document.createElementNS(ns, "g"); g.setAttribute("data-year", h[0]);
      var he = 100 * h[1] / top, ho = 100 * h[2] / top;
      [[ho, 100 - ho, "pen-oth"], [he, 100 - ho - he, "pen-ev"]].forEach(function (r) {
        if (!r[0]) return;
        var rect = document.createElementNS(ns, "rect");
        rect.setAttribute("x", i * 10 + 1); rect.setAttribute("width", 8);
        rect.setAttribute("y", r[1]); rect.setAttribute("height", r[0]); rect.setAttribute("class", r[2]);
        g.appendChild(rect);
      });
      var t = document.createElementNS(ns, "title");
      t.textContent = h[0] + ": " + h[1] + " events, " + h[2] + " other changes";
      g.appendChild(t); svg.appendChild(g);
    });
    var ticks = $("pen-ticks"), step = n > 60 ? 10 : n > 25 ? 5 : n > 10 ? 2 : 1;
    D.hist.forEach(function (h, i) {
      var edge = i === 0 || i === n - 1, off = ((h[0] % step) + step) % step;
      if (off !== 0 && !(edge && Math.min(off, step - off) * 2 >= step)) return;
      var s = el("span", h[0]); s.style.left = ((i + 0.5) / n * 100) + "%"; ticks.appendChild(s);
    });
    function onInput(which) {
      var a = +fromInput.value, b = +toInput.value;
      if (a > b) { if (which === "from") { b = a; toInput.value = b; } else { a = b; fromInput.value = a; } }
      state.from = a; state.to = b; apply();
    }
    fromInput.addEventListener("input", function () { onInput("from"); });
    toInput.addEventListener("input", function () { onInput("to"); });
    var timer = null;
    function stop() { clearTimeout(timer); timer = null; $("pen-play").textContent = "▶ Play"; }
    function delay() { return 700 / (+$("pen-speed").value || 1); }
    function advance() {
      if (state.to >= hi) { stop(); return; }
      if (state.mode !== "upto") state.from += 1;
      state.to += 1; fromInput.value = state.from; toInput.value = state.to; apply();
      timer = setTimeout(advance, delay());
    }
    // Play starts at the first event (or the first dated thing): a window of the width now set
    // moves a year a step; "up to year" keeps the start and grows the end
    $("pen-play").addEventListener("click", function () {
      if (timer) { stop(); return; }
      var first = D.firstEvent === null ? lo : D.firstEvent;
      if (state.mode === "upto") {
        if (state.to >= hi || state.from !== lo) { state.from = lo; state.to = first; }
      } else {
        var width = state.to - state.from;
        if (width >= hi - lo) width = 0;
        if (state.to >= hi || state.from < first) { state.from = first; state.to = Math.min(hi, first + width); }
      }
      fromInput.value = state.from; toInput.value = state.to; apply();
      $("pen-play").textContent = "❚❚ Pause";
      timer = setTimeout(advance, delay());
    });
    $("pen-mode").value = state.mode;
    $("pen-mode").addEventListener("change", function () {
      state.mode = $("pen-mode").value;
      if (state.mode === "upto") { state.from = lo; fromInput.value = lo; }
      apply();
    });
  }

  // ---------------------------------------------------------------- legend
  // the checkbox shows or hides a kind; the row selects every visible member (nodes or relationships)
  document.querySelectorAll(".pen-vis[data-cls]").forEach(function (box) {
    var cls = box.getAttribute("data-cls");
    box.addEventListener("change", function () {
      if (box.checked) state.hiddenClasses.delete(cls); else state.hiddenClasses.add(cls);
      apply();
    });
  });
  document.querySelectorAll(".pen-vis[data-type]").forEach(function (box) {
    var t = box.getAttribute("data-type");
    box.addEventListener("change", function () {
      if (box.checked) state.hiddenTypes.delete(t); else state.hiddenTypes.add(t);
      apply();
    });
  });
  document.querySelectorAll(".pen-leg[data-cls]").forEach(function (b) {
    b.addEventListener("click", function () { selectGroup("cls", b.getAttribute("data-cls")); });
  });
  document.querySelectorAll(".pen-leg[data-type]").forEach(function (b) {
    b.addEventListener("click", function () { selectGroup("type", b.getAttribute("data-type")); });
  });

  // ---------------------------------------------------------------- inspector
  var body = $("pen-inspect-body"), empty = $("pen-inspect-empty");
  var SCORES = ["degree", "betweenness", "eigenvector", "community", "broker"];
  var DATE_KEYS = ["date", "valid_from", "valid_to", "date_signed", "date_in_force", "date_terminated", "first_flight", "end_date"];
  var SKIP = { name: 1, name_ko: 1, sources: 1, "class": 1, description: 1 };
  SCORES.concat(DATE_KEYS).forEach(function (k) { SKIP[k] = 1; });
  function propTable(props, extra) {
    var table = el("table", null, "pen-props");
    function row(k, v) {
      if (v === null || v === undefined || v === "") return;
      var tr = el("tr"); tr.appendChild(el("th", k.replace(/_/g, " "))); tr.appendChild(el("td", asList(v).join(", ")));
      table.appendChild(tr);
    }
    (extra || []).forEach(function (kv) { row(kv[0], kv[1]); });
    Object.keys(props).sort().forEach(function (k) { if (!SKIP[k]) row(k, props[k]); });
    return table;
  }
  function sourceList(keys) {
    var wrap = el("div");
    keys = asList(keys);
    if (!keys.length) return wrap;
    wrap.appendChild(el("h2", "Sources"));
    var ul = el("ul", null, "pen-list pen-sources");
    keys.forEach(function (k) {
      var s = D.sources[k] || {}, li = el("li"), label = s.title || s.name || s.symbol || k;
      var url = typeof s.url === "string" ? s.url.trim() : "";
      if (/^https?:\/\//i.test(url)) {
        var a = el("a", label); a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer"; li.appendChild(a);
      } else {
        li.appendChild(el("span", label));
      }
      var meta = [s.publisher, s.date, url ? null : s.symbol].filter(function (x) { return x; }).map(String);
      if (url && s.symbol) meta.push(String(s.symbol));
      if (meta.length) li.appendChild(el("span", meta.join(" · "), "pen-src-meta"));
      ul.appendChild(li);
    });
    wrap.appendChild(ul);
    return wrap;
  }
  function nodeLink(key) {
    var b = el("button", nodeByKey.get(key).name, "pen-link"); b.type = "button";
    b.addEventListener("click", function () { select(key, true); });
    return b;
  }
  function kindBadge(text, color) { var s = el("span", text, "pen-kind"); s.style.background = color; return s; }
  function showNode(key) {
    var n = nodeByKey.get(key), c = classInfo[n.cls] || { label: n.cls, color: "#999" };
    body.replaceChildren(); empty.hidden = true; body.hidden = false;
    body.appendChild(el("h3", n.name));
    if (n.props.name_ko) body.appendChild(el("p", asList(n.props.name_ko).join(", "), "pen-ko"));
    body.appendChild(kindBadge(c.label, c.color));
    // what a teacher reads first: description, dates, sources; then the rest; the scores folded
    if (n.props.description) body.appendChild(el("p", n.props.description, "pen-about"));
    var linked = adjacency.get(key).filter(function (e) { return e.y0 !== null || e.y1 !== null; });
    var starts = linked.map(function (e) { return e.y0; }).filter(function (y) { return y !== null; });
    var ends = linked.map(function (e) { return e.y1; });
    var when = n.dated ? span(n.y0, n.y1) : !linked.length ? "" : span(starts.length ? Math.min.apply(null, starts) : null,
      ends.some(function (y) { return y === null; }) ? null : Math.max.apply(null, ends));
    var dates = el("table", null, "pen-props pen-dates"), dateRow = function (k, v) {
      if (v === null || v === undefined || v === "") return;
      var tr = el("tr"); tr.appendChild(el("th", k)); tr.appendChild(el("td", asList(v).join(", "))); dates.appendChild(tr);
    };
    dateRow(n.dated ? "years" : "years of its links", when);
    DATE_KEYS.forEach(function (k) { dateRow(k.replace(/_/g, " "), n.props[k]); });
    body.appendChild(dates);
    body.appendChild(sourceList(n.props.sources));
    body.appendChild(propTable(n.props, []));
    var scores = el("details", null, "pen-scores"), sum = el("summary", "Network scores");
    scores.appendChild(sum);
    var st = el("table", null, "pen-props");
    [["key", n.id]].concat(SCORES.map(function (k) { return [k, n.props[k]]; })).forEach(function (kv) {
      if (kv[1] === null || kv[1] === undefined) return;
      var tr = el("tr"); tr.appendChild(el("th", kv[0])); tr.appendChild(el("td", String(kv[1]))); st.appendChild(tr);
    });
    scores.appendChild(st); body.appendChild(scores);
    var rels = adjacency.get(key), now = rels.filter(function (e) { return e._shown; });
    var other = rels.filter(function (e) { return !e._shown; });
    function relList(list) {
      var ul = el("ul", null, "pen-list");
      list.slice(0, 200).forEach(function (e) {
        var li = el("li"), t = typeInfo[e.type], out = e.from === key;
        li.appendChild(el("span", (out ? "" : "← ") + (t ? t.label : e.type) + (out ? " → " : " ")));
        li.appendChild(nodeLink(out ? e.to : e.from));
        var s = span(e.y0, e.y1); if (s) li.appendChild(el("span", " (" + s + ")", "pen-muted"));
        var more = el("button", "details", "pen-link pen-muted"); more.type = "button";
        more.addEventListener("click", function () { showEdge(e.id); });
        li.appendChild(more);
        ul.appendChild(li);
      });
      return ul;
    }
    if (rels.length) {
      body.appendChild(el("h2", "Relationships shown (" + now.length + ")"));
      body.appendChild(relList(now));
    }
    if (other.length) {
      var det = el("details", null, "pen-other"), sum = el("summary", other.length + " more, in other years or hidden kinds");
      det.appendChild(sum); det.appendChild(relList(other)); body.appendChild(det);
    }
  }
  function showEdge(id) {
    var e = edgeById.get(id), t = typeInfo[e.type] || { label: e.type, color: "#999", family: "" };
    body.replaceChildren(); empty.hidden = true; body.hidden = false;
    var h = el("h3"); h.appendChild(nodeLink(e.from)); h.appendChild(el("span", " " + t.label + " ")); h.appendChild(nodeLink(e.to));
    body.appendChild(h);
    body.appendChild(kindBadge(t.family + (t.derived ? " (derived)" : ""), t.color));
    body.appendChild(propTable(e.props, [["type", e.type], ["years", span(e.y0, e.y1)]]));
    body.appendChild(sourceList(e.props.sources));
  }
  function showGroup(kind, name) {
    var info = kind === "cls" ? classInfo[name] : typeInfo[name];
    if (!info) return;
    body.replaceChildren(); empty.hidden = true; body.hidden = false;
    var items = kind === "cls"
      ? D.nodes.filter(function (n) { return n.cls === name; })
      : D.edges.filter(function (e) { return e.type === name; });
    var shown = items.filter(function (x) { return x._shown; });
    body.appendChild(el("h3", info.label));
    body.appendChild(kindBadge(shown.length + " of " + items.length + " shown", info.color));
    var ul = el("ul", null, "pen-list");
    shown.slice(0, 300).forEach(function (x) {
      var li = el("li");
      if (kind === "cls") { li.appendChild(nodeLink(x.id)); }
      else {
        li.appendChild(nodeLink(x.from)); li.appendChild(el("span", " → "));
        li.appendChild(nodeLink(x.to));
      }
      var s = span(x.y0, x.y1); if (s) li.appendChild(el("span", " (" + s + ")", "pen-muted"));
      ul.appendChild(li);
    });
    body.appendChild(ul);
  }
  function selectGroup(kind, name, quiet) {
    state.selected = null; state.group = kind + ":" + name;
    if (kind === "cls") {
      network.setSelection({ nodes: D.nodes.filter(function (n) { return n.cls === name && n._shown; }).map(function (n) { return n.id; }), edges: [] });
    } else {
      network.setSelection({ nodes: [], edges: D.edges.filter(function (e) { return e.type === name && e._shown; }).map(function (e) { return e.id; }) });
    }
    showGroup(kind, name);
    dimAllBut(null);
    if (!quiet) {
      var members = network.getSelectedNodes().length ? network.getSelectedNodes()
        : Array.from(new Set([].concat.apply([], network.getSelectedEdges().map(function (id) { var e = edgeById.get(id); return [e.from, e.to]; }))));
      if (members.length) network.fit({ nodes: members, animation: { duration: 400 } });
      writeHash();
    }
  }
  function clearInspector() { body.hidden = true; empty.hidden = false; body.replaceChildren(); }
  // focus: a selected node and its neighbourhood stay bright, the rest dims; the camera fits them
  var dimmed = false;
  function edgeColor(e, opacity) {
    var t = typeInfo[e.type] || { color: "#7f8c8d" };
    return { color: t.color, highlight: t.color, hover: t.color, opacity: opacity };
  }
  function dimAllBut(key) {
    var keep = new Set([key]), keepEdges = new Set();
    if (key !== null) adjacency.get(key).forEach(function (e) {
      if (e._shown) { keep.add(e.from); keep.add(e.to); keepEdges.add(e.id); }
    });
    if (key === null && !dimmed) return keep;
    dimmed = key !== null;
    batch(function () {
      nodes.update(D.nodes.map(function (n) { return { id: n.id, opacity: key === null || keep.has(n.id) ? 1 : 0.15 }; }));
      edges.update(D.edges.map(function (e) { return { id: e.id, color: edgeColor(e, key === null ? 0.75 : keepEdges.has(e.id) ? 0.95 : 0.06) }; }));
    });
    return keep;
  }
  function select(key, focus) {
    if (!nodeByKey.has(key)) return;
    state.selected = key; state.group = null;
    network.selectNodes([key]);
    showNode(key);
    var keep = dimAllBut(key);
    if (focus) network.fit({ nodes: Array.from(keep).filter(function (k) { return visible.has(k); }), animation: { duration: 400 } });
    writeHash();
  }
  network.on("click", function (p) {
    if (p.nodes.length) { select(p.nodes[0], false); return; }
    state.selected = null; state.group = null;
    dimAllBut(null);
    if (p.edges.length) { showEdge(p.edges[0]); writeHash(); return; }
    clearInspector(); writeHash();
  });

  // ---------------------------------------------------------------- search (name, Hangul name, aliases, key)
  // ranking: a name or alias equal to the query, then one starting with it, then a word starting
  // with it, then anywhere; ties: shown in these years first, then more links, then by name
  D.nodes.forEach(function (n) {
    // every name and alias in every language (name_ko, alias, alias_ko, ...)
    var names = [n.name];
    Object.keys(n.props).sort().forEach(function (k) {
      if (/^(name|alias)(_|$)/.test(k)) names = names.concat(asList(n.props[k]));
    });
    n._names = names.concat([n.id])
      .map(function (x) { return String(x).normalize("NFC").toLowerCase(); });
  });
  function matchRank(n, q) {
    var best = 4;
    n._names.forEach(function (s) {
      var i = s.indexOf(q);
      if (i < 0) return;
      var r = s === q ? 0 : i === 0 ? 1 : /[\s\-–(/'"“]/.test(s.charAt(i - 1)) ? 2 : 3;
      if (r < best) best = r;
    });
    return best;
  }
  var search = $("pen-search"), results = $("pen-results"), hits = [];
  function yearsText() { return state.from === null ? "" : state.from === state.to ? String(state.from) : state.from + "–" + state.to; }
  function runSearch() {
    var q = search.value.trim().normalize("NFC").toLowerCase();
    results.replaceChildren();
    hits = [];
    if (!q) { results.hidden = true; return; }
    var found = [];
    D.nodes.forEach(function (n) { var r = matchRank(n, q); if (r < 4) found.push([r, visible.has(n.id) ? 0 : 1, -n.deg, n.name, n]); });
    found.sort(function (a, b) {
      for (var i = 0; i < 4; i++) { if (a[i] < b[i]) return -1; if (a[i] > b[i]) return 1; }
      return 0;
    });
    results.hidden = false;
    if (!found.length) { results.appendChild(el("li", "No match for “" + search.value.trim() + "”", "pen-nomatch")); return; }
    var active = false;
    found.slice(0, 15).forEach(function (f) {
      var n = f[4], shown = visible.has(n.id), li = el("li", n.name); li.setAttribute("data-key", n.id);
      var c = classInfo[n.cls];
      if (shown) {
        hits.push(n);
        if (!active) { li.classList.add("pen-active"); active = true; }
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(n.id); });
      } else {
        li.classList.add("pen-off"); li.setAttribute("aria-disabled", "true");
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
      }
      li.appendChild(el("small", (c ? c.label : n.cls) + (shown ? "" : " · not shown in " + (yearsText() || "this view") + ": change the years or kinds")));
      results.appendChild(li);
    });
    if (found.length > 15) results.appendChild(el("li", (found.length - 15) + " more: type more letters", "pen-nomatch"));
  }
  function pick(key) { results.hidden = true; select(key, true); }
  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && hits.length) pick(hits[0].id);
    if (ev.key === "Escape") { results.hidden = true; }
  });
  search.addEventListener("blur", function () { results.hidden = true; });

  // ---------------------------------------------------------------- state in the URL hash
  var hashTimer = null, restoring = true;
  function writeHash() {
    if (restoring) return;
    clearTimeout(hashTimer);
    hashTimer = setTimeout(function () {
      var p = new URLSearchParams();
      if (state.from !== null) p.set("years", state.from + "-" + state.to);
      if (state.mode === "upto") p.set("mode", "upto");
      if (state.present) p.set("present", "1");
      if (D.tour && tourStep >= 0) p.set("step", String(tourStep + 1));
      var panels = (state.noLegend ? "" : "l") + (state.noInsp ? "" : "i");
      if (panels !== (state.present ? "" : "li")) p.set("panels", panels || "none");
      if (state.hiddenClasses.size) p.set("hide", Array.from(state.hiddenClasses).join(","));
      var hiddenTypes = Array.from(state.hiddenTypes).sort().join(",");
      if (hiddenTypes !== defaultHiddenTypes) p.set("hidetypes", hiddenTypes);  // "" = every type shown
      if (state.selected) p.set("sel", state.selected);
      else if (state.group) p.set("group", state.group);
      var pos = network.getViewPosition();
      p.set("cam", [pos.x.toFixed(0), pos.y.toFixed(0), network.getScale().toFixed(3)].join(","));
      try { history.replaceState(null, "", "#" + p.toString()); } catch (err) { /* sandboxed frames */ }
    }, 150);
  }
  function readHash() {
    var p = new URLSearchParams(location.hash.replace(/^#/, "")), cam = null;
    var y = /^(-?\d+)-(-?\d+)$/.exec(p.get("years") || "");
    if (y && D.years.min !== null) {
      var clamp = function (v) { return Math.min(D.years.max, Math.max(D.years.min, v)); };
      state.from = clamp(+y[1]); state.to = Math.max(state.from, clamp(+y[2]));
    }
    if (p.get("mode") === "upto") state.mode = "upto";
    state.present = p.get("present") === "1";
    var panels = p.get("panels");
    panels = panels === null ? (state.present ? "" : "li") : panels;
    state.noLegend = panels.indexOf("l") < 0; state.noInsp = panels.indexOf("i") < 0;
    (p.get("hide") || "").split(",").forEach(function (c) { if (classInfo[c]) state.hiddenClasses.add(c); });
    if (p.has("hidetypes")) {
      state.hiddenTypes.clear();
      p.get("hidetypes").split(",").forEach(function (t) { if (typeInfo[t]) state.hiddenTypes.add(t); });
    }
    var c = (p.get("cam") || "").split(",").map(Number);
    if (c.length === 3 && c.every(isFinite) && c[2] > 0) cam = { position: { x: c[0], y: c[1] }, scale: c[2] };
    return { sel: p.get("sel"), group: p.get("group"), cam: cam, step: parseInt(p.get("step") || "1", 10) || 1 };
  }
  var restored = readHash();
  $("pen-app").classList.toggle("pen-present", state.present);
  $("pen-app").classList.toggle("pen-no-legend", state.noLegend);
  $("pen-app").classList.toggle("pen-no-insp", state.noInsp);
  setupTime();
  apply(true);
  network.once("afterDrawing", function () {
    setTimeout(function () {
      if (restored.cam) network.moveTo(restored.cam); else network.fit();
      if (restored.sel && nodeByKey.has(restored.sel)) { state.selected = restored.sel; network.selectNodes([restored.sel]); showNode(restored.sel); dimAllBut(restored.sel); }
      else if (/^(cls|type):/.test(restored.group || "")) { var g = restored.group.split(":"); selectGroup(g[0], g.slice(1).join(":"), true); }
      restoring = false;
      if (D.tour) showStep(restored.step - 1);
      document.body.setAttribute("data-ready", "1");
    }, 0);
  });
  // the embedded Hangul subset loads asynchronously: draw the canvas again once it has
  if (document.fonts && document.fonts.load) {
    document.fonts.load('16px "Peninsula Hangul"', "한").then(function () { network.redraw(); }, function () {});
  }
  network.on("dragEnd", writeHash);
  network.on("zoom", writeHash);
  $("pen-reset").addEventListener("click", function () {
    state.hiddenClasses.clear(); state.hiddenTypes.clear();
    state.from = D.years.min; state.to = D.years.max;
    fromInput.value = state.from; toInput.value = state.to;
    state.selected = null; state.group = null; network.unselectAll(); dimAllBut(null);
    apply(); network.fit(); clearInspector();
  });

  // ---------------------------------------------------------------- tour: steps with next / previous
  var tourStep = -1;
  function showStep(i) {
    var T = D.tour;
    if (!T || !T.steps.length) return;
    i = Math.max(0, Math.min(T.steps.length - 1, i)); tourStep = i;
    var st = T.steps[i];
    if (st.from !== null && D.years.min !== null) {
      state.from = st.from; state.to = st.to; fromInput.value = st.from; toInput.value = st.to;
    }
    state.hiddenClasses = new Set(st.show.length ? D.classes.map(function (c) { return c.name; })
      .filter(function (c) { return st.show.indexOf(c) < 0; }) : []);
    state.selected = null; state.group = null;
    apply(true);
    var keys = st.select.filter(function (k) { return visible.has(k); });
    if (keys.length === 1) { select(keys[0], false); fitBesideCard(keys.concat(neighbours(keys[0]))); }
    else {
      dimAllBut(null); clearInspector();
      network.setSelection({ nodes: keys, edges: [] });
      fitBesideCard(keys.length ? keys : Array.from(visible));
    }
    var box = $("pen-tour-body");
    box.replaceChildren();
    box.appendChild(el("div", "Step " + (i + 1) + " of " + T.steps.length + (st.from === null ? "" : " · " + span(st.from, st.to)), "pen-tour-count"));
    box.appendChild(el("h2", st.title, "pen-tour-title"));
    box.appendChild(el("p", st.text, "pen-tour-text"));
    box.appendChild(sourceList(st.sources));
    $("pen-tour-prev").disabled = i === 0;
    $("pen-tour-next").disabled = i === T.steps.length - 1;
    writeHash();
  }
  function neighbours(key) {
    var out = [];
    adjacency.get(key).forEach(function (e) { if (e._shown) out.push(e.from === key ? e.to : e.from); });
    return out;
  }
  // fit the step's nodes into the part of the network the card leaves free (right of it)
  function fitBesideCard(keys) {
    network.fit({ nodes: keys, animation: false });
    var card = $("pen-tour").getBoundingClientRect(), net = $("pen-net").getBoundingClientRect();
    var free = Math.max(net.width - card.width - 20, net.width * 0.35), scale = network.getScale() * free / net.width;
    var pos = network.getViewPosition();
    network.moveTo({ position: { x: pos.x - (net.width - free) / 2 / scale, y: pos.y }, scale: scale });
  }
  if (D.tour) {
    $("pen-tour").hidden = false;
    $("pen-tour-name").textContent = D.tour.title;
    $("pen-tour-prev").addEventListener("click", function () { showStep(tourStep - 1); });
    $("pen-tour-next").addEventListener("click", function () { showStep(tourStep + 1); });
    document.addEventListener("keydown", function (ev) {
      if (ev.target && /INPUT|SELECT|TEXTAREA/.test(ev.target.tagName)) return;
      if (ev.key === "ArrowRight" || ev.key === "PageDown") showStep(tourStep + 1);
      if (ev.key === "ArrowLeft" || ev.key === "PageUp") showStep(tourStep - 1);
    });
  }

  // ---------------------------------------------------------------- panels, presentation, tooltip
  var app = $("pen-app");
  function layoutPanels(refit) {
    app.classList.toggle("pen-present", state.present);
    app.classList.toggle("pen-no-legend", state.noLegend);
    app.classList.toggle("pen-no-insp", state.noInsp);
    $("pen-present").setAttribute("aria-pressed", String(state.present));
    $("pen-toggle-legend").setAttribute("aria-pressed", String(!state.noLegend));
    $("pen-toggle-insp").setAttribute("aria-pressed", String(!state.noInsp));
    setTimeout(function () { network.redraw(); if (refit) network.fit({ nodes: Array.from(visible) }); }, 0);
  }
  $("pen-toggle-legend").addEventListener("click", function () { state.noLegend = !state.noLegend; layoutPanels(false); writeHash(); });
  $("pen-toggle-insp").addEventListener("click", function () { state.noInsp = !state.noInsp; layoutPanels(false); writeHash(); });
  $("pen-present").addEventListener("click", function () {
    state.present = !state.present;
    state.noLegend = state.present; state.noInsp = state.present;
    layoutPanels(true); writeHash();
  });
  // a tooltip never outlives the pointer: it goes when the pointer leaves the network, drags or zooms
  function hideTip() {
    var h = network.interactionHandler;
    if (h && h.popup) { h.popup.hide(); h.popupObj = undefined; }
    document.querySelectorAll("div.vis-tooltip").forEach(function (t) { t.style.visibility = "hidden"; });
  }
  $("pen-net").addEventListener("mouseleave", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);
  network.on("blurNode", hideTip);

  window.peninsula = {
    network: network, nodes: nodes, edges: edges, data: D, state: state,
    visibleNodeKeys: function () { return shownIds(D.nodes).sort(); },
    step: function () { return tourStep + 1; },
    setYears: function (a, b) { fromInput.value = a; toInput.value = b; state.from = a; state.to = b; apply(); },
    select: function (key) { select(key, true); }
  };
})();
