// The deploy form, served on the gateway's bare domain (and by the control plane itself): one
// server-rendered page with a little vanilla JavaScript that calls the REST API (api.hpp) with
// the owner's token (taken from the link `#token=...` that `herd grid up` prints, then kept in
// localStorage). Tabs Base / Admin / Mail, the estimated cost per hour, node selection by
// capacity filter or by id, the deployments list with Visit, Details (live use, readiness, counts,
// recent log lines; stop/start, backup, restore, resize, upgrade) and Delete.
// The admin password is shown once, in the deploy result.
#include "grid/api.hpp"

namespace herd::grid {

namespace {

const char* kPage = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Deploy a herd instance</title>
<style>
body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em} h2{font-size:1.2em;margin-top:2em}
pre.log{max-height:14em;overflow:auto;background:#f6f6f6;font-size:.8em;padding:.5em}
.tabs{display:flex;gap:.25em;border-bottom:1px solid #ccc}
.tabs button{border:1px solid #ccc;border-bottom:none;background:#f4f4f4;padding:.5em 1em;cursor:pointer}
.tabs button.active{background:#fff;font-weight:bold}
.panel{border:1px solid #ccc;border-top:none;padding:1em}
.panel[hidden]{display:none}
label{display:block;margin:.6em 0 .2em;font-weight:600}
input,select{padding:.35em;min-width:16em}
.row{display:flex;gap:1em;flex-wrap:wrap;align-items:flex-end}
.hint{color:#666;font-size:.9em} .error{color:#b00020} .ok{color:#0a7d28}
#result{margin:1em 0;padding:.8em;border-radius:4px} #result:empty{display:none}
#result.error{background:#fde7ea} #result.ok{background:#e6f6ea}
table{border-collapse:collapse;width:100%;font-size:.92em} th,td{border-bottom:1px solid #ddd;padding:.35em;text-align:left}
button.primary{background:#2b90d9;color:#fff;border:none;padding:.6em 1.4em;font-size:1em;cursor:pointer;margin-top:1em}
button.primary:disabled{background:#9cc6e6}
code{background:#f4f4f4;padding:.1em .3em}
</style>
</head>
<body>
<h1>Deploy a herd instance</h1>
<p class="hint">A Mastodon-compatible server at its own subdomain of the gateway, on a node of the grid,
with the capacity you choose.</p>
<div id="token-bar" hidden>
  <label for="token">Grid API token</label>
  <input id="token" type="password" placeholder="the token printed by herd grid up">
  <button id="save-token" type="button">Use token</button>
</div>

<form id="deploy-form" autocomplete="off" onsubmit="return false">
<div class="tabs" role="tablist">
  <button type="button" data-tab="base" class="active">Base</button>
  <button type="button" data-tab="admin">Admin</button>
  <button type="button" data-tab="mail">Mail</button>
</div>

<div class="panel" id="tab-base">
  <label for="name">Name</label>
  <input id="name" maxlength="15" placeholder="2-15 lowercase letters and digits">
  <div id="name-error" class="error"></div>
  <label for="package">Package</label>
  <select id="package"></select>
  <div class="row" id="custom" hidden>
    <div><label for="cpu">CPU (vCores)</label><input id="cpu" type="number" min="1" max="32" value="1"></div>
    <div><label for="memory">Memory (MB)</label><input id="memory" type="number" min="256" max="262144" value="2048"></div>
    <div><label for="disk">Disk (GB)</label><input id="disk" type="number" min="1" max="10000" value="10"></div>
  </div>
  <p>Estimated cost: <strong id="cost">-</strong> per hour</p>
  <label for="gateway">Gateway</label>
  <select id="gateway"><option value="">Loading gateways...</option></select>
  <label for="custom-domain">Custom domain (optional; its DNS must point at the gateway)</label>
  <input id="custom-domain" placeholder="social.example.org">
  <label for="node-mode">Node selection</label>
  <select id="node-mode">
    <option value="filter">Capacity Filter</option>
    <option value="manual">Manual</option>
  </select>
  <div id="filter-box">
    <div class="row">
      <div><label for="farm">Farm</label><select id="farm"><option value="">Any farm</option></select></div>
      <div><label for="country">Country</label><select id="country"><option value="">Any country</option></select></div>
      <div><button type="button" id="suggest">Suggest nodes</button></div>
    </div>
    <label for="node-select" id="node-select-label">Node</label>
    <select id="node-select"><option value="">Press "Suggest nodes"</option></select>
  </div>
  <div id="manual-box" hidden>
    <label for="node-id">Node ID</label>
    <input id="node-id" type="number" min="1">
    <div id="node-check" class="hint"></div>
  </div>
</div>

<div class="panel" id="tab-admin" hidden>
  <p class="hint">The instance starts with this admin account (role Owner). The email is required.</p>
  <label for="admin-email">Admin email</label>
  <input id="admin-email" type="email" placeholder="you@example.org">
  <label for="admin-username">Admin username</label>
  <input id="admin-username" value="adminuser">
  <label for="admin-password">Admin password</label>
  <input id="admin-password" type="password" placeholder="generated when empty">
</div>

<div class="panel" id="tab-mail" hidden>
  <p class="hint">Optional: a mail server for the instance's emails.</p>
  <label><input id="smtp-enabled" type="checkbox" style="min-width:0"> Use a mail server</label>
  <fieldset id="smtp-fields" disabled style="border:none;padding:0">
    <label for="smtp-host">SMTP host</label><input id="smtp-host" placeholder="smtp.example.org">
    <label for="smtp-port">SMTP port</label><input id="smtp-port" type="number" value="587">
    <label for="smtp-username">SMTP username</label><input id="smtp-username">
    <label for="smtp-password">SMTP password</label><input id="smtp-password" type="password">
    <label for="smtp-from">From address</label><input id="smtp-from" placeholder="notifications@example.org">
    <label for="smtp-tls">TLS</label>
    <select id="smtp-tls"><option value="starttls">STARTTLS</option><option value="tls">Implicit TLS</option><option value="none">None</option></select>
  </fieldset>
</div>
<button type="button" class="primary" id="deploy">Deploy</button>
</form>
<div id="result"></div>

<h2>Deployments</h2>
<table id="deployments">
<thead><tr><th>Name</th><th>Domain</th><th>Package</th><th>Node</th><th>Farm</th><th>Country</th>
<th>Gateway</th><th>Status</th><th>Created</th><th></th></tr></thead>
<tbody></tbody>
</table>
<div id="details"></div>

<script>
"use strict";
const $ = (id) => document.getElementById(id);
let token = "";
let prices = null;
let packages = [];

(function readToken() {
  const match = location.hash.match(/token=([^&]+)/);
  if (match) {
    localStorage.setItem("herd-grid-token", decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname);
  }
  token = localStorage.getItem("herd-grid-token") || "";
  $("token-bar").hidden = !!token;
})();

async function api(method, path, body) {
  const options = {method, headers: {"Authorization": "Bearer " + token, "Accept": "application/json"}};
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  if (!response.ok) {
    if (response.status === 401) $("token-bar").hidden = false;
    throw new Error((data && data.error) || ("HTTP " + response.status));
  }
  return data;
}

function option(value, text) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = text;
  return o;
}

function resources() {
  const name = $("package").value;
  if (name === "custom")
    return {cpu: +$("cpu").value, memory_mb: +$("memory").value, disk_gb: +$("disk").value};
  return packages.find((p) => p.name === name) || {cpu: 1, memory_mb: 2048, disk_gb: 10};
}

function resourceQuery() {
  const r = resources();
  return "package=" + encodeURIComponent($("package").value) + "&cpu=" + r.cpu +
         "&memory_mb=" + r.memory_mb + "&disk_gb=" + r.disk_gb;
}

function updateCost() {
  $("custom").hidden = $("package").value !== "custom";
  if (!prices) return;
  const r = resources();
  const cost = r.cpu * prices.per_cpu + r.memory_mb / 1024 * prices.per_memory_gb + r.disk_gb * prices.per_disk_gb;
  $("cost").textContent = cost.toFixed(4);
}

function validateName() {
  const name = $("name").value;
  let error = "";
  if (name.length < 2) error = "Name must be at least 2 characters.";
  else if (name.length > 15) error = "Name must be at most 15 characters.";
  else if (!/^[a-z]/.test(name)) error = "Name must start with a lowercase letter.";
  else if (!/^[a-z0-9]+$/.test(name)) error = "Name can only include lowercase letters and digits.";
  $("name-error").textContent = error;
  return !error;
}

async function suggestNodes() {
  const select = $("node-select");
  select.replaceChildren(option("", "Searching..."));
  try {
    let query = resourceQuery();
    if ($("farm").value) query += "&farm=" + encodeURIComponent($("farm").value);
    if ($("country").value) query += "&country=" + encodeURIComponent($("country").value);
    const nodes = await api("GET", "/api/grid/v1/nodes?" + query);
    $("node-select-label").textContent = "Node ID (Found " + nodes.length + ")";
    select.replaceChildren();
    if (!nodes.length) select.appendChild(option("", "No nodes available"));
    for (const n of nodes)
      select.appendChild(option(n.id, "Node " + n.id + " (" + n.farm + ", " + n.country + ": " + n.free.cpu +
          " vCores, " + n.free.memory_mb + " MB, " + n.free.disk_gb + " GB free)"));
  } catch (e) {
    select.replaceChildren(option("", e.message));
  }
}

async function checkNode() {
  const id = $("node-id").value;
  const out = $("node-check");
  if (!id || +id < 1) { out.textContent = "Please select a valid node."; out.className = "error"; return; }
  try {
    const n = await api("GET", "/api/grid/v1/nodes/" + encodeURIComponent(id) + "?" + resourceQuery());
    out.textContent = n.message;
    out.className = n.fits ? "ok" : "error";
  } catch (e) {
    out.textContent = e.message;
    out.className = "error";
  }
}

function showResult(kind, nodes) {
  const box = $("result");
  box.className = kind;
  box.replaceChildren(...nodes);
}

async function deploy() {
  if (!validateName()) { showTab("base"); return; }
  const body = {name: $("name").value, package: $("package").value, gateway_id: $("gateway").value,
                admin_email: $("admin-email").value.trim(), admin_username: $("admin-username").value.trim(),
                admin_password: $("admin-password").value};
  if (body.package === "custom") Object.assign(body, resources());
  if ($("custom-domain").value.trim()) body.custom_domain = $("custom-domain").value.trim();
  if ($("node-mode").value === "manual") body.node_id = $("node-id").value;
  else {
    if ($("node-select").value) body.node_id = $("node-select").value;
    body.farm = $("farm").value;
    body.country = $("country").value;
  }
  if ($("smtp-enabled").checked) {
    Object.assign(body, {smtp_host: $("smtp-host").value.trim(), smtp_port: $("smtp-port").value,
      smtp_username: $("smtp-username").value, smtp_password: $("smtp-password").value,
      smtp_from: $("smtp-from").value.trim(), smtp_tls: $("smtp-tls").value});
  }
  $("deploy").disabled = true;
  showResult("ok", [document.createTextNode("Deploying " + body.name + "...")]);
  refresh();
  try {
    const d = await api("POST", "/api/grid/v1/deployments", body);
    const link = document.createElement("a");
    link.href = d.url;
    link.textContent = d.url;
    link.target = "_blank";
    const password = document.createElement("code");
    password.id = "admin-password-once";
    password.textContent = d.admin_password;
    showResult("ok", [document.createTextNode("Deployed " + d.name + " at "), link,
      document.createElement("br"),
      document.createTextNode("Admin " + d.admin_username + " <" + d.admin_email + ">, password "), password,
      document.createTextNode(" (shown once: keep it somewhere safe).")]);
    $("admin-password").value = "";
  } catch (e) {
    showResult("error", [document.createTextNode(e.message)]);
  } finally {
    $("deploy").disabled = false;
    refresh();
  }
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function button(text, className, onclick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = text;
  b.onclick = onclick;
  return b;
}

// Runs a lifecycle action of the details panel, then shows the panel again with its outcome.
async function act(name, label, method, path, body) {
  const message = $("details-message");
  if (message) message.textContent = label + "...";
  let outcome;
  try {
    const before = await api("GET", "/api/grid/v1/deployments/" + encodeURIComponent(name));
    const after = await api(method, "/api/grid/v1/deployments/" + encodeURIComponent(name) + path, body);
    outcome = label + ": done" + (after && after.node_id !== undefined && after.node_id !== before.node_id
      ? " (it did not fit node " + before.node_id + ": moved to node " + after.node_id + ")" : "");
  } catch (e) {
    outcome = label + ": " + e.message;
  }
  await refresh();
  await showDetails(name, outcome);
}

async function showDetails(name, outcome) {
  const box = $("details");
  try {
    const d = await api("GET", "/api/grid/v1/deployments/" + encodeURIComponent(name));
    const live = d.live, health = d.health || {};
    const lines = [d.name + " at " + d.url + (d.custom_url ? " and " + d.custom_url : "") +
      " on node " + d.node_id + " (" + d.instance_address + ")",
      "status " + d.status + ", restarts " + d.restart_count + (d.error ? ", " + d.error : ""),
      live && live.cpu_percent !== undefined ? "cpu " + live.cpu_percent.toFixed(1) + "%, memory " +
        (live.memory_bytes / 1048576).toFixed(1) + " MB of " + d.memory_mb + " MB, disk " +
        (live.disk_bytes / 1048576).toFixed(1) + " MB of " + d.disk_gb + " GB"
           : "live use: not running",
      "ready " + (health.ready ? "yes" : "no") + ", " + (health.user_count ?? "?") + " users, " +
        (health.status_count ?? "?") + " statuses"];
    const pre = document.createElement("pre");
    pre.id = "details-" + d.name;
    pre.textContent = lines.join("\n");
    const log = document.createElement("pre");
    log.className = "log";
    log.textContent = (health.log || []).join("\n") || "(no log lines)";
    const message = document.createElement("p");
    message.id = "details-message";
    message.textContent = outcome || "";
    const path = "/api/grid/v1/deployments/" + encodeURIComponent(d.name);
    const backups = document.createElement("select");
    backups.id = "backups";
    try {
      const list = await api("GET", path + "/backups");
      backups.replaceChildren(...list.map((b) => option(b.id, b.id + " (" + (b.bytes / 1048576).toFixed(1) + " MB)")));
    } catch (e) { /* the node does not answer: no list */ }
    const resizeTo = document.createElement("select");
    resizeTo.id = "resize-package";
    resizeTo.replaceChildren(...packages.map((x) => option(x.name, x.name)));
    const binary = document.createElement("input");
    binary.id = "upgrade-binary";
    binary.placeholder = "binary on the node";
    const controls = document.createElement("p");
    controls.className = "lifecycle";
    controls.append(
      d.status === "stopped" ? button("Start", "start", () => act(d.name, "Start", "POST", "/start"))
                             : button("Stop", "stop", () => act(d.name, "Stop", "POST", "/stop")),
      " ", button("Back up now", "backup", () => act(d.name, "Backup", "POST", "/backups")),
      " ", backups, " ",
      button("Restore", "restore", () => backups.value && confirm("Restore " + d.name + " from " + backups.value + "?") &&
        act(d.name, "Restore", "POST", "/restore", {backup: backups.value})),
      " ", resizeTo, " ", button("Resize", "resize", () => act(d.name, "Resize", "POST", "/resize", {package: resizeTo.value})),
      " ", binary, " ", button("Upgrade", "upgrade", () => binary.value && act(d.name, "Upgrade", "POST", "/upgrade", {binary: binary.value})));
    box.replaceChildren(pre, controls, message, log);
  } catch (e) {
    box.textContent = e.message;
  }
}

async function remove(name) {
  if (!confirm("Are you sure you want to delete " + name + "?")) return;
  try {
    await api("DELETE", "/api/grid/v1/deployments/" + encodeURIComponent(name));
  } catch (e) {
    showResult("error", [document.createTextNode(e.message)]);
  }
  refresh();
}

async function refresh() {
  if (!token) return;
  let list = [];
  try { list = await api("GET", "/api/grid/v1/deployments"); } catch (e) { return; }
  const body = document.querySelector("#deployments tbody");
  body.replaceChildren();
  for (const d of list) {
    const tr = document.createElement("tr");
    tr.dataset.name = d.name;
    for (const v of [d.name, d.domain, d.package, d.node_id, d.farm, d.country, d.gateway, d.status,
                     new Date(d.created_at).toLocaleString()])
      tr.appendChild(cell(String(v)));
    tr.children[7].className = "status";
    const actions = document.createElement("td");
    const visit = document.createElement("a");
    visit.className = "visit";
    visit.href = d.url;
    visit.target = "_blank";
    visit.textContent = "Visit";
    const details = button("Details", "details", () => showDetails(d.name));
    const del = button("Delete", "delete", () => remove(d.name));
    actions.append(visit, " ", details, " ", del);
    tr.appendChild(actions);
    body.appendChild(tr);
  }
}

function showTab(name) {
  for (const b of document.querySelectorAll(".tabs button")) b.classList.toggle("active", b.dataset.tab === name);
  for (const t of ["base", "admin", "mail"]) $("tab-" + t).hidden = t !== name;
}

async function load() {
  try {
    const p = await fetch("/api/grid/v1/packages").then((r) => r.json());
    prices = p.prices;
    packages = p.packages;
    $("package").replaceChildren(...packages.map((x) => option(x.name, x.name[0].toUpperCase() + x.name.slice(1) +
      " (CPU: " + x.cpu + " vCores, Memory: " + x.memory_mb + " MB, Disk: " + x.disk_gb + " GB)")),
      option("custom", "Custom"));
    updateCost();
  } catch (e) { /* shown by the deploy error */ }
  if (!token) return;
  try {
    const gateways = await api("GET", "/api/grid/v1/gateways");
    $("gateway").replaceChildren(...gateways.map((g) => option(g.id, g.domain)));
    const farms = await api("GET", "/api/grid/v1/farms");
    $("farm").replaceChildren(option("", "Any farm"), ...farms.map((f) => option(f, f)));
    const countries = await api("GET", "/api/grid/v1/countries");
    $("country").replaceChildren(option("", "Any country"), ...countries.map((c) => option(c, c)));
  } catch (e) {
    showResult("error", [document.createTextNode(e.message)]);
  }
  refresh();
}

for (const b of document.querySelectorAll(".tabs button")) b.onclick = () => showTab(b.dataset.tab);
$("package").onchange = () => { updateCost(); if ($("node-mode").value === "manual") checkNode(); };
for (const id of ["cpu", "memory", "disk"]) $(id).oninput = updateCost;
$("name").oninput = validateName;
$("node-mode").onchange = () => {
  const manual = $("node-mode").value === "manual";
  $("manual-box").hidden = !manual;
  $("filter-box").hidden = manual;
};
$("suggest").onclick = suggestNodes;
$("node-id").oninput = checkNode;
$("smtp-enabled").onchange = () => { $("smtp-fields").disabled = !$("smtp-enabled").checked; };
$("deploy").onclick = deploy;
$("save-token").onclick = () => {
  token = $("token").value.trim();
  localStorage.setItem("herd-grid-token", token);
  $("token-bar").hidden = true;
  load();
};
$("name").value = "md" + Math.random().toString(16).slice(2, 8).replace(/^[0-9]/, "a");
setInterval(refresh, 5000);
load();
</script>
</body>
</html>
)HTML";

}  // namespace

void add_form_routes(http::Router& router, GridService&) {
  router.get("/", [](http::Request&) {
    return http::Response::html(kPage).with_header("Cache-Control", "no-store");
  });
}

}  // namespace herd::grid
