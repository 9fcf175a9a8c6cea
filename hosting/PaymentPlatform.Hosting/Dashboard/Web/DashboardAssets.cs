namespace PaymentPlatform.Hosting.Dashboard.Web;

/// <summary>The web UI's files, compiled into the host so that the dashboard serves everything itself (no CDN, no build step). Edit them here; the browser tests cover them.</summary>
internal static partial class DashboardAssets
{
    /// <summary>The one page every view is drawn in.</summary>
    public const string Html = """"
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>PaymentPlatform dashboard</title>
    <link rel="stylesheet" href="/ui/app.css">
    </head>
    <body>
    <header class="topbar">
      <a class="brand" href="/resources" data-route>PaymentPlatform</a>
      <nav aria-label="Views">
        <a href="/resources" data-route data-nav="resources">Resources</a>
        <a href="/console" data-route data-nav="console">Console</a>
        <a href="/logs" data-route data-nav="logs">Structured logs</a>
        <a href="/traces" data-route data-nav="traces">Traces</a>
        <a href="/metrics" data-route data-nav="metrics">Metrics</a>
      </nav>
      <span id="live" class="live" role="status">connecting…</span>
    </header>
    <main id="view" tabindex="-1"></main>
    <div id="toasts" class="toasts" aria-live="polite"></div>
    <script src="/ui/core.js"></script>
    <script src="/ui/charts.js"></script>
    <script src="/ui/resources.js"></script>
    <script src="/ui/logs.js"></script>
    <script src="/ui/traces.js"></script>
    <script src="/ui/metrics.js"></script>
    <script src="/ui/app.js"></script>
    </body>
    </html>
    """";

