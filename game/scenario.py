"""Scenario schema and loading, with errors that name the file, the line and the field.

A scenario is data validated once: every number of the game lives in `scenarios/*.yaml`.
YAML floats are read as `Decimal` so money and rates stay exact.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class ScenarioError(ValueError):
    """A scenario file that cannot be used; `str()` names file, line and field."""

    def __init__(self, file: str, line: int | None, field: str, message: str):
        self.file, self.line, self.field, self.message = file, line, field, message
        where = f"{file}, line {line}" if line else file
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")


LARGEST = Decimal(10) ** 12  # no number in a scenario is larger than a thousand billion (euros or homes)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _sane_number(cls, v):
        """1e999 (or a typo of twenty digits) would overflow every figure of the game."""
        if isinstance(v, (Decimal, int)) and not isinstance(v, bool):
            if isinstance(v, Decimal) and not v.is_finite():
                raise ValueError("is not a usable number")
            if abs(v) > LARGEST:
                raise ValueError(f"{v} is too large to be meant (at most 1,000,000,000,000)")
        return v


class Corporation(_Model):
    debt: Decimal = Field(ge=0)
    average_rate: Decimal = Field(ge=0, le=1)
    marginal_rate: Decimal = Field(gt=0, le=1)
    refinance_share: Decimal = Field(ge=0, le=1)
    cash: Decimal
    cash_minimum: Decimal = Field(ge=0)
    damp_homes: int = Field(ge=0)


class Costs(_Model):
    """Costs per home per year; the norms are what a market landlord would spend."""
    maintenance: Decimal = Field(ge=0)
    management: Decimal = Field(ge=0)
    levies: Decimal = Field(ge=0)
    liveability_spend: Decimal = Field(ge=0)
    vpb: Decimal = Field(ge=0)
    norm_maintenance: Decimal = Field(ge=0)
    norm_management: Decimal = Field(ge=0)


class Constants(_Model):
    vacancy_loss: Decimal = Field(ge=0, lt=1)
    policy_value_factor: Decimal = Field(ge=0)
    house_price_pass_through: Decimal = Field(ge=0)


class Norms(_Model):
    """Ratios as fractions: ltv_max 0.70 is 70 %."""
    icr_min: Decimal = Field(gt=0, le=10)
    ltv_max: Decimal = Field(gt=0, le=2)
    solvency_min: Decimal = Field(ge=0, lt=1)
    amber_margin: Decimal = Field(Decimal("0.1"), ge=0, lt=1)  # within this share of a norm the light is amber


# A year's growth rate as a fraction (0.04 is 4 %): a 4 written for 4 % is refused.
Rate = Field(ge=-1, le=1)
OptionalRate = Field(None, ge=-1, le=1)


class Macro(_Model):
    inflation: Decimal = Rate
    house_price_growth: Decimal = Rate
    market_rent_growth: Decimal = Rate
    rent_cap: Decimal = Rate
    build_cost_index: Decimal = Field(gt=0, le=10)


class MacroOverride(_Model):
    inflation: Optional[Decimal] = OptionalRate
    house_price_growth: Optional[Decimal] = OptionalRate
    market_rent_growth: Optional[Decimal] = OptionalRate
    rent_cap: Optional[Decimal] = OptionalRate
    build_cost_index: Optional[Decimal] = Field(None, gt=0, le=10)


class Event(_Model):
    round: int = Field(ge=1)
    name: str
    description: str = ""
    set: MacroOverride = MacroOverride()
    marginal_rate_add: Decimal = Decimal(0)


class Labels(_Model):
    ab: int = Field(ge=0)
    cd: int = Field(ge=0)
    efg: int = Field(ge=0)


class Municipality(_Model):
    id: str
    name: str
    kind: str = ""
    units: int = Field(gt=0)
    rent: Decimal = Field(ge=0)
    market_rent: Decimal = Field(ge=0)
    market_value: Decimal = Field(ge=0)
    labels: Labels
    liveability: Decimal = Field(ge=1, le=10)
    need: Decimal = Decimal(0)  # need indicator, for spending "naar opgave"

    @model_validator(mode="after")
    def _labels_sum(self):
        total = self.labels.ab + self.labels.cd + self.labels.efg
        if total != self.units:
            raise ValueError(f"labels add up to {total}, not to units ({self.units})")
        return self


class Frame(_Model):
    id: Literal["prudent", "balanced", "generous"] | str
    name: str
    social_share: Decimal = Field(ge=0)
    icr_target: Decimal = Field(gt=0)


class RentPolicy(_Model):
    id: str
    name: str
    rule: Literal["cap", "inflation", "cap_minus", "freeze"]
    points: Decimal = Decimal(0)


class Build(_Model):
    municipality: str
    homes: int = Field(gt=0)
    cost_per_home: Decimal = Field(ge=0)
    rent: Decimal = Field(ge=0)
    market_rent: Decimal = Field(ge=0)
    value: Decimal = Field(ge=0)
    label: Literal["ab", "cd", "efg"] = "ab"


class Buy(_Model):
    municipality: str
    homes: int = Field(gt=0)
    price: Decimal = Field(ge=0)
    rent: Decimal = Field(ge=0)
    market_rent: Decimal = Field(ge=0)
    value: Decimal = Field(ge=0)
    label: Literal["ab", "cd", "efg"] = "cd"


class Upgrade(_Model):
    municipality: str
    homes: int = Field(gt=0)
    cost_per_home: Decimal = Field(ge=0)
    value_uplift: Decimal = Decimal(0)
    maintenance_change: Decimal = Decimal(0)
    rent_change: Decimal = Decimal(0)


class Demolish(_Model):
    municipality: str
    homes: int = Field(gt=0)
    cost_per_home: Decimal = Field(ge=0)


class Sell(_Model):
    municipality: str
    homes: int = Field(gt=0)
    price: Decimal = Field(ge=0)


class Liveability(_Model):
    municipality: str
    amount: Decimal = Field(ge=0)


class Damp(_Model):
    homes: int = Field(ge=0)
    amount: Decimal = Field(ge=0)


class RentCut(_Model):
    municipality: str
    households: int = Field(gt=0)
    per_home: Decimal = Field(gt=0)


class Option(_Model):
    """A pre-defined choice: a project (Vastgoedkamer) or a programme (Maatschappelijke Kamer)."""
    id: str
    chamber: Literal["property", "social"]
    name: str
    theme: str = ""
    description: str = ""
    repeat: bool = False                # over a horizon: a programme that runs every year
    expense: Decimal = Field(Decimal(0), ge=0)  # a fixed-cost post: a programme expense in year 1
    municipality: Optional[str] = None  # where it lands, when no component says
    build: Optional[Build] = None
    buy: Optional[Buy] = None
    upgrade: Optional[Upgrade] = None
    demolish: Optional[Demolish] = None
    sell: Optional[Sell] = None
    one_off_expense: Decimal = Decimal(0)
    management_change: Decimal = Decimal(0)
    liveability: Optional[Liveability] = None
    damp: Optional[Damp] = None
    rent_cut: Optional[RentCut] = None

    def municipalities(self) -> list[str]:
        parts = (self.build, self.buy, self.upgrade, self.demolish, self.sell, self.liveability, self.rent_cut)
        found = [p.municipality for p in parts if p is not None]
        if self.municipality:
            found.append(self.municipality)
        return list(dict.fromkeys(found))

    @property
    def is_project(self) -> bool:
        return any(p is not None for p in (self.build, self.buy, self.upgrade, self.demolish, self.sell))


class Stakeholder(_Model):
    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    name: str
    kind: Literal["tenants", "municipality", "care", "corporation", "other"] = "other"
    municipality: Optional[str] = None
    weight: Decimal = Field(Decimal(1), gt=0)
    description: str = ""


class Reference(_Model):
    """Real voters' ballots kept beside an imported instance, shown to the facilitator."""
    source: str
    voters: int = Field(ge=0)
    budget: Decimal
    support: dict[str, int] = {}
    selected: list[str] = []          # what the organiser funded (the file's selected column)
    rule: str = ""                    # the organiser's rule, as the file names it
    outcomes: dict[str, list[str]] = {}  # our rules on the real ballots


