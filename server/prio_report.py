"""Checking and printing a finished prioriteitenspel played by server/prio_bots.py: every private
package within its budget, the greedy joint package recomputed from the revealed packages, MES's
shares and payments, the agreed package and its votes, and the debrief's lines.
"""
from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, TextIO

from .bot_client import fmt_mln, fmt_pct

if TYPE_CHECKING:
    from .prio_bots import PrioBot, PrioFacilitator

MONEY_TOLERANCE = 0.05  # euros: payments arrive rounded to 6 decimals
SHARE_TOLERANCE = 1e-5


def _posts(posts) -> str:
    return ",".join(posts) if posts else "-"


def greedy_by_support(view: dict) -> list[str]:
    """The greedy joint package recomputed from the revealed packages: posts by weighted
    support (points for a cumulative ballot), ties by id, each taken if it still fits."""
    rev = view["reveal"]
    cost = {p["id"]: p["cost"] for p in view["posts"]}
    weight = {s["id"]: Fraction(str(s["weight"])) for s in view["stakeholders"]}
    cumulative = view["scenario"].get("ballot") == "cumulative"
    support: dict[str, Fraction] = {}
    for pkg in rev["packages"]:
        scores = (pkg.get("points") or {}) if cumulative else {p: 1 for p in pkg["posts"]}
        for p, n in scores.items():
            if n:
                support[p] = support.get(p, Fraction(0)) + weight[pkg["stakeholder"]] * n
    left, out = view["scenario"]["joint_budget"], []
    for p in sorted(support, key=lambda p: (-support[p], p)):
        if cost[p] <= left:
            out.append(p)
            left -= cost[p]
    return out


