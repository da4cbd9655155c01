"""The yearly financial model (shared domain/FINANCE.md), step by step, exact in Decimal.

`resolve_year(state, scenario, round_no, decisions)` applies one plan year and returns the
year's figures and the corporation's state at year end. Ratios are computed from exact
money and returned as floats for display; money stays Decimal.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext
from typing import Iterable, Optional

from .scenario import Costs, Macro, Option, Scenario

D = Decimal
ZERO = D(0)
PRECISION = 50


@dataclass(frozen=True)
class MuniState:
    id: str
    units: int
    rent: Decimal
    market_rent: Decimal
    market_value: Decimal
    ab: int
    cd: int
    efg: int
    liveability: Decimal
    maintenance_adjustment: Decimal = ZERO


@dataclass(frozen=True)
class CorpState:
    """The corporation at the start of a year (= the end of the previous one)."""
    munis: tuple[MuniState, ...]
    costs: Costs
    debt: Decimal
    average_rate: Decimal
    marginal_rate: Decimal
    refinance_share: Decimal
    cash: Decimal
    cash_minimum: Decimal
    management_adjustment: Decimal
    damp_homes: int

    def muni(self, muni_id: str) -> MuniState:
        return next(m for m in self.munis if m.id == muni_id)

    @property
    def units(self) -> int:
        return sum(m.units for m in self.munis)


@dataclass(frozen=True)
class Decisions:
    """What goes ahead this year: the rent policy and the options that are carried out."""
    rent_policy: str
    options: tuple[str, ...] = ()


@dataclass
class YearResult:
    figures: dict            # code name -> Decimal | float | int | dict
    state: CorpState         # year-end state
    tops: dict[str, Decimal] = field(default_factory=dict)  # option id -> unprofitable top


def initial_state(s: Scenario) -> CorpState:
    c = s.corporation
    return CorpState(
        munis=tuple(MuniState(m.id, m.units, m.rent, m.market_rent, m.market_value,
                              m.labels.ab, m.labels.cd, m.labels.efg, m.liveability)
                    for m in s.municipalities),
        costs=s.costs, debt=c.debt, average_rate=c.average_rate, marginal_rate=c.marginal_rate,
        refinance_share=c.refinance_share, cash=c.cash, cash_minimum=c.cash_minimum,
        management_adjustment=ZERO, damp_homes=c.damp_homes)


def macro_for(s: Scenario, round_no: int) -> tuple[Macro, Decimal]:
    """Step 1: the round's macro path and the lasting addition to the marginal rate."""
    event = s.event_for(round_no)
    if event is None:
        return s.macro, ZERO
    overrides = {k: v for k, v in event.set.model_dump().items() if v is not None}
    return s.macro.model_copy(update=overrides), event.marginal_rate_add


def rent_growth(s: Scenario, policy_id: str, macro: Macro) -> Decimal:
    p = s.rent_policy(policy_id)
    if p.rule == "cap":
        return macro.rent_cap
    if p.rule == "inflation":
        return min(macro.inflation, macro.rent_cap)
    if p.rule == "cap_minus":
        return max(ZERO, macro.rent_cap - p.points)
    return ZERO


# ---------------------------------------------------------------------------
# Figures shared by the opening year and every resolved year

def _operations(state: CorpState, s: Scenario, programme: Decimal, one_off: Decimal) -> dict:
    v, c = s.constants.vacancy_loss, state.costs
    rent_income = sum((m.units * m.rent * 12 * (1 - v) for m in state.munis), ZERO)
    per_home = c.maintenance + c.management + state.management_adjustment + c.levies + c.liveability_spend
    operating = sum((m.units * (per_home + m.maintenance_adjustment) for m in state.munis), ZERO)
    operating += programme + one_off
    vpb_total = state.units * c.vpb
    ocf_bi = rent_income - operating - vpb_total
    interest = state.debt * state.average_rate
    return dict(rent_income=rent_income, operating_costs=operating, programme_expenses=programme,
                one_off_expenses=one_off, vpb_total=vpb_total, ocf_before_interest=ocf_bi,
                interest=interest, ocf=ocf_bi - interest)