class Prioriteiten(_Model):
    """Mode 2: stakeholders spend a fixed budget on posts computed over a horizon."""
    horizon: int = Field(5, ge=1, le=30)
    ballot: Literal["knapsack", "cumulative"] = "knapsack"
    points: int = Field(100, ge=1, le=10000)      # per stakeholder, for a cumulative ballot
    joint_rule: Literal["mes-add1", "mes-add1u", "mes"] = "mes-add1"
    # A stakeholder's private budget is budget_factor x its share of the free room; the joint
    # budget is the free room itself. 1 is FINANCE.md's rule; above 1, wishes outgrow the room.
    budget_factor: Decimal = Field(Decimal(1), ge=1, le=10)
    stakeholders: list[Stakeholder] = Field(min_length=2)
    posts: list[str] = []                         # option ids on the table; empty = every option
    joint_budget: Optional[Decimal] = None        # fixed euros instead of the model's free room
    reference: Optional[Reference] = None


class Scenario(_Model):
    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    mode: Literal["driekamer", "prioriteiten"] = "driekamer"
    name: str
    description: str = ""
    start_year: int = 2026
    rounds: int = Field(ge=1, le=20)
    social_budget_mode: Literal["fixed", "residual"] = "fixed"
    default_frame: str = "balanced"
    baseline_rent_policy: str = "inflation"
    # when the clock runs out on an unconfirmed decision: keep the last valid draft, or drop it
    # for the defaults (default frame, baseline rent policy, nothing else) / abstain
    timeout_policy: Literal["keep_draft", "default", "abstain"] = "keep_draft"
    corporation: Corporation
    costs: Costs
    constants: Constants
    norms: Norms
    macro: Macro
    events: list[Event] = []
    municipalities: list[Municipality] = Field(min_length=1)
    frames: list[Frame] = Field(min_length=1)
    rent_policies: list[RentPolicy] = Field(min_length=1)
    options: list[Option] = []
    prioriteiten: Optional[Prioriteiten] = None

    @model_validator(mode="after")
    def _references(self):
        problems = reference_problems(self)
        if problems:
            raise ValueError(problems[0][1])
        return self

    # lookups -------------------------------------------------------------
    def frame(self, frame_id: str) -> Frame:
        return next(f for f in self.frames if f.id == frame_id)

    def rent_policy(self, policy_id: str) -> RentPolicy:
        return next(p for p in self.rent_policies if p.id == policy_id)

    def option(self, option_id: str) -> Option:
        return next(o for o in self.options if o.id == option_id)

    def options_of(self, chamber: str) -> list[Option]:
        return [o for o in self.options if o.chamber == chamber]

    def event_for(self, round_no: int) -> Optional[Event]:
        return next((e for e in self.events if e.round == round_no), None)

    def municipality(self, muni_id: str) -> Municipality:
        return next(m for m in self.municipalities if m.id == muni_id)