    public const string Css = """"
    :root {
      --bg: #f5f6f8; --panel: #fff; --text: #1f2328; --muted: #5f6b7a; --line: #d9dee4; --soft: #eef1f4;
      --accent: #5b3cc4; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --info: #0969da;
      --mono: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace;
    }
    * { box-sizing: border-box; }
    html, body { margin: 0; }
    body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; background: var(--bg); color: var(--text); }
    a { color: var(--info); text-decoration: none; }
    a:hover { text-decoration: underline; }
    code, .mono { font-family: var(--mono); font-size: 12.5px; }

    /* The page itself scrolls (so a full-page screenshot holds a long waterfall); the bar stays on top. */
    .topbar { display: flex; align-items: center; gap: 24px; background: #24292f; color: #fff; padding: 0 20px; height: 48px; position: sticky; top: 0; z-index: 5; }
    .brand { color: #fff; font-weight: 700; font-size: 16px; }
    .brand:hover { text-decoration: none; }
    .topbar nav { display: flex; gap: 4px; height: 100%; }
    .topbar nav a { color: #c9d1d9; padding: 0 14px; display: flex; align-items: center; border-bottom: 3px solid transparent; }
    .topbar nav a:hover { color: #fff; text-decoration: none; background: #32383f; }
    .topbar nav a.active { color: #fff; border-bottom-color: #a78bfa; font-weight: 600; }
    .live { margin-left: auto; font-size: 12px; color: #8b949e; }
    .live.ok::before { content: "●"; color: #3fb950; margin-right: 6px; }
    .live.bad::before { content: "●"; color: #f85149; margin-right: 6px; }

    main { padding: 16px 20px 24px; }
    h1 { font-size: 20px; margin: 0 0 12px; font-weight: 600; display: flex; align-items: baseline; gap: 12px; }
    h1 .sub { font-size: 13px; color: var(--muted); font-weight: 400; }
    h2 { font-size: 15px; margin: 16px 0 8px; font-weight: 600; }
    .muted { color: var(--muted); }
    .empty { color: var(--muted); padding: 24px; text-align: center; }

    .toolbar { display: flex; gap: 10px; align-items: center; margin-bottom: 12px; flex-wrap: wrap; }
    .toolbar label { color: var(--muted); font-size: 13px; display: flex; align-items: center; gap: 6px; }
    select, input[type=text], input[type=search] { font: inherit; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; color: var(--text); }
    input[type=search] { width: 280px; }
    button { font: inherit; font-size: 13px; padding: 2px 8px; border: 1px solid var(--line); border-radius: 6px; background: #f6f8fa; color: var(--text); cursor: pointer; }
    button:hover:not(:disabled) { background: #eaeef2; }
    button:disabled { opacity: .45; cursor: default; }
    button.danger { color: var(--bad); }
    .chip { display: inline-flex; align-items: center; gap: 5px; padding: 1px 8px; border-radius: 10px; background: var(--soft); font-size: 12px; white-space: nowrap; margin: 1px 4px 1px 0; }
    .chip button { border: 0; background: none; padding: 0 2px; }
    .dot { width: 9px; height: 9px; border-radius: 50%; display: inline-block; flex: none; }

    .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
    table.grid { width: 100%; border-collapse: collapse; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
    .grid th { text-align: left; font-weight: 600; font-size: 12px; color: var(--muted); background: #f6f8fa; padding: 7px 10px; border-bottom: 1px solid var(--line); white-space: nowrap; }
    .grid td { padding: 6px 10px; border-bottom: 1px solid var(--soft); vertical-align: top; }
    .grid tr:last-child td { border-bottom: 0; }
    .grid tr.clickable { cursor: pointer; }
    .grid tr.clickable:hover td { background: #f6f8fa; }
    .grid tr.selected td { background: #efeafd; }
    .nowrap { white-space: nowrap; }
    .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }

    .badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
    .badge.ok { background: #dafbe1; color: var(--ok); }
    .badge.warn { background: #fff8c5; color: var(--warn); }
    .badge.bad { background: #ffebe9; color: var(--bad); }
    .badge.info { background: #ddf4ff; color: var(--info); }
    .badge.none { background: var(--soft); color: var(--muted); }

    .actions { display: flex; gap: 4px; flex-wrap: nowrap; align-items: center; }
    .actions a { margin-left: 6px; }
    .details td { background: #fbfcfd; padding: 10px 16px 16px; }
    .details h3 { font-size: 13px; margin: 10px 0 6px; }
    .details .cols { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; }
    .kv { width: 100%; border-collapse: collapse; font-size: 13px; }
    .kv td { padding: 3px 8px; border-bottom: 1px solid var(--soft); vertical-align: top; word-break: break-all; }
    .kv td:first-child { color: var(--muted); white-space: nowrap; word-break: normal; width: 1%; }
    .secret { color: var(--muted); font-style: italic; }
    .history { list-style: none; padding: 0; margin: 0; font-size: 13px; max-height: 180px; overflow: auto; }
    .history li { padding: 2px 0; }

    .console { background: #0d1117; color: #c9d1d9; font-family: var(--mono); font-size: 12.5px; line-height: 1.5; border-radius: 8px; padding: 10px 12px; height: calc(100vh - 170px); overflow: auto; white-space: pre-wrap; word-break: break-all; }
    .console .line { display: flex; gap: 10px; }
    .console .time { color: #6e7681; flex: none; }
    .console .source { flex: none; width: 90px; }
    .console .err .text { color: #ff7b72; }

    .split { display: grid; grid-template-columns: minmax(0, 1fr) 420px; gap: 14px; align-items: start; }
    .split.closed { grid-template-columns: minmax(0, 1fr); }
    .side { position: sticky; top: 60px; padding: 12px 14px; max-height: calc(100vh - 120px); overflow: auto; }
    .side h2 { margin-top: 0; display: flex; justify-content: space-between; gap: 8px; }
    .message { word-break: break-word; }
    .level.Error, .level.Critical { color: var(--bad); }
    .level.Warning { color: var(--warn); }

    .bar-cell { width: 160px; }
    .bar { height: 8px; border-radius: 4px; background: #a78bfa; min-width: 2px; }

    .trace-head { display: flex; gap: 22px; flex-wrap: wrap; margin-bottom: 12px; font-size: 13px; }
    .trace-head > div > span { display: block; color: var(--muted); font-size: 12px; }
    .trace-head > div > b { font-size: 15px; }
    .waterfall { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
    .wf-row { display: grid; grid-template-columns: 420px minmax(0, 1fr); border-bottom: 1px solid var(--soft); cursor: pointer; min-height: 26px; }
    .wf-row:hover { background: #f6f8fa; }
    .wf-row.selected { background: #efeafd; }
    .wf-row.head { cursor: default; background: #f6f8fa; font-size: 12px; color: var(--muted); font-weight: 600; }
    .wf-name { display: flex; align-items: center; gap: 6px; padding: 3px 8px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; font-size: 13px; }
    .wf-name .res { font-size: 11px; color: #fff; border-radius: 4px; padding: 0 5px; flex: none; }
    .wf-name .kind { font-size: 11px; color: var(--muted); flex: none; }
    .wf-name .nm { overflow: hidden; text-overflow: ellipsis; }
    .wf-track { position: relative; border-left: 1px solid var(--line); }
    .wf-bar { position: absolute; top: 6px; height: 14px; border-radius: 3px; min-width: 2px; }
    .wf-bar.error { outline: 2px solid var(--bad); }
    .wf-label { position: absolute; top: 4px; font-size: 11px; color: var(--muted); white-space: nowrap; }
    .wf-label.inside { color: #fff; font-weight: 600; }
    .wf-ticks { position: relative; height: 100%; }
    .wf-ticks span { position: absolute; top: 4px; font-size: 11px; transform: translateX(-50%); white-space: nowrap; }
    .wf-ticks span:first-child { transform: none; }
    .wf-ticks span:last-child { transform: translateX(-100%); padding-right: 4px; }

    .metrics { display: grid; grid-template-columns: 270px minmax(0, 1fr); gap: 14px; align-items: start; }
    .instruments { padding: 8px; max-height: calc(100vh - 120px); overflow: auto; position: sticky; top: 60px; }
    .instruments .meter { font-size: 11px; color: var(--muted); margin: 10px 6px 2px; text-transform: uppercase; letter-spacing: .03em; }
    .instruments a { display: block; padding: 3px 6px; border-radius: 5px; color: var(--text); font-size: 13px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .instruments a:hover { background: var(--soft); text-decoration: none; }
    .instruments a.active { background: #efeafd; color: var(--accent); font-weight: 600; }
    .charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px; }
    .charts.one { grid-template-columns: minmax(0, 1fr); }
    .chart-card { padding: 10px 12px 8px; }
    .chart-card h3 { font-size: 14px; margin: 0; }
    .chart-card .desc { font-size: 12px; color: var(--muted); margin-bottom: 4px; min-height: 1.4em; }
    svg.chart { width: 100%; height: auto; display: block; }
    svg.chart text { font: 11px system-ui, "DejaVu Sans", sans-serif; fill: #6e7781; }
    svg.chart .grid-line { stroke: #e6e9ed; }
    svg.chart .axis { stroke: #c4cbd3; }
    svg.chart .nodata { font-size: 13px; fill: #8c959f; }
    .legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; margin-top: 4px; }
    .legend span { display: inline-flex; align-items: center; gap: 5px; }
    .legend b { font-weight: 600; font-variant-numeric: tabular-nums; }

    .toasts { position: fixed; right: 16px; bottom: 16px; display: flex; flex-direction: column; gap: 8px; z-index: 10; }
    .toast { background: #24292f; color: #fff; padding: 8px 14px; border-radius: 6px; font-size: 13px; max-width: 460px; box-shadow: 0 4px 12px rgba(0,0,0,.2); }
    .toast.bad { background: var(--bad); }
    """";

    public const string AppJs = """"
    // Starts the dashboard once every view has registered itself.
    "use strict";
    Dash.start();
    """";
}
