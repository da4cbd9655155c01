"""Tests for game.pabulib: parsing, writing, round trips, conversion and the CLI text."""

from __future__ import annotations

from fractions import Fraction
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.aggregate import Ballot, Project
from game.pabulib import (
    Instance,
    PabulibError,
    format_money,
    load_pb,
    parse_pb,
    run_aggregate_cli,
    summarize,
    to_aggregate_input,
    write_pb,
)

# the real Pabulib files with reference outcomes: the team's shared folder beside the checkout, or $PABULIB_DIR
SHARED = Path(os.environ.get("PABULIB_DIR") or Path(__file__).resolve().parents[2].parent / "shared" / "pabulib")
PB_FILES = sorted(SHARED.glob("*.pb")) if SHARED.is_dir() else []

SMALL = (
    "META\n"
    "key;value\n"
    "description;\"Test; with a semicolon\"\n"
    "num_projects;3\n"
    "num_votes;3\n"
    "budget;30\n"
    "vote_type;approval\n"
    "comment;\"She said \"\"hi\"\"\"\n"
    "PROJECTS\n"
    "project_id;cost;name\n"
    "A;20;Groen plein\n"
    "B;10,5;\"Bankjes; twee\"\n"
    "C;10;Speeltuin\n"
    "VOTES\n"
    "voter_id;vote;age\n"
    "v1;A,B;30\n"
    "v2;A,B;41\n"
    "v3;C;\n"
)


def test_parse_reads_sections_quotes_and_decimal_commas():
    inst = parse_pb(SMALL)
    assert inst.meta["description"] == "Test; with a semicolon"
    assert inst.meta["comment"] == 'She said "hi"'
    assert inst.budget == 30
    assert inst.vote_type == "approval"
    assert inst.project_columns == ["project_id", "cost", "name"]
    assert inst.projects[1] == {"project_id": "B", "cost": "10,5", "name": "Bankjes; twee"}
    assert inst.vote_columns == ["voter_id", "vote", "age"]
    assert inst.votes[2] == {"voter_id": "v3", "vote": "C", "age": ""}
    assert inst.line_ending == "\n"


def test_meta_values_may_hold_an_unquoted_semicolon():
    inst = parse_pb(SMALL.replace("num_projects;3", "note;a;b"))
    assert inst.meta["note"] == "a;b"


def test_small_file_round_trips_byte_for_byte():
    assert write_pb(parse_pb(SMALL)) == SMALL


def test_bom_crlf_and_blank_lines_are_accepted():
    text = "\ufeff" + SMALL.replace("\n", "\r\n").replace("PROJECTS", "\r\nPROJECTS")
    inst = parse_pb(text)
    assert inst.line_ending == "\r\n"
    assert inst.projects == parse_pb(SMALL).projects
    assert write_pb(inst) == SMALL.replace("\n", "\r\n")


def test_to_aggregate_input_for_approval():
    projects, ballots, budget, utility = to_aggregate_input(parse_pb(SMALL))
    assert projects[1] == Project("B", Fraction(21, 2), "Bankjes; twee")
    assert ballots[0] == Ballot("v1", {"A": 1, "B": 1})
    assert budget == 30
    assert utility == "cost"


def test_to_aggregate_input_for_cumulative():
    text = (SMALL.replace("vote_type;approval", "vote_type;cumulative")
            .replace("voter_id;vote;age", "voter_id;vote;points")
            .replace("v1;A,B;30", "v1;A,B;3,2").replace("v2;A,B;41", "v2;B;5")
            .replace("v3;C;", "v3;C,A;1,1"))
    projects, ballots, budget, utility = to_aggregate_input(parse_pb(text))
    assert utility == "points"
    assert [b.scores for b in ballots] == [{"A": 3, "B": 2}, {"B": 5}, {"C": 1, "A": 1}]


