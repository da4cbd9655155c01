"""Read and write Pabulib ``.pb`` files (https://pabulib.org/format).

A file has three sections, each a ``;``-separated table with a header row: ``META``
(``key;value``), ``PROJECTS`` (``project_id;cost;...``) and ``VOTES`` (``voter_id;vote;...``).
Fields may be quoted CSV-style (``"a ""quoted"" word"``). ``parse_pb`` and ``write_pb`` work
on text only; ``load_pb`` is the one helper that touches the file system. Writing keeps the
column order and line ending of the parsed file, so a file round-trips byte for byte when its
fields carry no surrounding spaces (parsing strips them).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from game.aggregate import Ballot, Outcome, Project, aggregate

SECTIONS = ("meta", "projects", "votes")
APPROVAL_TYPES = ("approval", "choose-1")
POINTS_TYPES = ("cumulative", "scoring")


class PabulibError(ValueError):
    """A ``.pb`` text that cannot be read; the message names the line."""


@dataclass
class Instance:
    """A Pabulib election: every field as the text in the file (stripped)."""

    meta: dict[str, str] = field(default_factory=dict)
    projects: list[dict[str, str]] = field(default_factory=list)
    votes: list[dict[str, str]] = field(default_factory=list)
    project_columns: list[str] = field(default_factory=list)
    vote_columns: list[str] = field(default_factory=list)
    line_ending: str = "\n"

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval").strip().lower()

    @property
    def budget(self) -> Fraction:
        return Fraction(number(self.meta["budget"]))

    def selected_in_file(self) -> list[str]:
        """Ids of projects the file marks as funded (``selected`` column = 1), else []."""
        return [p["project_id"] for p in self.projects if p.get("selected", "").strip() == "1"]


def number(text: str) -> Fraction | int:
    """Exact number from a Pabulib field (a decimal comma is accepted); int if whole."""
    try:
        value = Fraction(text.strip().replace(",", "."))
    except (ValueError, ZeroDivisionError) as exc:
        raise PabulibError(f"not a number: {text!r}") from exc
    return value.numerator if value.denominator == 1 else value


def parse_pb(text: str) -> Instance:
    """Parse the text of a ``.pb`` file."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    inst = Instance(line_ending="\r\n" if first_line.endswith("\r") else "\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    try:
        _read_rows(inst, reader)
    except csv.Error as exc:
        raise PabulibError(f"line {reader.line_num}: {exc}") from exc
    if "budget" not in inst.meta:
        raise PabulibError("META has no budget")
    if inst.projects and "project_id" not in inst.project_columns:
        raise PabulibError("PROJECTS has no project_id column")
    return inst


def _read_rows(inst: Instance, reader) -> None:
    """Fill ``inst`` from csv rows, section by section."""
    section, header = None, None
    for row in reader:
        line = reader.line_num
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if cells[0].lower() in SECTIONS and not any(cells[1:]):
            section, header = cells[0].lower(), None
            continue
        if section is None:
            raise PabulibError(f"line {line}: data before the META/PROJECTS/VOTES marker")
        if header is None:
            header = cells
            if section == "projects":
                inst.project_columns = header
            elif section == "votes":
                inst.vote_columns = header
            continue
        if section == "meta":  # lenient: a value may hold an unquoted ';'
            inst.meta[cells[0]] = ";".join(cells[1:])
            continue
        if len(cells) > len(header):
            raise PabulibError(f"line {line}: {len(cells)} fields, header has {len(header)}")
        cells += [""] * (len(header) - len(cells))
        target = inst.projects if section == "projects" else inst.votes
        target.append(dict(zip(header, cells)))


def _columns(declared: list[str], rows: list[dict[str, str]], first: tuple[str, ...]) -> list[str]:
    cols = list(declared) or list(first)
    for row in rows:
        cols += [k for k in row if k not in cols]
    return cols


def _row(cells: list[str], line_ending: str) -> str:
    """One ``;``-separated line; a field is quoted if it holds ``;``, ``"``, CR or LF."""
    out = []
    for cell in cells:
        text = str(cell)
        if any(c in text for c in ';"\r\n'):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return ";".join(out) + line_ending


