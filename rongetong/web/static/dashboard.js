// The leader's dashboard: the grid map (Leaflet, no tile layer — the grid polygons are the map, so
// nothing is loaded from outside the machine) and the ECharts charts, whose data the page embeds.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  const FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif';
  const charts = [];

  // --- the grid map --------------------------------------------------------------------------------
  // Overdue cases outrank open ones: a grid with any overdue case is red, however many are open.
  function fill(p) {
    if (p.overdue >= 6) return "#a31f12";
    if (p.overdue >= 3) return "#e0583c";
    if (p.overdue >= 1) return "#f5b7a8";
    if (p.open >= 6) return "#2f78c4";
    if (p.open >= 3) return "#7fb2e5";
    if (p.open >= 1) return "#cfe3f6";
    return "#f4f7f1";
  }

  function escape(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  // Each town's name at the middle of its grids' extent: the grids alone do not show where a town is.
  function labelTowns(map, features) {
    const towns = new Map();
    for (const f of features) {
      const bounds = L.geoJSON(f).getBounds();
      const town = towns.get(f.properties.town_code);
      if (town) town.bounds.extend(bounds);
      else towns.set(f.properties.town_code, {name: f.properties.town_name, bounds});
    }
    const labels = [...towns.values()].map(town => ({town, marker: L.marker(town.bounds.getCenter(), {
      interactive: false, keyboard: false,
      icon: L.divIcon({className: "town-label", html: "<span>" + escape(town.name) + "</span>", iconSize: null}),
    })}));
    // A label shows only when its town is wide enough on screen for it: the small central streets
    // would otherwise print over each other until the map is zoomed in.
    const place = () => labels.forEach(({town, marker}) => {
      const width = map.latLngToLayerPoint(town.bounds.getNorthEast()).x -
                    map.latLngToLayerPoint(town.bounds.getSouthWest()).x;
      if (width >= town.name.length * 15) marker.addTo(map); else marker.remove();
    });
    map.on("zoomend", place);
    place();
  }

  const mapBox = document.getElementById("gridmap");
  if (mapBox && window.L) {
    const map = L.map(mapBox, {zoomSnap: 0.25, attributionControl: false, preferCanvas: false});
    fetch(mapBox.dataset.src, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(r => { if (!r.ok) throw new Error("网格数据加载失败：" + r.status); return r.json(); })
      .then(collection => {
        const layer = L.geoJSON(collection, {
          style: f => ({color: "#6f8498", weight: 0.6, fillColor: fill(f.properties), fillOpacity: 0.85}),
          onEachFeature: (f, shape) => {
            const p = f.properties;
            shape.bindTooltip(
              `<b>${escape(p.name)}</b>（${escape(p.code)}）<br>${escape(p.town_name)}<br>` +
              `在办 ${p.open} 件 · 超期 <b style="color:${p.overdue ? "#a31f12" : "inherit"}">${p.overdue}</b> 件`,
              {sticky: true});
            shape.on("mouseover", () => shape.setStyle({weight: 2, color: "#1f2d3d"}));
            shape.on("mouseout", () => layer.resetStyle(shape));
            shape.on("click", () => {
              window.location.href = mapBox.dataset.cases + "?grid=" + encodeURIComponent(p.code);
            });
          },
        }).addTo(map);
        map.fitBounds(layer.getBounds(), {padding: [8, 8]});
        labelTowns(map, collection.features);
        mapBox.dataset.grids = String(collection.features.length);
      })
      .catch(error => { mapBox.textContent = error.message; });
  }

  // --- charts --------------------------------------------------------------------------------------
  function chart(id, option) {
    const box = document.getElementById(id);
    if (!box || !window.echarts) return;
    const c = echarts.init(box, null, {renderer: "canvas"});
    c.setOption(Object.assign({textStyle: {fontFamily: FONT}, animation: false}, option));
    charts.push(c);
  }
  const percent = v => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);

  chart("chart-intake", {
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    legend: {top: 0, type: "scroll"},
    grid: {left: 40, right: 16, top: 40, bottom: 40},
    xAxis: {type: "category", data: data.intake.days.map(d => d.slice(5))},
    yAxis: {type: "value", minInterval: 1, axisLabel: {formatter: "{value} 件"}},
    series: data.intake.series.map(s => ({name: s.name, type: "bar", stack: "intake", data: s.data})),
  });

  const top = data.categories.slice().reverse();  // largest at the top of a horizontal bar chart
  chart("chart-categories", {
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    grid: {left: 8, right: 40, top: 8, bottom: 24, containLabel: true},
    xAxis: {type: "value", minInterval: 1},
    yAxis: {type: "category", data: top.map(c => c.name)},
    series: [{type: "bar", data: top.map(c => c.received), itemStyle: {color: "#c0392b"},
              label: {show: true, position: "right"}}],
  });

  const units = data.units.slice().reverse();
  chart("chart-units", {
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"},
              valueFormatter: v => (v === null || v === undefined ? "—（无可评价）" : v + "%")},
    legend: {top: 0},
    grid: {left: 8, right: 48, top: 32, bottom: 24, containLabel: true},
    xAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
    // Units in 考核 rank order (rank 1 at the top); unranked units (nothing to judge yet) last.
    yAxis: {type: "category", data: units.map(u => (u.rank ? u.rank + ". " : "") + u.name)},
    series: [
      {name: "办结率", key: "closure_rate", color: "#2f78c4"},
      {name: "按期办结率", key: "on_time_closure_rate", color: "#27ae60"},
      {name: "满意率", key: "satisfaction_rate", color: "#e67e22"},
    ].map(s => ({name: s.name, type: "bar", itemStyle: {color: s.color}, barMaxWidth: 10,
                 data: units.map(u => percent(u[s.key]))})),
  });

  window.addEventListener("resize", () => charts.forEach(c => c.resize()));
})();
