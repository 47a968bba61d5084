// boxoffice scenario builder: a form over the JSON API of `boxoffice serve`. Plain JS, no build step,
// no request to any other host. State (base film, current film, variants) lives in the URL's #fragment.
"use strict";

const FIELDS = ["title", "budget", "release_date", "cast", "director", "distributor", "rating", "runtime",
                "sequel", "country", "language"];
const state = { base: null, film: {}, variants: [], multiple: 2.5 };
let token = sessionStorage.getItem("boxoffice-token") || "";
const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- talking to the server
async function api(path, body) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = "Bearer " + token;
  const response = await fetch(path, body === undefined ? { headers } :
                               { method: "POST", headers, body: JSON.stringify(body) });
  let data = null;
  try { data = await response.json(); } catch (e) { data = { error: "the server answered " + response.status }; }
  if (response.status === 401) { $("token-box").hidden = false; $("token").focus(); }
  if (!response.ok) {
    const first = (data.detail && data.detail[0]) || {};
    const err = new Error(data.error || ("HTTP " + response.status));
    err.fix = first.fix; err.field = first.field; throw err;
  }
  return data;
}

// ---------------------------------------------------------------- numbers as people read them
function money(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  const a = Math.abs(v);
  const [d, s] = a >= 1e9 ? [1e9, "B"] : a >= 1e6 ? [1e6, "M"] : a >= 1e3 ? [1e3, "K"] : [1, ""];
  const x = v / d;
  return (v < 0 ? "-$" : "$") + (Math.abs(x) >= 100 ? Math.abs(x).toFixed(0) : Math.abs(x).toFixed(1)) + s;
}
const pct = (p) => (p === null || p === undefined) ? "–" : Math.round(p * 100) + "%";
const signed = (x, unit) => (x === null || x === undefined) ? "–" : (x > 0 ? "+" : "") + x.toFixed(unit === "pt" ? 0 : 1) + unit;

// ---------------------------------------------------------------- the form <-> the film
function readForm() {
  const film = {};
  for (const name of FIELDS) {
    const value = $("f-" + name).value.trim();
    if (value !== "") film[name] = value;
  }
  const genres = [...document.querySelectorAll(".genres input:checked")].map((box) => box.value);
  if (genres.length) film.genres = genres;
  const multiple = parseFloat($("f-multiple").value);
  state.multiple = Number.isFinite(multiple) ? multiple : 2.5;
  return film;
}

function writeForm(film) {
  for (const name of FIELDS) $("f-" + name).value = film[name] === undefined ? "" : String(film[name]);
  const genres = new Set((film.genres || []).map((g) => g.toLowerCase()));
  document.querySelectorAll(".genres input").forEach((box) => { box.checked = genres.has(box.value.toLowerCase()); });
  $("f-multiple").value = state.multiple;
  syncSlider();
}

function parseBudget(text) {  // only for the slider; the server checks budgets
  const m = /^\$?\s*([\d.,]+)\s*([kmb]?)/i.exec(String(text || "").replace(/,(?=\d{3})/g, ""));
  if (!m) return null;
  return parseFloat(m[1]) * ({ k: 1e3, m: 1e6, b: 1e9 }[m[2].toLowerCase()] || 1);
}
const SLIDER = [Math.log(1e6), Math.log(4e8)];
function syncSlider() {
  const usd = parseBudget($("f-budget").value);
  if (usd) $("f-budget-slider").value = Math.round(1000 * (Math.log(usd) - SLIDER[0]) / (SLIDER[1] - SLIDER[0]));
}
function sliderBudget() {
  const usd = Math.exp(SLIDER[0] + (SLIDER[1] - SLIDER[0]) * $("f-budget-slider").value / 1000);
  const m = usd / 1e6;
  return (m >= 100 ? Math.round(m / 5) * 5 : m >= 10 ? Math.round(m) : Math.round(m * 10) / 10) + "m";
}

