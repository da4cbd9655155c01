"""Turn a real Pabulib instance into a prioriteitenspel scenario (text in, YAML text out).

The projects become fixed-cost posts (their cost is a one-off programme expense, so the
finance model shows their effect on the corporation); the joint budget is the instance's
budget; the real voters' ballots stay beside it as a reference panel: support per project,
what the organiser funded, and our rules' outcomes on those ballots.
"""
from __future__ import annotations

import re
from fractions import Fraction

import yaml

from .aggregate import aggregate
from .pabulib import Instance, to_aggregate_input

RULES = ("greedy", "mes", "mes-add1", "mes-add1u")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "pabulib"


def _money(value: Fraction):
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else float(value)


def import_instance(inst: Instance, template_text: str, name: str = "") -> str:
    """Scenario YAML for `inst`, taking the corporation, municipalities and stakeholders of
    `template_text` (a prioriteitenspel scenario such as regio.yaml)."""
    base = yaml.safe_load(template_text)
    projects, ballots, budget, utility = to_aggregate_input(inst)
    support: dict[str, int] = {p.id: 0 for p in projects}
    for b in ballots:
        for pid in b.scores:
            support[pid] += 1
    outcomes = {rule: list(aggregate(rule, projects, ballots, budget, utility=utility).selected) for rule in RULES}
    meta = inst.meta
    title = name or " ".join(x for x in (meta.get("description"), meta.get("unit"), meta.get("instance")) if x)
    ident = _slug(f"pb-{meta.get('country', '')}-{meta.get('unit', '')}-{meta.get('instance', '')}")
    options = []
    for row in inst.projects:
        options.append({"id": f"PB{row['project_id']}", "chamber": "social",
                        "name": (row.get("name") or f"Project {row['project_id']}")[:120],
                        "theme": row.get("category", "") or "pabulib",
                        "description": (row.get("description") or "")[:300],
                        "expense": _money(Fraction(row["cost"]))})
    cumulative = inst.vote_type in ("cumulative", "scoring")
    prio = dict(base.get("prioriteiten") or {})
    prio.update({
        "horizon": 1, "ballot": "cumulative" if cumulative else "knapsack",
        "points": int(meta.get("max_sum_points", 100) or 100) if cumulative else prio.get("points", 100),
        "joint_rule": "mes-add1", "budget_factor": prio.get("budget_factor", 1),
        "posts": [o["id"] for o in options], "joint_budget": _money(budget),
        "reference": {"source": f"Pabulib: {title}", "voters": len(ballots), "budget": _money(budget),
                      "support": {f"PB{k}": v for k, v in support.items()},
                      "selected": [f"PB{x}" for x in inst.selected_in_file()],
                      "rule": meta.get("rule", ""),
                      "outcomes": {r: [f"PB{x}" for x in sel] for r, sel in outcomes.items()}},
    })
    scenario = {k: v for k, v in base.items() if k not in ("options", "prioriteiten", "events")}
    scenario.update({"id": ident, "mode": "prioriteiten", "name": title[:80] or ident, "rounds": 1,
                     "description": f"Geïmporteerd uit Pabulib ({meta.get('country', '')}, {meta.get('unit', '')}, "
                                    f"{meta.get('instance', '')}): {len(options)} projecten, budget {_money(budget)}, "
                                    f"{len(ballots)} stemmers als referentiepanel.",
                     "options": options, "prioriteiten": prio})
    header = "# Imported with `driekamer import-pabulib`; the data are Pabulib's (cite pabulib.org).\n"
    return header + yaml.safe_dump(scenario, allow_unicode=True, sort_keys=False, width=110)
