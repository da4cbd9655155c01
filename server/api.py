"""The public JSON API v1 (bots, tests and integrations), documented in OpenAPI at /docs."""
from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Body, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field


router = APIRouter(prefix="/api/v1", tags=["api v1"])


class CreateRoom(BaseModel):
    scenario: str = Field("woonstad", strict=True, description="scenario id, see GET /api/v1/scenarios")
    tables: int = Field(1, strict=True, description="tables (corporations) in the room, 1 to 12")


class RoomCreated(BaseModel):
    code: str
    facilitator_token: str
    join_url: str
    screen_url: str
    console_url: str
    series_url: str


class Join(BaseModel):
    name: str = Field(..., max_length=200, description="display name, unique in the room")


class Joined(BaseModel):
    player_id: str
    token: str
    play_url: str


def bearer(authorization: Optional[str]) -> Optional[str]:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def base_url(request: Request) -> str:
    return (request.app.state.settings.public_url or str(request.base_url)).rstrip("/")


def service(request: Request):
    return request.app.state.service


@router.get("/scenarios")
async def scenarios(request: Request) -> list[dict]:
    return service(request).scenarios()


@router.post("/rooms", status_code=201, response_model=RoomCreated)
async def create_room(request: Request, body: CreateRoom = Body(default_factory=CreateRoom)):
    r = await service(request).create_room(body.scenario, body.tables)
    base = base_url(request)
    return {**r, "join_url": f"{base}/j/{r['code']}", "screen_url": f"{base}/r/{r['code']}/screen",
            "series_url": f"{base}/s/{r['code']}",
            "console_url": f"{base}/r/{r['code']}/f/{r['facilitator_token']}"}


@router.post("/rooms/{code}/players", status_code=201, response_model=Joined)
async def join(request: Request, code: str, body: Join):
    r = await service(request).join(code, body.name)
    return {**r, "play_url": f"{base_url(request)}/r/{code.upper()}/p/{r['token']}"}


@router.get("/rooms/{code}")
async def room_view(request: Request, code: str, authorization: Optional[str] = Header(None)) -> dict:
    svc = service(request)
    room = await svc.room(code)
    return svc.view(room, svc.viewer(room, bearer(authorization)))


COMMANDS_DOC = """One command of the facilitator or a player (who: the bearer token), as a JSON object with a
`type` and the fields of that type. `round` is optional; when given it must be the current round, so a
stale or replayed command is refused (409 `wrong_round`). A repeated identical command changes nothing.
Answers 200 `{version, view}` with the caller's new view, or a 4xx `{"error": {"code", "message"}}`
in Dutch (`?lang=en` for English) that changed nothing.

- facilitator, both modes: `start`, `lock`, `reopen`, `reveal`, `end`, `remove_player {player}`,
  `set_timer {seconds}`, `extend_timer {seconds}`, `clear_timer`, `pause`, `resume`, `nudge {player}`
- facilitator, DrieKamerSpel: `next_round`, `move_player {player, table}`, `swap_seats {player, other}`,
  `autopilot {player, on}`, `set_rotation {on}`
- facilitator, prioriteitenspel: `set_weight {stakeholder, weight}`, `assign {player, stakeholder}`,
  `next_round {rotate}` (another private round after a reveal), `open_joint {start_from: mes|greedy|empty}`,
  `joint_select {post, selected}`, `close_joint`
- players, DrieKamerSpel: `choose_frame {frame}`, `choose_rent_policy {policy}`, `select {option, selected}`,
  `cover {option, covered}`, `confirm`
- players, prioriteitenspel: `ballot {post, selected}` or `points {post, points}`, `submit`,
  `approve {vote: approve|object}`

`selected`, `covered`, `on` and `rotate` are JSON booleans (true when left out); `seconds`, `points`,
`table` and `round` whole numbers."""

COMMAND_EXAMPLES = {
    "frame": {"summary": "Vermogenskamer: the year's frame", "value": {"type": "choose_frame", "frame": "balanced",
                                                                       "round": 1}},
    "select": {"summary": "Vastgoedkamer: select a project", "value": {"type": "select", "option": "P1",
                                                                       "selected": True, "round": 1}},
    "cover": {"summary": "Maatschappelijke Kamer: cover its top", "value": {"type": "cover", "option": "P1",
                                                                            "covered": True, "round": 1}},
    "lock": {"summary": "Facilitator: lock the round", "value": {"type": "lock", "round": 1}},
    "ballot": {"summary": "Prioriteitenspel: a post in the package", "value": {"type": "ballot", "post": "M1",
                                                                               "selected": True, "round": 1}},
}


@router.post("/rooms/{code}/commands", summary="Send a command", description=COMMANDS_DOC)
async def command(request: Request, code: str,
                  cmd: dict[str, Any] = Body(..., openapi_examples=COMMAND_EXAMPLES),
                  authorization: Optional[str] = Header(None)) -> dict:
    svc = service(request)
    room, viewer = await svc.command(code, bearer(authorization), cmd)
    return {"version": room.version, "view": svc.view(room, viewer)}


@router.post("/rooms/{code}/next-session", status_code=201)
async def next_session(request: Request, code: str, authorization: Optional[str] = Header(None)):
    """Open the next workshop of a series (same scenario, tables and facilitator token)."""
    svc = service(request)
    token = bearer(authorization)
    new = await svc.new_session(code, token)
    room = await svc.room(new)
    base = base_url(request)
    return {"code": new, "series_url": f"{base}/s/{room.series}", "join_url": f"{base}/j/{new}",
            "console_url": f"{base}/r/{new}/f/{token}"}


@router.get("/rooms/{code}/export.json")
async def export(request: Request, code: str, authorization: Optional[str] = Header(None),
                 token: Optional[str] = None):
    data = await service(request).export(code, bearer(authorization) or token)
    return JSONResponse(data, headers={"Content-Disposition": f'attachment; filename="driekamer-{code.upper()}.json"'})
