"""Scenario loading: Woonstad has every id and number of FINANCE.md; a malformed file gives a
ScenarioError that names the file, the exact line and the field."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from game.scenario import ScenarioError, load_file, load_text

FILE = "woonstad-broken.yaml"


def test_woonstad_loads_from_disk(scenario_path):
    s = load_file(scenario_path)
    assert s.id == "woonstad" and s.mode == "driekamer" and s.rounds == 4 and s.start_year == 2026
    assert s.social_budget_mode == "fixed"
    assert s.default_frame == "balanced" and s.baseline_rent_policy == "inflation"


def test_woonstad_ids(scenario):
    assert [f.id for f in scenario.frames] == ["prudent", "balanced", "generous"]
    assert [p.id for p in scenario.rent_policies] == ["max", "inflation", "moderate", "freeze"]
    assert [o.id for o in scenario.options] == [
        "P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "M1", "M2", "M3", "M5"]
    assert {o.id for o in scenario.options_of("property")} == {f"P{i}" for i in range(1, 10)}
    assert {o.id for o in scenario.options_of("social")} == {"M1", "M2", "M3", "M5"}
    assert [m.id for m in scenario.municipalities] == ["stadsveld", "dijkhoven", "lindeloo"]


def test_woonstad_numbers(scenario):
    s = scenario
    c = s.corporation
    assert (c.debt, c.average_rate, c.marginal_rate, c.refinance_share, c.cash, c.cash_minimum, c.damp_homes) == (
        500_000_000, D("0.029"), D("0.031"), D("0.08"), 20_000_000, 10_000_000, 1200)
    k = s.costs
    assert (k.maintenance, k.management, k.levies, k.liveability_spend, k.vpb, k.norm_maintenance,
            k.norm_management) == (2500, 1000, 450, 120, 330, 1600, 700)
    assert (s.constants.vacancy_loss, s.constants.policy_value_factor, s.constants.house_price_pass_through) == (
        D("0.015"), 15, D("0.8"))
    assert (s.norms.icr_min, s.norms.ltv_max, s.norms.solvency_min) == (D("1.4"), D("0.70"), D("0.30"))
    m = s.macro
    assert (m.inflation, m.house_price_growth, m.market_rent_growth, m.rent_cap, m.build_cost_index) == (
        D("0.025"), D("0.04"), D("0.03"), D("0.04"), 1)
    # floats are read exactly
    assert isinstance(c.average_rate, D) and str(c.average_rate) == "0.029"

    rows = {(x.id): (x.units, x.rent, x.market_rent, x.market_value, x.labels.ab, x.labels.cd, x.labels.efg,
                     x.liveability) for x in s.municipalities}
    assert rows == {
        "stadsveld": (6000, 660, 1050, 210_000, 2100, 2700, 1200, D("6.4")),
        "dijkhoven": (2500, 630, 850, 175_000, 1000, 1000, 500, D("7.2")),
        "lindeloo": (1500, 580, 700, 140_000, 300, 675, 525, D("6.9")),
    }
    assert [(f.id, f.social_share, f.icr_target) for f in s.frames] == [
        ("prudent", D("0.90"), D("1.8")), ("balanced", D("1.00"), D("1.6")), ("generous", D("1.15"), D("1.4"))]
    assert [(p.id, p.rule) for p in s.rent_policies] == [
        ("max", "cap"), ("inflation", "inflation"), ("moderate", "cap_minus"), ("freeze", "freeze")]
    assert s.rent_policy("moderate").points == D("0.01")


def test_woonstad_events(scenario):
    e2, e3, e4 = (scenario.event_for(r) for r in (2, 3, 4))
    assert scenario.event_for(1) is None
    assert e2.marginal_rate_add == D("0.015")
    assert (e3.set.house_price_growth, e3.set.market_rent_growth, e3.marginal_rate_add) == (D("0.15"), D("0.06"), 0)
    assert e4.set.rent_cap == 0 and e4.set.inflation is None


def test_woonstad_menu(scenario):
    o = scenario.option
    b = o("P1").build
    assert (b.municipality, b.homes, b.cost_per_home, b.rent, b.market_rent, b.value, b.label) == (
        "stadsveld", 100, 250_000, 700, 1100, 200_000, "ab")
    b = o("P2").build
    assert (b.municipality, b.homes, b.cost_per_home, b.rent, b.market_rent, b.value, b.label) == (
        "dijkhoven", 50, 280_000, 1050, 1100, 260_000, "ab")
    u = o("P3").upgrade
    assert (u.municipality, u.homes, u.cost_per_home, u.value_uplift, u.maintenance_change, u.rent_change) == (
        "lindeloo", 200, 40_000, 10_000, -100, 0)
    u = o("P4").upgrade
    assert (u.municipality, u.homes, u.cost_per_home, u.value_uplift, u.maintenance_change, u.rent_change) == (
        "stadsveld", 150, 80_000, 30_000, -300, 30)
    d, b = o("P5").demolish, o("P5").build
    assert (d.municipality, d.homes, d.cost_per_home) == ("stadsveld", 120, 15_000)
    assert (b.municipality, b.homes, b.cost_per_home, b.rent, b.market_rent, b.value, b.label) == (
        "stadsveld", 150, 260_000, 720, 1100, 210_000, "ab")
    assert (o("P6").sell.municipality, o("P6").sell.homes, o("P6").sell.price) == ("lindeloo", 100, 180_000)
    y = o("P7").buy
    assert (y.municipality, y.homes, y.price, y.rent, y.market_rent, y.value, y.label) == (
        "dijkhoven", 200, 175_000, 800, 850, 175_000, "cd")
    b = o("P8").build
    assert (b.municipality, b.homes, b.cost_per_home, b.rent, b.market_rent, b.value, b.label) == (
        "stadsveld", 50, 100_000, 550, 800, 40_000, "ab")
    assert (o("P9").one_off_expense, o("P9").management_change, o("P9").is_project) == (1_000_000, -50, False)
    assert (o("M1").liveability.municipality, o("M1").liveability.amount) == ("stadsveld", 300_000)
    assert (o("M2").liveability.municipality, o("M2").liveability.amount) == ("lindeloo", 150_000)
    assert (o("M3").damp.homes, o("M3").damp.amount) == (1000, 5_000_000)
    r = o("M5").rent_cut
    assert (r.municipality, r.households, r.per_home) == ("stadsveld", 1000, 50)


# ---------------------------------------------------------------------------
# Malformed files

def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line number of the nth line containing `needle`."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= nth, needle
    return hits[nth - 1]


def broken(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def refusal(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_text(text, file=FILE)
    e = info.value
    assert str(e).startswith(f"{FILE}, line {e.line}: ")
    return e


def check(e: ScenarioError, line: int, field: str, *words: str) -> None:
    assert e.file == FILE
    assert e.line == line
    assert e.field == field
    assert f", line {line}: {field}: " in str(e)
    for w in words:
        assert w in str(e)


def test_wrong_type(scenario_text):
    t = broken(scenario_text, "  debt: 500000000", "  debt: lots")
    check(refusal(t), line_of(t, "debt: lots"), "corporation.debt", "decimal")


def test_wrong_type_in_a_list_item_is_named_by_id(scenario_text):
    t = broken(scenario_text, "homes: 100, price: 180000", "homes: many, price: 180000")
    check(refusal(t), line_of(t, "homes: many"), "options[P6].sell.homes", "integer")


def test_wrong_type_fractional_units(scenario_text):
    t = broken(scenario_text, "units: 6000", "units: 6000.5")
    check(refusal(t), line_of(t, "units: 6000.5"), "municipalities[stadsveld].units", "integer")


def test_wrong_type_top_level(scenario_text):
    t = broken(scenario_text, "rounds: 4", "rounds: four")
    check(refusal(t), line_of(t, "rounds: four"), "rounds", "integer")


def test_out_of_range(scenario_text):
    t = broken(scenario_text, "social_share: 0.90", "social_share: -0.9")
    check(refusal(t), line_of(t, "social_share: -0.9"), "frames[prudent].social_share", "greater than or equal to 0")


def test_bad_literal(scenario_text):
    t = broken(scenario_text, "rule: freeze ", "rule: frozen ")
    check(refusal(t), line_of(t, "rule: frozen"), "rent_policies[freeze].rule", "'freeze'")


def test_missing_field(scenario_text):
    t = broken(scenario_text, "  vpb: 330\n", "")
    # the line is the first line of the mapping the field is missing from (costs:)
    check(refusal(t), line_of(t, "costs:") + 1, "costs.vpb", "required")


def test_missing_top_level_field(scenario_text):
    t = broken(scenario_text, "\nname: Woonstad\n", "\n")
    # a field missing at the top level points at the start of the document's mapping
    check(refusal(t), line_of(t, "id: woonstad"), "name", "required")


def test_unknown_field(scenario_text):
    t = broken(scenario_text, "  vpb: 330\n", "  vpb: 330\n  vbp: 12\n")
    check(refusal(t), line_of(t, "vbp: 12"), "costs.vbp", "not a known field")


def test_unknown_field_in_option(scenario_text):
    t = broken(scenario_text, "    theme: verkoop\n", "    theme: verkoop\n    colour: red\n")
    check(refusal(t), line_of(t, "colour: red"), "options[P6].colour", "not a known field")


def test_bad_yaml_syntax(scenario_text):
    t = broken(scenario_text, "  debt: 500000000", "  debt: 5: 1")
    e = refusal(t)
    assert e.line == line_of(t, "debt: 5: 1") and e.field == ""
    # the wording after "not allowed" differs between PyYAML's C and pure-Python loaders
    assert str(e).startswith(f"{FILE}, line {e.line}: not valid YAML (mapping values are not allowed")


def test_bad_yaml_indentation(scenario_text):
    t = broken(scenario_text, "  levies: 450", " levies: 450")
    e = refusal(t)
    assert e.line == line_of(t, " levies: 450") and "not valid YAML" in str(e)


def test_bad_yaml_tab(scenario_text):
    t = broken(scenario_text, "  debt: 500000000", "\tdebt: 500000000")
    e = refusal(t)
    assert e.line == line_of(t, "\tdebt") and "not valid YAML" in str(e)


@pytest.mark.parametrize("text", ["", "just a string\n", "- a\n- b\n"])
def test_not_a_mapping(text):
    e = refusal(text)
    assert e.line == 1 and "mapping" in str(e)


def test_labels_not_summing_to_units(scenario_text):
    t = broken(scenario_text, "labels: {ab: 1000, cd: 1000, efg: 500}", "labels: {ab: 1000, cd: 1000, efg: 501}")
    # the error points at the municipality's entry and says what is wrong with its labels
    check(refusal(t), line_of(t, "- id: dijkhoven"), "municipalities[dijkhoven]", "labels add up to 2501",
          "units (2500)")


def test_unknown_municipality_reference(scenario_text):
    t = broken(scenario_text, "upgrade: {municipality: lindeloo", "upgrade: {municipality: lindelo")
    check(refusal(t), line_of(t, "municipality: lindelo,"), "options[P3].upgrade.municipality",
          "unknown municipality 'lindelo'", "lindeloo")


def test_unknown_municipality_in_programme(scenario_text):
    t = broken(scenario_text, "liveability: {municipality: stadsveld", "liveability: {municipality: stadveld")
    check(refusal(t), line_of(t, "municipality: stadveld"), "options[M1].liveability.municipality",
          "unknown municipality 'stadveld'")


def test_unknown_option_municipality(scenario_text):
    t = broken(scenario_text, "    theme: bedrijfsvoering\n", "    theme: bedrijfsvoering\n    municipality: nowhere\n")
    check(refusal(t), line_of(t, "municipality: nowhere"), "options[P9].municipality", "'nowhere'")


def test_duplicate_option_id(scenario_text):
    t = broken(scenario_text, "  - id: P2\n", "  - id: P1\n")
    check(refusal(t), line_of(t, "- id: P1", nth=2), "options[P1].id", "duplicate id 'P1'")


def test_duplicate_municipality_id(scenario_text):
    t = broken(scenario_text, "  - id: dijkhoven\n", "  - id: stadsveld\n")
    check(refusal(t), line_of(t, "- id: stadsveld", nth=2), "municipalities[stadsveld].id", "duplicate id")


def test_duplicate_frame_id(scenario_text):
    t = broken(scenario_text, "  - id: generous\n", "  - id: balanced\n")
    check(refusal(t), line_of(t, "- id: balanced", nth=2), "frames[balanced].id", "duplicate id 'balanced'")


def test_default_frame_not_a_frame(scenario_text):
    t = broken(scenario_text, "default_frame: balanced", "default_frame: middle")
    check(refusal(t), line_of(t, "default_frame: middle"), "default_frame", "'middle' is not one of the frames")


def test_baseline_policy_not_a_policy(scenario_text):
    t = broken(scenario_text, "baseline_rent_policy: inflation", "baseline_rent_policy: none")
    check(refusal(t), line_of(t, "baseline_rent_policy: none"), "baseline_rent_policy", "rent policies")


def test_event_after_last_round(scenario_text):
    t = broken(scenario_text, "  - round: 4\n", "  - round: 5\n")
    check(refusal(t), line_of(t, "- round: 5"), "events[2].round", "after the last round (4)")


def test_unreadable_file(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_file(tmp_path / "missing.yaml")
    assert str(tmp_path / "missing.yaml") in str(info.value) and "cannot be read" in str(info.value)


def test_load_file_names_the_file(tmp_path, scenario_text):
    p = tmp_path / "kapot.yaml"
    p.write_text(broken(scenario_text, "  debt: 500000000", "  debt: lots"), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_file(p)
    assert str(info.value).startswith(f"{p}, line {line_of(p.read_text(), 'debt: lots')}: corporation.debt: ")


@pytest.mark.parametrize("value", [".inf", ".nan", "1:30.5"])
def test_special_floats_give_a_scenario_error(scenario_text, value):
    t = broken(scenario_text, "  debt: 500000000", f"  debt: {value}")
    e = refusal(t)
    assert e.line == line_of(t, f"debt: {value}") and value in str(e)


@pytest.mark.parametrize("old,new,needle,field", [
    ("  cash: 20000000\n", "  cash: 1e999\n", "  cash: 1e999", "corporation.cash"),
    ("  cash: 20000000\n", "  cash: 1.0e999\n", "  cash: 1.0e999", "corporation.cash"),
    ("  debt: 500000000\n", "  debt: 50000000000000000000000\n", "  debt: 5000", "corporation.debt"),
])
def test_a_number_too_large_to_be_meant_is_refused_before_it_overflows_a_figure(scenario_text, old, new, needle,
                                                                               field):
    t = broken(scenario_text, old, new)
    check(refusal(t), line_of(t, needle), field, "too large to be meant")


def test_a_key_given_twice_is_refused_instead_of_the_last_silently_winning(scenario_text):
    t = broken(scenario_text, "  debt: 500000000\n", "  debt: 500000000\n  debt: 3\n")
    check(refusal(t), line_of(t, "  debt: 3"), "corporation.debt", "given twice")


@pytest.mark.parametrize("old,new,field,words", [
    ("icr_min: 1.4", "icr_min: -1", "norms.icr_min", "greater than 0"),
    ("ltv_max: 0.70", "ltv_max: 70", "norms.ltv_max", "less than or equal to 2"),
    ("  rent_cap: 0.04\n", "  rent_cap: 4\n", "macro.rent_cap", "less than or equal to 1"),
])
def test_norms_and_rates_are_fractions_and_a_percentage_written_as_a_whole_number_is_refused(
        scenario_text, old, new, field, words):
    t = broken(scenario_text, old, new)
    check(refusal(t), line_of(t, new.strip()), field, words)
