// Charts drawn as inline SVG, with axes, tick labels, axis titles and a legend.
// Every text goes through textContent: nothing from the data is ever parsed as markup.
"use strict";
(function () {
  const NS = "http://www.w3.org/2000/svg";
  const PALETTE = ["#2459a8", "#d9731a", "#1b7f3b", "#9c27b0", "#b3261e", "#00838f", "#6d4c41", "#546e7a"];

  function el(name, attrs, text) {
    const node = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  /** Round "nice" ticks between min and max (about `count` of them). */
  function ticks(min, max, count) {
    if (!(max > min)) { max = min + 1; }
    const raw = (max - min) / Math.max(1, count);
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map(m => m * mag).find(s => s >= raw) || raw;
    const start = Math.floor(min / step) * step;
    const out = [];
    for (let v = start; v <= max + step * 0.5 && out.length < 50; v += step) out.push(Number(v.toFixed(10)));
    return out;
  }

  function frame(opts, width, height) {
    const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": opts.title || "chart", class: opts.className || "" });
    svg.appendChild(el("title", {}, opts.title || "chart"));
    if (opts.title) svg.appendChild(el("text", { x: 10, y: 18, class: "title" }, opts.title));
    return svg;
  }

  function legend(svg, names, x, y, colors) {
    const g = el("g", { class: "legend", transform: `translate(${x},${y})` });
    let offset = 0;
    names.forEach((name, i) => {
      const item = el("g", { class: "legend-item", transform: `translate(${offset},0)` });
      item.appendChild(el("rect", { x: 0, y: -9, width: 12, height: 12, fill: colors[i % colors.length], rx: 2 }));
      item.appendChild(el("text", { x: 16, y: 1 }, name));
      g.appendChild(item);
      offset += 28 + String(name).length * 7.5;
    });
    svg.appendChild(g);
  }

  function yAxis(svg, scale, domain, left, top, plotW, plotH, format, label) {
    const axis = el("g", { class: "axis y-axis" });
    const grid = el("g", { class: "grid" });
    for (const t of ticks(domain[0], domain[1], 5)) {
      if (t < domain[0] - 1e-9 || t > domain[1] + 1e-9) continue;
      const y = scale(t);
      grid.appendChild(el("line", { x1: left, x2: left + plotW, y1: y, y2: y }));
      axis.appendChild(el("text", { x: left - 6, y: y + 4, "text-anchor": "end" }, format(t)));
    }
    axis.appendChild(el("line", { x1: left, x2: left, y1: top, y2: top + plotH }));
    if (label) axis.appendChild(el("text", { class: "axis-label", transform: `translate(14,${top + plotH / 2}) rotate(-90)`, "text-anchor": "middle" }, label));
    svg.appendChild(grid);
    svg.appendChild(axis);
  }

  function domainOf(values, includeZero) {
    const finite = values.filter(v => typeof v === "number" && isFinite(v));
    let min = finite.length ? Math.min(...finite) : 0;
    let max = finite.length ? Math.max(...finite) : 1;
    if (includeZero) { min = Math.min(0, min); max = Math.max(0, max); }
    if (max === min) { max = min + (min === 0 ? 1 : Math.abs(min) * 0.1); }
    const t = ticks(min, max, 5);
    return [Math.min(min, t[0]), Math.max(max, t[t.length - 1])];
  }

  /**
   * A line chart over days. opts: { title, xLabel, yLabel, format(v), series: [{ name, points: [{ x: "YYYY-MM-DD", y: number|null, onClick? }] }] }
   * Gaps (null) break the line; each point is a dot with a tooltip and an optional click (drill-down).
   */
  function line(opts) {
    const width = 760, height = 320, left = 64, right = 16, top = 48, bottom = 56;
    const plotW = width - left - right, plotH = height - top - bottom;
    const svg = frame(opts, width, height);
    const xs = [...new Set(opts.series.flatMap(s => s.points.map(p => p.x)))].sort();
    const domain = domainOf(opts.series.flatMap(s => s.points.map(p => p.y)), true);
    const x = i => left + (xs.length <= 1 ? plotW / 2 : (i * plotW) / (xs.length - 1));
    const y = v => top + plotH - ((v - domain[0]) / (domain[1] - domain[0])) * plotH;
    yAxis(svg, y, domain, left, top, plotW, plotH, opts.format, opts.yLabel);
    const xAxis = el("g", { class: "axis x-axis" });
    xAxis.appendChild(el("line", { x1: left, x2: left + plotW, y1: top + plotH, y2: top + plotH }));
    const every = Math.max(1, Math.ceil(xs.length / 8));
    xs.forEach((d, i) => {
      if (i % every !== 0 && i !== xs.length - 1) return;
      xAxis.appendChild(el("line", { x1: x(i), x2: x(i), y1: top + plotH, y2: top + plotH + 4 }));
      xAxis.appendChild(el("text", { x: x(i), y: top + plotH + 18, "text-anchor": "middle" }, d.slice(5)));
    });
    if (opts.xLabel) xAxis.appendChild(el("text", { class: "axis-label", x: left + plotW / 2, y: height - 8, "text-anchor": "middle" }, opts.xLabel));
    svg.appendChild(xAxis);
    opts.series.forEach((s, si) => {
      const color = PALETTE[si % PALETTE.length];
      const g = el("g", { class: "series", "data-series": s.name });
      let d = "";
      let pen = false;
      for (const p of s.points.slice().sort((a, b) => (a.x < b.x ? -1 : 1))) {
        const i = xs.indexOf(p.x);
        if (p.y === null || p.y === undefined) { pen = false; continue; }
        d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(p.y).toFixed(1)} `;
        pen = true;
      }
      if (d) g.appendChild(el("path", { d: d.trim(), fill: "none", stroke: color, "stroke-width": 2.5, class: "line" }));
      for (const p of s.points) {
        if (p.y === null || p.y === undefined) continue;
        const dot = el("circle", { cx: x(xs.indexOf(p.x)), cy: y(p.y), r: 4.5, fill: color, class: "dot", tabindex: p.onClick ? 0 : -1, "data-x": p.x });
        dot.appendChild(el("title", {}, `${s.name} · ${p.x}: ${opts.format(p.y)}${p.note ? " · " + p.note : ""}`));
        if (p.onClick) { dot.addEventListener("click", p.onClick); dot.addEventListener("keydown", e => { if (e.key === "Enter") p.onClick(); }); }
        g.appendChild(dot);
      }
      svg.appendChild(g);
    });
    legend(svg, opts.series.map(s => s.name), left, 36, PALETTE);
    if (!opts.series.some(s => s.points.some(p => p.y !== null && p.y !== undefined))) {
      svg.appendChild(el("text", { x: left + plotW / 2, y: top + plotH / 2, "text-anchor": "middle", class: "empty" }, "No data in this range"));
    }
    return svg;
  }

  /**
   * Grouped vertical bars. opts: { title, yLabel, format(v), categories: [name], series: [{ name, values: [number|null], onClick?(categoryIndex) }] }
   */
  function bars(opts) {
    const width = 760, height = 320, left = 64, right = 16, top = 48, bottom = 48;
    const plotW = width - left - right, plotH = height - top - bottom;
    const svg = frame(opts, width, height);
    const domain = domainOf(opts.series.flatMap(s => s.values), true);
    const y = v => top + plotH - ((v - domain[0]) / (domain[1] - domain[0])) * plotH;
    yAxis(svg, y, domain, left, top, plotW, plotH, opts.format, opts.yLabel);
    const band = plotW / Math.max(1, opts.categories.length);
    const inner = band * 0.75;
    const barW = inner / Math.max(1, opts.series.length);
    const xAxis = el("g", { class: "axis x-axis" });
    xAxis.appendChild(el("line", { x1: left, x2: left + plotW, y1: y(0), y2: y(0) }));
    opts.categories.forEach((c, ci) => {
      xAxis.appendChild(el("text", { x: left + band * ci + band / 2, y: top + plotH + 18, "text-anchor": "middle" }, c));
    });
    svg.appendChild(xAxis);
    opts.series.forEach((s, si) => {
      const color = PALETTE[si % PALETTE.length];
      const g = el("g", { class: "series", "data-series": s.name });
      s.values.forEach((v, ci) => {
        const bx = left + band * ci + (band - inner) / 2 + si * barW;
        if (v === null || v === undefined) {
          g.appendChild(el("text", { x: bx + barW / 2, y: y(0) - 4, "text-anchor": "middle", class: "na" }, "n/a"));
          return;
        }
        const y0 = y(0), y1 = y(v);
        const rect = el("rect", { x: bx + 1, y: Math.min(y0, y1), width: Math.max(1, barW - 2), height: Math.max(1, Math.abs(y0 - y1)), fill: color, class: "bar", "data-category": opts.categories[ci], tabindex: s.onClick ? 0 : -1 });
        rect.appendChild(el("title", {}, `${opts.categories[ci]} · ${s.name}: ${opts.format(v)}`));
        if (s.onClick) { rect.addEventListener("click", () => s.onClick(ci)); rect.addEventListener("keydown", e => { if (e.key === "Enter") s.onClick(ci); }); }
        g.appendChild(rect);
        g.appendChild(el("text", { x: bx + barW / 2, y: Math.min(y0, y1) - 4, "text-anchor": "middle", class: "bar-label" }, opts.format(v)));
      });
      svg.appendChild(g);
    });
    legend(svg, opts.series.map(s => s.name), left, 36, PALETTE);
    return svg;
  }

  /**
   * Differences with 95% confidence intervals, one row per KPI, against zero and an expected band.
   * opts: { title, rows: [{ label, estimate, low, high, expectedLow?, expectedHigh?, format(v) }] }
   * Each row has its own scale (units differ); zero is marked, the expected effect is a shaded band.
   */
  function intervals(opts) {
    const rowH = 44, left = 280, right = 190, top = 52;
    const width = 860, height = top + rowH * Math.max(1, opts.rows.length) + 30;
    const plotW = width - left - right;
    const svg = frame(opts, width, height);
    legend(svg, ["difference (pilot − baseline)", "95% confidence interval", "reported effect of the model"], 10, 36, ["#2459a8", "#8a94a3", "#cfe3cf"]);
    opts.rows.forEach((r, i) => {
      const cy = top + rowH * i + rowH / 2 + 6;
      const vals = [r.low, r.high, r.estimate, 0, r.expectedLow, r.expectedHigh].filter(v => typeof v === "number" && isFinite(v));
      const lo = Math.min(...vals), hi = Math.max(...vals);
      const pad = (hi - lo || 1) * 0.1;
      const x = v => left + ((v - (lo - pad)) / (hi - lo + 2 * pad)) * plotW;
      const g = el("g", { class: "interval-row", "data-kpi": r.label });
      g.appendChild(el("text", { x: left - 10, y: cy + 4, "text-anchor": "end" }, r.label));
      g.appendChild(el("line", { x1: left, x2: left + plotW, y1: cy, y2: cy, stroke: "#e8ebef" }));
      if (typeof r.expectedLow === "number" && typeof r.expectedHigh === "number") {
        g.appendChild(el("rect", { x: Math.min(x(r.expectedLow), x(r.expectedHigh)), y: cy - 12, width: Math.max(4, Math.abs(x(r.expectedHigh) - x(r.expectedLow))), height: 24, fill: "#cfe3cf", class: "expected" }));
      }
      g.appendChild(el("line", { x1: x(0), x2: x(0), y1: cy - 16, y2: cy + 16, stroke: "#1f2933", "stroke-dasharray": "3 3", class: "zero" }));
      g.appendChild(el("text", { x: x(0), y: cy + 28, "text-anchor": "middle", class: "zero-label" }, "0"));
      if (typeof r.low === "number" && typeof r.high === "number") {
        g.appendChild(el("line", { x1: x(r.low), x2: x(r.high), y1: cy, y2: cy, stroke: "#8a94a3", "stroke-width": 3, class: "ci" }));
        g.appendChild(el("line", { x1: x(r.low), x2: x(r.low), y1: cy - 6, y2: cy + 6, stroke: "#8a94a3", "stroke-width": 2 }));
        g.appendChild(el("line", { x1: x(r.high), x2: x(r.high), y1: cy - 6, y2: cy + 6, stroke: "#8a94a3", "stroke-width": 2 }));
      }
      if (typeof r.estimate === "number") {
        const dot = el("circle", { cx: x(r.estimate), cy, r: 6, fill: "#2459a8", class: "estimate" });
        dot.appendChild(el("title", {}, `${r.label}: ${r.format(r.estimate)} (95% CI ${r.format(r.low)} to ${r.format(r.high)})`));
        g.appendChild(dot);
      }
      g.appendChild(el("text", { x: left + plotW + 8, y: cy + 4 }, typeof r.estimate === "number" ? `${r.format(r.estimate)} [${r.format(r.low)}, ${r.format(r.high)}]` : "no data"));
      svg.appendChild(g);
    });
    return svg;
  }

  window.Charts = { line, bars, intervals, palette: PALETTE };
})();
