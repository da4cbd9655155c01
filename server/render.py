"""Jinja2 rendering: templates, number formats in Dutch style, small SVG charts, translations.

Templates only present a view from `game.views.view_for`; no game rule is decided here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from game.messages import role_name

WEB = Path(__file__).resolve().parent.parent / "web"

EN = {  # English on request (?lang=en); Dutch is the source text
    "Ronde": "Round", "van": "of", "Tafel": "Table", "Jij bent": "You are", "Spelleider": "Facilitator",
    "Bevestigen": "Confirm", "Bevestigd": "Confirmed", "Kader": "Frame", "Huurbeleid": "Rent policy",
    "Projecten": "Projects", "Programma's": "Programmes", "Maatschappelijk budget": "Social budget",
    "Leenruimte": "Borrowing room", "Uitkomst": "Outcome", "Geschiedenis": "History",
    "Wachten op de spelleider": "Waiting for the facilitator", "Meedoen": "Join", "Nieuw spel": "New game",
    "Naam": "Name", "Spelcode": "Game code", "Start het spel": "Start the game", "Sluit de ronde": "Lock the round",
    "Heropen de ronde": "Re-open the round", "Toon de uitkomst": "Reveal the outcome",
    "Volgende ronde": "Next round", "Beëindig het spel": "End the game", "Spelers": "Players",
}

PHASES = {"lobby": "Lobby", "frame": "Kader kiezen", "choices": "Keuzes maken", "locked": "Ronde gesloten",
          "revealed": "Uitkomst", "finished": "Afgelopen"}


def euro(value, digits: int = 0) -> str:
    if value is None:
        return "–"
    s = f"{abs(float(value)):,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return ("−€ " if float(value) < 0 else "€ ") + s


def mln(value) -> str:
    """Millions with one decimal, Dutch style: € 69,4 mln."""
    if value is None:
        return "–"
    v = float(value) / 1e6
    s = f"{abs(v):,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return ("−€ " if v < 0 else "€ ") + s + " mln"


def pct(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{float(value) * 100:.{digits}f}".replace(".", ",") + " %"


def num(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    return f"{float(value):,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def signed(value, fmt=mln) -> str:
    if value is None:
        return "–"
    return ("+" if float(value) > 0 else "") + fmt(value)


def qr_svg(url: str, scale: int = 6) -> Markup:
    svg = segno.make(url, error="m").svg_inline(scale=scale, dark="#111", light="#fff")
    return Markup(svg)


def line_chart(series: dict[str, list[Optional[float]]], labels: list, norm: Optional[float] = None,
               width: int = 520, height: int = 200, fmt=num) -> Markup:
    """A small server-side SVG line chart: one line per series, a dashed norm line."""
    values = [v for vs in series.values() for v in vs if v is not None] + ([norm] if norm is not None else [])
    if not values or not labels:
        return Markup("")
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.15 or abs(hi) * 0.1 or 1
    lo, hi = lo - pad, hi + pad
    left, right, top, bottom = 56, 12, 12, 28
    w, h = width - left - right, height - top - bottom
    n = max(len(labels) - 1, 1)
    x = lambda i: left + w * i / n
    y = lambda v: top + h * (hi - v) / (hi - lo)
    colours = ["#1f6feb", "#d97706", "#059669", "#9333ea", "#dc2626", "#0891b2"]
    parts = [f'<svg viewBox="0 0 {width} {height}" class="chart" role="img" xmlns="http://www.w3.org/2000/svg">']
    for frac in (0, 0.5, 1):
        v = lo + (hi - lo) * frac
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" class="axis">{fmt(v)}</text>')
        parts.append(f'<line x1="{left}" x2="{left + w}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>')
    for i, lab in enumerate(labels):
        parts.append(f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="middle" class="axis">{lab}</text>')
    if norm is not None:
        parts.append(f'<line x1="{left}" x2="{left + w}" y1="{y(norm):.1f}" y2="{y(norm):.1f}" class="norm"/>')
    for k, (name, vs) in enumerate(series.items()):
        c = colours[k % len(colours)]
        pts = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(vs) if v is not None)
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="3"/>')
        for i, v in enumerate(vs):
            if v is not None:
                parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="4" fill="{c}"><title>{name}: {fmt(v)}</title></circle>')
    if len(series) > 1:
        for k, name in enumerate(series):
            parts.append(f'<text x="{left + 8 + k * 90}" y="{top + 10}" fill="{colours[k % len(colours)]}" class="legend">{name}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def make_env() -> Environment:
    env = Environment(loader=FileSystemLoader(WEB / "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(euro=euro, mln=mln, pct=pct, num=num, signed=signed)
    env.globals.update(role_name=role_name, qr_svg=qr_svg, line_chart=line_chart, PHASES=PHASES,
                       pct_fmt=pct, num_fmt=num)
    return env


class Renderer:
    def __init__(self):
        self.env = make_env()

    def render(self, template: str, /, lang: str = "nl", **ctx) -> str:  # ctx may hold a `name`
        def _(text: str) -> str:
            return EN.get(text, text) if lang == "en" else text
        return self.env.get_template(template).render(_=_, lang=lang, **ctx)
