namespace PaymentPlatform.Hosting.Dashboard.Web;

internal static partial class DashboardAssets
{
    /// <summary>The console and structured-logs views.</summary>
    public const string LogsJs = """"
    // Console logs (a resource's output per replica, streamed) and structured logs (OpenTelemetry
    // log records, filtered and polled with the API's cursor).
    "use strict";

    (() => {
      const { h, api, clear, color, link } = Dash;
      const MaxConsoleLines = 5000;
      const MaxLogRows = 500;

      Dash.view("console", /^\/console$/, async (main, _, params) => {
        const resources = (await api("/resources")).filter((r) => r.replicas.length > 0);
        let name = params.resource && resources.some((r) => r.name === params.resource) ? params.resource : (resources[0] || {}).name;
        let replica = params.replica ?? "";
        const resourceSelect = h("select", { id: "console-resource", "aria-label": "Resource",
          onchange: () => { name = resourceSelect.value; replica = ""; Dash.go(`/console${Dash.query({ resource: name })}`, true); } },
          resources.map((r) => h("option", { value: r.name, selected: r.name === name }, r.name)));
        const current = resources.find((r) => r.name === name);
        const replicaSelect = h("select", { id: "console-replica", "aria-label": "Replica",
          onchange: () => Dash.go(`/console${Dash.query({ resource: name, replica: replicaSelect.value })}`, true) },
          h("option", { value: "" }, "All replicas"),
          (current ? current.replicas : []).map((x) => h("option", { value: String(x.index), selected: String(x.index) === String(replica) }, x.name)));
        const follow = h("input", { type: "checkbox", checked: true });
        const count = h("span", { class: "muted" });
        const screen = h("div", { class: "console", id: "console", "data-resource": name || "" });
        main.append(h("h1", {}, "Console logs", h("span", { class: "sub" }, "stdout and stderr of each replica, as it is written")),
          h("div", { class: "toolbar" }, h("label", {}, "Resource", resourceSelect), h("label", {}, "Replica", replicaSelect),
            h("label", {}, follow, "Follow"), count), screen);
        if (!name) { screen.append("No resource runs a process."); return; }

        let lines = 0;
        const add = (line) => {
          screen.append(h("div", { class: "line" + (line.isError ? " err" : ""), "data-source": `${line.resource}-${line.replica}` },
            h("span", { class: "time" }, Dash.time(line.timestamp, true)),
            h("span", { class: "source", style: { color: color(line.resource) } }, `${line.resource}-${line.replica}`),
            h("span", { class: "text" }, line.text)));
          if (++lines > MaxConsoleLines) { screen.firstChild.remove(); lines--; }
        };
        const show = () => {
          count.textContent = `${lines} lines`;
          if (follow.checked) screen.scrollTop = screen.scrollHeight;
        };
        // Subscribe first, then read what is already there; lines that arrive in between are not lost.
        const pending = [];
        let loaded = false;
        let last = "";
        Dash.stream(`/resources/${encodeURIComponent(name)}/console/stream`, { replica }, "console", (line) => {
          if (!loaded) { pending.push(line); return; }
          add(line); show();
        });
        for (const line of await api(`/resources/${encodeURIComponent(name)}/console`, { replica, limit: 2000 })) { add(line); last = line.timestamp; }
        for (const line of pending) if (line.timestamp > last) add(line);
        loaded = true;
        show();
      });

      const levels = ["trace", "debug", "information", "warning", "error", "critical"];

      Dash.view("logs", /^\/logs$/, async (main, _, params) => {
        const filter = { resource: params.resource || "", level: params.level || "", text: params.text || "", traceId: params.traceId || "" };
        const instances = await api("/resources");
        // Each service that sends telemetry, and each of its replicas when it has several.
        const names = instances.filter((r) => r.telemetryInstances.length).flatMap((r) =>
          [r.name].concat(r.telemetryInstances.length > 1 ? r.telemetryInstances.map((t) => t.displayName) : []));
        const resourceSelect = h("select", { id: "logs-resource", "aria-label": "Resource", onchange: () => apply({ resource: resourceSelect.value }) },
          h("option", { value: "" }, "All resources"), [...new Set(names)].sort().map((n) => h("option", { value: n, selected: n === filter.resource }, n)));
        const levelSelect = h("select", { id: "logs-level", "aria-label": "Minimum level", onchange: () => apply({ level: levelSelect.value }) },
          h("option", { value: "" }, "Any level"), levels.map((l) => h("option", { value: l, selected: l === filter.level }, l[0].toUpperCase() + l.slice(1) + "+")));
        let typing = 0;
        const search = h("input", { type: "search", id: "logs-text", placeholder: "Filter messages…", value: filter.text, "aria-label": "Message text",
          oninput: () => { clearTimeout(typing); typing = setTimeout(() => apply({ text: search.value }), 300); } });
        const traceChip = h("span");
        const total = h("span", { class: "sub" });
        const body = h("tbody");
        const side = h("aside", { class: "panel side", id: "log-details" });
        const split = h("div", { class: "split closed" },
          h("table", { class: "grid", id: "logs" }, h("thead", {}, h("tr", {}, ["Time", "Level", "Resource", "Message", "Trace"].map((c) => h("th", {}, c)))), body),
          side);
        main.append(h("h1", {}, "Structured logs", total),
          h("div", { class: "toolbar" }, h("label", {}, "Resource", resourceSelect), h("label", {}, "Level", levelSelect), search, traceChip), split);

        let cursor = null;
        let rows = [];
        let selected = null;

        function apply(change) {
          Object.assign(filter, change);
          Dash.setParams(filter);
          cursor = null; rows = []; selected = null;
          refresh().catch((e) => Dash.live(false, e.message));
        }

        function drawTraceChip() {
          clear(traceChip, filter.traceId ? h("span", { class: "chip", id: "logs-trace-filter" }, "Trace ", h("code", {}, Dash.shortId(filter.traceId)),
            h("button", { title: "Show logs of every trace", onclick: () => apply({ traceId: "" }) }, "×")) : null);
        }

        function draw() {
          clear(body, rows.length === 0 ? h("tr", {}, h("td", { colspan: 5, class: "empty" }, "No log entries match.")) : rows.map((log) =>
            h("tr", { class: "clickable" + (selected === log ? " selected" : ""), "data-log": log.sequence, "data-resource": log.resource, "data-trace-id": log.traceId || "",
              onclick: () => { selected = selected === log ? null : log; draw(); } },
              h("td", { class: "nowrap mono" }, Dash.time(log.timestamp, true)),
              h("td", { class: "level " + log.level }, log.level),
              h("td", { class: "nowrap" }, Dash.resourceChip(log.displayName)),
              h("td", { class: "message" }, log.message),
              h("td", { class: "nowrap" }, log.traceId ? link(`/traces/${log.traceId}`, h("code", {}, Dash.shortId(log.traceId))) : ""))));
          split.classList.toggle("closed", !selected);
          clear(side, selected ? details(selected) : null);
          drawTraceChip();
        }

        function details(log) {
          const fields = [["Time", Dash.dateTime(log.timestamp)], ["Level", log.level], ["Resource", log.displayName], ["Category", log.category],
            ["Event", log.eventName], ["Trace", log.traceId], ["Span", log.spanId]].filter(([, v]) => v);
          return [
            h("h2", {}, "Log entry", h("button", { onclick: () => { selected = null; draw(); }, "aria-label": "Close" }, "×")),
            h("p", { class: "message" }, log.message),
            log.traceId ? h("p", {}, link(`/traces/${log.traceId}`, "View its trace →"), "   ",
              link(`/logs${Dash.query({ traceId: log.traceId })}`, "Logs of this trace")) : null,
            h("table", { class: "kv" }, h("tbody", {}, fields.map(([k, v]) => h("tr", {}, h("td", {}, k), h("td", { class: "mono" }, v))))),
            h("h3", {}, "Attributes"),
            Object.keys(log.attributes).length ? h("table", { class: "kv", id: "log-attributes" }, h("tbody", {}, Object.entries(log.attributes).map(([k, v]) =>
              h("tr", {}, h("td", { class: "mono" }, k), h("td", { class: "mono" }, v))))) : h("p", { class: "muted" }, "None."),
          ];
        }

        async function refresh() {
          const page = await api("/logs", Object.assign({}, filter, cursor === null ? { limit: 200 } : { after: cursor, limit: 1000 }));
          cursor = page.cursor;
          if (page.items.length || rows.length === 0) {
            rows = page.items.reverse().concat(rows).slice(0, MaxLogRows);
            draw();
          }
          total.textContent = `${rows.length} shown, newest first`;
        }

        await refresh();
        Dash.every(2000, refresh);
      });
    })();
    """";
}
