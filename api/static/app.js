// The planner's page: plain SVG drawn from the municipality GeoJSON (no tiles, no CDN, no build).
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const W = 600, H = 700, LAT0 = 52.2;
const $ = (sel) => document.querySelector(sel);

function token() { return sessionStorage.getItem("coa_token") || ""; }

async function api(path) {
  const r = await fetch(path, { headers: { Authorization: "Bearer " + token() } });
  if (!r.ok) { const e = new Error(path + ": " + r.status); e.status = r.status; throw e; }
  return r.json();
}

function projector(features) {
  const kx = Math.cos(LAT0 * Math.PI / 180);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  const walk = (c) => {
    if (typeof c[0] === "number") {
      minX = Math.min(minX, c[0] * kx); maxX = Math.max(maxX, c[0] * kx);
      minY = Math.min(minY, c[1]); maxY = Math.max(maxY, c[1]);
    } else c.forEach(walk);
  };
  features.forEach((f) => walk(f.geometry.coordinates));
  const s = Math.min((W - 20) / (maxX - minX), (H - 20) / (maxY - minY));
  return ([lon, lat]) => [10 + (lon * kx - minX) * s, 10 + (maxY - lat) * s];
}

function pathOf(geom, proj) {
  const polys = geom.type === "Polygon" ? [geom.coordinates] : geom.coordinates;
  return polys.map((poly) => poly.map((ring) =>
    "M" + ring.map((p) => proj(p).map((v) => v.toFixed(1)).join(",")).join("L") + "Z").join("")).join("");
}

function paceClass(k) {
  if (!k || k.target_this_week <= 0) return "pace-none";
  const r = k.linked_this_week / k.target_this_week;
  return r >= 0.95 ? "pace-ok" : r >= 0.5 ? "pace-behind" : "pace-far";
}

function bandClass(k, plan) {
  if (!k || k.occupancy_end === null) return "unknown";
  if (k.occupancy_end < plan.occupancy_min) return "below";
  if (k.occupancy_end > plan.occupancy_max) return "above";
  return "within";
}

function drawMap(geo, locations, plan) {
  const svg = $("#map");
  svg.replaceChildren();
  const proj = projector(geo.features);
  const munis = new Map((plan ? plan.plan.kpis.municipalities : []).map((k) => [k.gm_code, k]));
  const locs = new Map((plan ? plan.plan.kpis.locations : []).map((k) => [k.id, k]));
  const g = document.createElementNS(SVG, "g");
  for (const f of geo.features) {
    const p = document.createElementNS(SVG, "path");
    const k = munis.get(f.properties.gm_code);
    p.setAttribute("d", pathOf(f.geometry, proj));
    p.setAttribute("class", "muni " + paceClass(k));
    p.dataset.gm = f.properties.gm_code;
    p.addEventListener("mouseenter", () => {
      $("#hover").textContent = f.properties.gm_name + " (" + f.properties.gm_code + ")" +
        (k ? ": linked " + k.linked_this_week + " of a weekly target " + k.target_this_week.toFixed(1) : "");
    });
    g.appendChild(p);
  }
  svg.appendChild(g);
  const seen = new Map();
  for (const loc of locations) {
    const n = seen.get(loc.gm_code) || 0; seen.set(loc.gm_code, n + 1);
    const [x, y] = proj([loc.lon, loc.lat]);
    const c = document.createElementNS(SVG, "circle");
    const k = locs.get(loc.id);
    c.setAttribute("cx", (x + 4 * Math.cos(n * 2.4) * Math.min(n, 1) * Math.sqrt(n)).toFixed(1));
    c.setAttribute("cy", (y + 4 * Math.sin(n * 2.4) * Math.min(n, 1) * Math.sqrt(n)).toFixed(1));
    c.setAttribute("r", (2 + Math.sqrt(loc.capacity) / 8).toFixed(1));
    c.setAttribute("class", "loc " + (plan ? bandClass(k, plan) : "unknown"));
    c.dataset.id = loc.id;
    c.addEventListener("mouseenter", () => {
      $("#hover").textContent = loc.name + " (" + loc.kind + ", " + loc.capacity + " beds)" +
        (k && k.occupancy_end !== null ? ": occupancy " + (100 * k.occupancy_end).toFixed(0) + "% at week end" : "");
    });
    svg.appendChild(c);
  }
}

