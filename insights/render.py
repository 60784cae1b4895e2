"""The report as one self-contained HTML file: tables, and matplotlib plots embedded as PNG data URIs.

No scripts, no external fonts, stylesheets or images: it opens offline, and the served page's
Content-Security-Policy allows nothing else. Every text is HTML-escaped; visitors' texts arrive here masked.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:72rem;color:#1d2733;
padding:0 1rem;line-height:1.4}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:2px solid #d9e2ec;padding-bottom:.2rem}
.meta{color:#52606d}.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.card{background:#f0f4f8;border-radius:.5rem;padding:.6rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.6rem}table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}
th,td{border-bottom:1px solid #d9e2ec;padding:.25rem .6rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}img{max-width:100%;height:auto;display:block}
.up{color:#b44d12}.down{color:#2c6e49}.note{color:#52606d;font-size:.9rem}.variants{color:#52606d;font-size:.85rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def pct(value: Optional[float]) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def _trend(value: Optional[float]) -> str:
    if value is None:
        return "–"
    arrow, css = ("▲", "up") if value > 0 else ("▼", "down") if value < 0 else ("=", "")
    return f'<span class="{css}">{arrow} {value * 100:+.0f} %</span>'


def _figure(draw: Callable[[Any], None], width: float = 7.0, height: float = 2.8) -> str:
    """A plot as an <img> with a PNG data URI."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(width, height), dpi=100)
    try:
        draw(axes)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    finally:
        plt.close(figure)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img class="plot" alt="" src="data:image/png;base64,{data}">'


def _days(rows: Sequence[Dict[str, Any]]) -> List[str]:
    return [row["date"][5:] for row in rows]


