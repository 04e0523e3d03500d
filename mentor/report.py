"""One self-contained HTML file for `mentor eval --html`: charts per category, every failing item.

Everything from answers, documents or questions is escaped: the report never runs their HTML.
"""

from __future__ import annotations

from html import escape

CHART_METRICS = ("fact_coverage", "passed", "citation_precision", "citation_recall")
COLORS = ("#1971c2", "#e8590c", "#2f9e44", "#ae3ec9")


def _bars(reports: list[dict], metric: str) -> str:
    categories = list(reports[0]["by_category"])
    row_h, label_w, width = 22, 150, 320
    height = row_h * len(categories) * len(reports) + 10
    parts = [f'<svg role="img" aria-label="{escape(metric)} by category" width="{label_w + width + 60}" height="{height}">']
    y = 5
    for cat in categories:
        for i, report in enumerate(reports):
            value = report["by_category"][cat].get(metric)
            w = 0 if value is None else value * width
            label = escape(cat) if i == 0 else ""
            parts.append(f'<text x="0" y="{y + 15}" font-size="12">{label}</text>'
                         f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{COLORS[i % 4]}"/>'
                         f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="11">'
                         f'{"—" if value is None else f"{value:.2f}"}</text>')
            y += row_h
    parts.append("</svg>")
    return "".join(parts)


def _failure(item: dict) -> str:
    citations = "".join(
        f"<li>[{c['n']}] {escape(c['section'])} <small>({escape(c['source'])})</small><blockquote>{escape(c['quote'])}"
        "</blockquote></li>" for c in item["citations"])
    missing = [group for group, ok in zip(item.get("required", []), item["facts"]) if not ok]
    why = []
    if item["abstained"] != (item["expect"] == "abstain"):
        why.append(f"expected {escape(item['expect'])}, got {'abstain' if item['abstained'] else 'answer'}")
    if missing:
        why.append("missing: " + "; ".join(escape(" | ".join(g)) for g in missing))
    if item["forbidden_hits"]:
        why.append("forbidden: " + escape(", ".join(item["forbidden_hits"])))
    return (f'<details class="fail"><summary><b>{escape(item["id"])}</b> ({escape(item["category"])}): '
            f'{escape(item["question"])}</summary><p class="why">{"; ".join(why) or "unsupported sentence"}</p>'
            f'<pre>{escape(item["answer"])}</pre><ol>{citations}</ol></details>')


def render_html(reports: list[dict]) -> str:
    engines = ", ".join(escape(r["engine"]) for r in reports)
    legend = " ".join(f'<span style="color:{COLORS[i % 4]}">■ {escape(r["engine"])}</span>' for i, r in enumerate(reports))
    overall_rows = "".join(
        f"<tr><td>{escape(name)}</td>" + "".join(f"<td>{'—' if r['overall'].get(name) is None else r['overall'][name]}</td>"
                                                  for r in reports) + "</tr>"
        for name in reports[0]["overall"])
    charts = "".join(f"<h3>{escape(m)}</h3>{_bars(reports, m)}" for m in CHART_METRICS)
    failures = "".join(
        f"<h3>{escape(r['engine'])}: {len(r['failures'])} failing</h3>" + "".join(_failure(f) for f in r["failures"])
        for r in reports)
    head_cells = "".join(f"<th>{escape(r['engine'])}</th>" for r in reports)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PM Mentor eval: {engines}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 8px;text-align:right}}
td:first-child{{text-align:left}}pre{{white-space:pre-wrap;background:#f6f6f6;padding:.5em}}
.fail summary{{cursor:pointer}}.why{{color:#c92a2a}}blockquote{{margin:.2em 1em;color:#555}}</style></head>
<body><h1>PM Mentor eval</h1><p>Engines: {engines}. Offline metrics; judged metrics, when present, are labelled "judged".</p>
<h2>Overall</h2><table><tr><th>metric</th>{head_cells}</tr>{overall_rows}</table>
<h2>By category</h2><p>{legend}</p>{charts}
<h2>Failing items</h2>{failures}
</body></html>"""