def check(view: dict, bots: list[PrioBot], fac: PrioFacilitator) -> list[str]:
    problems: list[str] = []
    rev, joint = view.get("reveal"), view.get("joint")
    if rev is None or joint is None:
        return ["the final view has no reveal or no joint package"]
    cost = {p["id"]: p["cost"] for p in view["posts"]}
    st = {s["id"]: s for s in view["stakeholders"]}
    jb = view["scenario"]["joint_budget"]
    cumulative = view["scenario"].get("ballot") == "cumulative"
    cap = view["scenario"].get("points")
    voters = rev["voters"]
    backed = {pkg["stakeholder"]: set(pkg["posts"]) for pkg in rev["packages"]}

    # the weights and budgets
    if fac.weighted:
        sid, w = fac.weighted
        if Fraction(str(st[sid]["weight"])) != Fraction(w):
            problems.append(f"{sid}: weight {st[sid]['weight']}, set to {w}")
    total_w = sum(Fraction(str(s["weight"])) for s in st.values())
    factor = Fraction(str(view["scenario"]["budget_factor"]))
    for s in st.values():  # its weight's share of budget_factor x the joint budget, whole euros
        expected = jb * factor * Fraction(str(s["weight"])) / total_w
        if s["budget"] is None or abs(s["budget"] - expected) > 1:
            problems.append(f"{s['id']}: budget {s['budget']}, expected {float(expected):.0f} "
                            f"(weight {s['weight']} of {float(total_w):g})")

    # the private packages
    with_members = sorted(s["id"] for s in st.values() if s.get("members"))
    if sorted(voters) != with_members:
        problems.append(f"voters {sorted(voters)} are not the stakeholders with members {with_members}")
    for pkg in rev["packages"]:
        sid, posts = pkg["stakeholder"], pkg["posts"]
        if pkg["cost"] != sum(cost[p] for p in posts):
            problems.append(f"{sid}: package cost {pkg['cost']} != the sum of its posts")
        if cumulative and sum((pkg.get("points") or {}).values()) > cap:
            problems.append(f"{sid}: {sum(pkg['points'].values())} points, the cap is {cap}")
        if pkg["cost"] > st[sid]["budget"]:  # a cumulative bot too keeps to its budget
            problems.append(f"{sid}: package costs {pkg['cost']}, over its budget {st[sid]['budget']}")
        if pkg.get("unsubmitted"):
            problems.append(f"{sid}: its package was not submitted at the lock")
        for b in bots:
            if b.sid == sid and b.package is not None and b.package != sorted(posts):
                problems.append(f"{sid}: revealed {sorted(posts)}, but {b.name} submitted {b.package}")
    for p, who in rev["matrix"].items():
        if sorted(who) != sorted(s for s in voters if p in backed.get(s, ())):
            problems.append(f"matrix: {p} backed by {who}")

    # the joint packages
    for key in ("greedy", "mes"):
        o = rev[key]
        total = sum(cost[p] for p in o["selected"])
        if abs(o["total_cost"] - total) > MONEY_TOLERANCE:
            problems.append(f"{key}: total_cost {o['total_cost']} != the sum of its posts {total}")
        if total > jb:
            problems.append(f"{key}: costs {total}, over the joint budget {jb}")
        for s in voters:
            share = Fraction(sum(cost[p] for p in o["selected"] if p in backed[s]), total) if total else 0
            if abs(o["shares"].get(s, 0) - float(share)) > SHARE_TOLERANCE:
                problems.append(f"{key}: {s}'s share {o['shares'].get(s)} != {float(share):.6f}")
        empty = sorted(s for s in voters if not backed[s] & set(o["selected"]))
        if sorted(o["empty_handed"]) != empty:
            problems.append(f"{key}: empty-handed {o['empty_handed']}, expected {empty}")
    if rev["greedy"]["order"] != greedy_by_support(view):
        problems.append(f"greedy: {rev['greedy']['order']}, recomputed {greedy_by_support(view)}")

    # MES payments: each post paid in full, by its backers only, within what the rule allows
    mes = rev["mes"]
    pays = mes.get("payments") or {}
    selected = set(mes["selected"])
    for p in selected:
        paid = sum((pays.get(s) or {}).get(p, 0) for s in voters)
        if abs(paid - cost[p]) > MONEY_TOLERANCE:
            problems.append(f"mes: {p} costs {cost[p]}, paid {paid:.2f}")
    voter_w = sum(Fraction(str(st[s]["weight"])) for s in voters) or Fraction(1)
    for s, row in pays.items():
        for p, a in row.items():
            if p not in selected and a:
                problems.append(f"mes: {s} pays {a} for {p}, which is not selected")
            if p not in backed.get(s, ()) and a:
                problems.append(f"mes: {s} pays {a} for {p}, which it did not choose")
        paid = sum(row.values())
        equal = float(jb * Fraction(str(st[s]["weight"])) / voter_w)
        # plain MES: a stakeholder pays at most its share of the joint budget; Add1 may raise
        # every stakeholder's share, but never past the joint budget
        limit = equal if mes.get("rule") == "mes" else jb
        if paid > limit + MONEY_TOLERANCE:
            problems.append(f"mes: {s} pays {paid:.2f}, over {limit:.2f}")
    if sum(sum(r.values()) for r in pays.values()) > jb + MONEY_TOLERANCE:
        problems.append("mes: the payments add up to more than the joint budget")

    # the agreed package
    agreed = joint["posts"]
    if joint["cost"] != sum(cost[p] for p in agreed) or joint["cost"] > jb or joint["budget"] != jb:
        problems.append(f"agreed: {agreed} costs {joint['cost']} (joint budget {joint['budget']}, expected {jb})")
    if joint.get("start_from") != "mes":
        problems.append(f"agreed: opened from {joint.get('start_from')}, not mes")
    if fac.intended is not None and sorted(agreed) != fac.intended:
        problems.append(f"agreed: {sorted(agreed)}, but the facilitator left {fac.intended}")
    missing = [s for s in with_members if s not in (joint.get("approvals") or {})]
    if missing:
        problems.append(f"agreed: no vote from {', '.join(missing)}")
    if [d["stakeholder"] for d in view.get("debrief") or []] != voters:
        problems.append("debrief: not one line per stakeholder that voted")
    return problems