@pytest.mark.parametrize("text,message", [
    ("META\nkey;value\nvote_type;approval\n", "budget"),
    ("budget;3\n", "before the META"),
    (SMALL.replace("v3;C;", "v3;C;1;2"), "fields"),
    (SMALL.replace("A;20;", "A;twenty;"), "not a number"),
    (SMALL.replace("v3;C;", "v3;Z;"), "unknown project"),
    (SMALL.replace("vote_type;approval", "vote_type;ordinal"), "not supported"),
    (SMALL.replace("C;10;", "C;-10;"), ">= 0"),
    (SMALL.replace("v3;C;", 'v3;"C;'), "line"),
])
def test_bad_files_raise_a_pabulib_error(text, message):
    with pytest.raises(PabulibError, match=message):
        to_aggregate_input(parse_pb(text))


def test_an_instance_built_in_code_writes_and_parses_back():
    inst = Instance(
        meta={"description": "Prioriteitenspel", "budget": "100", "vote_type": "approval"},
        projects=[{"project_id": "1", "cost": "60", "name": "Isolatie"},
                  {"project_id": "2", "cost": "40", "extra": "x;y"}],
        votes=[{"voter_id": "huurders", "vote": "1,2"}, {"voter_id": "gemeente", "vote": "2"}],
    )
    back = parse_pb(write_pb(inst))
    assert back.meta == inst.meta
    assert back.project_columns == ["project_id", "cost", "name", "extra"]
    assert back.projects[1] == {"project_id": "2", "cost": "40", "name": "", "extra": "x;y"}
    assert back.votes == inst.votes


field_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\r\t"), max_size=12
).map(str.strip)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text("abcdefgh_", min_size=1, max_size=8), field_text, max_size=5),
       st.lists(st.tuples(field_text, field_text), max_size=5))
def test_any_field_text_round_trips(meta, rows):
    meta = {k: v for k, v in meta.items() if k.lower() not in ("meta", "projects", "votes")}
    meta["budget"] = "10"
    inst = Instance(meta=meta,
                    projects=[{"project_id": f"p{i}", "cost": "1", "name": a, "note": b}
                              for i, (a, b) in enumerate(rows)],
                    votes=[{"voter_id": a or "x", "vote": "p0"} for a, _ in rows])
    back = parse_pb(write_pb(inst))
    assert back.meta == inst.meta
    assert back.projects == inst.projects
    assert back.votes == inst.votes


def test_format_money_and_summary():
    assert format_money(Fraction(76700)) == "76700"
    assert format_money(Fraction(25, 2)) == "12.5"
    assert format_money(Fraction(-1, 8)) == "-0.125"
    assert format_money(Fraction(1, 3)) == "1/3"


@pytest.mark.skipif(not PB_FILES, reason=f"{SHARED} absent")
@pytest.mark.parametrize("path", PB_FILES, ids=lambda p: p.name)
def test_real_files_round_trip_byte_for_byte(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        text = fh.read()
    inst = load_pb(path)
    assert write_pb(inst) == text
    assert parse_pb(write_pb(inst)) == inst
    assert int(inst.meta["num_projects"]) == len(inst.projects)
    assert int(inst.meta["num_votes"]) == len(inst.votes)


@pytest.mark.skipif(not PB_FILES, reason=f"{SHARED} absent")
def test_cli_text_for_assen():
    text = run_aggregate_cli(str(SHARED / "Netherlands_Assen_2024.pb"), "mes-add1")
    assert text == "selected: 3 9 11 2 13 14 5 6 12\ntotal cost: 76700"
    greedy = run_aggregate_cli(str(SHARED / "Netherlands_Assen_2024.pb"), "greedy")
    assert greedy.splitlines()[1] == "total cost: 99200"


def test_summarize_uses_selection_order():
    from game.aggregate import greedy
    out = greedy([Project("b", 1), Project("a", 2)], [Ballot("v", {"a": 1, "b": 1})], 3)
    assert summarize(out) == "selected: a b\ntotal cost: 3"