def _ticks(axes: Any, labels: List[str]) -> None:
    step = max(1, len(labels) // 10)
    axes.set_xticks(range(0, len(labels), step))
    axes.set_xticklabels(labels[::step], fontsize=8)


def plot_volume(per_day: Sequence[Dict[str, Any]]) -> str:
    def draw(axes: Any) -> None:
        labels = _days(per_day)
        axes.bar(range(len(labels)), [row["messages"] for row in per_day], color="#9fb3c8", label="messages")
        axes.plot(range(len(labels)), [row["conversations"] for row in per_day], color="#243b53", marker=".",
                  label="conversations")  # fmt: skip
        _ticks(axes, labels)
        axes.legend(fontsize=8, frameon=False)
        axes.set_title("Conversations and messages per day (UTC)", fontsize=10)

    return _figure(draw)


def plot_misses(per_day: Sequence[Dict[str, Any]], kinds: Iterable[str]) -> str:
    def draw(axes: Any) -> None:
        labels = _days(per_day)
        for kind, color in zip(kinds, ("#d64545", "#f0b429", "#627d98")):
            values = [(row[f"{kind}_rate"] or 0) * 100 for row in per_day]
            axes.plot(range(len(labels)), values, marker=".", color=color, label=kind)
        _ticks(axes, labels)
        axes.set_ylabel("% of messages", fontsize=8)
        axes.legend(fontsize=8, frameon=False)
        axes.set_title("Fallback, not_covered and out_of_scope per day", fontsize=10)

    return _figure(draw)


def plot_topics(topics: Sequence[Dict[str, Any]], limit: int = 15) -> str:
    shown = list(topics[:limit])[::-1]

    def draw(axes: Any) -> None:
        axes.barh([row["topic"] for row in shown], [row["count"] for row in shown], color="#486581")
        axes.tick_params(axis="y", labelsize=8)
        axes.set_title(f"Topics asked (top {len(shown)})", fontsize=10)

    return _figure(draw, height=max(2.4, 0.28 * len(shown) + 0.8))


def plot_safety(per_day: Sequence[Dict[str, Any]], tiers: Iterable[str]) -> str:
    def draw(axes: Any) -> None:
        labels = _days(per_day)
        bottom = [0] * len(per_day)
        colors = ("#ba2525", "#de911d", "#f7d070", "#9fb3c8", "#7c5e10")
        for key, color in zip([*tiers, "crisis"], colors):
            values = [row[key] for row in per_day]
            axes.bar(range(len(labels)), values, bottom=bottom, color=color, label=key)
            bottom = [b + v for b, v in zip(bottom, values)]
        _ticks(axes, labels)
        axes.legend(fontsize=8, frameon=False, ncol=5)
        axes.set_title("Alarm-sign answers per tier and crisis answers per day", fontsize=10)

    return _figure(draw)


def plot_questionnaire(section: Dict[str, Any]) -> str:
    def draw(axes: Any) -> None:
        labels = ["started", "finished", *[f"left at {q}" for q in section["abandoned_at"]]]
        values = [section["started"], section["finished"], *section["abandoned_at"].values()]
        axes.barh(labels[::-1], values[::-1], color="#2f8132")
        axes.tick_params(axis="y", labelsize=8)
        axes.set_title("Exercise questionnaire", fontsize=10)

    return _figure(draw, width=5.5, height=max(2.0, 0.35 * (2 + len(section["abandoned_at"])) + 0.8))


def plot_latency(per_day: Sequence[Dict[str, Any]]) -> str:
    def draw(axes: Any) -> None:
        labels = _days(per_day)
        for key, color in (("p50_ms", "#486581"), ("p95_ms", "#d64545")):
            axes.plot(range(len(labels)), [row[key] for row in per_day], marker=".", color=color, label=key[:3])
        _ticks(axes, labels)
        axes.set_ylabel("ms", fontsize=8)
        axes.legend(fontsize=8, frameon=False)
        axes.set_title("Answer latency per day", fontsize=10)

    return _figure(draw)


def _table(head: Sequence[str], rows: Iterable[Sequence[Any]], numeric: Sequence[int] = ()) -> str:
    cells = "".join(f'<th class="n">{_e(h)}</th>' if i in numeric else f"<th>{_e(h)}</th>" for i, h in enumerate(head))
    body = []
    for row in rows:
        tds = []
        for i, value in enumerate(row):
            css = ' class="n"' if i in numeric else ""
            text = value if isinstance(value, Raw) else _e(value)
            tds.append(f"<td{css}>{text}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    if not body:
        return '<p class="note">None in this period.</p>'
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(body)}</tbody></table>"


class Raw(str):
    """Already-escaped HTML for a table cell."""


def _questions(groups: Sequence[Dict[str, Any]]) -> str:
    rows = []
    for item in groups:
        variants = "".join(f"<br>{_e(v)}" for v in item["variants"])
        rows.append((item["count"], Raw(f'{_e(item["text"])}<span class="variants">{variants}</span>')))
    return _table(("count", "question (masked; similar ones below it)"), rows, numeric=(0,))


def _card(label: str, value: Any) -> str:
    return f'<div class="card"><b>{_e(value)}</b>{_e(label)}</div>'


def render(report: Dict[str, Any]) -> str:
    """The report dict (insights.aggregate.summarise plus the report's own fields) as an HTML page."""
    conv, misses, safety = report["conversations"], report["misses"], report["safety"]
    quest, latency, trend = report["questionnaire"], report["latency"], report["trend"]
    period = report["period"]
    kinds = list(misses["counts"])
    tiers = list(safety["tiers"])
    trend_note = (
        f"Trend: {trend['recent']['from'][:10]} – {trend['recent']['to'][:10]} against "
        f"{trend['before']['from'][:10]} – {trend['before']['to'][:10]}, per day"
        if trend.get("before")
        else "No trend"
    )
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Insights {_e(period['from'][:10])} – {_e(period['to'][:10])}</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>What visitors asked</h1>",
        f'<p class="meta">{_e(period["from"])} – {_e(period["to"])} ({_e(period["days"])} days, UTC) · '
        f"made {_e(report['generated_at'])} from the tracker store · retention {_e(report['retention_days'])} days · "
        "no conversation ids; e-mail addresses and phone numbers masked</p>",
        '<div class="cards">',
        _card("conversations", conv["total"]),
        _card("messages", conv["messages"]),
        _card("reached an answer", pct(conv["reached_answer"]["share"])),
        _card("fallback", pct(misses["rates"]["fallback"])),
        _card("not_covered", pct(misses["rates"]["not_covered"])),
        _card("out_of_scope", pct(misses["rates"]["out_of_scope"])),
        _card("alarm-sign answers", sum(safety["tiers"].values())),
        _card("crisis answers", safety["crisis"]),
        "</div>",
        "<h2>Conversations</h2>",
        plot_volume(conv["per_day"]),
        _table(
            ("conversation length (messages)", *conv["length"]["histogram"]),
            [("conversations", *conv["length"]["histogram"].values())],
            numeric=tuple(range(1, 1 + len(conv["length"]["histogram"]))),
        ),
        f'<p class="note">Mean {_e(conv["length"]["mean"])}, median {_e(conv["length"]["median"])}, 90th percentile '
        f"{_e(conv['length']['p90'])} messages. A conversation reached an answer when at least one message got an "
        "answer of the article, the safety net or a recommendation (counted by conversation id; one conversation "
        "may hold several sessions).</p>",
        "<h2>Topics asked</h2>",
        f'<div class="grid"><div>{plot_topics(report["topics"])}</div><div>',
        _table(
            ("topic", "count", "share", "trend"),
            [(t["topic"], t["count"], pct(t["share"]), Raw(_trend(t["trend"]))) for t in report["topics"]],
            numeric=(1, 2, 3),
        ),
        f'<p class="note">{_e(trend_note)}.</p></div></div>',
        "<h2>Not answered: fallback, not_covered, out_of_scope</h2>",
        plot_misses(misses["per_day"], kinds),
    ]
    for kind in kinds:
        parts.append(f"<h3>Questions behind {_e(kind)} ({misses['counts'][kind]})</h3>")
        parts.append(_questions(misses["questions"][kind]))
    low = report["low_confidence"]
    parts += [
        f"<h3>Answered with low confidence (below {low['below']}): {low['answers']} ({pct(low['share'])})</h3>",
        _questions(low["questions"]),
        "<h2>Safety</h2>",
        plot_safety(safety["per_day"], tiers),
        _table(("", *tiers, "crisis"), [("answers", *safety["tiers"].values(), safety["crisis"])], numeric=range(1, 7)),
        '<p class="note">Counts only. "ask": a follow-up question about an alarm sign whose tier the message did not '
        "settle.</p>",
        "<h2>Exercise questionnaire</h2>",
        f'<div class="grid"><div>{plot_questionnaire(quest)}</div><div>',
        _table(
            ("started", "finished", "abandoned", *[f"because: {k}" for k in quest["abandoned_because"]]),
            [(quest["started"], quest["finished"], quest["abandoned"], *quest["abandoned_because"].values())],
            numeric=range(0, 6),
        ),
        _table(("abandoned at question", "times"), quest["abandoned_at"].items(), numeric=(1,)),
        "</div></div>",
        "<h2>Buttons</h2>",
        _table(
            ("button", "payload", "offered", "chosen", "chosen share"),
            [(b["title"], b["payload"], b["offered"], b["chosen"], pct(b["share"])) for b in report["buttons"]],
            numeric=(2, 3, 4),
        ),
        "<h2>Answer latency</h2>",
        plot_latency(latency["per_day"]),
        _table(
            ("answers", "p50 ms", "p95 ms", "p99 ms", "max ms"),
            [(latency["answers"], latency["p50_ms"], latency["p95_ms"], latency["p99_ms"], latency["max_ms"])],
            numeric=range(0, 5),
        ),
        f'<p class="note">Measured {_e(latency["method"])}.</p>',
        "</body></html>",
    ]
    return "\n".join(parts)
