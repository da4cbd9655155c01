"""What the debrief page, the PDF report, the CSV export and the paper fall-back show.

Everything here reads a room and a view from `game.views.view_for` (so the debrief shows only
what has been revealed); the charts are server-side SVG from `server.render`, so they need no
JavaScript and come out the same in the browser and in the PDF (WeasyPrint).
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from fractions import Fraction
from typing import Callable, Optional

from game.rotation import CHAMBERS
from game.views import jsonable

from .i18n import translate
from .render import WEB, euro, line_chart, mln, num, pct, stacked_bar_chart

# The social budget by category, bottom to top of the stacked bar (colours as macros.split).
SPLIT = [("rent_discount", "Huurkorting", "#1f6feb"), ("excess_maintenance", "Extra onderhoud", "#d97706"),
         ("excess_management", "Extra beheer", "#9333ea"), ("liveability", "Leefbaarheid (basis)", "#059669"),
         ("programmes", "Programma's", "#0891b2"), ("unprofitable_top", "Onrendabele toppen", "#dc2626")]
TABLE_COLOURS = ["#1f6feb", "#d97706", "#059669", "#9333ea", "#dc2626", "#0891b2", "#65a30d", "#db2777"]
MUNI_COLOURS = ["#0f766e", "#b45309", "#7c3aed", "#be123c", "#2563eb", "#4d7c0f"]

# English for the debrief, the report and the paper forms (Dutch is the source text).



def translator(lang: str) -> Callable[[str], str]:
    return lambda text: translate(text, lang)


def player_names(room) -> dict[str, str]:
    """Every player's name by id, removed players included (they held chambers in earlier rounds)."""
    return {pid: p.name for pid, p in room.players.items()}


