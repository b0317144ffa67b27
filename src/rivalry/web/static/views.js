// Draws the pictures of a page from its embedded JSON (<script type="application/json">):
// timeline, chart, map and network, switchable by tabs like WDQS's result views. Everything
// loads from this site's own /static; without JavaScript the page's tables remain.
(function () {
  "use strict";
  var NAMES = { timeline: "Timeline", chart: "Chart", map: "Map", network: "Network", table: "Table" };
  var ORDER = ["timeline", "chart", "map", "network"];
  var staticRoot = document.body.getAttribute("data-static") || "/static/";

  function go(href) { if (href) window.location.href = href; }

  function pad(items, side) {
    var times = items.map(function (i) { return Date.parse(i.date); });
    var lo = Math.min.apply(null, times), hi = Math.max.apply(null, times);
    var margin = Math.max((hi - lo) * 0.05, 90 * 864e5);
    return side < 0 ? lo - margin : hi + margin;
  }

  function timeline(el, items) {
    var chart = echarts.init(el);
    var labels = items.map(function (i) { return i.label; });
    chart.setOption({
      tooltip: { formatter: function (p) { return p.data.date + "<br>" + echarts.format.encodeHTML(p.data.label); } },
      grid: { left: 40, right: 160, top: 20, bottom: 60 },
      // a margin either side, so a single date is not shown on an axis of hours
      xAxis: { type: "time", min: pad(items, -1), max: pad(items, 1) },
      yAxis: { type: "value", show: false, min: -1, max: Math.max(items.length, 1) },
      dataZoom: [{ type: "slider", xAxisIndex: 0 }, { type: "inside", xAxisIndex: 0 }],
      series: [{
        type: "scatter", symbolSize: 10,
        data: items.map(function (i, n) {
          return { value: [i.date, n % 12], date: i.date, label: i.label, href: i.href };
        }),
        label: { show: items.length <= 15, position: "right", fontSize: 10,
          formatter: function (p) { return p.data.label.slice(0, 40); } }
      }]
    });
    chart.on("click", function (p) { go(p.data && p.data.href); });
    return chart;
  }

  function bars(el, data) {
    var chart = echarts.init(el);
    var many = data.years.length > 12;
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 40, right: 20, top: 40, bottom: 60 },
      dataZoom: [{ type: "slider" }],
      xAxis: { type: "category", data: data.years.map(String) },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) {
        return { name: s.name, type: many ? "line" : "bar", stack: many ? undefined : "all", data: s.data };
      })
    });
    return chart;
  }

  function network(el, data) {
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { formatter: function (p) { return echarts.format.encodeHTML(p.data.name || p.data.id || ""); } },
      series: [{
        type: "graph", layout: "force", roam: true, draggable: true,
        force: { repulsion: 420, edgeLength: [70, 160], gravity: 0.08, layoutAnimation: false },
        label: { show: true, fontSize: 10, formatter: function (p) { return (p.data.name || "").slice(0, 28); } },
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 6,
        edgeLabel: { show: data.links.length <= 30, fontSize: 9, formatter: function (p) { return p.data.name || ""; } },
        data: data.nodes.map(function (n) {
          return { id: n.id, name: n.name || n.id.split("/").pop(), href: n.href,
            symbolSize: n.centre ? 26 : 12, itemStyle: n.centre ? { color: "#c23531" } : undefined };
        }),
        links: data.links
      }]
    });
    chart.on("click", function (p) { if (p.dataType === "node") go(p.data.href); });
    return chart;
  }

  var worldPromise = null;
  var shapes = null;
  function wraps(ring) {
    for (var i = 1; i < ring.length; i++) if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) return true;
    return false;
  }
  // the middle of a country's shape, to centre the map on the page's own state
  function middle(id) {
    var f = shapes && shapes.features.filter(function (x) { return x.properties.name === id; })[0];
    if (!f) return null;
    var xs = [], ys = [];
    (f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates).forEach(function (poly) {
      poly[0].forEach(function (p) { xs.push(p[0]); ys.push(p[1]); });
    });
    return [(Math.min.apply(null, xs) + Math.max.apply(null, xs)) / 2, (Math.min.apply(null, ys) + Math.max.apply(null, ys)) / 2];
  }
  function world() {
    if (!worldPromise) {
      worldPromise = fetch(staticRoot + "vendor/world-atlas/countries-50m.json")
        .then(function (r) { return r.json(); })
        .then(function (topo) {
          var geo = topojson.feature(topo, topo.objects.countries);
          // parts that cross the antimeridian would be drawn as lines across the world
          geo.features = geo.features.filter(function (f) { return f.id !== "010" && f.geometry; });
          geo.features.forEach(function (f) {
            f.properties.name = String(Number(f.id));
            if (f.geometry.type === "MultiPolygon") {
              f.geometry.coordinates = f.geometry.coordinates.filter(function (poly) { return !wraps(poly[0]); });
            }
          });
          geo.features = geo.features.filter(function (f) {
            return f.geometry.type !== "Polygon" || !wraps(f.geometry.coordinates[0]);
          });
          shapes = geo;
          echarts.registerMap("world", geo);
        });
    }
    return worldPromise;
  }

  function map(el, places) {
    var chart = echarts.init(el);
    chart.showLoading();
    world().then(function () {
      if (chart.isDisposed()) return;  // the reader moved to another tab meanwhile
      chart.hideLoading();
      el.parentNode.setAttribute("data-drawn", "map");  // only once the shapes are in
      var centre = places.filter(function (p) { return p.centre; })[0];
      var at = centre ? middle(String(Number(centre.id))) : null;
      chart.setOption({
        tooltip: { formatter: function (p) { return p.data ? echarts.format.encodeHTML(p.data.label) : ""; } },
        series: [{
          type: "map", map: "world", roam: true, nameProperty: "name",
          center: at || undefined, zoom: at ? 4 : 1.2,
          itemStyle: { areaColor: "#e8e8e8", borderColor: "#999", borderWidth: 0.3 },
          emphasis: { label: { show: false } },
          data: places.map(function (p) {
            return { name: String(Number(p.id)), label: p.name, href: p.href,
              itemStyle: { areaColor: p.centre ? "#c23531" : "#4a7fbf" } };
          })
        }]
      });
    });
    chart.on("click", function (p) { go(p.data && p.data.href); });
    return chart;
  }

  var DRAW = { timeline: timeline, chart: bars, map: map, network: network };

  function setup(host) {
    var source = document.getElementById(host.getAttribute("data-views"));
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var kinds = ORDER.filter(function (k) { return data[k]; });
    if (!kinds.length) return;
    var table = host.getAttribute("data-table") ? document.getElementById(host.getAttribute("data-table")) : null;
    var tabs = document.createElement("div");
    tabs.className = "tabs";
    tabs.setAttribute("role", "tablist");
    var panel = document.createElement("div");
    panel.className = "chart";
    host.appendChild(tabs);
    host.appendChild(panel);
    var current = null;
    function show(kind) {
      Array.prototype.forEach.call(tabs.children, function (b) {
        b.setAttribute("aria-selected", String(b.getAttribute("data-kind") === kind));
      });
      if (current) { current.dispose(); current = null; }
      if (kind === "table") {
        panel.style.display = "none";
        if (table) table.style.display = "";
        return;
      }
      panel.style.display = "";
      if (table) table.style.display = "none";
      host.removeAttribute("data-drawn");
      current = DRAW[kind](panel, data[kind]);
      if (kind !== "map") host.setAttribute("data-drawn", kind);
    }
    kinds.concat(table ? ["table"] : []).forEach(function (kind) {
      var b = document.createElement("button");
      b.type = "button";
      b.setAttribute("role", "tab");
      b.setAttribute("data-kind", kind);
      b.textContent = NAMES[kind];
      b.addEventListener("click", function () { show(kind); });
      tabs.appendChild(b);
    });
    var first = host.getAttribute("data-first");
    show(kinds.indexOf(first) >= 0 ? first : kinds[0]);
    window.addEventListener("resize", function () {
      if (current && !current.isDisposed() && panel.clientWidth > 0) { try { current.resize(); } catch (e) { /* a map still loading its shapes */ } }
    });
  }

  function start() { Array.prototype.forEach.call(document.querySelectorAll(".views"), setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
