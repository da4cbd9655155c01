"""The debrief of a DrieKamerSpel room: trajectories per table and automatically found
insights, written as sentences with their numbers (Dutch and English). Pure: it reads the
room's revealed history and re-resolves years only for counterfactuals (an event undone)."""
from __future__ import annotations

from decimal import Decimal
from typing import Optional

from .finance import Decisions, norm_breaches, resolve_year

NORM_TEXT = {"icr": ("ICR", "onder", "below"), "ltv": ("LTV", "boven", "above"),
             "solvency": ("solvabiliteit", "onder", "below")}


def mln(x, lang: str = "nl") -> str:
    v = float(x) / 1e6
    s = f"{abs(v):,.1f}"
    if lang == "nl":
        s = s.replace(",", "_").replace(".", ",").replace("_", ".")
    return ("−" if v < 0 else "") + f"€ {s} mln" if lang == "nl" else ("-" if v < 0 else "") + f"EUR {s}m"


def euro(x, lang: str = "nl") -> str:
    s = f"{abs(float(x)):,.0f}"
    if lang == "nl":
        s = s.replace(",", ".")
    return ("−" if float(x) < 0 else "") + ("€ " if lang == "nl" else "EUR ") + s


def pct(x, lang: str = "nl", digits: int = 0) -> str:
    s = f"{float(x) * 100:.{digits}f}"
    return (s.replace(".", ",") + " %") if lang == "nl" else s + "%"


def ratio(x, lang: str = "nl") -> str:
    s = f"{float(x):.2f}"
    return s.replace(".", ",") if lang == "nl" else s


def _insight(kind: str, table: Optional[int], nl: str, en: str, **values) -> dict:
    return {"kind": kind, "table": table, "nl": nl, "en": en, "values": values}


def insights(room) -> list[dict]:
    """Sentences a facilitator can read out, each with the numbers behind it."""
    out: list[dict] = []
    names = lambda i: (f"Tafel {i + 1}", f"Table {i + 1}")
    for t in room.tables:
        if not t.history:
            continue
        nl_t, en_t = names(t.index)
        used = sum((h["figures"]["social_budget_used"] for h in t.history), Decimal(0))
        discount = sum((h["figures"]["rent_discount"] for h in t.history), Decimal(0))
        if used > 0:
            share = discount / used
            out.append(_insight(
                "rent_discount_share", t.index,
                f"{nl_t}: {pct(share)} van het maatschappelijk budget ({mln(discount)} van {mln(used)}) zat vast in huurkorting.",
                f"{en_t}: {pct(share, 'en')} of the social budget ({mln(discount, 'en')} of {mln(used, 'en')}) was locked in rent discounts.",
                share=float(share), rent_discount=float(discount), social_budget_used=float(used)))
        out.extend(_event_effects(room, t))
        out.extend(_norm_breaks(room, t))
    out.extend(_per_home(room))
    return out


def _event_effects(room, t) -> list[dict]:
    """How much an event grew the rent discount by itself: the same year, same decisions, no event."""
    s = room.scenario
    out = []
    for h in t.history:
        event = s.event_for(h["round"])
        if event is None or h.get("start") is None:
            continue
        if event.set.house_price_growth is None and event.set.market_rent_growth is None:
            continue
        calm = s.model_copy(update={"events": [e for e in s.events if e.round != h["round"]]})
        d = h["decisions"]
        options = tuple(h["going_ahead"]) + tuple(d["programmes"])
        policy = d["rent_policy"] or s.baseline_rent_policy
        without = resolve_year(h["start"], calm, h["round"], Decisions(policy, options)).figures
        grew = h["figures"]["rent_discount"] - without["rent_discount"]
        nl_t, en_t = f"Tafel {t.index + 1}", f"Table {t.index + 1}"
        out.append(_insight(
            "event_rent_discount", t.index,
            f"{nl_t}: in {h['year']} liet '{event.name}' de huurkorting met {mln(grew)} groeien, zonder dat iemand iets besloot.",
            f"{en_t}: in {h['year']} '{event.name}' grew the rent discount by {mln(grew, 'en')} without any decision.",
            year=h["year"], round=h["round"], amount=float(grew)))
    return out


