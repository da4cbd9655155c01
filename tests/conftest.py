"""Shared fixtures: the default scenario, read relative to the repository."""
from __future__ import annotations

from pathlib import Path

import pytest

from game.scenario import Scenario, load_text

ROOT = Path(__file__).resolve().parents[1]
WOONSTAD = ROOT / "scenarios" / "woonstad.yaml"


@pytest.fixture(scope="session")
def scenario_path() -> Path:
    return WOONSTAD


@pytest.fixture(scope="session")
def scenario_text() -> str:
    return WOONSTAD.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def scenario(scenario_text: str) -> Scenario:
    return load_text(scenario_text, file=str(WOONSTAD))
