"""Jinja2 rendering: templates, number formats in Dutch style, small SVG charts, translations.

Templates only present a view from `game.views.view_for`; no game rule is decided here.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Optional

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from game.messages import role_name

from .i18n import translate

WEB = Path(__file__).resolve().parent.parent / "web"

# Dutch phase labels; templates show them as `_(PHASES[phase])`, so each needs an entry in `EN`.
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
    return _minus(f"{float(value) * 100:.{digits}f}".replace(".", ",")) + " %"


def num(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    return _minus(f"{float(value):,.{digits}f}".replace(",", "_").replace(".", ",").replace("_", "."))


def _minus(text: str) -> str:
    """The typographic minus, as euro() and mln() write it (a hyphen reads as a dash)."""
    return "−" + text[1:] if text.startswith("-") else text


def signed(value, fmt=mln) -> str:
    if value is None:
        return "–"
    return ("+" if float(value) > 0 else "") + fmt(value)


def qr_svg(url: str, scale: int = 6) -> Markup:
    svg = segno.make(url, error="m").svg_inline(scale=scale, dark="#111", light="#fff")
    return Markup(svg)


def _decimals(x: float, most: int = 4) -> int:
    """How many decimals `x` needs (0.25 -> 2, 10.0 -> 0)."""
    for d in range(most + 1):
        if abs(round(x, d) - x) < 1e-9 * max(1.0, abs(x)):
            return d
    return most


def nice_ticks(lo: float, hi: float, count: int = 4) -> tuple[float, float, list[float]]:
    """Round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) covering [lo, hi]."""
    if hi < lo:
        lo, hi = hi, lo
    span = hi - lo
    if span <= 0:
        span = abs(hi) * 0.2 or 1.0
        lo, hi = lo - span / 2, hi + span / 2
    raw = span / count
    mag = 10 ** math.floor(math.log10(raw))
    step = mag
    for m in (1, 2, 2.5, 5, 10):
        step = m * mag
        if span / step <= count:
            break
    start = math.floor(lo / step + 1e-9) * step
    end = math.ceil(hi / step - 1e-9) * step
    n = int(round((end - start) / step))
    return start, end, [start + i * step for i in range(n + 1)]


def _tick_label(fmt, v: float, step: float) -> str:
    if abs(v) < step * 1e-6:
        v = 0.0
    if fmt is pct:
        return pct(v, _decimals(step * 100))
    if fmt is num:
        return num(v, _decimals(step))
    return fmt(v)


def _text_width(text: str, font: float) -> float:
    """A generous estimate of a label's width in SVG units (no font metrics on the server)."""
    return len(str(text)) * font * 0.6


def _legend(items: list[tuple], x0: float, y0: float, width: float, font: float,
            swatch: bool = True) -> tuple[list[str], float]:
    """Legend entries (name, colour[, "line"]) in rows from baseline y0; returns the parts and the height."""
    parts, x, y = [], x0, y0
    line = font * 1.35
    for name, colour, *kind in items:
        w = _text_width(name, font) * 1.12 + (font * 1.4 if swatch else 0) + font  # bold text is wider
        if x > x0 and x + w > x0 + width:
            x, y = x0, y + line
        label = escape(name)
        if swatch:
            if kind and kind[0] == "line":
                parts.append(f'<line x1="{x:.1f}" x2="{x + font * 1.1:.1f}" y1="{y - font * 0.35:.1f}" y2="{y - font * 0.35:.1f}" '
                             f'stroke="{colour}" stroke-width="2.5" stroke-dasharray="5 3"/>')
            else:
                parts.append(f'<rect x="{x:.1f}" y="{y - font * 0.75:.1f}" width="{font * 0.8:.1f}" height="{font * 0.8:.1f}" '
                             f'rx="2" fill="{colour}"/>')
            parts.append(f'<text x="{x + font * 1.4:.1f}" y="{y:.1f}" class="legend" '
                         f'style="font-size:{font}px;font-weight:600" fill="#374151">{label}</text>')
        else:
            parts.append(f'<text x="{x:.1f}" y="{y:.1f}" class="legend" style="font-size:{font}px;font-weight:700" '
                         f'fill="{colour}">{label}</text>')
        x += w
    return parts, (y - y0) + line


CHART_COLOURS = ["#1f6feb", "#d97706", "#059669", "#9333ea", "#dc2626", "#0891b2", "#65a30d", "#db2777"]


