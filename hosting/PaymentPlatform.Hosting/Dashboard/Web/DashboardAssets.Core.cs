namespace PaymentPlatform.Hosting.Dashboard.Web;

internal static partial class DashboardAssets
{
    /// <summary>DOM building, the telemetry API, formatting and the router.</summary>
    public const string CoreJs = """"
    // The dashboard's plumbing: DOM building, the telemetry API, formatting, and the router.
    // Plain JavaScript on purpose: no build step, nothing fetched from elsewhere.
    "use strict";

    const Dash = (() => {
      /** Builds an element: h("td", { class: "num", onclick }, "text", child, ...). Text is never parsed as HTML. */
      function h(tag, attrs, ...children) {
        const el = document.createElement(tag);
        for (const [key, value] of Object.entries(attrs || {})) {
          if (value === undefined || value === null || value === false) continue;
          if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
          else if (key === "dataset") Object.assign(el.dataset, value);
          else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
          else if (key === "class") el.className = value;
          else el.setAttribute(key, value === true ? "" : value);
        }
        append(el, children);
        return el;
      }

      function append(el, children) {
        for (const child of children.flat(Infinity)) {
          if (child === undefined || child === null || child === false) continue;
          el.append(child instanceof Node ? child : document.createTextNode(String(child)));
        }
        return el;
      }

      function clear(el, ...children) {
        el.replaceChildren();
        return append(el, children);
      }

      /** A query string from an object; arrays repeat the key, empty values are left out. */
      function query(params) {
        const search = new URLSearchParams();
        for (const [key, value] of Object.entries(params || {})) {
          for (const v of Array.isArray(value) ? value : [value]) {
            if (v !== undefined && v !== null && v !== "") search.append(key, v);
          }
        }
        const text = search.toString();
        return text ? "?" + text : "";
      }

      class ApiError extends Error {
        constructor(status, problem) {
          super(problem && (problem.detail || problem.title) || `HTTP ${status}`);
          this.status = status;
          this.problem = problem;
        }
      }

      /** Calls the telemetry API with the session cookie; a lost session goes back to the login. */
      async function api(path, params, init) {
        const response = await fetch("/api/telemetry" + path + query(params), Object.assign({ headers: { Accept: "application/json" } }, init));
        if (response.status === 401) {
          location.href = "/login?returnUrl=" + encodeURIComponent(location.pathname + location.search);
          throw new ApiError(401, { detail: "The session has ended; log in again." });
        }
        const body = response.status === 204 ? null : await response.json().catch(() => null);
        if (!response.ok) throw new ApiError(response.status, body);
        live(true);
        return body;
      }

      let liveTimer = 0;
      /** The header's indicator: when the last answer arrived, or that the dashboard stopped answering. */
      function live(ok, text) {
        const el = document.getElementById("live");
        el.className = "live " + (ok ? "ok" : "bad");
        el.textContent = text || (ok ? "live · updated " + time(new Date()) : "not answering");
        clearTimeout(liveTimer);
        if (ok) liveTimer = setTimeout(() => live(false, "no update for 15 s"), 15000);
      }

      // ---- formatting ----
      const pad = (n, w = 2) => String(n).padStart(w, "0");

      function time(value, millis) {
        const d = value instanceof Date ? value : new Date(value);
        return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` + (millis ? "." + pad(d.getMilliseconds(), 3) : "");
      }

      function dateTime(value) {
        const d = new Date(value);
        return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time(d, true)}`;
      }

      function duration(ms) {
        if (ms === null || ms === undefined) return "";
        if (ms < 1) return ms.toFixed(2) + " ms";
        if (ms < 10) return ms.toFixed(1) + " ms";
        if (ms < 1000) return Math.round(ms) + " ms";
        if (ms < 60000) return (ms / 1000).toFixed(2) + " s";
        return (ms / 60000).toFixed(1) + " min";
      }

      function uptime(seconds) {
        if (seconds === null || seconds === undefined || seconds < 0) return "";
        const s = Math.floor(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
        if (s < 86400) return `${Math.floor(s / 3600)}h ${pad(Math.floor(s % 3600 / 60))}m`;
        return `${Math.floor(s / 86400)}d ${Math.floor(s % 86400 / 3600)}h`;
      }

      function number(value, digits) {
        if (value === null || value === undefined || Number.isNaN(value)) return "–";
        const abs = Math.abs(value);
        if (digits === undefined) digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
        if (abs >= 1e6) return (value / 1e6).toFixed(1) + "M";
        if (abs >= 1e4) return (value / 1e3).toFixed(1) + "k";
        return Number(value.toFixed(digits)).toString();
      }

      const shortId = (id) => (id || "").slice(0, 8);

      // One colour per service, the same on every page.
      const palette = ["#5b3cc4", "#0969da", "#1a7f37", "#bc4c00", "#bf3989", "#0a7ea4", "#8a6d00", "#6e7781", "#cf222e", "#3e8e7e"];
      const known = { gateway: 0, risk: 1, ledger: 2, notify: 3, directory: 4, postgres: 5, cache: 6 };
      function color(name) {
        const base = (name || "").replace(/-\d+$/, "");
        if (base in known) return palette[known[base]];
        let hash = 0;
        for (const c of base) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
        return palette[hash % palette.length];
      }

      function resourceChip(name, extra) {
        return h("span", { class: "chip", "data-resource": name }, h("span", { class: "dot", style: { background: color(name) } }), name, extra);
      }

      function stateBadge(state, health) {
        const cls = state === "Running" ? (health === "Unhealthy" ? "warn" : "ok")
          : ["Starting", "Waiting", "Stopping", "Paused"].includes(state) ? "info"
          : ["Exited", "FailedToStart"].includes(state) ? "bad" : "none";
        return h("span", { class: "badge " + cls }, state || "Unknown");
      }

      function toast(text, bad) {
        const el = h("div", { class: "toast" + (bad ? " bad" : "") }, text);
        document.getElementById("toasts").append(el);
        setTimeout(() => el.remove(), bad ? 8000 : 4000);
      }

      // ---- views and routing ----
      const views = [];
      let disposers = [];

      /** Registers a view for paths matching pattern; render(main, match, params) draws it. */
      function view(name, pattern, render) {
        views.push({ name, pattern, render });
      }

      /** Runs fn every ms milliseconds (after the previous run finished) until the view changes. */
      function every(ms, fn) {
        let stopped = false;
        let timer = 0;
        const run = async () => {
          try { await fn(); } catch (e) { if (!stopped) live(false, e.message); }
          if (!stopped) timer = setTimeout(run, ms);
        };
        timer = setTimeout(run, ms);
        onLeave(() => { stopped = true; clearTimeout(timer); });
      }

      /** A server-sent-event stream, closed when the view changes; the browser reconnects it by itself. */
      function stream(path, params, event, onMessage) {
        const source = new EventSource("/api/telemetry" + path + query(params));
        source.addEventListener(event, (e) => { live(true); onMessage(JSON.parse(e.data)); });
        source.onerror = () => live(false, "stream interrupted; reconnecting…");
        onLeave(() => source.close());
        return source;
      }

      function onLeave(dispose) { disposers.push(dispose); }

      function params() { return Object.fromEntries(new URLSearchParams(location.search)); }

      /** Changes the URL (replace: without a history entry) and draws its view. */
      function go(url, replace) {
        if (replace) history.replaceState(null, "", url);
        else history.pushState(null, "", url);
        render();
      }

      /** Rewrites the query string of the current view without drawing it again (filters). */
      function setParams(values) {
        const next = Object.assign(params(), values);
        history.replaceState(null, "", location.pathname + query(next));
      }

      function render() {
        for (const dispose of disposers) dispose();
        disposers = [];
        const path = location.pathname === "/" ? "/resources" : location.pathname;
        const main = document.getElementById("view");
        main.replaceChildren();
        for (const v of views) {
          const match = path.match(v.pattern);
          if (!match) continue;
          for (const a of document.querySelectorAll("[data-nav]")) a.classList.toggle("active", a.dataset.nav === v.name);
          document.title = `${v.name[0].toUpperCase()}${v.name.slice(1)} · PaymentPlatform dashboard`;
          Promise.resolve(v.render(main, match, params())).catch((e) => { live(false, e.message); main.append(h("p", { class: "empty" }, e.message)); });
          return;
        }
        main.append(h("p", { class: "empty" }, "No such page."));
      }

      function start() {
        document.addEventListener("click", (e) => {
          const a = e.target.closest("a[data-route]");
          if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
          e.preventDefault();
          go(a.getAttribute("href"));
        });
        addEventListener("popstate", render);
        render();
      }

      /** A link to another view that does not reload the page. */
      const link = (href, ...children) => h("a", { href, "data-route": true }, ...children);

      return { h, append, clear, query, api, ApiError, live, time, dateTime, duration, uptime, number, shortId, color,
        resourceChip, stateBadge, toast, view, every, stream, onLeave, params, go, setParams, start, link };
    })();
    """";

