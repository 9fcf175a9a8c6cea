namespace PaymentPlatform.Hosting.Dashboard.Web;

internal static partial class DashboardAssets
{
    /// <summary>The metrics view.</summary>
    public const string MetricsJs = """"
    // Metrics: an overview of the platform's key instruments, and any instrument of any resource,
    // charted over a moving window from the API's chart endpoint (steps, rates and percentiles
    // computed by the dashboard), refreshed every few seconds.
    "use strict";

    (() => {
      const { h, api, clear, link } = Dash;
      const MaxSeries = 10;
      const windows = [1, 5, 15, 60];
      const Http = "http.server.request.duration";

      // What the overview shows; the first instrument of each list that some service emits is used.
      const overview = [
        { id: "request-rate", title: "Request rate", desc: "HTTP requests served per second, by service (health checks included)",
          instruments: [Http], groupBy: ["resource"], show: "rate" },
        { id: "payment-latency", title: "Payment latency", desc: "POST /v1/payments at the gateway: p50, p90, p99",
          instruments: [Http], resource: "gateway", attribute: ["http.request.method=POST"], groupBy: ["http.route"], pick: paymentsRoute, show: "percentiles" },
        { id: "payments-by-outcome", title: "Payments by outcome", desc: "POST /v1/payments per second, by HTTP status (201 created, 402 declined, …)",
          instruments: [Http], resource: "gateway", attribute: ["http.request.method=POST"], groupBy: ["http.route", "http.response.status_code"],
          pick: paymentsRoute, label: (g) => g["http.response.status_code"], show: "rate" },
        { id: "risk-decisions", title: "Risk decisions", desc: "Scorings per second, by decision", instruments: ["risk.decisions"], groupBy: ["decision"], show: "rate" },
        { id: "postgres", title: "PostgreSQL command duration", desc: "Npgsql, every service: p50, p90, p99",
          instruments: ["db.client.operation.duration", "db.client.commands.duration"], show: "percentiles" },
        { id: "redis", title: "Redis command duration", desc: "Every service's Redis client: p50, p90, p99 (blocking stream reads left out)",
          instruments: ["redis.client.command.duration"], attribute: ["db.operation!=XREADGROUP"], show: "percentiles" },
        { id: "downstream", title: "Outgoing HTTP latency", desc: "http.client.request.duration, every service: p50, p90, p99",
          instruments: ["http.client.request.duration"], show: "percentiles" },
        { id: "webhooks", title: "Webhook delivery attempts", desc: "notify, per second, by outcome", instruments: ["notify.delivery.attempts"], groupBy: ["outcome"], show: "rate" },
      ];

      // A group route template may or may not end in a slash.
      function paymentsRoute(group) { return /^\/v1\/payments\/?$/.test(group["http.route"] || ""); }

      Dash.view("metrics", /^\/metrics$/, async (main, _, params) => {
        const state = { resource: params.resource || "", instrument: params.instrument || "", window: Number(params.window) || 5, groupBy: params.groupBy || "" };
        const sidebar = h("aside", { class: "panel instruments", id: "instruments" });
        const content = h("div");
        const windowSelect = h("select", { id: "metrics-window", "aria-label": "Window", onchange: () => { state.window = Number(windowSelect.value); Dash.setParams({ window: state.window }); refresh(); } },
          windows.map((m) => h("option", { value: m, selected: m === state.window }, m < 60 ? `Last ${m} min` : "Last hour")));
        main.append(h("h1", {}, "Metrics", h("span", { class: "sub" }, "instruments per resource, charted over time")),
          h("div", { class: "metrics" }, sidebar, h("div", {}, h("div", { class: "toolbar" }, h("label", {}, "Window", windowSelect)), content)));

        let instruments = [];
        let cards = [];

        async function loadInstruments() {
          instruments = await api("/metrics");
          drawSidebar();
        }

        function drawSidebar() {
          const resources = [...new Set(instruments.map((i) => i.resource))].sort();
          const select = h("select", { id: "metrics-resource", "aria-label": "Resource", style: { width: "100%" },
            onchange: () => Dash.go(`/metrics${Dash.query({ resource: select.value, window: state.window })}`, true) },
            h("option", { value: "" }, "Choose a resource…"), resources.map((r) => h("option", { value: r, selected: r === state.resource }, r)));
          const mine = instruments.filter((i) => i.resource === state.resource);
          const byName = new Map();
          for (const i of mine) if (!byName.has(i.name)) byName.set(i.name, i);
          const meters = [...new Set([...byName.values()].map((i) => i.meter))].sort();
          clear(sidebar,
            link(`/metrics${Dash.query({ window: state.window })}`, h("b", {}, "Overview")),
            h("div", { class: "meter" }, "Resource"), select,
            meters.map((m) => [h("div", { class: "meter" }, m), [...byName.values()].filter((i) => i.meter === m).sort((a, b) => a.name.localeCompare(b.name)).map((i) =>
              h("a", { href: `/metrics${Dash.query({ resource: state.resource, instrument: i.name, window: state.window })}`, "data-route": true, "data-instrument": i.name,
                class: i.name === state.instrument ? "active" : "", title: i.description || i.name }, i.name))]));
          for (const a of sidebar.querySelectorAll("a")) if (!a.dataset.instrument) a.classList.toggle("active", !state.instrument);
        }

        function card(spec) {
          const body = h("div", { class: "chart-body" });
          const el = h("section", { class: "panel chart-card", "data-chart": spec.id }, h("h3", {}, spec.title), h("div", { class: "desc" }, spec.desc), body);
          return { spec, el, body };
        }

        /** Fetches one chart and draws it; a missing instrument says what would fill it. */
        async function drawCard(c) {
          const s = c.spec;
          const name = s.instruments.find((n) => instruments.some((i) => i.name === n && (!s.resource || i.resource === s.resource)));
          if (!name) {
            clear(c.body, h("p", { class: "empty" }, `Nothing emits ${s.instruments.join(" or ")}${s.resource ? " from " + s.resource : ""} yet.`));
            return;
          }
          const now = Date.now();
          const seconds = state.window * 60;
          const step = Math.max(2, Math.round(seconds / 60));
          let chart;
          try {
            chart = await api(`/metrics/${encodeURIComponent(name)}/chart`, {
              resource: s.resource, attribute: s.attribute, groupBy: s.groupBy, step,
              from: new Date(now - seconds * 1000).toISOString(), to: new Date(now).toISOString(),
            });
          } catch (e) {
            if (e.status !== 404) throw e;
            clear(c.body, h("p", { class: "empty" }, e.message));
            return;
          }
          const from = Date.parse(chart.from), to = Date.parse(chart.to);
          // The step still filling (services report every second) would show a false dip.
          const complete = (p) => Date.parse(p.time) + chart.stepSeconds * 1000 <= now - 1500;
          let groups = s.pick ? chart.series.filter((x) => s.pick(x.group)) : chart.series;
          if (s.label) groups = groups.map((x) => Object.assign({}, x, { label: s.label(x.group) }));
          let series;
          let format;
          if (s.show === "percentiles") {
            const merged = groups[0] || { points: [] };
            series = ["p50", "p90", "p99"].map((q, i) => ({ label: q, color: ["#1a7f37", "#bc4c00", "#cf222e"][i],
              points: merged.points.filter(complete).map((p) => ({ t: Date.parse(p.time), v: p.percentiles ? p.percentiles[q] : null })) }));
            format = Charts.formatter(chart.unit);
          } else if (s.show === "rate") {
            series = top(groups).map((x) => ({ label: x.label, points: x.points.filter(complete).map((p) => ({ t: Date.parse(p.time), v: p.rate })) }));
            format = Charts.formatter(chart.type === "histogram" ? "" : chart.unit, true);
          } else {
            series = top(groups).map((x) => ({ label: x.label, points: x.points.filter(complete).map((p) => ({ t: Date.parse(p.time), v: p.value })) }));
            format = Charts.formatter(chart.unit);
          }
          clear(c.body, Charts.line({ series, from, to, format }), Charts.legend(series, format),
            h("div", { class: "desc" }, `${chart.name} · ${chart.instances.join(", ")} · ${chart.stepSeconds} s steps`));
        }

        /** The series with the most activity, when there are too many to tell apart. */
        function top(series) {
          const weight = (s) => s.points.reduce((sum, p) => sum + Math.abs(p.rate ?? p.value ?? 0), 0);
          return [...series].sort((a, b) => weight(b) - weight(a)).slice(0, MaxSeries).sort((a, b) => a.label.localeCompare(b.label));
        }

        async function instrumentCards() {
          const info = instruments.find((i) => i.resource === state.resource && i.name === state.instrument);
          if (!info) return [];
          // The attribute keys its series carry, to split the chart by.
          const data = await api(`/metrics/${encodeURIComponent(info.name)}`, { resource: state.resource, from: new Date(Date.now() - 120000).toISOString() });
          const keys = [...new Set(data.flatMap((d) => d.series.flatMap((s) => Object.keys(s.attributes))))].sort();
          const groupBy = state.groupBy ? [state.groupBy] : undefined;
          const base = { instruments: [info.name], resource: state.resource, groupBy };
          const desc = `${info.description || ""} (${info.unit || "no unit"}, ${info.type}${info.isMonotonic ? ", monotonic" : ""})`;
          const specs = info.type === "histogram"
            ? [Object.assign({ id: "instrument-percentiles", title: `${info.name}: p50, p90, p99`, desc, show: "percentiles" }, base, { groupBy: undefined }),
              Object.assign({ id: "instrument-rate", title: `${info.name}: recordings per second`, desc: "How many values were recorded", show: "rate" }, base)]
            : info.type === "sum" && info.isMonotonic
              ? [Object.assign({ id: "instrument-rate", title: `${info.name} per second`, desc, show: "rate" }, base)]
              : [Object.assign({ id: "instrument-value", title: info.name, desc, show: "value" }, base)];
          const split = h("select", { id: "metrics-group-by", "aria-label": "Split by",
            onchange: () => Dash.go(`/metrics${Dash.query({ resource: state.resource, instrument: info.name, window: state.window, groupBy: split.value })}`, true) },
            h("option", { value: "" }, "(all together)"), ["instance"].concat(keys).map((k) => h("option", { value: k, selected: k === state.groupBy }, k)));
          return { specs, toolbar: h("div", { class: "toolbar" }, h("label", {}, "Split by", split)) };
        }

        async function build() {
          await loadInstruments();
          if (state.instrument) {
            const built = await instrumentCards();
            if (!built.specs) { clear(content, h("p", { class: "empty" }, `${state.resource} has not reported ${state.instrument}.`)); cards = []; return; }
            cards = built.specs.map(card);
            clear(content, built.toolbar, h("div", { class: "charts one" }, cards.map((c) => c.el)));
          } else {
            cards = overview.map(card);
            clear(content, h("div", { class: "charts" }, cards.map((c) => c.el)));
          }
          await refresh();
        }

        async function refresh() {
          await Promise.all(cards.map(drawCard));
        }

        await build();
        Dash.every(3000, refresh);
        Dash.every(15000, loadInstruments);
      });
    })();
    """";
}
