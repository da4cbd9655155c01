"""Configuration by environment, with defaults that run on one laptop."""
from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    database_url: str = f"sqlite:///{ROOT / 'data' / 'driekamer.db'}"
    host: str = "127.0.0.1"
    port: int = 8000
    scenarios_dir: Path = ROOT / "scenarios"
    public_url: str = ""          # e.g. https://spel.example.nl; else taken from the request
    default_scenario: str = "woonstad"
    presence_grace: float = 20.0  # seconds before a disconnected player is shown as gone
