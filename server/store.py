"""The append-only event log (SQLModel; SQLite by default, WAL, one file).

One table, one row per event, unique per (room, seq). Appends happen in one transaction
that checks the room's last sequence number, so nothing is half-written and two writers
cannot interleave a room's events.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Optional

from sqlalchemy import event as sa_event
from sqlalchemy import func
from sqlmodel import Field, Session, SQLModel, UniqueConstraint, create_engine, select


class EventRow(SQLModel, table=True):
    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("room", "seq"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    room: str = Field(index=True)
    seq: int
    type: str
    at: str
    data: str  # the event as JSON


class StaleVersion(Exception):
    """Another writer appended to the room first."""


class EventStore:
    def __init__(self, url: str):
        if url.startswith("sqlite:///"):
            path = url.removeprefix("sqlite:///")
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        args = {"check_same_thread": False, "timeout": 30} if url.startswith("sqlite") else {}
        self.engine = create_engine(url, connect_args=args)
        self._write = threading.Lock()
        if url.startswith("sqlite"):
            sa_event.listen(self.engine, "connect", _sqlite_pragmas)
            sa_event.listen(self.engine, "begin", _sqlite_begin_immediate)
        SQLModel.metadata.create_all(self.engine)

    def append(self, room: str, expected_seq: int, events: list[dict]) -> int:
        """Append `events` after sequence `expected_seq`, all or nothing; return the new seq."""
        with self._write, Session(self.engine) as s:
            last = s.exec(select(func.max(EventRow.seq)).where(EventRow.room == room)).one() or 0
            if last != expected_seq:
                raise StaleVersion(f"room {room} is at {last}, not {expected_seq}")
            for i, e in enumerate(events, start=1):
                s.add(EventRow(room=room, seq=last + i, type=e["type"], at=e.get("at", ""),
                               data=json.dumps(e, ensure_ascii=False)))
            s.commit()
            return last + len(events)

    def room_events(self, room: str) -> list[dict]:
        with Session(self.engine) as s:
            rows = s.exec(select(EventRow).where(EventRow.room == room).order_by(EventRow.seq)).all()
            return [json.loads(r.data) for r in rows]

    def rooms(self) -> list[str]:
        with Session(self.engine) as s:
            return list(s.exec(select(EventRow.room).distinct()).all())

    def log(self, room: str) -> list[dict]:
        """The log with sequence numbers and times, for the export."""
        with Session(self.engine) as s:
            rows = s.exec(select(EventRow).where(EventRow.room == room).order_by(EventRow.seq)).all()
            return [{"seq": r.seq, "at": r.at, **json.loads(r.data)} for r in rows]


def _sqlite_pragmas(dbapi_conn, _record):
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (IMMEDIATE, see below)
    cur = dbapi_conn.cursor()
    for pragma in ("journal_mode=WAL", "busy_timeout=30000", "synchronous=NORMAL", "foreign_keys=ON"):
        cur.execute(f"PRAGMA {pragma}")
    cur.close()


def _sqlite_begin_immediate(conn):
    conn.exec_driver_sql("BEGIN IMMEDIATE")