def line_chart(series: dict[str, list[Optional[float]]], labels: list, norm: Optional[float] = None,
               width: int = 520, height: int = 200, fmt=num, font: Optional[int] = None,
               colours: Optional[list[str]] = None, norm_label: str = "norm") -> Markup:
    """A small server-side SVG line chart: one line per series, a dashed norm line.

    Text is sized for the chart shown at about a third of a page (font ~ width / 30 units,
    written inline so that it holds in every stylesheet and in the PDF); the margins are
    measured from the labels so that none is cut off at the edges."""
    values = [v for vs in series.values() for v in vs if v is not None] + ([norm] if norm is not None else [])
    if not values or not labels:
        return Markup("")
    font = font or max(12, round(width / 30))
    colours = colours or CHART_COLOURS
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or abs(hi) * 0.05 or 1
    lo, hi, ticks = nice_ticks(lo - pad, hi + pad)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    tick_labels = [_tick_label(fmt, v, step) for v in ticks]
    x_labels = [str(lab) for lab in labels]
    legend_items = [(name, colours[k % len(colours)]) for k, name in enumerate(series)] if len(series) > 1 else []
    left = max(_text_width(t, font) for t in tick_labels) + font * 0.7
    right = max(font * 0.6, _text_width(x_labels[-1], font) / 2 + 4)
    first_half = _text_width(x_labels[0], font) / 2 + 2
    left = max(left, first_half)
    legend_parts, legend_h = _legend(legend_items, left, font + 2, width - left - right, font) if legend_items else ([], 0)
    top = legend_h + font * 0.7 if legend_items else font * 0.7
    bottom = font * 2.0
    w, h = width - left - right, height - top - bottom
    n = max(len(labels) - 1, 1)
    x = lambda i: left + w * i / n
    y = lambda v: top + h * (hi - v) / (hi - lo)
    axis = f'style="font-size:{font}px" fill="#4b5563"'
    parts = [f'<svg viewBox="0 0 {width} {height}" class="chart" role="img" xmlns="http://www.w3.org/2000/svg">']
    for v, lab in zip(ticks, tick_labels):
        parts.append(f'<line x1="{left:.1f}" x2="{left + w:.1f}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid" stroke="#e5e7eb"/>')
        parts.append(f'<text x="{left - font * 0.4:.1f}" y="{y(v) + font * 0.35:.1f}" text-anchor="end" class="axis" {axis}>{lab}</text>')
    every = 1
    while every < len(labels) and w / n * every < max(_text_width(t, font) for t in x_labels) + font * 0.5:
        every += 1
    for i, lab in enumerate(x_labels):
        if i % every == 0 or i == len(labels) - 1:
            if i == len(labels) - 1 and i % every and (len(labels) - 1) % every < every / 2:
                continue  # too close to the last shown label
            parts.append(f'<text x="{x(i):.1f}" y="{height - font * 0.45:.1f}" text-anchor="middle" class="axis" {axis}>{escape(lab)}</text>')
    if norm is not None:
        parts.append(f'<line x1="{left:.1f}" x2="{left + w:.1f}" y1="{y(norm):.1f}" y2="{y(norm):.1f}" class="norm" '
                     f'stroke="#b91c1c" stroke-dasharray="6 4" stroke-width="2"/>')
        if norm_label:
            below = y(norm) - top < font * 1.2
            ny = y(norm) + font * 1.05 if below else y(norm) - font * 0.35
            parts.append(f'<text x="{left + w - 2:.1f}" y="{ny:.1f}" text-anchor="end" class="normlabel" '
                         f'style="font-size:{font * 0.85:.1f}px" fill="#b91c1c">{escape(norm_label)} {escape(fmt(norm))}</text>')
    for k, (name, vs) in enumerate(series.items()):
        c = colours[k % len(colours)]
        pts = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(vs) if v is not None)
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="3" stroke-linejoin="round"/>')
        for i, v in enumerate(vs):
            if v is not None:
                parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="4" fill="{c}"><title>{escape(name)}: {escape(fmt(v))}</title></circle>')
    parts.extend(legend_parts)
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_bar_chart(categories: list[tuple[str, str, str]], labels: list, rows: list[dict],
                      marker: Optional[list[Optional[float]]] = None, marker_label: str = "",
                      width: int = 520, height: int = 240, fmt=mln, axis_fmt=None, unit: str = "",
                      font: Optional[int] = None) -> Markup:
    """A server-side SVG stacked bar chart: one bar per label, one segment per category.

    categories: (key, name, colour) bottom to top; rows: per label, key -> value (negative
    values stack below zero); marker: per label an optional value drawn as a dashed tick
    across the bar (e.g. the budget set in advance), named `marker_label` in the legend."""
    if not labels or not rows:
        return Markup("")
    font = font or max(12, round(width / 30))
    axis_fmt = axis_fmt or (lambda v: num(v / 1e6, 0))
    ups = [sum(max(0.0, float(r.get(k) or 0)) for k, _, _ in categories) for r in rows]
    downs = [sum(min(0.0, float(r.get(k) or 0)) for k, _, _ in categories) for r in rows]
    marks = [float(m) for m in (marker or []) if m is not None]
    hi = max(ups + marks + [0.0])
    lo = min(downs + [0.0])
    if hi == lo:
        hi = lo + 1
    lo, hi, ticks = nice_ticks(lo, hi * 1.04)
    lo = min(lo, 0.0)
    if lo < 0 and 0 not in ticks:
        ticks = sorted(set(ticks) | {0.0})
    tick_labels = [axis_fmt(v) for v in ticks]
    items = [(name, colour) for _, name, colour in categories]
    left = max(_text_width(t, font) for t in tick_labels) + font * 0.7
    right = font * 0.6
    top = font * (1.6 if unit else 0.7)
    legend_w = width - left - right
    if marker and marker_label:
        items.append((marker_label, "#111827", "line"))
    _, legend_h = _legend(items, left, 0, legend_w, font)
    bottom = font * 2.2 + legend_h
    w, h = width - left - right, height - top - bottom
    y = lambda v: top + h * (hi - v) / (hi - lo)
    slot = w / len(labels)
    bar = min(slot * 0.62, font * 5)
    axis = f'style="font-size:{font}px" fill="#4b5563"'
    parts = [f'<svg viewBox="0 0 {width} {height}" class="chart stacked" role="img" xmlns="http://www.w3.org/2000/svg">']
    if unit:
        parts.append(f'<text x="2" y="{font:.1f}" text-anchor="start" class="axis" {axis}>{escape(unit)}</text>')
    for v, lab in zip(ticks, tick_labels):
        parts.append(f'<line x1="{left:.1f}" x2="{left + w:.1f}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid" '
                     f'stroke="{"#9ca3af" if v == 0 else "#e5e7eb"}"/>')
        parts.append(f'<text x="{left - font * 0.4:.1f}" y="{y(v) + font * 0.35:.1f}" text-anchor="end" class="axis" {axis}>{lab}</text>')
    for i, (lab, r) in enumerate(zip(labels, rows)):
        cx = left + slot * (i + 0.5)
        x0 = cx - bar / 2
        up, down = 0.0, 0.0
        for key, name, colour in categories:
            v = float(r.get(key) or 0)
            if v == 0:
                continue
            if v > 0:
                y1, y2 = y(up + v), y(up)
                up += v
            else:
                y1, y2 = y(down), y(down + v)
                down += v
            parts.append(f'<rect x="{x0:.1f}" y="{y1:.1f}" width="{bar:.1f}" height="{max(y2 - y1, 0.5):.1f}" fill="{colour}" '
                         f'data-key="{key}"><title>{escape(str(lab))} · {escape(name)}: {escape(fmt(v))}</title></rect>')
        if marker and i < len(marker) and marker[i] is not None:
            my = y(float(marker[i]))
            parts.append(f'<line x1="{x0 - font * 0.4:.1f}" x2="{x0 + bar + font * 0.4:.1f}" y1="{my:.1f}" y2="{my:.1f}" '
                         f'stroke="#111827" stroke-width="2.5" stroke-dasharray="5 3" class="marker">'
                         f'<title>{escape(marker_label)}: {escape(fmt(marker[i]))}</title></line>')
        parts.append(f'<text x="{cx:.1f}" y="{top + h + font * 1.3:.1f}" text-anchor="middle" class="axis" {axis}>{escape(str(lab))}</text>')
    parts.extend(_legend(items, left, top + h + font * 2.2 + font * 0.9, legend_w, font)[0])  # under the x labels
    parts.append("</svg>")
    return Markup("".join(parts))


def make_env() -> Environment:
    env = Environment(loader=FileSystemLoader(WEB / "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(euro=euro, mln=mln, pct=pct, num=num, signed=signed)
    env.globals.update(role_name=role_name, qr_svg=qr_svg, line_chart=line_chart, PHASES=PHASES,
                       pct_fmt=pct, num_fmt=num,
                       _=lambda text: text)  # Dutch fallback for macros imported without context
    return env


class Renderer:
    def __init__(self):
        self.env = make_env()

    def render(self, template: str, /, lang: str = "nl", **ctx) -> str:  # ctx may hold a `name`
        def _(text: str) -> str:
            return translate(text, lang)
        return self.env.get_template(template).render(_=_, lang=lang, **ctx)