def _split(state: CorpState, s: Scenario, sale_gain: Decimal, one_off: Decimal,
           programme: Decimal, tops: Decimal, ops: dict) -> dict:
    """Step 9: the DrieKamerModel split of the year (stock during the year)."""
    v, c = s.constants.vacancy_loss, state.costs
    dividend = sum((m.units * (m.market_rent * 12 * (1 - v) - c.norm_maintenance - c.norm_management - c.levies)
                    for m in state.munis), ZERO) + sale_gain - one_off
    rent_discount = sum((m.units * (m.market_rent - m.rent) * 12 * (1 - v) for m in state.munis), ZERO)
    excess_maintenance = sum((m.units * (c.maintenance + m.maintenance_adjustment - c.norm_maintenance)
                              for m in state.munis), ZERO)
    excess_management = state.units * (c.management + state.management_adjustment - c.norm_management)
    liveability_base = state.units * c.liveability_spend
    used = rent_discount + excess_maintenance + excess_management + liveability_base + programme + tops
    return dict(dividend=dividend, rent_discount=rent_discount, excess_maintenance=excess_maintenance,
                excess_management=excess_management, liveability_base=liveability_base,
                unprofitable_top=tops, social_budget_used=used,
                equity_change_realised=dividend - used - ops["interest"] - ops["vpb_total"])


def _values(state: CorpState, s: Scenario, ops: dict) -> dict:
    """Step 8: values and ratios on the given stock and prices."""
    v, k, c = s.constants.vacancy_loss, s.constants.policy_value_factor, state.costs
    mv_total = sum((m.units * m.market_value for m in state.munis), ZERO)
    pv_total = ZERO
    for m in state.munis:
        offer = ((m.market_rent - m.rent) * 12 * (1 - v)
                 + (c.maintenance + m.maintenance_adjustment - c.norm_maintenance)
                 + (c.management + state.management_adjustment - c.norm_management))
        pv_total += m.units * (m.market_value - k * offer)
    equity_market = mv_total + state.cash - state.debt
    equity_policy = pv_total + state.cash - state.debt
    units = state.units
    return dict(
        market_value_total=mv_total, policy_value_total=pv_total,
        equity_market=equity_market, equity_policy=equity_policy,
        icr=_ratio(ops["ocf_before_interest"], ops["interest"]),
        ltv=_ratio(state.debt, pv_total),
        solvency=_ratio(equity_policy, pv_total + state.cash),
        coverage_ratio=_ratio(state.debt, mv_total),
        debt=state.debt, cash=state.cash, average_rate=state.average_rate,
        marginal_rate=state.marginal_rate,
        homes=units,
        efg_share=float(D(sum(m.efg for m in state.munis)) / units) if units else 0.0,
        ab_share=float(D(sum(m.ab for m in state.munis)) / units) if units else 0.0,
        average_rent=sum((m.units * m.rent for m in state.munis), ZERO) / units if units else ZERO,
        damp_homes=state.damp_homes,
        liveability={m.id: float(m.liveability) for m in state.munis},
        homes_by_municipality={m.id: m.units for m in state.munis},
    )


def _ratio(a: Decimal, b: Decimal) -> Optional[float]:
    return float(a / b) if b else None


