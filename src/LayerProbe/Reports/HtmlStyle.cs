namespace LayerProbe.Reports;

/// <summary>The report page's style sheet, written into the page (no external CSS or fonts: the system's own
/// sans-serif and monospace faces).</summary>
static class HtmlStyle
{
    public const string Css = """
        :root { --fg: #1c1e21; --muted: #596170; --rule: #d5dae1; --stripe: #f4f6f9; --accent: #1f5ea8; --code: #eef1f5;
                --note: #7a4d00; --note-bg: #fff6e0; color-scheme: light; }
        * { box-sizing: border-box; }
        html { font-size: 100%; -webkit-text-size-adjust: 100%; }
        body { margin: 0; color: var(--fg); background: #fff; line-height: 1.55;
               font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
        .page { max-width: 74rem; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .25rem .5rem; outline: 2px solid var(--accent); }
        header { border-bottom: 3px solid var(--accent); padding-bottom: .75rem; margin-bottom: 1rem; }
        h1 { font-size: 1.9rem; line-height: 1.2; margin: .2rem 0 .4rem; letter-spacing: -.01em; }
        h2 { font-size: 1.45rem; line-height: 1.25; margin: 2.4rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid var(--rule); }
        h3 { font-size: 1.2rem; margin: 1.8rem 0 .5rem; }
        h4 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
        p { margin: .5rem 0 .9rem; max-width: 52rem; }
        .lead { color: var(--muted); margin: 0; max-width: none; }
        .meta { color: var(--muted); font-size: .9rem; }
        a { color: var(--accent); }
        code, pre { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: .88em; }
        code { background: var(--code); padding: .05em .3em; border-radius: 3px; overflow-wrap: anywhere; }
        pre { background: var(--code); padding: .75rem; border-radius: 4px; overflow-x: auto; line-height: 1.4; }
        pre code { background: none; padding: 0; }
        nav.toc { background: var(--stripe); border: 1px solid var(--rule); border-radius: 6px; padding: .6rem 1.2rem .8rem; margin: 1rem 0 1.5rem; }
        nav.toc h2 { font-size: 1rem; margin: .2rem 0 .4rem; border: 0; padding: 0; }
        nav.toc ol { margin: 0; padding-left: 1.3rem; columns: 2 22rem; column-gap: 2.5rem; }
        nav.toc li { margin: .1rem 0; break-inside: avoid; }
        nav.toc ul { margin: .1rem 0 .3rem; padding-left: 1.1rem; list-style: none; font-size: .93rem; }
        figure { margin: 1rem 0 1.5rem; }
        figure.table { max-width: 100%; }
        .scroll { overflow-x: auto; max-width: 100%; }
        .scroll:focus { outline: 2px solid var(--accent); }
        table { border-collapse: collapse; font-size: .9rem; font-variant-numeric: tabular-nums lining-nums; margin: 0; }
        figure.table figcaption { color: var(--fg); font-size: .95rem; font-weight: 600; margin: 0 0 .4rem; max-width: 60rem; }
        th, td { padding: .28rem .6rem; border-bottom: 1px solid var(--rule); vertical-align: baseline; }
        thead th { border-bottom: 2px solid var(--fg); font-weight: 600; white-space: nowrap; text-align: left; vertical-align: bottom; }
        tbody th { text-align: left; font-weight: 500; white-space: nowrap; }
        tbody tr:nth-child(even) { background: var(--stripe); }
        .num { text-align: right; white-space: nowrap; }
        thead th.num { text-align: right; }
        td.missing { color: var(--muted); }
        .note { font-size: .88rem; color: var(--note); background: var(--note-bg); border-left: 3px solid #e0a300;
                padding: .3rem .6rem; margin: .4rem 0 0; max-width: 60rem; }
        figure.plot svg, figure.plot img { display: block; max-width: 100%; height: auto; }
        figcaption { color: var(--muted); font-size: .88rem; margin-top: .3rem; }
        table.keys td { white-space: normal; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.2rem; margin: .5rem 0 1rem; }
        dl.facts dt { font-weight: 600; }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        details { margin: .5rem 0 1rem; }
        summary { cursor: pointer; font-weight: 600; }
        footer { margin-top: 3rem; padding-top: .75rem; border-top: 1px solid var(--rule); color: var(--muted); font-size: .85rem; }
        @media (max-width: 40rem) { .page { padding: 1rem; } h1 { font-size: 1.5rem; } }
        @media print { nav.toc { display: none; } .scroll { overflow: visible; } }
        """;
}
