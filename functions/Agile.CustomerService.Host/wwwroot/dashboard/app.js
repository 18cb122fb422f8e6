// The coach dashboard: hash-routed pages over the metrics and quality APIs.
// Rules: every request goes through api(), which adds the bearer token from token();
// every text from data is set with textContent (h() never parses markup).
"use strict";
(function () {
  // ------------------------------------------------------------------ auth and HTTP

  // A token handed over in the address (?token=..., e.g. a development token for the local run)
  // is kept for this tab only and removed from the address at once.
  (function adoptTokenFromAddress() {
    try {
      const url = new URL(window.location.href);
      const handed = url.searchParams.get("token");
      if (handed) {
        sessionStorage.setItem("acs-token", handed);
        url.searchParams.delete("token");
        window.history.replaceState(null, "", url.pathname + url.search + url.hash);
      }
    } catch { /* no storage: calls go without a token and get 401 */ }
  })();

  /** The bearer token for the API: from Teams single sign-on in a Teams tab, else the one handed over (sessionStorage 'acs-token'). */
  function token() {
    try { return sessionStorage.getItem("acs-token"); } catch { return null; }
  }

  // As a Teams tab (contentUrl ...?inTeams=true) the page asks Teams for the signed-in user's token
  // for our API (manifest webApplicationInfo: api://{domain}/{API client id}), through Microsoft's
  // TeamsJS library (vendor/, pinned). Teams caches and renews it; it is asked for before every page.
  const inTeams = new URL(window.location.href).searchParams.get("inTeams") === "true";
  let teamsReady = null;

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error("could not load " + src));
      document.head.appendChild(script);
    });
  }

  function within(ms, promise, what) {
    return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(what + " did not answer within " + ms / 1000 + " s")), ms))]);
  }

  async function teamsSignIn() {
    teamsReady = teamsReady || loadScript("vendor/MicrosoftTeams.min.js")
      .then(() => within(5000, window.microsoftTeams.app.initialize(), "Microsoft Teams"));
    try {
      await teamsReady;
      const signedIn = await within(10000, window.microsoftTeams.authentication.getAuthToken(), "Teams sign-in");
      sessionStorage.setItem("acs-token", signedIn);
    } catch (e) {
      teamsReady = null;
      const error = new Error("Microsoft Teams did not sign you in (" + (e && e.message ? e.message : e) +
        "). Open the dashboard from its tab in Teams; if it keeps failing, an admin grants the app's API permission (docs/dashboard.md).");
      error.status = 401;
      throw error;
    }
  }

  /** Every call to the API: adds Authorization, turns ProblemDetails into an Error with its detail. */
  async function api(path, init) {
    const options = Object.assign({}, init || {});
    const headers = new Headers(options.headers || {});
    const bearer = token();
    if (bearer) headers.set("Authorization", "Bearer " + bearer);
    options.headers = headers;
    const response = await fetch(path, options);
    if (!response.ok) {
      let detail = response.status + " " + response.statusText;
      try { const problem = await response.json(); detail = problem.detail || problem.title || detail; } catch { /* not JSON */ }
      const error = new Error(detail);
      error.status = response.status;
      throw error;
    }
    return response;
  }

  const getJson = async path => (await api(path)).json();

  /** Downloads what the API returns (CSV) as a file, keeping the Authorization header. */
  async function download(path, fileName) {
    const blob = await (await api(path)).blob();
    saveBlob(blob, fileName);
  }

  function saveBlob(blob, fileName) {
    const url = URL.createObjectURL(blob);
    const a = h("a", { href: url, download: fileName });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // ------------------------------------------------------------------ DOM (text only)

  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
      else if (k === "className") node.className = v;
      else node.setAttribute(k, String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function show(...nodes) {
    const view = document.getElementById("view");
    view.replaceChildren(...nodes.flat());
  }

  function failure(error) {
    return h("p", { className: "error", role: "alert" }, "Could not load: ", error.message);
  }

  // ------------------------------------------------------------------ KPIs

  const KPI_NAMES = {
    firstContactResolution: "First-contact resolution",
    repeatContactRate: "Repeat contacts (7 days)",
    handOffRate: "Hand-off rate",
    spillOverGiven: "Spill-over given",
    spillOverReceived: "Spill-over received",
    complaintRate: "Complaint rate",
    csat: "CSAT (satisfied)",
    nps: "NPS",
    averageHandleTime: "Average handle time",
    backlogAge: "Backlog age",
    slaAttainment: "SLA attainment",
    slaAttainmentStandard: "SLA · standard customers",
    slaAttainmentPriority: "SLA · priority customers",
    slaAttainmentVulnerable: "SLA · vulnerable customers",
    customersServedPerAgent: "Customers served per agent",
    employeeNps: "Employee NPS (pulse)",
  };
  const NOT_DRILLABLE = new Set(["employeeNps"]);
  const kpiName = k => KPI_NAMES[k] || k;

  function format(unit, v) {
    if (v === null || v === undefined || !isFinite(v)) return "–";
    switch (unit) {
      case "ratio": return (v * 100).toFixed(1) + "%";
      case "seconds": {
        const s = Math.round(v);
        return s >= 3600 ? (s / 3600).toFixed(1) + " h" : Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0") + " min";
      }
      case "points": return (v > 0 ? "+" : "") + v.toFixed(0);
      case "customers": return v.toFixed(1);
      default: return String(Math.round(v * 100) / 100);
    }
  }

  /** Axis labels of a unit: ratios in percent, seconds in minutes. */
  const axisFormat = unit => v => unit === "ratio" ? Math.round(v * 100) + "%" : unit === "seconds" ? (v / 60).toFixed(v % 60 === 0 ? 0 : 1) : String(Math.round(v * 10) / 10);
  const axisLabel = unit => unit === "ratio" ? "percent" : unit === "seconds" ? "minutes" : unit === "points" ? "points (−100 to +100)" : unit;

  // ------------------------------------------------------------------ routing and range

  function isoDay(d) { return d.toISOString().slice(0, 10); }

  function route() {
    const hash = location.hash.replace(/^#/, "") || "/";
    const [path, query] = hash.split("?");
    const params = new URLSearchParams(query || "");
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    const today = new Date();
    const to = params.get("to") || isoDay(today);
    const from = params.get("from") || isoDay(new Date(Date.parse(to + "T00:00:00Z") - 13 * 86400000));
    return { page: parts[0] || "overview", args: parts.slice(1), params, from, to };
  }

  function link(page, args, extra, r) {
    const params = new URLSearchParams(Object.assign({ from: r.from, to: r.to }, extra || {}));
    return "#/" + [page, ...args].map(encodeURIComponent).join("/") + "?" + params.toString();
  }

  const qs = (r, extra) => new URLSearchParams(Object.assign({ from: r.from, to: r.to }, extra || {})).toString();

  function syncChrome(r) {
    const form = document.getElementById("range");
    form.elements.from.value = r.from;
    form.elements.to.value = r.to;
    for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.nav === (r.page === "drill" || r.page === "case" ? "team" : r.page));
  }

  // ------------------------------------------------------------------ pages

  async function overview(r) {
    const kpi = r.params.get("kpi") || "firstContactResolution";
    const data = await getJson(`/api/metrics/teams?${qs(r)}`);
    const teams = data.teams || [];
    const kpis = teams.length ? Object.keys(teams[0].kpis) : Object.keys(KPI_NAMES);
    const unit = teams.length && teams[0].kpis[kpi] ? teams[0].kpis[kpi].unit : "ratio";
    const select = h("select", { id: "kpi-select", "aria-label": "KPI", onchange: e => { location.hash = link("overview", [], { kpi: e.target.value }, r); } },
      kpis.map(k => h("option", { value: k, selected: k === kpi }, kpiName(k))));
    const chart = Charts.bars({
      title: `${kpiName(kpi)} by team, ${r.from} to ${r.to}`,
      yLabel: axisLabel(unit),
      format: axisFormat(unit),
      categories: teams.map(t => t.teamId),
      series: [{
        name: kpiName(kpi),
        values: teams.map(t => t.kpis[kpi] ? t.kpis[kpi].value : null),
        onClick: NOT_DRILLABLE.has(kpi) ? undefined : i => { location.hash = link("drill", [teams[i].teamId, kpi], {}, r); },
      }],
    });
    const table = h("table", { id: "teams-table" },
      h("thead", {}, h("tr", {}, h("th", {}, "KPI"), teams.map(t => h("th", { scope: "col" }, h("a", { href: link("team", [t.teamId], {}, r) }, t.teamId))))),
      h("tbody", {}, kpis.map(k => h("tr", { "data-kpi": k },
        h("th", { scope: "row" }, kpiName(k)),
        teams.map(t => {
          const v = t.kpis[k];
          const text = format(v.unit, v.value);
          const title = `${v.numerator} / ${v.denominator} · attributed to the ${v.attribution}`;
          return h("td", { className: "num", title },
            NOT_DRILLABLE.has(k) ? text : h("a", { href: link("drill", [t.teamId, k], {}, r), "data-team": t.teamId }, text));
        })))));
    show(
      h("h2", {}, "Teams side by side"),
      h("div", { className: "toolbar" },
        h("label", {}, "KPI ", select),
        h("button", { type: "button", className: "secondary", id: "export-csv", onclick: () => download(`/api/metrics/teams?${qs(r, { format: "csv" })}`, `teams-${r.from}-${r.to}.csv`) }, "Export CSV")),
      h("div", { className: "chart", id: "teams-chart" }, chart),
      h("p", { className: "muted" }, "Click a bar or a number to see the cases behind it. Hover a number for its numerator and denominator."),
      table);
  }

  async function team(r) {
    const teamId = r.args[0] || "north-1";
    const kpi = r.params.get("kpi") || "firstContactResolution";
    const [data, teamsList] = await Promise.all([getJson(`/api/metrics/teams/${encodeURIComponent(teamId)}?${qs(r)}`), getJson("/api/teams").catch(() => [])]);
    const current = data.kpis[kpi] || data.kpis.firstContactResolution;
    const picker = h("select", { id: "team-select", "aria-label": "Team", onchange: e => { location.hash = link("team", [e.target.value], { kpi }, r); } },
      (teamsList.length ? teamsList.map(t => t.id) : [teamId]).map(id => h("option", { value: id, selected: id === teamId }, id)));
    const tiles = h("div", { className: "tiles", id: "kpi-tiles" }, Object.entries(data.kpis).map(([k, v]) => h("div", { className: "tile" + (k === kpi ? " selected" : ""), "data-kpi": k },
      h("div", { className: "name" }, h("a", { href: link("team", [teamId], { kpi: k }, r), title: "Show the trend" }, kpiName(k))),
      NOT_DRILLABLE.has(k)
        ? h("span", { className: "value" }, format(v.unit, v.value))
        : h("a", { className: "value", href: link("drill", [teamId, k], {}, r), title: "The cases behind this number" }, format(v.unit, v.value)),
      h("div", { className: "basis" }, `${round(v.numerator)} / ${round(v.denominator)}`))));
    const chart = Charts.line({
      title: `${kpiName(kpi)} per day · team ${teamId}`,
      xLabel: "day",
      yLabel: axisLabel(current.unit),
      format: axisFormat(current.unit),
      series: [{
        name: `${teamId} · ${kpiName(kpi)}`,
        points: (data.series || []).map(d => ({
          x: d.day,
          y: d.kpis[kpi] ? d.kpis[kpi].value : null,
          note: d.kpis[kpi] ? `${round(d.kpis[kpi].numerator)} / ${round(d.kpis[kpi].denominator)}` : "",
          onClick: NOT_DRILLABLE.has(kpi) ? undefined : () => { location.hash = "#/" + ["drill", teamId, kpi].map(encodeURIComponent).join("/") + "?" + new URLSearchParams({ from: d.day, to: d.day }); },
        })),
      }],
    });
    show(
      h("h2", {}, "Team trends · ", teamId),
      h("div", { className: "toolbar" },
        h("label", {}, "Team ", picker),
        h("span", { className: "muted" }, `${data.agents} agents · ${r.from} to ${r.to}`),
        h("button", { type: "button", className: "secondary", id: "export-csv", onclick: () => download(`/api/metrics/teams/${encodeURIComponent(teamId)}?${qs(r, { format: "csv" })}`, `metrics-${teamId}-${r.from}-${r.to}.csv`) }, "Export CSV"),
        h("a", { href: link("quality", [teamId], {}, r) }, "Quality flags and exemptions")),
      h("div", { className: "chart", id: "trend-chart" }, chart),
      h("p", { className: "muted" }, "Pick a KPI's name to see its trend; its number opens the cases behind it. A dot opens that day's cases."),
      tiles);
  }

  function round(v) { return Math.round(v * 100) / 100; }

  async function drill(r) {
    const [teamId, kpi] = r.args;
    const data = await getJson(`/api/metrics/teams/${encodeURIComponent(teamId)}/cases?${qs(r, { kpi })}`);
    const cases = data.cases || [];
    const seconds = kpi === "averageHandleTime" || kpi === "backlogAge";
    show(
      h("h2", {}, `${kpiName(kpi)} · team ${teamId} · the cases behind the number`),
      h("div", { className: "toolbar" },
        h("a", { href: link("team", [teamId], { kpi }, r) }, "← back to the team"),
        h("span", { className: "muted", id: "drill-summary" }, `${cases.length} cases · ${cases.filter(c => c.inNumerator).length} in the numerator · ${cases.filter(c => c.inDenominator).length} in the denominator · ${r.from} to ${r.to}`),
        h("button", { type: "button", className: "secondary", id: "export-csv", onclick: () => download(`/api/metrics/teams/${encodeURIComponent(teamId)}/cases?${qs(r, { kpi, format: "csv" })}`, `cases-${teamId}-${kpi}-${r.from}-${r.to}.csv`) }, "Export CSV")),
      cases.length === 0 ? h("p", { className: "muted" }, "No cases in this range.") :
        h("table", { id: "drill-table" },
          h("thead", {}, h("tr", {}, ["Case", "Day", "In numerator", "In denominator", seconds ? "Seconds" : "Value"].map(t => h("th", {}, t)))),
          h("tbody", {}, cases.map(c => h("tr", {},
            h("td", {}, h("a", { href: link("case", [c.caseId], {}, r) }, c.caseId)),
            h("td", {}, c.day),
            h("td", {}, c.inNumerator ? "yes" : "no"),
            h("td", {}, c.inDenominator ? "yes" : "no"),
            h("td", { className: "num" }, seconds ? format("seconds", c.value) : String(c.value)))))));
  }

  async function caseView(r) {
    const caseId = r.args[0];
    const data = await getJson(`/api/cases/${encodeURIComponent(caseId)}`);
    const c = data.case;
    let transcripts = [];
    try { transcripts = (await getJson(`/api/cases/${encodeURIComponent(caseId)}/transcript`)).transcripts; } catch (e) { if (e.status !== 404) throw e; }
    show(
      h("h2", {}, "Case ", caseId),
      h("table", { id: "case-table" }, h("tbody", {},
        [["Status", c.status], ["Topic", c.topic], ["Customer", c.customerId], ["Owning team", c.owningTeamId], ["Handling team", c.handlingTeamId],
          ["Agent", c.assignedTo || c.lastServedBy || "–"], ["Opened", c.openedAt], ["Resolved", c.resolvedAt || "–"], ["Repeat of", c.repeatOf || "–"]]
          .map(([k, v]) => h("tr", {}, h("th", { scope: "row" }, k), h("td", {}, v))))),
      h("h3", {}, "History"),
      h("table", { id: "history-table" },
        h("thead", {}, h("tr", {}, ["Event", "At", "By", "Reason"].map(t => h("th", {}, t)))),
        h("tbody", {}, (data.history || []).map(e => h("tr", {}, h("td", {}, e.type || ""), h("td", {}, e.at || ""), h("td", {}, e.by || e.agentId || ""), h("td", {}, e.reason || e.resolution || ""))))),
      h("h3", {}, "Transcripts"),
      transcripts.length === 0 ? h("p", { className: "muted" }, "No transcript attached.") :
        transcripts.map(t => h("div", { className: "tile transcript" },
          h("div", { className: "name" }, `${t.attachedAt} by ${t.attachedBy} · checked against ${t.checkedAgainstTeamId} · `, h("span", { className: t.flagCount ? "pill flag" : "pill" }, `${t.flagCount} flags`)),
          h("pre", {}, t.text))));
  }

  async function quality(r) {
    const teamId = r.args[0] || "north-1";
    const [flags, pending] = await Promise.all([
      getJson(`/api/teams/${encodeURIComponent(teamId)}/quality/flags?${qs(r)}`),
      getJson(`/api/teams/${encodeURIComponent(teamId)}/quality/exemptions?status=pending`),
    ]);
    const coach = h("input", { id: "coach-id", placeholder: "e.g. coach-1", value: sessionStorage.getItem("acs-coach") || "", size: 14 });
    coach.addEventListener("change", () => sessionStorage.setItem("acs-coach", coach.value));
    async function decide(id, approved) {
      if (!coach.value) { coach.focus(); coach.setAttribute("aria-invalid", "true"); return; }
      sessionStorage.setItem("acs-coach", coach.value);
      await api(`/api/exemptions/${encodeURIComponent(id)}/decision`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random() },
        body: JSON.stringify({ coachId: coach.value, approved }),
      }).then(() => render(), e => show(failure(e)));
    }
    const flagRows = flags.flags.flatMap(f => f.matches.map((m, i) => h("tr", {},
      i === 0 ? h("td", { rowspan: f.matches.length }, f.flaggedAt.slice(0, 16).replace("T", " ")) : null,
      i === 0 ? h("td", { rowspan: f.matches.length }, h("a", { href: link("case", [f.caseId], {}, r) }, f.caseId)) : null,
      i === 0 ? h("td", { rowspan: f.matches.length }, f.agentId || "–") : null,
      h("td", {}, h("span", { className: "pill flag" }, m.label)),
      h("td", {}, m.excerpt))));
    const csv = () => {
      const rows = [["flaggedAt", "caseId", "agentId", "label", "excerpt"], ...flags.flags.flatMap(f => f.matches.map(m => [f.flaggedAt, f.caseId, f.agentId || "", m.label, m.excerpt]))];
      const text = rows.map(row => row.map(v => /[",\n\r]/.test(v) ? '"' + String(v).replace(/"/g, '""') + '"' : v).join(",")).join("\n") + "\n";
      saveBlob(new Blob([text], { type: "text/csv" }), `quality-flags-${teamId}-${r.from}-${r.to}.csv`);
    };
    show(
      h("h2", {}, "Quality · team ", teamId),
      h("p", { className: "muted" }, "Only what must never happen is checked: forbidden phrases and information that must not be disclosed. Nothing else is scored."),
      h("h3", {}, `Pending handle-time exemptions (${pending.count})`),
      h("div", { className: "toolbar" }, h("label", {}, "Deciding as ", coach)),
      pending.count === 0 ? h("p", { className: "muted", id: "no-pending" }, "Nothing to decide.") :
        h("table", { id: "exemptions-table" },
          h("thead", {}, h("tr", {}, ["Requested", "Case", "Agent", "Reason", "Decision"].map(t => h("th", {}, t)))),
          h("tbody", {}, pending.exemptions.map(e => h("tr", { "data-exemption": e.id },
            h("td", {}, e.requestedAt.slice(0, 16).replace("T", " ")),
            h("td", {}, h("a", { href: link("case", [e.caseId], {}, r) }, e.caseId)),
            h("td", {}, e.agentId),
            h("td", {}, e.reason),
            h("td", {},
              h("button", { type: "button", className: "approve", onclick: () => decide(e.id, true) }, "Approve"), " ",
              h("button", { type: "button", className: "danger decline", onclick: () => decide(e.id, false) }, "Decline")))))),
      h("h3", {}, `Flagged transcripts (${flags.count})`),
      h("div", { className: "toolbar" }, h("button", { type: "button", className: "secondary", id: "export-csv", onclick: csv }, "Export CSV")),
      flags.count === 0 ? h("p", { className: "muted" }, "No transcript broke the team's list in this range.") :
        h("table", { id: "flags-table" },
          h("thead", {}, h("tr", {}, ["Flagged", "Case", "Agent", "Rule", "Where (match redacted)"].map(t => h("th", {}, t)))),
          h("tbody", {}, flagRows)));
  }

  async function pilot(r) {
    const pilotId = r.args[0] || "north";
    let data;
    try {
      data = await getJson(`/api/pilots/${encodeURIComponent(pilotId)}/comparison`);
    } catch (e) {
      if (e.status === 404) { show(h("h2", {}, "Pilot ", pilotId), h("p", { className: "muted", id: "no-pilot" }, `No comparison for pilot ${pilotId}: `, e.message)); return; }
      throw e;
    }
    // Shape: PilotReport of the metrics API (docs/metrics.md, "Pilots"). A KPI whose reported
    // effect is relative (repeat contacts -20%, complaints -50%) is drawn relative to the baseline.
    const rows = (data.kpis || []).map(k => {
      // Relative when the reported effect is relative and the baseline is not zero (else absolute, without the band).
      const relative = !!(k.expected && k.expected.scale === "relative" && typeof k.relativeDifference === "number");
      const band = k.expected && (relative || k.expected.scale === "absolute") ? k.expected : null;
      const unit = k.unit;
      const signed = (v, text) => (v > 0 ? "+" : "") + text;
      const f = relative
        ? v => signed(v, (v * 100).toFixed(0) + "%")
        : v => unit === "ratio" ? signed(v, (v * 100).toFixed(1) + " pp") : unit === "seconds" ? signed(v, Math.round(v) + " s") : signed(v, String(Math.round(v * 10) / 10));
      const ci = relative ? k.relativeCi95 : k.ci95;
      return {
        label: kpiName(k.kpi) + (relative ? " (relative)" : ""),
        estimate: relative ? k.relativeDifference : k.difference,
        low: ci ? ci.low : undefined,
        high: ci ? ci.high : undefined,
        expectedLow: band ? band.low : undefined,
        expectedHigh: band ? band.high : undefined,
        format: v => (typeof v === "number" && isFinite(v) ? f(v) : "–"),
        k,
      };
    });
    const shown = rows.filter(r => typeof r.estimate === "number");
    const baseline = data.baselineKind === "prePilot"
      ? `the same teams before the pilot (${data.baselineFrom} to ${data.baselineTo})`
      : `control teams ${(data.baselineTeams || []).join(", ")} (${data.baselineFrom} to ${data.baselineTo})`;
    show(
      h("h2", {}, "Pilot ", data.pilotId || pilotId, " against its baseline"),
      h("p", { className: "muted" }, `Region ${data.regionId} · pilot teams ${(data.pilotTeams || []).join(", ")} (${data.pilotFrom} to ${data.pilotTo}) · baseline: ${baseline}`),
      h("div", { className: "toolbar" },
        h("button", { type: "button", className: "secondary", id: "export-csv", onclick: () => download(`/api/pilots/${encodeURIComponent(pilotId)}/comparison?format=csv`, `pilot-${pilotId}.csv`) }, "Export CSV")),
      h("div", { className: "chart", id: "pilot-chart" }, Charts.intervals({ title: "Difference pilot − baseline with 95% confidence interval", rows: shown })),
      h("p", { className: "muted" }, "KPIs without enough data on both sides are listed below but not drawn. pp = percentage points."),
      h("table", { id: "pilot-table" },
        h("thead", {}, h("tr", {}, ["KPI", "Pilot", "Baseline", "Difference", "95% CI", "Verdict", "Reported effect"].map(t => h("th", {}, t)))),
        h("tbody", {}, rows.map(row => h("tr", { "data-kpi": row.k.kpi },
          h("th", { scope: "row" }, row.label),
          h("td", { className: "num" }, format(row.k.unit, row.k.pilot && row.k.pilot.value)),
          h("td", { className: "num" }, format(row.k.unit, row.k.baseline && row.k.baseline.value)),
          h("td", { className: "num" }, row.format(row.estimate)),
          h("td", { className: "num" }, typeof row.low === "number" ? `${row.format(row.low)} to ${row.format(row.high)}` : "–"),
          h("td", {}, row.k.verdict || "–"),
          h("td", {}, row.k.expected ? row.k.expected.reported + (row.k.consistentWithExpected === true ? " (consistent)" : row.k.consistentWithExpected === false ? " (not consistent)" : "") : "–"))))));
  }

  const PAGES = { overview, team, drill, case: caseView, quality, pilot };

  async function render() {
    const r = route();
    syncChrome(r);
    const page = PAGES[r.page];
    if (!page) { show(h("p", { className: "error" }, "No such page: ", r.page)); return; }
    document.body.setAttribute("data-state", "loading");
    try {
      if (inTeams) await teamsSignIn();
      await page(r);
    } catch (e) {
      show(failure(e));
    } finally {
      document.body.setAttribute("data-state", "ready");
    }
  }

  document.getElementById("range").addEventListener("submit", e => {
    e.preventDefault();
    const r = route();
    const form = e.target;
    const params = new URLSearchParams(r.params);
    params.set("from", form.elements.from.value);
    params.set("to", form.elements.to.value);
    location.hash = "#/" + [r.page, ...r.args].map(encodeURIComponent).join("/") + "?" + params.toString();
  });
  window.addEventListener("hashchange", render);
  window.AcsDashboard = { token, api };
  render();
})();