def _holders(roles: dict[str, list[str]], names: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {c: [] for c in CHAMBERS}
    for pid, chambers in roles.items():
        for c in chambers:
            out.setdefault(c, []).append(names.get(pid, pid))
    return out


# --- the debrief (DrieKamerSpel) ----------------------------------------------------------

def debrief(room, view: dict, lang: str = "nl") -> dict:
    """Everything the debrief page and the PDF show for a DrieKamerSpel room."""
    from game.debrief import insights as find_insights

    _ = translator(lang)
    s = room.scenario
    names = player_names(room)
    norms = view["norms"]
    found = view.get("insights")
    if found is None:  # computed by the view only once the game is finished; it is pure
        found = jsonable(find_insights(room))
    munis = view["scenario"]["municipalities"]
    events = {e.round: e.name for e in s.events}
    menu = {o["id"]: o for o in view["menu"]}

    tables = []
    for t in view["tables"]:
        hist = t["history"]
        name = f"{_('Tafel')} {t['index'] + 1}"
        raw = room.tables[t["index"]].history
        rows = []
        for i, h in enumerate(hist):
            rows.append({**h, "holders": _holders(h["roles"], names), "event": events.get(h["round"]),
                         "timed_out": bool(raw[i].get("timed_out")) if i < len(raw) else False})
        entry = {"index": t["index"], "name": name, "opening": t["opening"], "history": rows,
                 "colour": TABLE_COLOURS[t["index"] % len(TABLE_COLOURS)], "charts": {}, "summary": None}
        if hist:
            entry["charts"] = _table_charts(t, norms, munis, s.social_budget_mode, _)
            entry["summary"] = _summary(t, s, _)
        tables.append(entry)

    played = [t for t in view["tables"] if t["history"]]
    compare = _compare(view, played, norms, munis, _) if len(played) > 1 else None
    return {"tables": tables, "compare": compare, "menu": menu,
            "insights": [{"kind": i["kind"], "table": i["table"], "text": i["en"] if lang == "en" else i["nl"]}
                         for i in found] + _ladder(view, s.social_budget_mode, lang),
            "mode_text": _("Budget vooraf vastgesteld: het kon opraken, en een project waarvan de onrendabele top "
                           "niet gedekt was ging niet door.") if s.social_budget_mode == "fixed" else
            _("Budget achteraf berekend (sluitpost): wat de kamers besloten, bepaalde het budget."),
            "years": max((len(t["history"]) for t in view["tables"]), default=0)}


def _series(t: dict, key: str, sub: Optional[str] = None) -> list:
    pick = (lambda f: f.get(key)) if sub is None else (lambda f: (f.get(key) or {}).get(sub))
    return [pick(t["opening"])] + [pick(h["figures"]) for h in t["history"]]


def _labels(t: dict, _) -> list:
    return [_("start")] + [h["year"] for h in t["history"]]


def _table_charts(t: dict, norms: dict, munis: list[dict], mode: str, _) -> dict:
    labels = _labels(t, _)
    one = lambda key: {_("Tafel") + f" {t['index'] + 1}": _series(t, key)}
    colour = [TABLE_COLOURS[t["index"] % len(TABLE_COLOURS)]]
    charts = {
        "icr": line_chart(one("icr"), labels, norms["icr_min"], fmt=num, colours=colour),
        "ltv": line_chart(one("ltv"), labels, norms["ltv_max"], fmt=pct, colours=colour),
        "solvency": line_chart(one("solvency"), labels, norms["solvency_min"], fmt=pct, colours=colour),
        "homes": line_chart(one("homes"), labels, fmt=lambda v: num(v, 0), colours=colour),
        "efg_share": line_chart(one("efg_share"), labels, fmt=pct, colours=colour),
        "average_rent": line_chart(one("average_rent"), labels, fmt=euro, colours=colour),
        "liveability": line_chart({m["name"]: _series(t, "liveability", m["id"]) for m in munis}, labels,
                                  fmt=num, colours=MUNI_COLOURS),
    }
    years = [h["year"] for h in t["history"]]
    split = [h["figures"]["social_split"] for h in t["history"]]
    charts["split"] = stacked_bar_chart(
        [(k, _(label), c) for k, label, c in SPLIT], years, split,
        marker=[h["social_budget"] for h in t["history"]],
        marker_label=_("budget vooraf (grens)") if mode == "fixed" else _("kader (geen grens)"),
        width=1060, height=250, font=17, unit="€ mln")
    return charts


def _compare(view: dict, played: list[dict], norms: dict, munis: list[dict], _) -> dict:
    labels = _labels(max(played, key=lambda t: len(t["history"])), _)
    names = {t["index"]: f"{_('Tafel')} {t['index'] + 1}" for t in played}
    colours = [TABLE_COLOURS[t["index"] % len(TABLE_COLOURS)] for t in played]
    many = lambda key, sub=None: {names[t["index"]]: _series(t, key, sub) for t in played}
    charts = [
        ("ICR", line_chart(many("icr"), labels, norms["icr_min"], fmt=num, colours=colours)),
        ("LTV", line_chart(many("ltv"), labels, norms["ltv_max"], fmt=pct, colours=colours)),
        (_("Solvabiliteit"), line_chart(many("solvency"), labels, norms["solvency_min"], fmt=pct, colours=colours)),
        (_("Woningen"), line_chart(many("homes"), labels, fmt=lambda v: num(v, 0), colours=colours)),
        (_("Aandeel label E-G"), line_chart(many("efg_share"), labels, fmt=pct, colours=colours)),
        (_("Gemiddelde huur per maand"), line_chart(many("average_rent"), labels, fmt=euro, colours=colours)),
    ] + [(f"{_('Leefbaarheid')} {m['name']}", line_chart(many("liveability", m["id"]), labels, fmt=num, colours=colours))
         for m in munis]
    return {"charts": charts, "tables": played}


def _summary(t: dict, s, _) -> dict:
    """End position and totals over the game for one table (the side-by-side comparison)."""
    hist = t["history"]
    last = hist[-1]["figures"]
    used = sum(h["figures"]["social_budget_used"] for h in hist)
    discount = sum(h["figures"]["rent_discount"] for h in hist)
    broken = []
    for h in hist:
        for key in ("icr", "ltv", "solvency"):
            if h["figures"]["ratings"][key] == "red":
                broken.append(f"{'ICR' if key == 'icr' else 'LTV' if key == 'ltv' else _('Solvabiliteit')} {h['year']}")
    return {"last": last, "used": used, "discount": discount, "discount_share": discount / used if used else None,
            "tops": sum(h["figures"]["unprofitable_top"] for h in hist),
            "equity_growth": sum(h["figures"]["equity_change_realised"] for h in hist),
            "homes_change": last["homes"] - t["opening"]["homes"],
            "ahead": [o for h in hist for o in h["going_ahead"]],
            "not_ahead": [o for h in hist for o in h["not_covered"]], "broken": broken,
            "budget_set": sum(h["social_budget"] or 0 for h in hist)}


def _ladder(view: dict, mode: str, lang: str) -> list[dict]:
    """The ladder rung the scenario trains: the budget set in advance against what was used."""
    out = []
    fmt = (lambda v: mln(v)) if lang != "en" else (lambda v: f"EUR {float(v) / 1e6:,.1f}m")
    for t in view["tables"]:
        hist = t["history"]
        if not hist:
            continue
        n = t["index"] + 1
        set_ = sum(h["social_budget"] or 0 for h in hist)
        used = sum(h["figures"]["social_budget_used"] for h in hist)
        stopped = sum(len(h["not_covered"]) for h in hist)
        if mode == "fixed":
            nl = (f"Tafel {n}: van {fmt(set_)} vooraf vastgesteld maatschappelijk budget werd {fmt(used)} gebruikt"
                  + (f"; {stopped} project{'en' if stopped != 1 else ''} ging{'en' if stopped != 1 else ''} niet door "
                     f"omdat de onrendabele top niet gedekt was." if stopped else "."))
            en = (f"Table {n}: of {fmt(set_)} social budget fixed in advance, {fmt(used)} was used"
                  + (f"; {stopped} project{'s' if stopped != 1 else ''} did not go ahead because the unprofitable "
                     f"top was not covered." if stopped else "."))
        else:
            nl = (f"Tafel {n}: de kaders gaven samen {fmt(set_)}; als sluitpost werd achteraf {fmt(used)} "
                  f"maatschappelijk budget berekend ({'meer' if used > set_ else 'minder'} dan het kader).")
            en = (f"Table {n}: the frames gave {fmt(set_)} in all; as the residual, {fmt(used)} of social budget "
                  f"was computed afterwards ({'more' if used > set_ else 'less'} than the frames).")
        out.append({"kind": "ladder", "table": t["index"], "text": en if lang == "en" else nl})
    return out


# --- the debrief (prioriteitenspel) -------------------------------------------------------

def prio_debrief(room, view: dict, lang: str = "nl") -> dict:
    """Private packages against the two joint packages and the agreed one, per stakeholder."""
    ps = room.prio
    r, j = view.get("reveal"), view.get("joint")
    if not r:
        return {"revealed": False}
    voters = r["voters"]
    columns = [(sid, "private") for sid in voters] + [("greedy", "joint"), ("mes", "joint")]
    chosen = {p["stakeholder"]: set(p["posts"]) for p in r["packages"]}
    pkgs = {"greedy": set(r["greedy"]["selected"]), "mes": set(r["mes"]["selected"])}
    if j:
        pkgs["agreed"] = set(j["posts"])
        columns.append(("agreed", "joint"))
    rows = [{"post": p, "private": {sid: p["id"] in chosen.get(sid, ()) for sid in voters},
             "joint": {k: p["id"] in v for k, v in pkgs.items()}}
            for p in view["posts"] if any(p["id"] in c for c in chosen.values()) or any(p["id"] in v for v in pkgs.values())]
    kept = []
    for sid in voters:
        own = chosen.get(sid, set())
        cost = ps.cost(own)
        kept.append({"stakeholder": sid, "private_cost": cost,
                     **{k: (float(Fraction(ps.cost(own & v), cost)) if cost else None) for k, v in pkgs.items()}})
    return {"revealed": True, "rows": rows, "columns": columns, "kept": kept, "packages": list(pkgs)}


# --- CSV -------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def _number(x, decimal_comma: bool) -> str:
    if isinstance(x, bool):
        return "1" if x else "0"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    text = format(Decimal(repr(x)) if isinstance(x, float) else Decimal(x), "f")
    return text.replace(".", ",") if decimal_comma else text


def cell(value, decimal_comma: bool = False) -> str:
    """One CSV cell: numbers without exponent (decimal comma for a Dutch Excel), text guarded
    against formula injection (a cell that Excel would evaluate gets a leading apostrophe)."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal, Fraction)):
        if isinstance(value, Fraction):
            value = float(value)
        return _number(value, decimal_comma)
    text = str(value)
    if text.lstrip(" ")[:1] in FORMULA_START and text.strip():
        return "'" + text
    return text


def csv_bytes(header: list[str], rows: list[list], sep: str = ";") -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads the umlauts and emoji), CRLF line ends."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    comma = sep == ";"
    for row in rows:
        w.writerow([cell(v, comma) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _flatten(figures: dict, skip=("ratings", "social_split")) -> dict:
    out = {}
    for k, v in figures.items():
        if k in skip:
            continue
        if isinstance(v, dict):
            for sub, x in v.items():
                out[f"{k}.{sub}"] = x
        else:
            out[k] = v
    return out


def _keys(dicts) -> list[str]:
    keys: list[str] = []
    for d in dicts:
        for k in d:
            if k not in keys:
                keys.append(k)
    return keys


DECISION_COLUMNS = ["code", "scenario", "table", "round", "year", "event", "frame", "frame_name", "rent_policy",
                    "rent_policy_name", "selected", "covered", "going_ahead", "not_covered", "programmes", "defaults",
                    "timed_out", "social_budget", "borrowing_cap", "players_capital", "players_property",
                    "players_social"]


def driekamer_csv(room, view: dict) -> tuple[list[str], list[list]]:
    """One row per table per revealed year: the decisions, who held which chamber, every figure."""
    names = player_names(room)
    events = {e.round: e.name for e in room.scenario.events}
    flat = [[(t, i, h, _flatten(h["figures"])) for i, h in enumerate(t["history"])] for t in view["tables"]]
    fig_keys = _keys(f for rows in flat for _, _, _, f in rows)
    header = DECISION_COLUMNS + fig_keys
    out = []
    for rows in flat:
        for t, i, h, f in rows:
            raw = room.tables[t["index"]].history[i]
            holders = _holders(h["roles"], names)
            d = h["decisions"]
            out.append([room.code, room.scenario.id, t["index"] + 1, h["round"], h["year"], events.get(h["round"]),
                        h["frame"], h["frame_name"], d["rent_policy"], h["rent_policy_name"], " ".join(d["selected"]),
                        " ".join(d["covered"]), " ".join(h["going_ahead"]), " ".join(h["not_covered"]),
                        " ".join(d["programmes"]), " ".join(h["defaults"]), bool(raw.get("timed_out")),
                        h["social_budget"], h["borrowing_cap"]]
                       + [" + ".join(holders[c]) for c in CHAMBERS] + [f.get(k) for k in fig_keys])
    return header, out


PRIO_COLUMNS = ["code", "scenario", "stakeholder", "stakeholder_name", "kind", "municipality", "members", "weight",
                "budget", "status", "round", "unsubmitted", "timed_out", "package", "rule", "posts", "points", "cost", "kept_share",
                "satisfaction_share", "gave_way_most"]


def prio_csv(room, view: dict) -> tuple[list[str], list[list]]:
    """One row per stakeholder x package: its private package, the two joint packages (greedy by
    support, equal shares) and the agreed one; earlier private rounds first, with who played the
    party then. kept_share: the part of the stakeholder's own package (by money) in that package;
    satisfaction_share: its share in the joint package."""
    ps = room.prio
    r, j = view.get("reveal"), view.get("joint")
    joint = []  # (package, rule, posts, shares, consequences)
    if r:
        joint += [(k, r[k]["rule"], r[k]["selected"], r[k]["shares"], r[k]["consequences"]) for k in ("greedy", "mes")]
    if j:
        joint.append(("agreed", "joint", j["posts"], j["shares"], j["consequences"]))
    own = {p["stakeholder"]: p for p in (r or {}).get("packages", [])}
    gave = {d["stakeholder"] for d in view.get("debrief") or [] if d.get("gave_way_most")}
    conseq_keys = [k for k in _keys([_flatten(view["baseline"])] + [_flatten(p[4]) for p in joint])
                   if k != "cost"]  # the package's cost has its own column
    header = PRIO_COLUMNS + conseq_keys
    out = []
    by_id = {st["id"]: st for st in view["stakeholders"]}
    for er in view.get("earlier_rounds", []):  # revealed before: each party's private package then
        for pk in er["packages"]:
            st = by_id[pk["stakeholder"]]
            points = " ".join(f"{p}:{n}" for p, n in sorted(pk["points"].items()) if n)
            f = _flatten(jsonable(ps.horizon.consequences(tuple(pk["posts"]))))
            out.append([room.code, room.scenario.id, st["id"], st["name"], st["kind"], st["municipality"],
                        " + ".join(pk["members"]), st["weight"], st["budget"], "locked", er["round"], pk["unsubmitted"], pk["timed_out"],
                        "private", ps.config.ballot, " ".join(pk["posts"]), points or None, pk["cost"],
                        1.0 if pk["cost"] else None, None, None] + [f.get(k) for k in conseq_keys])
    for st in view["stakeholders"]:
        sid = st["id"]
        base = [room.code, room.scenario.id, sid, st["name"], st["kind"], st["municipality"], " + ".join(st["members"]),
                st["weight"], st["budget"], st["status"], room.round]
        mine = own.get(sid)
        if mine is None:  # not revealed, or nobody played this party: what anyone may know
            out.append(base + [st.get("unsubmitted"), st.get("timed_out"), "private"]
                       + [None] * (len(PRIO_COLUMNS) - len(base) - 3)
                       + [None] * len(conseq_keys))
            continue
        posts = set(mine["posts"])
        cost = ps.cost(posts)
        points = " ".join(f"{p}:{n}" for p, n in sorted(mine["points"].items()) if n)
        rows = [("private", ps.config.ballot, mine["posts"], None, mine["consequences"])] + joint
        for name, rule, selected, shares, conseq in rows:
            kept = float(Fraction(ps.cost(posts & set(selected)), cost)) if cost else None
            f = _flatten(conseq)
            out.append(base + [mine["unsubmitted"], mine["timed_out"], name, rule, " ".join(selected), points if name == "private" else None,
                               ps.cost(selected), kept, (shares or {}).get(sid) if shares else None, sid in gave]
                       + [f.get(k) for k in conseq_keys])
    return header, out


# --- PDF -------------------------------------------------------------------------------------

def app_css() -> str:
    return (WEB / "static" / "app.css").read_text(encoding="utf-8")


def pdf_bytes(html: str) -> bytes:
    """Render a self-contained HTML page (inline CSS, inline SVG) to PDF with WeasyPrint.
    Nothing is fetched: the page has no external resources and no base URL."""
    from weasyprint import HTML
    return HTML(string=html, base_url=None).write_pdf()


# --- paper fall-back: option cards and ballots -------------------------------------------------

def paper(room, table_index: int = 0) -> dict:
    """The current round's menu for one table with its pre-computed effects, frame budgets and
    rent policies (the scenario's opening state before the game has started)."""
    from game.plan import option_cards, rent_policy_cards

    s = room.scenario
    t = room.tables[table_index]
    planner = room.planner(t)
    cards = jsonable(option_cards(planner))
    policies = jsonable(rent_policy_cards(planner))
    frames = []
    for f in s.frames:
        fb = planner.frame_budget(f.id)
        frames.append({"id": f.id, "name": f.name, "social_share": float(f.social_share),
                       "icr_target": float(f.icr_target), **jsonable({
                           "social_budget": fb.social_budget, "borrowing_cap": fb.borrowing_cap,
                           "planned_equity_growth": fb.planned_equity_growth})})
    munis = {m.id: m.name for m in s.municipalities}
    options = [{"id": o.id, "name": o.name, "chamber": o.chamber, "theme": o.theme, "is_project": o.is_project,
                "municipalities": [munis.get(m, m) for m in o.municipalities()], "card": cards[o.id]}
               for o in s.options]
    started = room.round > 0
    return {"table": table_index, "round": room.round if started else None,
            "year": s.start_year + max(room.round, 1) - 1, "started": started,
            "event": s.event_for(room.round) if started else None,
            "baseline": jsonable(planner.baseline.figures), "options": options, "frames": frames,
            "rent_policies": [{"id": p.id, "name": p.name, **policies[p.id]} for p in s.rent_policies],
            "baseline_rent_policy": s.baseline_rent_policy, "social_budget_mode": s.social_budget_mode,
            "municipalities": s.municipalities}


def prio_paper(room, view: dict) -> dict:
    """The prioriteitenspel on paper: every post with its cost, where it lands and its consequences
    over the horizon against no package; per stakeholder a ballot with its budget."""

    ps = room.prio
    base = view["baseline"]
    munis = {m["id"]: m["name"] for m in view["scenario"]["municipalities"]}
    posts = []
    for p in view["posts"]:
        c = jsonable(ps.horizon.consequences((p["id"],)))
        delta = {k: c[k] - base[k] for k in ("icr", "ltv", "solvency", "homes", "efg_share", "average_rent")
                 if c.get(k) is not None and base.get(k) is not None}
        delta["liveability"] = {m: c["liveability"][m] - base["liveability"][m] for m in base["liveability"]
                                if abs(c["liveability"][m] - base["liveability"][m]) > 1e-9}
        posts.append({**p, "where": [munis.get(m, m) for m in p["municipalities"]], "delta": delta})
    budgets = ps.budgets or ps.horizon.budgets(ps.weights)  # before the start: what they will be
    stakeholders = [{**st, "budget": budgets.get(st["id"])} for st in view["stakeholders"]]
    return {"posts": posts, "stakeholders": stakeholders, "baseline": base, "joint_budget": view["scenario"]["joint_budget"],
            "horizon": view["scenario"]["horizon"], "ballot": view["scenario"]["ballot"],
            "points": view["scenario"]["points"]}

