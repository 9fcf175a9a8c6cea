namespace PaymentPlatform.Hosting.Dashboard.Web;

internal static partial class DashboardAssets
{
    /// <summary>The resources view.</summary>
    public const string ResourcesJs = """"
    // Resources: every resource the host runs, live from the host's state stream, with its replicas,
    // environment (secrets withheld by the API) and the lifecycle commands.
    "use strict";

    (() => {
      const { h, api, clear, stateBadge, uptime, color, toast, link } = Dash;

      Dash.view("resources", /^\/resources$/, async (main) => {
        const resources = new Map();       // name -> ResourceDto
        const expanded = new Set();
        const environments = new Map();    // name -> environment list (fetched when opened)
        const history = new Map();         // name -> [{ time, what }], newest first
        const body = h("tbody");
        const table = h("table", { class: "grid", id: "resources" },
          h("thead", {}, h("tr", {}, ["Name", "Type", "State", "Health", "Replicas", "Endpoints", "Uptime", "Restarts", "Commands"].map((c) => h("th", {}, c)))),
          body);
        const summary = h("span", { class: "sub" });
        main.append(h("h1", {}, "Resources", summary), table);

        const upSeconds = (replica) => replica.startedAt && replica.state === "Running" ? (Date.now() - Date.parse(replica.startedAt)) / 1000 : null;

        function record(next) {
          const prev = resources.get(next.name);
          const changes = [];
          if (prev && prev.state !== next.state) changes.push(`${next.name}: ${prev.state} → ${next.state}`);
          for (const r of next.replicas) {
            const before = prev && prev.replicas.find((x) => x.index === r.index);
            if (before && (before.state !== r.state || before.health !== r.health)) changes.push(`${r.name}: ${before.state}/${before.health} → ${r.state}/${r.health}`);
            if (before && before.processId && r.processId && before.processId !== r.processId) changes.push(`${r.name}: new process ${r.processId} (was ${before.processId})`);
          }
          if (changes.length) {
            const list = history.get(next.name) || [];
            for (const what of changes) list.unshift({ time: new Date(), what });
            history.set(next.name, list.slice(0, 50));
          }
          resources.set(next.name, next);
        }

        async function command(name, cmd, replica) {
          const target = replica === undefined ? name : `${name}-${replica}`;
          try {
            await api(`/resources/${encodeURIComponent(name)}/commands/${cmd}`, { replica }, { method: "POST" });
            toast(`${cmd} ${target}: done`);
          } catch (e) {
            toast(`${cmd} ${target}: ${e.message}`, true);
          }
        }

        function commandButtons(r, replica, extra) {
          const state = replica ? replica.state : r.state;
          const running = state === "Running" || state === "Paused";
          const idx = replica ? replica.index : undefined;
          const label = replica ? replica.name : r.name;
          const button = (cmd, text, enabled, cls) => h("button", {
            class: cls, disabled: !enabled, title: `${text} ${label}`, "aria-label": `${text} ${label}`,
            onclick: (e) => { e.stopPropagation(); command(r.name, cmd, idx); },
          }, text);
          return h("div", { class: "actions" },
            button("stop", "Stop", running),
            button("start", "Start", !running && state !== "Starting" && state !== "Stopping"),
            button("restart", "Restart", running),
            button("kill", "Kill", running, "danger"),
            extra);
        }

        function endpoints(r) {
          const urls = r.endpoints.filter((e) => e.url).map((e) => e.url);
          if (!urls.length && r.url) urls.push(r.url);
          // http(s) addresses open in the browser; a database's or Redis' address is only shown.
          return urls.map((u) => h("div", {}, /^https?:/.test(u) ? h("a", { href: u, target: "_blank", rel: "noopener" }, u) : h("code", {}, u)));
        }

        function row(r) {
          const running = r.replicas.filter((x) => x.state === "Running").length;
          const ups = r.replicas.map(upSeconds).filter((x) => x !== null);
          const open = expanded.has(r.name);
          const rows = [h("tr", {
            class: "clickable" + (open ? " selected" : ""), "data-resource": r.name, "data-state": r.state || "", "data-health": r.health || "",
            onclick: () => toggle(r.name),
          },
            h("td", { class: "nowrap" }, h("span", { class: "dot", style: { background: color(r.name), marginRight: "7px" } }), h("b", {}, r.name)),
            h("td", { class: "muted" }, r.type),
            h("td", { class: "state" }, stateBadge(r.state, r.health)),
            h("td", { class: "health" }, r.health === "Healthy" ? h("span", { class: "badge ok" }, "✓ Healthy") : r.health === "Unhealthy" ? h("span", { class: "badge bad" }, "Unhealthy") : h("span", { class: "badge none" }, r.health || "Unknown")),
            h("td", { class: "num" }, r.replicas.length ? `${running}/${r.replicas.length}` : "–"),
            h("td", {}, endpoints(r)),
            h("td", { class: "num", "data-uptime": r.name }, ups.length ? uptime(Math.min(...ups)) : ""),
            h("td", { class: "num" }, r.restarts),
            h("td", {}, r.replicas.length ? commandButtons(r, undefined, link(`/console?resource=${encodeURIComponent(r.name)}`, "Console")) : h("span", { class: "muted" }, "runs in its server")))];
          if (open) rows.push(details(r));
          return rows;
        }

        function details(r) {
          const env = environments.get(r.name);
          const changes = history.get(r.name) || [];
          return h("tr", { class: "details", "data-details": r.name }, h("td", { colspan: 9 },
            r.error ? h("p", { class: "level Error" }, r.error) : null,
            r.replicas.length ? [h("h3", {}, "Replicas"), h("table", { class: "grid" },
              h("thead", {}, h("tr", {}, ["Replica", "State", "Health", "PID", "Address", "Uptime", "Restarts", "Last exit code", "Commands"].map((c) => h("th", {}, c)))),
              h("tbody", {}, r.replicas.map((x) => h("tr", { "data-replica": x.name, "data-state": x.state, "data-pid": x.processId || "" },
                h("td", { class: "nowrap" }, x.name), h("td", {}, stateBadge(x.state, x.health)), h("td", {}, x.health),
                h("td", { class: "num" }, x.processId || "–"), h("td", {}, x.url ? h("a", { href: x.url, target: "_blank", rel: "noopener" }, x.url) : "–"),
                h("td", { class: "num", "data-replica-uptime": x.name }, uptime(upSeconds(x))), h("td", { class: "num" }, x.restarts),
                h("td", { class: "num" }, x.lastExitCode ?? "–"),
                h("td", {}, commandButtons(r, x, link(`/console?resource=${encodeURIComponent(r.name)}&replica=${x.index}`, "Console")))))))] : null,
            h("div", { class: "cols" },
              h("div", {}, h("h3", {}, "Environment"), env === undefined ? h("p", { class: "muted" }, "Loading…")
                : env.length === 0 ? h("p", { class: "muted" }, "No variables from the app model.")
                : h("table", { class: "kv", "data-environment": r.name }, h("tbody", {}, env.map((v) => h("tr", { "data-variable": v.name },
                  h("td", { class: "mono" }, v.name),
                  h("td", { class: "mono" }, v.isSecret ? h("span", { class: "secret" }, "●●●●●● secret" + (v.expression ? `  ${v.expression}` : "")) : (v.value ?? h("span", { class: "muted" }, v.expression || "(not allocated yet)")))))))),
              h("div", {},
                h("h3", {}, "State changes seen here"),
                changes.length ? h("ul", { class: "history" }, changes.map((c) => h("li", { class: "state-change" }, h("span", { class: "muted" }, Dash.time(c.time, true) + "  "), c.what)))
                  : h("p", { class: "muted" }, "None since this page opened."),
                r.waitsFor.length ? [h("h3", {}, "Waits for"), h("p", {}, r.waitsFor.join(", "))] : null,
                r.telemetryInstances.length ? [h("h3", {}, "Sending telemetry"), h("p", {}, r.telemetryInstances.map((t) => `${t.displayName} (last ${Dash.time(t.lastSeen)})`).join(", "))] : null))));
        }

        async function toggle(name) {
          if (expanded.has(name)) expanded.delete(name);
          else {
            expanded.add(name);
            if (!environments.has(name)) {
              api(`/resources/${encodeURIComponent(name)}`).then((full) => { environments.set(name, full.environment || []); draw(); })
                .catch((e) => { environments.set(name, []); toast(e.message, true); });
            }
          }
          draw();
        }

        function draw() {
          const list = [...resources.values()];
          clear(body, list.map(row));
          const healthy = list.filter((r) => r.isHealthy).length;
          summary.textContent = `${list.length} resources · ${healthy} running and healthy`;
        }

        for (const r of await api("/resources")) record(r);
        draw();
        Dash.stream("/resources/stream", {}, "resource", (r) => { record(r); draw(); });
        // Uptime counts up between state changes; the telemetry instances come from the full list.
        const ticker = setInterval(() => {
          for (const r of resources.values()) {
            const cell = body.querySelector(`[data-uptime="${CSS.escape(r.name)}"]`);
            const ups = r.replicas.map(upSeconds).filter((x) => x !== null);
            if (cell) cell.textContent = ups.length ? uptime(Math.min(...ups)) : "";
            for (const x of r.replicas) {
              const c = body.querySelector(`[data-replica-uptime="${CSS.escape(x.name)}"]`);
              if (c) c.textContent = uptime(upSeconds(x));
            }
          }
        }, 1000);
        Dash.onLeave(() => clearInterval(ticker));
        Dash.every(10000, async () => { for (const r of await api("/resources")) record(r); draw(); });
      });
    })();
    """";
}