def reference_problems(s: Scenario) -> list[tuple[tuple, str]]:
    """Cross-field checks, each with the location of the offending field."""
    out: list[tuple[tuple, str]] = []
    munis = {m.id for m in s.municipalities}
    for kind in ("municipalities", "frames", "rent_policies", "options"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(s, kind)):
            if item.id in seen:
                out.append(((kind, i, "id"), f"duplicate id '{item.id}'"))
            seen.add(item.id)
    parts = ("build", "buy", "upgrade", "demolish", "sell", "liveability", "rent_cut")
    for i, o in enumerate(s.options):
        for part in parts:
            comp = getattr(o, part)
            if comp is not None and comp.municipality not in munis:
                out.append((("options", i, part, "municipality"),
                            f"unknown municipality '{comp.municipality}' (known: {', '.join(sorted(munis))})"))
        if o.municipality is not None and o.municipality not in munis:
            out.append((("options", i, "municipality"), f"unknown municipality '{o.municipality}'"))
    if s.default_frame not in {f.id for f in s.frames}:
        out.append((("default_frame",), f"'{s.default_frame}' is not one of the frames"))
    if s.baseline_rent_policy not in {p.id for p in s.rent_policies}:
        out.append((("baseline_rent_policy",), f"'{s.baseline_rent_policy}' is not one of the rent policies"))
    last_year = max(s.rounds, s.prioriteiten.horizon if s.prioriteiten else 0)
    for i, e in enumerate(s.events):
        if e.round > last_year:
            out.append((("events", i, "round"), f"round {e.round} is after the last round ({last_year})"))
    if s.mode == "prioriteiten" and s.prioriteiten is None:
        out.append((("mode",), "mode 'prioriteiten' needs a 'prioriteiten:' section (stakeholders, horizon)"))
    if s.prioriteiten:
        option_ids = {o.id for o in s.options}
        for i, post in enumerate(s.prioriteiten.posts):
            if post not in option_ids:
                out.append((("prioriteiten", "posts", i), f"'{post}' is not one of the options"))
        seen: set[str] = set()
        for i, st in enumerate(s.prioriteiten.stakeholders):
            if st.id in seen:
                out.append((("prioriteiten", "stakeholders", i, "id"), f"duplicate id '{st.id}'"))
            seen.add(st.id)
            if st.municipality and st.municipality not in munis:
                out.append((("prioriteiten", "stakeholders", i, "municipality"),
                            f"unknown municipality '{st.municipality}'"))
    return out


# Loading (YAML with line-numbered errors) lives in scenario_load.py; re-exported here.
from .scenario_load import load_file, load_text  # noqa: E402

__all__ = ["Scenario", "ScenarioError", "load_file", "load_text", "reference_problems"]
