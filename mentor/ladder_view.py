"""What the UI shows besides answers: the ladder as a graph, and follow-up suggestions."""

from __future__ import annotations

from mentor.framework import Framework, Level
from mentor.text import a_or_an


def ladder_dot(fw: Framework, level: Level | None = None, target: Level | None = None) -> str:
    """Graphviz DOT of both tracks; the user's level, target and the route between them highlighted."""
    route = fw.path(level, target) if level and target else None
    on_route = {lvl.id for lvl in route.levels} if route and route.reachable else set()
    steps = {(a.id, b.id) for a, b in zip(route.levels, route.levels[1:])} if on_route else set()
    lines = ["digraph ladder {", "  rankdir=BT; node [shape=box, style=rounded, fontname=Helvetica];"]
    for track, label in fw.tracks.items():
        lines.append(f'  subgraph "cluster_{track}" {{ label="{_esc(label)}"; color=gray;')
        for lvl in fw.track_levels(track):
            style = ""
            if level and lvl.id == level.id:
                style = ', style="rounded,filled", fillcolor="#cfe8ff", penwidth=2'
            elif target and lvl.id == target.id:
                style = ', style="rounded,filled", fillcolor="#ffe7b3", penwidth=2'
            elif lvl.id in on_route:
                style = ', penwidth=2'
            lines.append(f'    "{lvl.id}" [label="{_esc(lvl.name)}"{style}];')
        lines.append("  }")
    for t in fw.transitions:
        attrs = ' [color="#d9480f", penwidth=3]' if (t.from_, t.to) in steps else ""
        lines.append(f'  "{t.from_}" -> "{t.to}"{attrs};')
    lines.append("}")
    return "\n".join(lines)


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def suggestions(fw: Framework, level: Level | None, target: Level | None, limit: int = 3) -> list[str]:
    """Follow-ups from the framework: the next step, the other track, a confusable title."""
    out = []
    if level is not None:
        for nxt in fw.next_levels(level)[:2]:
            out.append(f"How do I become a {nxt.name}?")
        for c in fw.confusions_about({level.id} | ({target.id} if target else set())):
            names = [fw.by_id[t].name if t in fw.by_id else t for t in c.terms]
            if len(names) == 2:
                out.append(f"What is the difference between {names[0]} and {names[1]}?")
            elif c.terms[0] in fw.by_id:
                short = sorted(set(fw.by_id[c.terms[0]].aliases), key=len)
                if len(short) >= 2:
                    out.append(f"Is {a_or_an(short[0])} the same as {a_or_an(short[1])}?")
    if target is not None and level is not None and target.id != level.id:
        out.append(f"How do I get from {level.name} to {target.name}?")
    if not out:
        out = ["How do I get to Director?", "Is a Group PM the same as a Director?", "What does a Principal PM do?"]
    return list(dict.fromkeys(out))[:limit]