// ---------------------------------------------------------------- state in the URL
function saveState() {
  const text = JSON.stringify({ b: state.base, f: state.film, v: state.variants, m: state.multiple });
  const encoded = btoa(unescape(encodeURIComponent(text))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  history.replaceState(null, "", "#s=" + encoded);
}
function loadState() {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get("token")) { token = hash.get("token"); sessionStorage.setItem("boxoffice-token", token); }
  const s = hash.get("s");
  if (s) {
    try {
      const text = decodeURIComponent(escape(atob(s.replace(/-/g, "+").replace(/_/g, "/"))));
      const data = JSON.parse(text);
      state.base = data.b || null; state.film = data.f || {}; state.variants = data.v || []; state.multiple = data.m || 2.5;
      return true;
    } catch (e) { /* a damaged link starts afresh */ }
  }
  return false;
}

// ---------------------------------------------------------------- the forecast
function showProblem(err) {
  const box = $("problem");
  if (!err) { box.hidden = true; box.textContent = ""; return; }
  box.hidden = false;
  box.textContent = err.message + (err.fix ? " — fix: " + err.fix : "");
}

async function refreshForecast() {
  state.film = readForm();
  saveState();
  if (!state.film.genres || !state.film.budget) {
    showProblem({ message: "Give at least one genre and a budget to see a forecast." });
    return;
  }
  $("forecast").classList.add("stale");
  try {
    const result = await api("/api/forecast", { ...state.film, break_even_multiple: state.multiple });
    showProblem(null);
    showForecast(result);
  } catch (err) { showProblem(err); } finally { $("forecast").classList.remove("stale"); }
  refreshComps();
}

function showForecast(r) {
  for (const [id, key] of [["ww-p10", "worldwide_p10"], ["ww-p50", "worldwide_p50"], ["ww-p90", "worldwide_p90"],
                           ["dom-p10", "domestic_p10"], ["dom-p50", "domestic_p50"], ["dom-p90", "domestic_p90"],
                           ["be-gross", "break_even_gross"]]) $(id).textContent = money(r[key]);
  $("risk").textContent = pct(r.break_even_prob);
  $("ww-p50").dataset.value = r.worldwide_p50;
  drawRange(r);
  const notes = [];
  if (r.assumed.includes("release_date")) notes.push("Release date assumed: " + r.release_date + " (a year from today).");
  if (r.mixed_over) notes.push("Not decided, so mixed over " + r.comparable_films + " comparable films: " + r.mixed_over + ".");
  notes.push("Break-even: worldwide gross of " + r.break_even_multiple + "× the budget. Model " + r.model + ".");
  $("notes").textContent = notes.join(" ");
  const list = $("warnings");
  list.replaceChildren(...r.warnings.map((w) => { const li = document.createElement("li"); li.textContent = w; return li; }));
  const body = $("drivers").tBodies[0];
  const rows = Object.entries(r.drivers || {}).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  const top = Math.max(1, ...rows.map((x) => Math.abs(x[1])));
  body.replaceChildren(...rows.map(([lever, usd]) => {
    const tr = document.createElement("tr");
    tr.innerHTML = "<td></td><td></td><td class='text'><span class='bar'></span></td>";
    tr.cells[0].textContent = lever.replace(/_/g, " ");
    tr.cells[1].textContent = (usd > 0 ? "+" : "") + money(usd);
    const bar = tr.querySelector(".bar");
    bar.classList.add(usd >= 0 ? "up" : "down");
    bar.style.width = Math.max(1, 100 * Math.abs(usd) / top) + "%";
    return tr;
  }));
}

async function refreshComps() {
  try {
    const data = await api("/api/comps", { film: state.film, k: 8 });
    $("comps").tBodies[0].replaceChildren(...data.rows.map((c) => row([c.title, c.year, money(c.budget_usd),
      money(c.worldwide_gross_usd), c.multiple === null ? "–" : c.multiple.toFixed(2) + "×"])));
  } catch (err) { $("comps").tBodies[0].replaceChildren(); }
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) { const td = document.createElement("td"); td.textContent = cell; tr.appendChild(td); }
  return tr;
}

