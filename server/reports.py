"""Debrief page, CSV and PDF exports, printable option cards and paper ballots."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
