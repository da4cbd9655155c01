"""Every refusal code the game can raise has a Dutch and an English message, and formatting it
with the parameters the code passes works (no missing placeholder, nothing left unformatted)."""
from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from game.messages import MESSAGES, STATUS, Refusal, role_name

GAME = Path(__file__).resolve().parents[2] / "game"


def raised_codes() -> dict[str, set[str]]:
    """code -> the parameter names passed with it, from every Refusal("...") / _raise("...") in
    game/*.py, and from the (code, params) pairs that plan.over_budget returns."""
    out: dict[str, set[str]] = {}
    for path in sorted(GAME.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                if name in ("Refusal", "_raise") and node.args and isinstance(node.args[0], ast.Constant) \
                        and isinstance(node.args[0].value, str):
                    keys = {k.arg for k in node.keywords if k.arg}
                    out.setdefault(node.args[0].value, set()).update(keys)
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 2:
                code, params = node.value.elts
                if isinstance(code, ast.Constant) and isinstance(code.value, str) and isinstance(params, ast.Dict):
                    keys = {k.value for k in params.keys if isinstance(k, ast.Constant)}
                    out.setdefault(code.value, set()).update(keys)
    return out


CODES = raised_codes()


def test_the_scan_finds_the_codes():
    # a sanity check on the scan itself
    assert {"not_your_role", "wrong_round", "round_locked", "frame_first", "over_social_budget",
            "over_borrowing_cap", "duplicate_name", "bad_name", "game_finished"} <= set(CODES)
    assert CODES["over_social_budget"] == {"used", "budget", "over"}
    assert CODES["over_borrowing_cap"] == {"loans", "cap", "over"}
    assert CODES["not_your_role"] == {"role", "mine"}


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_has_both_languages(code):
    assert code in MESSAGES, f"no message for refusal code {code!r}"
    assert set(MESSAGES[code]) >= {"nl", "en"}
    assert MESSAGES[code]["nl"].strip() and MESSAGES[code]["en"].strip()


@pytest.mark.parametrize("code", sorted(CODES))
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_formatting_with_the_params_passed(code, lang):
    template = MESSAGES[code][lang]
    fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    passed = CODES[code]
    assert fields <= passed, f"{code}/{lang} needs {fields - passed} that the code does not pass"
    params = {k: f"<{k}>" for k in passed}
    text = template.format(**params)  # must not raise
    assert Refusal(code, **params).message(lang) == text
    assert "{" not in text and "}" not in text
    for k in fields:
        assert f"<{k}>" in text


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_is_well_formed(code):
    for lang in ("nl", "en"):
        assert lang in MESSAGES[code]
        list(string.Formatter().parse(MESSAGES[code][lang]))  # no stray braces


def test_both_languages_use_the_same_placeholders():
    for code, texts in MESSAGES.items():
        nl = {f for _, f, _, _ in string.Formatter().parse(texts["nl"]) if f}
        en = {f for _, f, _, _ in string.Formatter().parse(texts["en"]) if f}
        assert nl == en, code


def test_status_codes():
    assert Refusal("not_your_role").status == 403
    assert Refusal("round_locked").status == 409
    assert Refusal("unknown_option", option="X").status == 422
    assert all(400 <= s < 500 for s in STATUS.values())


def test_as_error_and_fallbacks():
    r = Refusal("wrong_round", given=2, current=1)
    assert r.as_error("en") == {"error": {"code": "wrong_round",
                                          "message": "This command is for round 2, but the game is in round 1."}}
    assert r.message() == "Deze opdracht hoort bij ronde 2, maar het spel is in ronde 1."
    assert Refusal("no_such_code").message() == "no_such_code"
    assert role_name("capital") == "Vermogenskamer" and role_name("social", "en").startswith("Maatschappelijke")


def test_money_in_refusals_is_formatted_in_euros(scenario_text):
    """over_social_budget passes whole euros with Dutch thousands separators."""
    from game_harness import Game
    g = Game(scenario_text)
    [g.join(n) for n in ("A", "B", "C")]
    g.fac("start")
    g.as_role(0, "capital", "choose_frame", frame="prudent")
    g.as_role(0, "property", "select", option="P5")
    r = g.refused(("player", g.holder(0, "social")), {"type": "cover", "option": "P5"})
    assert r.code == "over_social_budget"
    assert r.params["budget"] == "62.430.152"
    assert "€ 62.430.152" in r.message("nl") and "€ 62.430.152" in r.message("en")


def test_a_phase_is_named_in_words_not_as_its_code():
    r = Refusal("wrong_phase", phase="revealed")
    assert r.message("nl") == "Dat kan nu niet: het spel is in de fase 'uitkomst'."
    assert r.message("en") == "That is not possible now: the game is in phase 'outcome'."
    assert "'joint'" not in Refusal("wrong_phase", phase="joint").message("nl")