// ---------------------------------------------------------------- charts (inline SVG)
const NS = "http://www.w3.org/2000/svg";
function el(svg, name, attrs, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  svg.appendChild(node);
  return node;
}
function clear(svg) { [...svg.children].forEach((c) => { if (c.tagName !== "title") c.remove(); }); }
function logTicks(lo, hi) {
  const out = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
    for (const m of [1, 2, 5]) { const v = m * 10 ** e; if (v >= lo && v <= hi) out.push(v); }
  return out;
}

function drawRange(r) {
  const svg = $("range-chart"); clear(svg);
  const values = [r.worldwide_p10, r.worldwide_p90, r.break_even_gross].filter((v) => v > 0);
  const lo = Math.min(...values) / 1.6, hi = Math.max(...values) * 1.6;
  const x = (v) => 20 + 600 * (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
  for (const t of logTicks(lo, hi)) {
    el(svg, "line", { x1: x(t), x2: x(t), y1: 58, y2: 64, class: "axis" });
    el(svg, "text", { x: x(t), y: 80, "text-anchor": "middle" }, money(t));
  }
  el(svg, "line", { x1: 20, x2: 620, y1: 58, y2: 58, class: "axis" });
  el(svg, "rect", { x: x(r.worldwide_p10), y: 26, width: Math.max(2, x(r.worldwide_p90) - x(r.worldwide_p10)), height: 24, class: "band" });
  el(svg, "line", { x1: x(r.worldwide_p50), x2: x(r.worldwide_p50), y1: 22, y2: 54, class: "p50" });
  el(svg, "text", { x: x(r.worldwide_p50), y: 16, "text-anchor": "middle" }, "P50 " + money(r.worldwide_p50));
  el(svg, "line", { x1: x(r.break_even_gross), x2: x(r.break_even_gross), y1: 20, y2: 58, class: "be" });
  el(svg, "text", { x: Math.min(600, x(r.break_even_gross) + 4), y: 48, class: "be-text" }, "break-even");
}

function drawLines(svg, rows, xOf, xLabel, marks) {
  clear(svg);
  if (!rows.length) return;
  const ys = rows.flatMap((r) => [r.worldwide_p10, r.worldwide_p90, r.break_even_gross]).filter((v) => v > 0);
  const lo = Math.min(...ys) / 1.3, hi = Math.max(...ys) * 1.3;
  const xs = rows.map(xOf), x0 = Math.min(...xs), x1 = Math.max(...xs);
  const X = (v) => 70 + 550 * (x1 === x0 ? 0.5 : (v - x0) / (x1 - x0));
  const Y = (v) => 20 + 200 * (Math.log(hi) - Math.log(v)) / (Math.log(hi) - Math.log(lo));
  for (const t of logTicks(lo, hi)) {
    el(svg, "line", { x1: 70, x2: 620, y1: Y(t), y2: Y(t), class: "axis", "stroke-opacity": 0.25 });
    el(svg, "text", { x: 64, y: Y(t) + 4, "text-anchor": "end" }, money(t));
  }
  const band = rows.map((r, i) => `${X(xs[i])},${Y(r.worldwide_p90)}`).concat(
    rows.map((r, i) => `${X(xs[i])},${Y(r.worldwide_p10)}`).reverse());
  el(svg, "polygon", { points: band.join(" "), class: "band" });
  el(svg, "polyline", { points: rows.map((r, i) => `${X(xs[i])},${Y(r.worldwide_p50)}`).join(" "), class: "p50" });
  el(svg, "polyline", { points: rows.map((r, i) => `${X(xs[i])},${Y(r.break_even_gross)}`).join(" "), class: "be", fill: "none" });
  el(svg, "text", { x: 620, y: Y(rows[rows.length - 1].break_even_gross) - 6, "text-anchor": "end", class: "be-text" }, "break-even");
  el(svg, "line", { x1: 70, x2: 620, y1: 222, y2: 222, class: "axis" });
  for (const [v, label] of marks) {
    el(svg, "line", { x1: X(v), x2: X(v), y1: 222, y2: 228, class: "axis" });
    el(svg, "text", { x: X(v), y: 242, "text-anchor": "middle" }, label);
  }
  el(svg, "text", { x: 345, y: 257, "text-anchor": "middle" }, xLabel);
}

function defaultSpan(field) {
  if (field === "budget") {
    const usd = parseBudget(state.film.budget) || 5e7;
    return money(usd / 4).replace("$", "").toLowerCase() + ".." + money(usd * 3).replace("$", "").toLowerCase();
  }
  const year = (state.film.release_date || "").slice(0, 4) || String(new Date().getFullYear() + 1);
  return `${year}-01-01..${year}-12-31`;
}

async function refreshSweep() {
  const field = $("sweep-field").value;
  if (!$("sweep-span").value.trim()) $("sweep-span").value = defaultSpan(field);
  if (!state.film.genres) return;
  try {
    const data = await api("/api/sweep", { film: state.film, field, span: $("sweep-span").value.trim(),
                                           steps: field === "budget" ? 15 : null, break_even_multiple: state.multiple });
    const svg = $("sweep-chart");
    if (field === "budget") {
      const xOf = (r) => Math.log(r.value);
      const picks = [data.rows[0], data.rows[Math.floor(data.rows.length / 2)], data.rows[data.rows.length - 1]];
      drawLines(svg, data.rows, xOf, "budget", picks.map((r) => [xOf(r), money(r.value)]));
    } else {
      const xOf = (r) => Date.parse(r.value);
      const picks = data.rows.filter((r, i) => i % Math.ceil(data.rows.length / 6) === 0);
      drawLines(svg, data.rows, xOf, "release date", picks.map((r) => [xOf(r), r.value.slice(5)]));
    }
    svg.dataset.points = data.rows.length;
  } catch (err) { showProblem(err); }
}

async function refreshWindows() {
  if (!$("window-year").value) $("window-year").value = (state.film.release_date || "").slice(0, 4) || new Date().getFullYear() + 1;
  if (!state.film.genres || !state.film.budget) return;
  try {
    const data = await api("/api/release-window", { film: state.film, year: parseInt($("window-year").value, 10),
                                                    by: "week", break_even_multiple: state.multiple });
    const rows = [...data.rows].sort((a, b) => a.release_date.localeCompare(b.release_date));
    const xOf = (r) => Date.parse(r.release_date);
    const months = rows.filter((r, i) => i === 0 || r.release_date.slice(5, 7) !== rows[i - 1].release_date.slice(5, 7));
    drawLines($("window-chart"), rows, xOf, "Friday opening", months.filter((r, i) => i % 2 === 0)
      .map((r) => [xOf(r), r.release_date.slice(0, 7)]));
    const best = data.rows[0];
    $("window-best").textContent = `best: ${best.release_date} (${best.window}), P50 ${money(best.worldwide_p50)}, ` +
      `${pct(best.break_even_prob)} chance of losing money`;
  } catch (err) { showProblem(err); }
}

// ---------------------------------------------------------------- variants and the scenario file
function changesFrom(base, film) {
  const out = {};
  for (const key of new Set([...Object.keys(base), ...Object.keys(film)])) {
    const a = JSON.stringify(base[key] ?? ""), b = JSON.stringify(film[key] ?? "");
    if (a !== b) out[key] = film[key] ?? "";
  }
  return out;
}

async function refreshVariants() {
  $("base-line").textContent = state.base ? describe(state.base) : "the film as first described";
  const body = $("variants").tBodies[0];
  if (!state.base || !state.variants.length) { body.replaceChildren(); writeYaml(); return; }
  const variants = Object.fromEntries(state.variants.map((v) => [v.name, v.changes]));
  try {
    const data = await api("/api/compare", { base: state.base, variants, break_even_multiple: state.multiple });
    body.replaceChildren(...data.scenarios.map((s) => {
      const tr = row([s.scenario, s.changes || "(the base)", money(s.worldwide_p10), money(s.worldwide_p50),
                      money(s.worldwide_p90), pct(s.break_even_prob),
                      s.scenario === "base" ? "" : signed(s.worldwide_p50_change_pct, "%"),
                      s.scenario === "base" ? "" : signed(100 * s.break_even_prob_change, "pt"), ""]);
      tr.cells[1].classList.add("text");
      if (s.scenario !== "base") {
        const remove = document.createElement("button");
        remove.type = "button"; remove.className = "quiet"; remove.textContent = "Remove";
        remove.setAttribute("aria-label", "Remove variant " + s.scenario);
        remove.onclick = () => { state.variants = state.variants.filter((v) => v.name !== s.scenario); saveState(); refreshVariants(); };
        tr.cells[8].appendChild(remove);
      }
      tr.dataset.scenario = s.scenario; tr.dataset.p50 = s.worldwide_p50;
      return tr;
    }));
  } catch (err) { showProblem(err); }
  writeYaml();
}

function describe(film) {
  return [film.title, (film.genres || []).join("/"), film.budget, film.release_date].filter(Boolean).join(", ");
}

function yamlValue(v) { return Array.isArray(v) ? "[" + v.map((x) => JSON.stringify(String(x))).join(", ") + "]" : JSON.stringify(String(v)); }
function yamlText() {
  const base = state.base || state.film;
  const lines = ["# A scenario file for `boxoffice compare` (written by the boxoffice page)", "base:"];
  for (const [k, v] of Object.entries(base)) lines.push(`  ${k}: ${yamlValue(v)}`);
  lines.push(`break_even_multiple: ${state.multiple}`, "variants:");
  for (const v of state.variants)
    lines.push(`  ${JSON.stringify(v.name)}: {${Object.entries(v.changes).map(([k, x]) => `${k}: ${yamlValue(x)}`).join(", ")}}`);
  return lines.join("\n") + "\n";
}
function writeYaml() { $("yaml-text").value = state.variants.length ? yamlText() : yamlText().replace("variants:\n", "variants: {}\n"); }

// a scenario file may spell a field as `boxoffice compare` accepts it (genre, budget_usd, mpaa_rating, …)
const ALIASES = { genre: "genres", budget_usd: "budget", directors: "director", mpaa_rating: "rating",
                  "mpaa-rating": "rating", runtime_min: "runtime", release: "release_date", "release-date": "release_date" };
function formNames(fields) {
  return Object.fromEntries(Object.entries(fields || {}).map(([k, v]) => [ALIASES[k] || k, v]));
}

async function importYaml(text) {
  try {
    const data = await api("/api/compare", { yaml: text });
    state.base = formNames(data.scenario.base);
    if (typeof state.base.genres === "string") state.base.genres = state.base.genres.split(/[|,]/).map((g) => g.trim());
    state.variants = Object.entries(data.scenario.variants).map(([name, changes]) => ({ name, changes: formNames(changes) }));
    state.multiple = data.break_even_multiple;
    state.film = { ...state.base };
    writeForm(state.film); showProblem(null);
    await refreshAll();
  } catch (err) { showProblem(err); }
}

// ---------------------------------------------------------------- autocompletion
async function suggest(input, role, list) {
  const text = input.value;
  const parts = role === "cast" ? text.split(",") : [text];
  const last = parts[parts.length - 1].trim();
  if (last.length < 2) return;
  try {
    const data = await api("/api/names?" + new URLSearchParams({ prefix: last, role, limit: 8 }));
    const head = parts.slice(0, -1).map((p) => p.trim()).filter(Boolean);
    list.replaceChildren(...data[role].map((name) => {
      const option = document.createElement("option");
      option.value = [...head, name].join(", ");
      return option;
    }));
  } catch (err) { /* autocompletion is a help, not a requirement */ }
}

// ---------------------------------------------------------------- wiring
function debounce(fn, ms) { let t; return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); }; }
const refreshLevers = debounce(() => { refreshSweep(); refreshWindows(); }, 700);
const onChange = debounce(async () => { await refreshForecast(); refreshLevers(); }, 250);
async function refreshAll() { await refreshForecast(); await refreshVariants(); refreshSweep(); refreshWindows(); }

