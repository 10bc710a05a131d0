/// The page's one stylesheet, inline: readable type, light and dark schemes
/// from `prefers-color-scheme`, tables that scroll sideways instead of
/// widening the page, charts that shrink to fit. System fonts only, and no
/// `url()` or `@import`, so the page loads nothing.
enum CardStyle {
    static let css = """
    :root{color-scheme:light dark;--bg:#ffffff;--fg:#1d2329;--muted:#5f6b76;--line:#dde2e7;--panel:#f6f8fa;\
    --code:#eef1f4;--accent:#2f6fd0;--error-bg:#fdecea;--error-fg:#a3261d;--error-line:#f0b8b3}
    @media (prefers-color-scheme:dark){:root{--bg:#14171b;--fg:#e2e6ea;--muted:#98a3ae;--line:#333b44;\
    --panel:#1b2026;--code:#262c33;--accent:#74a7f2;--error-bg:#3a1e1c;--error-fg:#f5aaa4;--error-line:#6e3530}}
    *{box-sizing:border-box}
    body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
    main{max-width:1040px;margin:0 auto;padding:28px 20px 56px}
    .card-head{margin-bottom:20px;border-bottom:1px solid var(--line);padding-bottom:12px}
    .card-head h1{margin:0;font-size:1.6em;line-height:1.25;overflow-wrap:anywhere}
    .subtitle{margin:4px 0 0;color:var(--muted);overflow-wrap:anywhere}
    .meta{margin:6px 0 0;font-size:.8em;color:var(--muted)}
    .live{display:inline-block;margin-right:8px;padding:0 8px;border-radius:9px;background:var(--accent);color:var(--bg);font-weight:600}
    .c{margin:0 0 22px;min-width:0}
    .c h2{margin:0 0 8px;font-size:1.05em}
    .markdown h1{font-size:1.35em}.markdown h2{font-size:1.2em}.markdown h3{font-size:1.05em}
    .markdown h1,.markdown h2,.markdown h3{margin:.9em 0 .4em}
    .markdown p,.markdown ul,.markdown ol{margin:.5em 0}
    a{color:var(--accent)}
    code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em}
    code{background:var(--code);padding:1px 4px;border-radius:4px}
    pre{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:10px 12px;margin:0;overflow-x:auto}
    pre code{background:none;padding:0}
    .scroll{overflow-x:auto;max-width:100%}
    table{border-collapse:collapse;font-size:.9em}
    th,td{border-bottom:1px solid var(--line);padding:5px 10px;text-align:left;vertical-align:top;white-space:nowrap}
    thead th{border-bottom-width:2px}
    th.num,td.num{text-align:right;font-variant-numeric:tabular-nums}
    table.facts th{color:var(--muted);font-weight:500}
    table.facts th,table.facts td{white-space:pre-wrap;overflow-wrap:anywhere}
    figure{margin:0 0 22px}
    figure img,figure svg{max-width:100%;height:auto;display:block}
    figcaption{color:var(--muted);font-size:.85em;margin-top:4px}
    .artifact{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin-bottom:10px}
    .artifact-head{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap;margin-bottom:6px}
    .artifact-name{font-weight:600}
    .artifact-type{color:var(--muted);font-size:.85em}
    .artifact pre{white-space:pre-wrap;overflow-wrap:anywhere;border:none;padding:0;background:none}
    .progress-label{display:flex;justify-content:space-between;gap:12px;font-size:.9em}
    .progress-value{color:var(--muted);font-variant-numeric:tabular-nums}
    progress{width:100%;height:12px;accent-color:var(--accent)}
    .log pre{white-space:pre-wrap;overflow-wrap:anywhere;max-height:32em;overflow-y:auto}
    .error{background:var(--error-bg);color:var(--error-fg);border:1px solid var(--error-line);border-radius:6px;padding:10px 14px}
    .error pre{white-space:pre-wrap;overflow-wrap:anywhere;background:none;border:none;padding:0;color:inherit}
    .graph{overflow-x:auto}
    """
}