def print_result(view: dict, fac: PrioFacilitator, out: TextIO) -> None:
    say = lambda text="": print(text, file=out)  # noqa: E731
    rev, joint = view.get("reveal") or {}, view.get("joint") or {}
    sc = view["scenario"]
    cumulative = sc.get("ballot") == "cumulative"
    jb = sc["joint_budget"]
    say(f"\nPrivate packages ({sc.get('ballot')} ballot"
        f"{', ' + str(sc.get('points')) + ' points' if cumulative else ''}; amounts in EUR m)")
    say(f"  {'stakeholder':<11} {'weight':>6} {'members':<14} {'cost':>7} / {'budget':<7} posts")
    packages = {p["stakeholder"]: p for p in rev.get("packages", [])}
    for s in view["stakeholders"]:
        pkg = packages.get(s["id"])
        if pkg is None:
            say(f"  {s['id']:<11} {s['weight']:>6g} {'-':<14} {'':>7}   {fmt_mln(s['budget']):<7} (no members)")
            continue
        posts = (",".join(f"{p}:{pkg['points'][p]}" for p in pkg["posts"]) if cumulative
                 else _posts(pkg["posts"]))
        say(f"  {s['id']:<11} {s['weight']:>6g} {', '.join(s['members']):<14} {fmt_mln(pkg['cost']):>7} / "
            f"{fmt_mln(s['budget']):<7} {posts}")
    if rev.get("common"):
        say(f"  everyone chose: {_posts(rev['common'])}")

    say(f"\nJoint packages (joint budget {fmt_mln(jb)} m)")
    g, m = rev.get("greedy") or {}, rev.get("mes") or {}
    say(f"  greedy   {fmt_mln(g.get('total_cost')):>6} m  {_posts(g.get('order'))}")
    say(f"  MES      {fmt_mln(m.get('total_cost')):>6} m  {_posts(m.get('order'))}  ({m.get('rule')})")
    change = f"from {joint.get('start_from')}" + (f": {' '.join(fac.changes)}" if fac.changes else "")
    say(f"  agreed   {fmt_mln(joint.get('cost')):>6} m  {_posts(joint.get('posts'))}  ({change})")
    voters = rev.get("voters", [])
    voter_w = sum(Fraction(str(s["weight"])) for s in view["stakeholders"] if s["id"] in voters) or 1
    weights = {s["id"]: Fraction(str(s["weight"])) for s in view["stakeholders"]}
    kept = {d["stakeholder"]: d for d in view.get("debrief") or []}
    say(f"  {'stakeholder':<11} {'greedy':>7} {'MES':>7} {'MES pays':>9} {'of equal':>9} {'agreed':>7} "
        f"{'kept':>6}  vote")
    for s in voters:
        pays = sum(((m.get("payments") or {}).get(s) or {}).values())
        equal = jb * weights[s] / voter_w
        d = kept.get(s, {})
        say(f"  {s:<11} {fmt_pct(g.get('shares', {}).get(s)):>7} {fmt_pct(m.get('shares', {}).get(s)):>7} "
            f"{fmt_mln(pays):>9} {fmt_mln(equal):>9} {fmt_pct(joint.get('shares', {}).get(s)):>7} "
            f"{fmt_pct(d.get('kept_agreed')):>6}  {(joint.get('approvals') or {}).get(s, '-')}"
            f"{'  (gave way most)' if d.get('gave_way_most') else ''}")
    agreed_empty = [s for s in voters if not joint.get("shares", {}).get(s)]
    say(f"  empty-handed: greedy {', '.join(g.get('empty_handed') or []) or 'none'}; "
        f"MES {', '.join(m.get('empty_handed') or []) or 'none'}; agreed {', '.join(agreed_empty) or 'none'}")
    out.flush()