async function start() {
  $("token-form").addEventListener("submit", (e) => {  // first: a server with a token refuses the rest
    e.preventDefault(); token = $("token").value.trim(); sessionStorage.setItem("boxoffice-token", token);
    location.reload();
  });
  const restored = loadState();
  let health;
  try { health = await api("/api/health"); } catch (err) { showProblem(err); return; }
  const line = health.backtest && health.backtest.model ? ` Backtest RMSLE ${health.backtest.model.rmsle.toFixed(3)} ` +
    `(budget-only baseline ${health.backtest.baseline.rmsle.toFixed(3)}).` : "";
  $("model-line").textContent = `Model ${health.model}: ${health.films.toLocaleString()} films released ` +
    `${health.period.first_release} to ${health.period.last_release}.${line}`;
  $("f-genres").querySelector(".genres").replaceChildren(...health.genres.map((g) => {
    const label = document.createElement("label");
    label.innerHTML = "<input type='checkbox' name='genres'> <span></span>";
    label.querySelector("input").value = g; label.querySelector("span").textContent = g;
    return label;
  }));
  if (!restored) { state.film = { genres: ["Action"], budget: "150m" }; state.multiple = health.break_even_multiple; }
  writeForm(state.film);
  if (!state.base) state.base = { ...state.film };
  $("film-form").addEventListener("input", (e) => { if (e.target.id !== "f-budget-slider") syncSlider(); onChange(); });
  $("film-form").addEventListener("change", onChange);
  $("film-form").addEventListener("submit", (e) => { e.preventDefault(); onChange(); });
  $("f-budget-slider").addEventListener("input", () => { $("f-budget").value = sliderBudget(); onChange(); });
  for (const [id, role] of [["f-cast", "cast"], ["f-director", "director"], ["f-distributor", "distributor"]]) {
    const list = $(role + "-options");
    $(id).addEventListener("input", debounce(() => suggest($(id), role, list), 150));
  }
  $("variant-form").addEventListener("submit", (e) => {
    e.preventDefault();
    state.film = readForm();
    const changes = changesFrom(state.base, state.film);
    if (!Object.keys(changes).length) { showProblem({ message: "This film is the base: change a field first, then keep it as a variant." }); return; }
    let name = $("variant-name").value.trim() || ("variant " + (state.variants.length + 1));
    if (name === "base") name = "base 2";
    state.variants = state.variants.filter((v) => v.name !== name).concat([{ name, changes }]);
    $("variant-name").value = "";
    saveState(); showProblem(null); refreshVariants();
  });
  $("make-base").addEventListener("click", () => { state.base = readForm(); state.variants = []; saveState(); refreshVariants(); });
  $("sweep-field").addEventListener("change", () => { $("sweep-span").value = defaultSpan($("sweep-field").value); refreshSweep(); });
  $("sweep-form").addEventListener("submit", (e) => { e.preventDefault(); refreshSweep(); });
  $("window-form").addEventListener("submit", (e) => { e.preventDefault(); refreshWindows(); });
  $("export").addEventListener("click", () => {
    const blob = new Blob([yamlText()], { type: "text/yaml" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob); link.download = "scenario.yaml";
    document.body.appendChild(link); link.click(); link.remove();
  });
  $("import").addEventListener("click", () => importYaml($("yaml-text").value));
  $("import-file").addEventListener("change", async (e) => { const f = e.target.files[0]; if (f) importYaml(await f.text()); });
  await refreshAll();
  document.body.dataset.ready = "1";
}

document.addEventListener("DOMContentLoaded", start);
