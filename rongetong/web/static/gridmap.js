// The grid map of the citizen's report page: grid polygons from /api/v1/geo/grids drawn as SVG
// (no tile server, nothing from outside the machine); a tap sets the location, as does "use my location".
(function () {
  const svg = document.getElementById("gridmap");
  if (!svg) return;
  const lat = document.getElementById("lat"), lng = document.getElementById("lng");
  const status = document.getElementById("location-status");
  const W = 360, H = 300;
  let box = null;
  const project = ([x, y]) => [(x - box.west) / (box.east - box.west) * W, (box.north - y) / (box.north - box.south) * H];
  const unproject = (px, py) => [box.west + px / W * (box.east - box.west), box.north - py / H * (box.north - box.south)];
  const ns = "http://www.w3.org/2000/svg";
  const marker = document.createElementNS(ns, "circle");
  marker.setAttribute("r", "6"); marker.setAttribute("class", "marker"); marker.style.display = "none";

  function choose(latitude, longitude, how) {
    lat.value = latitude.toFixed(6); lng.value = longitude.toFixed(6);
    const [x, y] = project([longitude, latitude]);
    marker.setAttribute("cx", x); marker.setAttribute("cy", y); marker.style.display = "";
    status.textContent = how + "：" + lat.value + ", " + lng.value;
    lat.dispatchEvent(new Event("change", {bubbles: true}));  // e.g. the live category suggestion
  }

  fetch(svg.dataset.grids).then(r => r.json()).then(collection => {
    const rings = collection.features.flatMap(f =>
      f.geometry.type === "Polygon" ? [f.geometry.coordinates[0]] : f.geometry.coordinates.map(p => p[0]));
    // A loop, not Math.min(...xs): surveyed grids carry tens of thousands of points, more arguments
    // than a call can be relied on to take.
    box = {west: Infinity, east: -Infinity, south: Infinity, north: -Infinity};
    for (const [x, y] of rings.flat()) {
      box.west = Math.min(box.west, x); box.east = Math.max(box.east, x);
      box.south = Math.min(box.south, y); box.north = Math.max(box.north, y);
    }
    for (const ring of rings) {
      const path = document.createElementNS(ns, "polygon");
      path.setAttribute("points", ring.map(p => project(p).join(",")).join(" "));
      svg.appendChild(path);
    }
    svg.appendChild(marker);
  });

  svg.addEventListener("click", event => {
    if (!box) return;
    const rect = svg.getBoundingClientRect();
    const [x, y] = unproject((event.clientX - rect.left) / rect.width * W, (event.clientY - rect.top) / rect.height * H);
    choose(y, x, "地图选点");
  });

  document.getElementById("use-location").addEventListener("click", () => {
    if (!navigator.geolocation) { status.textContent = "本机不支持定位，请在地图上点选"; return; }
    status.textContent = "正在定位…";
    navigator.geolocation.getCurrentPosition(
      p => choose(p.coords.latitude, p.coords.longitude, "当前位置"),
      () => { status.textContent = "定位失败，请在地图上点选"; });
  });
})();