def write_pb(instance: Instance) -> str:
    """The ``.pb`` text of ``instance`` (quoting fields only where needed)."""
    end = instance.line_ending
    lines = [_row(["META"], end), _row(["key", "value"], end)]
    lines += [_row([key, value], end) for key, value in instance.meta.items()]
    for name, rows, declared, first in (
        ("PROJECTS", instance.projects, instance.project_columns, ("project_id", "cost")),
        ("VOTES", instance.votes, instance.vote_columns, ("voter_id", "vote")),
    ):
        cols = _columns(declared, rows, first)
        lines += [_row([name], end), _row(cols, end)]
        lines += [_row([row.get(c, "") for c in cols], end) for row in rows]
    return "".join(lines)


def load_pb(path: str | Path) -> Instance:
    """Read and parse a ``.pb`` file (UTF-8, optional BOM; line endings kept)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return parse_pb(fh.read())


def to_aggregate_input(instance: Instance) -> tuple[list[Project], list[Ballot], Fraction, str]:
    """``(projects, ballots, budget, utility)`` for ``game.aggregate``.

    Approval and choose-1 ballots score 1 per approved project and use cost utilities
    (pabutools ``Cost_Sat``); cumulative and scoring ballots score their points and use
    point utilities (``Additive_Cardinal_Sat``) - the calls in ``expected_outcomes.json``.
    Every ballot counts as one voter, also an empty one (it still gets its MES share).
    """
    vote_type = instance.vote_type
    if vote_type not in APPROVAL_TYPES + POINTS_TYPES:
        raise PabulibError(f"vote_type {vote_type!r} is not supported")
    projects = [Project(p["project_id"], number(p["cost"]), p.get("name", ""))
                for p in instance.projects]
    if any(p.cost < 0 for p in projects) or instance.budget < 0:
        raise PabulibError("costs and budget must be >= 0")
    known = {p.id for p in projects}
    ballots, seen = [], set()
    for n, vote in enumerate(instance.votes, start=1):
        voter = vote.get("voter_id", "") or f"#{n}"
        while voter in seen:
            voter += f"#{n}"
        seen.add(voter)
        ids = [v.strip() for v in vote.get("vote", "").split(",") if v.strip()]
        unknown = [v for v in ids if v not in known]
        if unknown:
            raise PabulibError(f"voter {voter!r} votes for unknown project(s) {unknown}")
        if vote_type in APPROVAL_TYPES:
            scores: dict[str, Fraction | int] = {v: 1 for v in ids}
        else:
            points = [x for x in vote.get("points", "").split(",") if x.strip()]
            if len(points) != len(ids):
                raise PabulibError(f"voter {voter!r}: {len(ids)} projects, {len(points)} points")
            scores = {}
            for v, x in zip(ids, points):
                scores[v] = scores.get(v, 0) + number(x)
            if any(x < 0 for x in scores.values()):
                raise PabulibError(f"voter {voter!r}: points must be >= 0")
        ballots.append(Ballot(voter, scores))
    utility = "cost" if vote_type in APPROVAL_TYPES else "points"
    return projects, ballots, instance.budget, utility


def format_money(value: Fraction) -> str:
    """``76700``, ``12.5`` or, if not a finite decimal, ``1/3``."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    den = value.denominator
    for prime in (2, 5):
        while den % prime == 0:
            den //= prime
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    digits = 0
    while (value * 10**digits).denominator != 1:
        digits += 1
    sign = "-" if value < 0 else ""
    scaled = abs(value.numerator * 10**digits // value.denominator)
    whole, frac = divmod(scaled, 10**digits)
    return f"{sign}{whole}.{frac:0{digits}d}"


def summarize(outcome: Outcome) -> str:
    """Two lines: the selected ids (order of selection), then the total cost."""
    return f"selected: {' '.join(outcome.selected)}\ntotal cost: {format_money(outcome.total_cost)}"


def run_aggregate_cli(path: str, rule: str) -> str:
    """Text for ``driekamer aggregate FILE.pb --rule RULE``."""
    projects, ballots, budget, utility = to_aggregate_input(load_pb(path))
    return summarize(aggregate(rule, projects, ballots, budget, utility=utility))