def opening_figures(state: CorpState, s: Scenario) -> dict:
    """Year 0 as given: operations, values and split on the opening stock and prices."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        ops = _operations(state, s, ZERO, ZERO)
        figures = {**ops, **_values(state, s, ops), **_split(state, s, ZERO, ZERO, ZERO, ZERO, ops)}
        figures.update(capex=ZERO, proceeds=ZERO, sale_gain=ZERO, new_loans=ZERO, refinanced=ZERO)
        return figures


# ---------------------------------------------------------------------------
# One year

def _prices(state: CorpState, s: Scenario, macro: Macro, g: Decimal, rate_add: Decimal) -> CorpState:
    """Steps 1-2: the event's lasting rate change and the year's prices."""
    infl, beta = macro.inflation, s.constants.house_price_pass_through
    c = state.costs
    costs = c.model_copy(update={name: getattr(c, name) * (1 + infl) for name in
                                 ("maintenance", "management", "levies", "liveability_spend",
                                  "norm_maintenance", "norm_management")})
    munis = tuple(replace(m, rent=m.rent * (1 + g),
                          market_rent=m.market_rent * (1 + macro.market_rent_growth),
                          market_value=m.market_value * (1 + beta * macro.house_price_growth))
                  for m in state.munis)
    return replace(state, costs=costs, munis=munis, marginal_rate=state.marginal_rate + rate_add)


def _apply_rent_cuts(state: CorpState, options: list[Option]) -> CorpState:
    munis = list(state.munis)
    for o in options:
        if o.rent_cut:
            i = next(i for i, m in enumerate(munis) if m.id == o.rent_cut.municipality)
            m = munis[i]
            munis[i] = replace(m, rent=m.rent - o.rent_cut.per_home * o.rent_cut.households / m.units)
    return replace(state, munis=tuple(munis))


def _project(o: Option, state: CorpState, macro: Macro) -> dict:
    """Step 4 for one option: capex, sale proceeds and gain, market value added, top."""
    idx = macro.build_cost_index
    capex = proceeds = gain = added = ZERO
    if o.build:
        capex += o.build.homes * o.build.cost_per_home * idx
        added += o.build.homes * o.build.value
    if o.upgrade:
        capex += o.upgrade.homes * o.upgrade.cost_per_home * idx
        added += o.upgrade.homes * o.upgrade.value_uplift
    if o.demolish:
        capex += o.demolish.homes * o.demolish.cost_per_home * idx
        added -= o.demolish.homes * state.muni(o.demolish.municipality).market_value
    if o.buy:
        capex += o.buy.homes * o.buy.price
        added += o.buy.homes * o.buy.value
    if o.sell:
        proceeds += o.sell.homes * o.sell.price
        gain += o.sell.homes * (o.sell.price - state.muni(o.sell.municipality).market_value)
    top = max(ZERO, capex - added) if o.is_project else ZERO
    return dict(capex=capex, proceeds=proceeds, sale_gain=gain, market_value_added=added,
                unprofitable_top=top)


def _leave(m: MuniState, homes: int) -> MuniState:
    """Homes leave the stock, label classes efg first, then cd, then ab."""
    homes = min(homes, m.units)
    efg = min(m.efg, homes)
    cd = min(m.cd, homes - efg)
    ab = homes - efg - cd
    return replace(m, units=m.units - homes, efg=m.efg - efg, cd=m.cd - cd, ab=m.ab - ab)


def _join(m: MuniState, homes: int, rent, market_rent, value, label: str) -> MuniState:
    """New homes join; averages are re-weighted by homes, the maintenance adjustment diluted."""
    n = m.units + homes
    w_old, w_new = D(m.units) / n, D(homes) / n
    return replace(m, units=n,
                   rent=m.rent * w_old + rent * w_new,
                   market_rent=m.market_rent * w_old + market_rent * w_new,
                   market_value=m.market_value * w_old + value * w_new,
                   maintenance_adjustment=m.maintenance_adjustment * w_old,
                   **{label: getattr(m, label) + homes})


def _upgrade(m: MuniState, u) -> MuniState:
    homes = min(u.homes, m.units)
    from_efg = min(m.efg, homes)
    from_cd = min(m.cd, homes - from_efg)
    moved = from_efg + from_cd
    return replace(m, efg=m.efg - from_efg, cd=m.cd - from_cd, ab=m.ab + moved,
                   market_value=m.market_value + u.value_uplift * homes / m.units,
                   maintenance_adjustment=m.maintenance_adjustment + u.maintenance_change * homes / m.units,
                   rent=m.rent + u.rent_change * homes / m.units)


def _stock_changes(state: CorpState, options: list[Option]) -> CorpState:
    """Step 7: the stock at year end."""
    munis = {m.id: m for m in state.munis}
    for o in options:
        for part in (o.demolish, o.sell):
            if part:
                munis[part.municipality] = _leave(munis[part.municipality], part.homes)
    for o in options:
        for part in (o.build, o.buy):
            if part:
                munis[part.municipality] = _join(munis[part.municipality], part.homes, part.rent,
                                                 part.market_rent, part.value, part.label)
    for o in options:
        if o.upgrade:
            munis[o.upgrade.municipality] = _upgrade(munis[o.upgrade.municipality], o.upgrade)
        if o.liveability:
            m = munis[o.liveability.municipality]
            gain = min(D("0.5"), D("0.3") * o.liveability.amount / (m.units * 100))
            munis[m.id] = replace(m, liveability=min(D(10), m.liveability + gain))
    mgmt = state.management_adjustment + sum((o.management_change for o in options), ZERO)
    damp = max(0, state.damp_homes - sum(o.damp.homes for o in options if o.damp))
    return replace(state, munis=tuple(munis[m.id] for m in state.munis),
                   management_adjustment=mgmt, damp_homes=damp)


def resolve_year(state: CorpState, s: Scenario, round_no: int, decisions: Decisions) -> YearResult:
    """Apply one plan year (FINANCE.md steps 1-9) and return its figures and year-end state."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        macro, rate_add = macro_for(s, round_no)
        options = [s.option(i) for i in decisions.options]
        g = rent_growth(s, decisions.rent_policy, macro)
        year = _apply_rent_cuts(_prices(state, s, macro, g, rate_add), options)

        programme = sum(((o.liveability.amount if o.liveability else ZERO)
                         + (o.damp.amount if o.damp else ZERO) + o.expense for o in options), ZERO)
        one_off = sum((o.one_off_expense for o in options), ZERO)
        ops = _operations(year, s, programme, one_off)

        projects = {o.id: _project(o, year, macro) for o in options}
        capex = sum((p["capex"] for p in projects.values()), ZERO)
        proceeds = sum((p["proceeds"] for p in projects.values()), ZERO)
        sale_gain = sum((p["sale_gain"] for p in projects.values()), ZERO)
        tops = {k: p["unprofitable_top"] for k, p in projects.items()}
        top_total = sum(tops.values(), ZERO)

        cash = year.cash + ops["ocf"] + proceeds - capex
        new_loans = ZERO
        if cash < year.cash_minimum:
            new_loans, cash = year.cash_minimum - cash, year.cash_minimum
        refinanced = year.refinance_share * year.debt
        debt = year.debt + new_loans
        rate = ((year.average_rate * (year.debt - refinanced) + year.marginal_rate * (refinanced + new_loans)) / debt
                if debt else year.marginal_rate)

        end = _stock_changes(replace(year, cash=cash, debt=debt, average_rate=rate), options)
        split = _split(year, s, sale_gain, one_off, programme, top_total, ops)
        figures = {**ops, **_values(end, s, ops), **split}
        figures.update(capex=capex, proceeds=proceeds, sale_gain=sale_gain, new_loans=new_loans,
                       refinanced=refinanced, rent_growth=float(g),
                       homes_built=sum(o.build.homes + 0 for o in options if o.build)
                       + sum(o.buy.homes for o in options if o.buy),
                       homes_removed=sum(p.homes for o in options for p in (o.demolish, o.sell) if p))
        return YearResult(figures=figures, state=end, tops=tops)


def net_dividend(figures: dict) -> Decimal:
    return figures["dividend"] - figures["interest"] - figures["vpb_total"]


def borrowing_cap(figures: dict, target: Decimal, marginal_rate: Decimal) -> Decimal:
    """New loans allowed so that ICR stays >= target, on the baseline year."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return max(ZERO, (figures["ocf_before_interest"] / target - figures["interest"]) / marginal_rate)


def norm_breaches(figures: dict, s: Scenario) -> list[str]:
    """The norms a year's figures break: 'icr', 'ltv', 'solvency'."""
    n = s.norms
    out = []
    if figures.get("icr") is not None and figures["icr"] < float(n.icr_min):
        out.append("icr")
    if figures.get("ltv") is not None and figures["ltv"] > float(n.ltv_max):
        out.append("ltv")
    if figures.get("solvency") is not None and figures["solvency"] < float(n.solvency_min):
        out.append("solvency")
    return out


def sum_options(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(ids)))