def _norm_breaks(room, t) -> list[dict]:
    """The first year each norm broke, and the biggest move behind it."""
    s = room.scenario
    out, seen = [], set()
    prev = t.opening
    for h in t.history:
        f = h["figures"]
        for norm in norm_breaches(f, s):
            if norm in seen:
                continue
            seen.add(norm)
            label, nl_dir, en_dir = NORM_TEXT[norm]
            limit = {"icr": s.norms.icr_min, "ltv": s.norms.ltv_max, "solvency": s.norms.solvency_min}[norm]
            shown = ratio(f[norm]) if norm == "icr" else pct(f[norm], digits=1)
            limit_shown = ratio(limit) if norm == "icr" else pct(limit)
            why_nl, why_en = _why(norm, prev, f)
            nl_t, en_t = f"Tafel {t.index + 1}", f"Table {t.index + 1}"
            out.append(_insight(
                "norm_break", t.index,
                f"{nl_t}: in {h['year']} (ronde {h['round']}) kwam de {label} {nl_dir} de norm van {limit_shown} ({shown}): {why_nl}.",
                f"{en_t}: in {h['year']} (round {h['round']}) the {label} went {en_dir} the norm of {limit_shown} ({shown}): {why_en}.",
                norm=norm, year=h["year"], round=h["round"], value=f[norm]))
        prev = f
    return out


def _why(norm: str, prev: dict, f: dict) -> tuple[str, str]:
    if norm == "icr":
        d_int = f["interest"] - prev["interest"]
        d_ocf = f["ocf_before_interest"] - prev["ocf_before_interest"]
        return (f"de rentelasten veranderden met {mln(d_int)} en de kasstroom voor rente met {mln(d_ocf)}",
                f"interest changed by {mln(d_int, 'en')} and cash flow before interest by {mln(d_ocf, 'en')}")
    d_debt = f["debt"] - prev["debt"]
    d_pv = f["policy_value_total"] - prev["policy_value_total"]
    return (f"de schuld veranderde met {mln(d_debt)} en de beleidswaarde met {mln(d_pv)}",
            f"debt changed by {mln(d_debt, 'en')} and policy value by {mln(d_pv, 'en')}")


def _per_home(room) -> list[dict]:
    """The most and the least social budget (unprofitable top) per home added."""
    s = room.scenario
    rows = []
    for t in room.tables:
        for h in t.history:
            for oid in h["going_ahead"]:
                o = s.option(oid)
                homes = (o.build.homes if o.build else 0) + (o.buy.homes if o.buy else 0) - (
                    o.demolish.homes if o.demolish else 0)
                if homes > 0:
                    top = Decimal(h["tops"].get(oid, 0))
                    rows.append((top / homes, t.index, h["year"], o))
    if not rows:
        return []
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3].id))
    lo, hi = rows[0], rows[-1]
    out = [_insight(
        "per_home_most", hi[1],
        f"Het duurst per toegevoegde woning was {hi[3].id} '{hi[3].name}' (Tafel {hi[1] + 1}, {hi[2]}): {euro(hi[0])} maatschappelijk budget per woning.",
        f"The most social budget per home added went to {hi[3].id} '{hi[3].name}' (Table {hi[1] + 1}, {hi[2]}): {euro(hi[0], 'en')} per home.",
        option=hi[3].id, per_home=float(hi[0]), year=hi[2])]
    if lo is not hi:
        out.append(_insight(
            "per_home_least", lo[1],
            f"Het goedkoopst per toegevoegde woning was {lo[3].id} '{lo[3].name}' (Tafel {lo[1] + 1}, {lo[2]}): {euro(lo[0])} per woning.",
            f"The least social budget per home added went to {lo[3].id} '{lo[3].name}' (Table {lo[1] + 1}, {lo[2]}): {euro(lo[0], 'en')} per home.",
            option=lo[3].id, per_home=float(lo[0]), year=lo[2]))
    return out