function row(tbody, cells, numeric) {
  const tr = document.createElement("tr");
  cells.forEach((v, i) => {
    const td = document.createElement("td");
    td.textContent = v;
    if (numeric && i > 0) td.className = "num";
    tr.appendChild(td);
  });
  tbody.appendChild(tr);
}

function drawKpis(plan) {
  const tb = $("#kpis tbody");
  tb.replaceChildren();
  if (!plan) { row(tb, ["no plan yet", ""]); return; }
  const k = plan.plan.kpis, f = (x) => Number(x).toLocaleString("nl-NL", { maximumFractionDigits: 1 });
  const rows = [
    ["week / scope", plan.week + " / " + plan.scope],
    ["status", plan.plan.status],
    ["objective (EUR)", f(plan.plan.objective)],
    ["occupancy start → end", (100 * k.occupancy_total_start).toFixed(1) + "% → " + (100 * k.occupancy_total_end).toFixed(1) + "%"],
    ["locations above / below band", f(k.locations_above_band ?? 0) + " / " + f(k.locations_below_band ?? 0)],
    ["arrivals placed / persons", f(k.arrivals_placed_persons) + " / " + f(k.arrivals_persons)],
    ["beds short (persons)", f(k.beds_short)],
    ["waiting at registration (persons)", f(k.registration_wait_persons ?? 0)],
    ["moves: closure / rebalance (households)", f(k.moves_closing_households ?? 0) + " / " + f(k.moves_rebalance_households ?? 0)],
    ["status holders linked (persons)", f(k.links_persons)],
    ["unlinked although room was left (persons)", f(k.unlinked_with_quota_left_persons ?? 0)],
    ["quota pace shortfall (persons)", f(k.quota_pace_shortfall_persons)],
    ["band", k.band_note || "possible within the band"],
    ["diagnosis", plan.plan.diagnosis.length ? plan.plan.diagnosis.map((d) => d.message).join("; ") : "none"],
  ];
  rows.forEach((r) => row(tb, r, true));
}

function drawJobs(jobs) {
  const tb = $("#jobs tbody");
  tb.replaceChildren();
  if (jobs === null) { row(tb, ["(jobs are for planners)", "", "", "", ""]); return; }
  for (const j of jobs) {
    row(tb, [new Date(j.created_at).toLocaleString("nl-NL"), j.status,
             Math.round(100 * j.progress) + "%", j.owner, j.error || ""]);
  }
}

async function refresh() {
  if (!token()) { $("#status").textContent = "enter a token"; return; }
  $("#status").textContent = "loading…";
  try {
    const [geo, locations] = await Promise.all([
      api("/v1/reference/municipalities.geojson"), api("/v1/reference/locations")]);
    let plan = null, jobs = null;
    try { plan = await api("/v1/plans/latest"); } catch (e) { if (e.status !== 404) throw e; }
    try { jobs = await api("/v1/jobs?limit=20"); } catch (e) { if (e.status !== 403) throw e; }
    drawMap(geo, locations, plan);
    drawKpis(plan);
    drawJobs(jobs);
    $("#status").textContent = "updated " + new Date().toLocaleTimeString("nl-NL");
    document.body.dataset.ready = "1";
  } catch (e) {
    $("#status").textContent = e.status === 401 ? "unknown token" : String(e);
    document.body.dataset.ready = "error";
  }
}

$("#login").addEventListener("submit", (ev) => {
  ev.preventDefault();
  sessionStorage.setItem("coa_token", $("#token").value.trim());
  refresh();
});
refresh();
setInterval(() => { if (token()) refresh(); }, 15000);
