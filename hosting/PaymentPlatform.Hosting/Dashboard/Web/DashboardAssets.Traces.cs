namespace PaymentPlatform.Hosting.Dashboard.Web;

internal static partial class DashboardAssets
{
    /// <summary>The traces list and one trace's waterfall.</summary>
    public const string TracesJs = """"
    // Traces: the list (polled with the API's cursor) and one trace as a waterfall across services.
    "use strict";

    (() => {
      const { h, api, clear, color, link, duration } = Dash;
      const MaxTraces = 300;

      Dash.view("traces", /^\/traces$/, async (main, _, params) => {
        const filter = { resource: params.resource || "", text: params.text || "", hasError: params.hasError || "" };
        const resources = (await api("/resources")).filter((r) => r.telemetryInstances.length);
        const resourceSelect = h("select", { id: "traces-resource", "aria-label": "Resource", onchange: () => apply({ resource: resourceSelect.value }) },
          h("option", { value: "" }, "All resources"), resources.map((r) => h("option", { value: r.name, selected: r.name === filter.resource }, r.name)));
        let typing = 0;
        const search = h("input", { type: "search", id: "traces-text", placeholder: "Span name contains…", value: filter.text, "aria-label": "Span name",
          oninput: () => { clearTimeout(typing); typing = setTimeout(() => apply({ text: search.value }), 300); } });
        const errors = h("input", { type: "checkbox", id: "traces-errors", checked: filter.hasError === "true", onchange: () => apply({ hasError: errors.checked ? "true" : "" }) });
        const total = h("span", { class: "sub" });
        const body = h("tbody");
        main.append(h("h1", {}, "Traces", total),
          h("div", { class: "toolbar" }, h("label", {}, "Resource", resourceSelect), search, h("label", {}, errors, "Errors only")),
          h("table", { class: "grid", id: "traces" },
            h("thead", {}, h("tr", {}, ["Time", "Name", "Services", "Duration", "", "Spans", "Errors"].map((c) => h("th", {}, c)))), body));

        let cursor = null;
        const traces = new Map();

        function apply(change) {
          Object.assign(filter, change);
          Dash.setParams(filter);
          cursor = null;
          traces.clear();
          refresh().catch((e) => Dash.live(false, e.message));
        }

        function draw() {
          const list = [...traces.values()].sort((a, b) => b.startTime.localeCompare(a.startTime)).slice(0, MaxTraces);
          const longest = Math.max(1, ...list.map((t) => t.durationMs));
          clear(body, list.length === 0 ? h("tr", {}, h("td", { colspan: 7, class: "empty" }, "No traces match yet.")) : list.map((t) =>
            h("tr", { class: "clickable", "data-trace-id": t.traceId, onclick: () => Dash.go(`/traces/${t.traceId}`) },
              h("td", { class: "nowrap mono" }, Dash.time(t.startTime, true)),
              h("td", {}, link(`/traces/${t.traceId}`, t.name || "(root span not arrived)"), " ", h("code", { class: "muted" }, Dash.shortId(t.traceId))),
              h("td", {}, t.resources.map((r) => Dash.resourceChip(r.resource, h("span", { class: "muted" }, r.spanCount)))),
              h("td", { class: "num" }, duration(t.durationMs)),
              h("td", { class: "bar-cell" }, h("div", { class: "bar", style: { width: `${Math.max(1, (t.durationMs / longest) * 100)}%`, background: t.errorCount ? "#cf222e" : color(t.rootResource) } })),
              h("td", { class: "num" }, t.spanCount),
              h("td", { class: "num" }, t.errorCount ? h("span", { class: "badge bad" }, t.errorCount) : h("span", { class: "muted" }, "0")))));
          total.textContent = `${traces.size} shown, newest first`;
        }

        async function refresh() {
          const page = await api("/traces", Object.assign({}, filter, cursor === null ? { limit: 200 } : { after: cursor, limit: 1000 }));
          cursor = page.cursor;
          for (const t of page.items) traces.set(t.traceId, t);
          if (page.items.length || traces.size === 0) draw();
        }

        await refresh();
        Dash.every(2000, refresh);
      });

      Dash.view("trace", /^\/traces\/([0-9a-fA-F]{32})$/, async (main, match) => {
        const traceId = match[1].toLowerCase();
        const head = h("div", { class: "trace-head" });
        const waterfall = h("div", { class: "waterfall", id: "waterfall" });
        const side = h("aside", { class: "panel side", id: "span-details" });
        const split = h("div", { class: "split closed" }, waterfall, side);
        const logs = h("div");
        const title = h("span");
        main.append(h("h1", {}, link("/traces", "Traces"), h("span", { class: "muted" }, "›"), title), head, split, logs);

        let trace = null;
        let selected = null;
        let seen = -1;

        function draw() {
          const start = Date.parse(trace.startTime);
          const total = Math.max(trace.durationMs, 0.001);
          title.textContent = trace.name || traceId;
          clear(head,
            h("div", {}, h("span", {}, "Trace id"), h("code", { id: "trace-id" }, trace.traceId)),
            h("div", {}, h("span", {}, "Started"), h("b", {}, Dash.dateTime(trace.startTime))),
            h("div", {}, h("span", {}, "Duration"), h("b", {}, duration(trace.durationMs))),
            h("div", {}, h("span", {}, "Spans"), h("b", {}, trace.spanCount)),
            h("div", {}, h("span", {}, "Errors"), h("b", { class: trace.errorCount ? "level Error" : "" }, trace.errorCount)),
            h("div", {}, h("span", {}, "Services"), h("div", { id: "trace-services" }, trace.resources.map((r) => Dash.resourceChip(r.resource, h("span", { class: "muted" }, r.spanCount))))));
          const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => h("span", { style: { left: `${f * 100}%` } }, f === 0 ? "0" : duration(total * f)));
          clear(waterfall,
            h("div", { class: "wf-row head" }, h("div", { class: "wf-name" }, "Span"), h("div", { class: "wf-track" }, h("div", { class: "wf-ticks" }, ticks))),
            trace.spans.map((s) => {
              const offset = Date.parse(s.startTime) - start + fraction(s.startTime) - fraction(trace.startTime);
              const left = Math.min(99.5, Math.max(0, (offset / total) * 100));
              const width = Math.max(0.3, Math.min(100 - left, (s.durationMs / total) * 100));
              const error = s.status === "Error";
              return h("div", { class: "wf-row" + (selected && selected.spanId === s.spanId ? " selected" : ""), "data-span-id": s.spanId, "data-resource": s.resource, "data-kind": s.kind,
                onclick: () => { selected = selected && selected.spanId === s.spanId ? null : s; draw(); } },
                h("div", { class: "wf-name", style: { paddingLeft: `${8 + (s.depth || 0) * 16}px` }, title: `${s.displayName} · ${s.name}` },
                  h("span", { class: "res", style: { background: color(s.resource) } }, s.displayName),
                  h("span", { class: "kind" }, s.kind),
                  h("span", { class: "nm" + (error ? " level Error" : "") }, s.name)),
                h("div", { class: "wf-track" },
                  h("div", { class: "wf-bar" + (error ? " error" : ""), style: { left: `${left}%`, width: `${width}%`, background: color(s.resource) } }),
                  // The duration after its bar; near the right edge inside a long bar, or before a short one.
                  h("span", { class: "wf-label" + (left + width > 85 && width > 12 ? " inside" : ""),
                    style: left + width <= 85 ? { left: `${left + width + 0.5}%` } : width > 12 ? { left: `${left + 0.5}%` } : { right: `${100 - left + 0.5}%` } }, duration(s.durationMs))));
            }));
          split.classList.toggle("closed", !selected);
          clear(side, selected ? spanDetails(selected, start) : null);
          clear(logs, h("h2", {}, `Logs in this trace (${trace.logs.length})`, " ", link(`/logs${Dash.query({ traceId })}`, h("span", { style: { fontSize: "13px", fontWeight: "400" } }, "Open in structured logs →"))),
            trace.logs.length ? h("table", { class: "grid", id: "trace-logs" }, h("thead", {}, h("tr", {}, ["Time", "Level", "Resource", "Message"].map((c) => h("th", {}, c)))),
              h("tbody", {}, [...trace.logs].sort((a, b) => a.timestamp.localeCompare(b.timestamp)).map((l) => h("tr", { "data-log": l.sequence, "data-resource": l.resource },
                h("td", { class: "nowrap mono" }, Dash.time(l.timestamp, true)), h("td", { class: "level " + l.level }, l.level),
                h("td", { class: "nowrap" }, Dash.resourceChip(l.displayName)), h("td", { class: "message" }, l.message)))))
              : h("p", { class: "muted" }, "No log entry carries this trace's id."));
        }

        function spanDetails(s, start) {
          const fields = [["Service", s.displayName], ["Kind", s.kind], ["Status", s.status + (s.statusMessage ? `: ${s.statusMessage}` : "")],
            ["Starts at", "+" + duration(Date.parse(s.startTime) - start + fraction(s.startTime) - fraction(trace.startTime))], ["Duration", duration(s.durationMs)],
            ["Span id", s.spanId], ["Parent", s.parentSpanId || "(root)"], ["Scope", s.scope]];
          return [
            h("h2", {}, s.name, h("button", { onclick: () => { selected = null; draw(); }, "aria-label": "Close" }, "×")),
            h("table", { class: "kv" }, h("tbody", {}, fields.map(([k, v]) => h("tr", {}, h("td", {}, k), h("td", { class: "mono" }, v))))),
            h("h3", {}, "Attributes"),
            h("table", { class: "kv", id: "span-attributes" }, h("tbody", {}, Object.entries(s.attributes).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) =>
              h("tr", {}, h("td", { class: "mono" }, k), h("td", { class: "mono" }, v))))),
            s.events.length ? [h("h3", {}, "Events"), h("table", { class: "kv" }, h("tbody", {}, s.events.map((e) =>
              h("tr", {}, h("td", { class: "mono" }, Dash.time(e.time, true)), h("td", {}, e.name, " ", h("span", { class: "muted mono" }, Object.entries(e.attributes).map(([k, v]) => `${k}=${v}`).join(" "))))))) ] : null,
          ];
        }

        async function refresh() {
          try {
            trace = await api(`/traces/${traceId}`);
          } catch (e) {
            if (e.status !== 404) throw e;
            clear(head, h("p", { class: "empty" }, "This trace has not arrived yet (services export every second), or it was evicted. Waiting for it…"));
            return;
          }
          // Spans of one trace arrive from each service on its own schedule: draw again when more came.
          if (trace.spanCount !== seen || String(trace.logs.length) !== logs.dataset.count) {
            seen = trace.spanCount;
            logs.dataset.count = trace.logs.length;
            if (selected) selected = trace.spans.find((s) => s.spanId === selected.spanId) || null;
            draw();
          }
        }

        await refresh();
        Dash.every(2000, refresh);
      });

      // Date.parse keeps milliseconds; spans are often shorter, so add the rest of the fraction.
      function fraction(iso) {
        const m = /\.(\d+)/.exec(iso);
        if (!m) return 0;
        const digits = (m[1] + "000000000").slice(0, 9);
        return Number(digits.slice(3)) / 1e6;
      }
    })();
    """";
}
