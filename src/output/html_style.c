// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML report's style sheet, inline in every page (no request): a
 * readable column on a desktop, tables that turn into cards and charts
 * that scroll sideways on a phone, and a print style (no navigation, no
 * page break inside a chart or a finding, black on white).
 */
#include <stdio.h>

#include "output/html_int.h"

static const char css[] =
	":root{--ink:#1b1b1b;--muted:#595959;--line:#d4d4d4;--card:#f5f5f2}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',"
	"sans-serif;color:var(--ink);background:#fff}\n"
	"main{max-width:1140px;margin:0 auto;padding:12px 16px 40px}\n"
	"h1{font-size:1.55rem;margin:.3em 0 .1em}h2{font-size:1.2rem;margin:1.8em 0 .5em;"
	"padding-bottom:3px;border-bottom:2px solid var(--ink)}h3{font-size:1rem;margin:1.2em 0 .4em}\n"
	".sub,.note,figcaption{color:var(--muted)}figcaption{font-size:.88em;margin-top:4px}\n"
	"figure{margin:0}.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}\n"
	"nav{display:flex;flex-wrap:wrap;gap:4px 14px;margin:8px 0 0;font-size:.92em}\n"
	"a{color:#0a5a9c}\n"
	".summary{margin:12px 0;padding:10px 14px;background:var(--card);border-left:6px solid #888}\n"
	".summary.bad{border-left-color:#D55E00}.summary.warn{border-left-color:#E69F00}"
	".summary.ok{border-left-color:#009E73}\n"
	"code,.mono{font-family:'DejaVu Sans Mono',ui-monospace,Menlo,Consolas,monospace;font-size:.88em}\n"
	"code{overflow-wrap:anywhere}\n"
	"table{border-collapse:collapse;width:100%}th,td{padding:5px 8px;border-bottom:1px solid "
	"var(--line);text-align:left;vertical-align:middle}th{font-size:.85em;color:var(--muted);"
	"font-weight:600}\n"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"td.name{overflow-wrap:break-word;max-width:28em}\n"
	"tr.group td{border-bottom:0}tr.bt td{padding-top:0;color:var(--muted)}.bt .f{white-space:nowrap}\n"
	"svg.chart,svg.flame{display:block;width:100%;height:auto;min-width:700px}\n"
	"svg.chart text{font-size:12px;fill:#1b1b1b}.axis .grid{stroke:#e6e6e6}"
	".axis .tick,.axis .base{stroke:#444}.axis .title{fill:#444}\n"
	".band{stroke:#fff;stroke-width:.7}polyline.total{fill:none;stroke:#000;stroke-width:1.8}\n"
	"polyline.inside{fill:none;stroke:#000;stroke-width:1.8;stroke-dasharray:6 3}\n"
	".leader{fill:none;stroke:#777;stroke-width:.8}text.total{font-weight:700}\n"
	"svg.spark{width:160px;height:36px;display:block}svg.spark polyline{fill:none;"
	"stroke:currentColor;stroke-width:1.6}svg.spark circle{fill:currentColor}\n"
	"svg.sw{width:15px;height:15px;vertical-align:-3px;margin-right:6px}\n"
	"svg.defs{position:absolute;width:0;height:0;overflow:hidden}\n"
	"svg.flame text{font:11px 'DejaVu Sans Mono',ui-monospace,monospace;fill:#000}\n"
	"svg.flame rect{stroke:#fff;stroke-width:.6}svg.flame rect.mod{stroke:#222;stroke-width:1}\n"
	".fr:hover rect{stroke:#000;stroke-width:1.6}\n"
	".verdict{display:inline-block;padding:0 6px;border:1.5px solid;border-radius:3px;"
	"font-weight:600;font-size:.85em;white-space:nowrap}\n"
	".v-leak{color:#9a3700;background:#fbe4d6;border-width:2.5px}"
	".v-growing_reclaimable{color:#7a5300;background:#fdf0d2;border-style:dashed}\n"
	".v-possible_leak,.v-growing{color:#004f7c;background:#e1eff9;border-style:dashed}"
	".v-fluctuating{color:#444;background:#f0f0f0;border-style:dotted}"
	".v-released{color:#005a43;background:#dcf2ea;border-style:dotted}\n"
	".why{display:block;font-size:.85em;color:var(--muted)}\n"
	".finding{margin:10px 0;padding:8px 12px;background:var(--card);border-left:4px solid #888;"
	"break-inside:avoid}.finding h3{margin:0 0 4px}\n"
	".sev-critical{border-left:8px solid #D55E00}.sev-warning{border-left:6px double #E69F00}"
	".sev-info{border-left:3px dotted #0072B2}\n"
	".sev{font-size:.8em;font-weight:700;text-transform:uppercase;letter-spacing:.04em;"
	"margin-right:6px}\n"
	"dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}"
	"dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;overflow-wrap:anywhere}\n"
	"p.bt{margin:0 0 4px;font-family:'DejaVu Sans Mono',ui-monospace,monospace;font-size:.8em;"
	"line-height:1.6}\n"
	"@media (max-width:720px){body{font-size:14px}main{padding:8px 10px 30px}"
	"table.cards thead{display:none}table.cards tr{display:block;padding:6px 0;border-bottom:1px "
	"solid var(--line)}table.cards td{display:flex;justify-content:space-between;gap:10px;"
	"border:0;padding:2px 4px;text-align:right;max-width:none}table.cards td::before{"
	"content:attr(data-label);color:var(--muted);text-align:left}table.cards td.name{"
	"display:block;text-align:left;font-weight:600}table.cards td.name::before{content:none}"
	"dl.meta{grid-template-columns:1fr}dl.meta dd{margin-bottom:4px}.components .what{display:none}}\n"
	"@media print{nav,.noprint{display:none}tr.group,h2,h3{break-after:avoid}body{font-size:10pt}main{max-width:none;padding:0}"
	".scroll{overflow:visible}svg.chart,svg.flame{min-width:0}figure,.finding,tr{break-inside:"
	"avoid}h2{break-after:avoid}a{color:inherit;text-decoration:none}.summary,.finding{"
	"background:none;outline:1px solid #999}}\n";

void html_style(FILE *f)
{
	fputs("<style>\n", f);
	fputs(css, f);
	fputs("</style>\n", f);
}