    /// <summary>Line charts as inline SVG.</summary>
    public const string ChartsJs = """"
    // Line charts drawn as inline SVG: time on x, values on y, one polyline per series.
    "use strict";

    const Charts = (() => {
      const NS = "http://www.w3.org/2000/svg";
      const colors = ["#5b3cc4", "#0969da", "#1a7f37", "#bc4c00", "#bf3989", "#0a7ea4", "#8a6d00", "#cf222e", "#6e7781", "#3e8e7e"];

      function svg(tag, attrs, text) {
        const el = document.createElementNS(NS, tag);
        for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
        if (text !== undefined) el.textContent = text;
        return el;
      }

      /** 0, and a round top above max, with ticks at round steps. */
      function scale(max) {
        if (!(max > 0)) return { top: 1, step: 0.25 };
        const raw = max / 4;
        const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
        return { top: step * Math.ceil(max / step), step };
      }

      /**
       * Draws series = [{ label, color?, points: [{ t: ms, v: number|null }] }] between from and to (ms).
       * format(v) writes a value with its unit. The SVG says how many points it drew (data-points),
       * so a test can tell an empty chart from one with data.
       */
      function line({ series, from, to, format, height = 190, width = 640 }) {
        const left = 58, right = 12, top = 10, bottom = 24;
        const plotW = width - left - right, plotH = height - top - bottom;
        const values = series.flatMap((s) => s.points.map((p) => p.v)).filter((v) => v !== null && v !== undefined && Number.isFinite(v));
        const { top: yTop, step } = scale(values.length ? Math.max(...values) : 0);
        const x = (t) => left + ((t - from) / (to - from)) * plotW;
        const y = (v) => top + plotH - (v / yTop) * plotH;
        const root = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "data-points": values.length });

        for (let v = 0; v <= yTop + step / 2; v += step) {
          root.append(svg("line", { class: "grid-line", x1: left, x2: width - right, y1: y(v), y2: y(v) }));
          root.append(svg("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end" }, format(v)));
        }
        const ticks = 5;
        for (let i = 0; i <= ticks; i++) {
          const t = from + ((to - from) * i) / ticks;
          root.append(svg("text", { x: x(t), y: height - 6, "text-anchor": i === 0 ? "start" : i === ticks ? "end" : "middle" }, Dash.time(new Date(t))));
        }
        root.append(svg("line", { class: "axis", x1: left, x2: width - right, y1: y(0), y2: y(0) }));

        series.forEach((s, index) => {
          const stroke = s.color || colors[index % colors.length];
          let path = "";
          let pen = false;
          const lone = [];
          s.points.forEach((p, i) => {
            if (p.v === null || p.v === undefined || !Number.isFinite(p.v)) { pen = false; return; }
            const prev = s.points[i - 1], next = s.points[i + 1];
            const isolated = !(prev && Number.isFinite(prev.v)) && !(next && Number.isFinite(next.v));
            if (isolated) lone.push(p);
            path += `${pen ? "L" : "M"}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)} `;
            pen = true;
          });
          if (path) root.append(svg("path", { d: path, fill: "none", stroke, "stroke-width": 2, "stroke-linejoin": "round" }));
          for (const p of lone) root.append(svg("circle", { cx: x(p.t), cy: y(p.v), r: 2.5, fill: stroke }));
        });
        if (!values.length) {
          root.append(svg("text", { class: "nodata", x: left + plotW / 2, y: top + plotH / 2, "text-anchor": "middle" }, "No data in this window yet"));
        }
        return root;
      }

      /** The legend under a chart: colour, label and the latest value of each series. */
      function legend(series, format) {
        return Dash.h("div", { class: "legend" }, series.map((s, index) => {
          const last = [...s.points].reverse().find((p) => p.v !== null && p.v !== undefined && Number.isFinite(p.v));
          return Dash.h("span", {},
            Dash.h("span", { class: "dot", style: { background: s.color || colors[index % colors.length] } }),
            s.label, last ? Dash.h("b", {}, format(last.v)) : Dash.h("span", { class: "muted" }, "–"));
        }));
      }

      /** A value formatter for an OpenTelemetry unit; seconds are shown as milliseconds when small. */
      function formatter(unit, perSecond) {
        // Annotation units such as {request} name what is counted; the chart's title says that already.
        const u = /^\{.*\}$/.test(unit || "") ? "" : unit || "";
        const suffix = perSecond ? "/s" : "";
        if (u === "s") return (v) => (v < 1 ? Dash.number(v * 1000) + " ms" : Dash.number(v) + " s") + suffix;
        if (u === "ms") return (v) => Dash.number(v) + " ms" + suffix;
        if (u === "By") return (v) => (v >= 1048576 ? Dash.number(v / 1048576) + " MiB" : v >= 1024 ? Dash.number(v / 1024) + " KiB" : Dash.number(v) + " B") + suffix;
        return (v) => Dash.number(v) + (u && u !== "1" ? " " + u : "") + suffix;
      }

      return { line, legend, formatter, colors };
    })();
    """";
}
