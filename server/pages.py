"""HTML pages and htmx actions: the browser face of the same service functions."""
from __future__ import annotations

from typing import Optional
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request, WebSocket
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from game.messages import Refusal

from . import service as service_module
from .api import base_url, service
from .errors import lang_of

router = APIRouter(include_in_schema=False)

PARTIALS = {"player": "partials/player_game.html", "facilitator": "partials/console_game.html",
            "screen": "partials/screen_game.html"}
PRIO_PARTIALS = {"player": "partials/prio_player.html", "facilitator": "partials/prio_console.html",
                 "screen": "partials/prio_screen.html"}
PAGES = {"player": "player.html", "facilitator": "console.html", "screen": "screen.html"}
INT_FIELDS = ("round",) + service_module.INT_FIELDS  # a form sends text: these become numbers


def _html(request: Request, template: str, /, status: int = 200, **ctx) -> HTMLResponse:
    lang = lang_of(request)  # `template` is positional-only: the join form passes a player's `name`
    resp = HTMLResponse(request.app.state.renderer.render(template, lang=lang, **ctx), status_code=status)
    if request.query_params.get("lang"):
        resp.set_cookie("lang", lang, max_age=3600 * 24 * 365, samesite="lax")
    return resp


def _links(base: str, code: str, token: Optional[str]) -> dict:
    return {"base_url": base, "join_url": f"{base}/j/{code}", "screen_url": f"{base}/r/{code}/screen",
            "export_url": f"{base}/api/v1/rooms/{code}/export.json?token={token}" if token else "",
            "act_url": f"/r/{code}/act/{token}" if token else "",
            "debrief_url": f"{base}/r/{code}/debrief" + (f"?token={token}" if token else ""),
            "csv_url": f"{base}/api/v1/rooms/{code}/export.csv?token={token}" if token else ""}


def context(app, room, viewer: tuple, token: Optional[str], base: str, lang: str) -> dict:
    view = app.state.service.view(room, viewer)
    ws = f"/ws/{room.code}?format=html&lang={lang}" + (f"&token={token}" if token else "")
    return {"v": view, "ws_url": ws, **_links(base, room.code, token)}


def render_partial(app, room, viewer: tuple, token: Optional[str], base: str, lang: str) -> str:
    ctx = context(app, room, viewer, token, base, lang)
    return app.state.renderer.render(partial_for(room, viewer), lang=lang, **ctx)


def partial_for(room, viewer: tuple) -> str:
    return (PRIO_PARTIALS if room.prio is not None else PARTIALS)[viewer[0]]


@router.get("/", response_class=HTMLResponse)
async def home(request: Request):
    svc = service(request)
    return _html(request, "home.html", scenarios=svc.scenarios(),
                 default_scenario=request.app.state.settings.default_scenario)


@router.post("/rooms")
async def create_room_form(request: Request, scenario: str = Form("woonstad"), tables: int = Form(1)):
    r = await service(request).create_room(scenario, tables)
    return RedirectResponse(f"/r/{r['code']}/f/{r['facilitator_token']}", status_code=303)


@router.post("/j")
async def join_by_code(request: Request, code: str = Form(...), name: str = Form(...)):
    return await join_form(request, code.strip().upper(), name)


@router.get("/j/{code}", response_class=HTMLResponse)
async def join_page(request: Request, code: str):
    room = await service(request).room(code)
    if room.successor:  # the workshop moved on to the next session of the series
        return RedirectResponse(f"/s/{room.series}", status_code=303)
    return _html(request, "join.html", code=room.code)


@router.get("/s/{series}")
async def series_link(request: Request, series: str):
    """The reusable link of a series of workshops: always the newest session's join page."""
    code = await service(request).latest_in_series(series)
    return RedirectResponse(f"/j/{code}", status_code=303)


@router.post("/r/{code}/next-session/{token}")
async def next_session(request: Request, code: str, token: str):
    new = await service(request).new_session(code, token)
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": f"/r/{new}/f/{token}"})
    return RedirectResponse(f"/r/{new}/f/{token}", status_code=303)


@router.post("/j/{code}")
async def join_form(request: Request, code: str, name: str = Form(...)):
    code = code.upper()
    try:
        r = await service(request).join(code, name)
    except Refusal as exc:
        if exc.code == "unknown_room":
            return _html(request, "home.html", status=404, scenarios=service(request).scenarios(),
                         default_scenario="woonstad", error=exc.message(lang_of(request)))
        return _html(request, "join.html", status=exc.status, code=code, name=name, error=exc.message(lang_of(request)))
    return RedirectResponse(f"/r/{code}/p/{r['token']}", status_code=303)


async def _page(request: Request, code: str, token: Optional[str], kind: str):
    svc = service(request)
    room = await svc.room(code)
    viewer = ("screen", None) if kind == "screen" else svc.viewer(room, token)
    if viewer[0] != kind:
        raise Refusal("forbidden")
    lang = lang_of(request)
    ctx = context(request.app, room, viewer, token, base_url(request), lang)
    return _html(request, PAGES[kind], partial=partial_for(room, viewer), **ctx)


@router.get("/r/{code}/p/{token}", response_class=HTMLResponse)
async def player_page(request: Request, code: str, token: str):
    return await _page(request, code, token, "player")


@router.get("/r/{code}/f/{token}", response_class=HTMLResponse)
async def console_page(request: Request, code: str, token: str):
    return await _page(request, code, token, "facilitator")


@router.get("/r/{code}/screen", response_class=HTMLResponse)
async def screen_page(request: Request, code: str):
    return await _page(request, code, None, "screen")


@router.get("/r/{code}/qr.svg")
async def qr(request: Request, code: str):
    room = await service(request).room(code)
    from .render import qr_svg
    return Response(str(qr_svg(f"{base_url(request)}/j/{room.code}", 8)), media_type="image/svg+xml")


@router.post("/r/{code}/act/{token}", response_class=HTMLResponse)
async def act(request: Request, code: str, token: str):
    """An htmx action: the same command as the JSON API, answered with the new fragment."""
    form = await request.form()
    cmd: dict = {}
    for k, v in form.items():
        if k in INT_FIELDS:
            try:
                cmd[k] = int(v)
            except ValueError:
                raise Refusal("invalid_command", detail=f"{k} = {v!r}") from None
        elif k in service_module.BOOL_FIELDS:
            cmd[k] = v in ("1", "true", "on")
        else:
            cmd[k] = v
    svc = service(request)
    lang = lang_of(request)
    try:
        room, viewer = await svc.command(code, token, cmd)
    except Refusal as exc:
        return HTMLResponse(f"<div id=\"flash\" role=\"alert\">{_escape(exc.message(lang))}</div>",
                            status_code=exc.status)
    return HTMLResponse(render_partial(request.app, room, viewer, token, base_url(request), lang))


def _escape(text: str) -> str:
    from markupsafe import escape
    return str(escape(text))


@router.websocket("/ws/{code}")
async def websocket(ws: WebSocket, code: str):
    """Pushes the viewer's full view on connect and after every change (HTML or JSON)."""
    app = ws.app
    origin = ws.headers.get("origin")
    if origin and urlsplit(origin).netloc != ws.headers.get("host"):
        await ws.close(code=1008)  # CORS does not guard websockets: refuse foreign pages
        return
    svc = app.state.service
    token = ws.query_params.get("token")
    fmt = ws.query_params.get("format", "json")
    lang = "en" if ws.query_params.get("lang", "nl").startswith("en") else "nl"
    try:
        room = await svc.room(code)
        viewer = svc.viewer(room, token) if token else ("screen", None)
    except Refusal as exc:
        await ws.accept()
        import json
        await ws.send_text(json.dumps(exc.as_error(lang)))
        await ws.close(code=1008)
        return
    await ws.accept()
    scheme = "https" if ws.url.scheme == "wss" else "http"
    base = app.state.settings.public_url or f"{scheme}://{ws.headers.get('host', 'localhost')}"

    def render() -> str:
        current = svc.rooms.get(room.code, room)
        if fmt == "html":
            return render_partial(app, current, viewer, token, base, lang)
        import json
        return json.dumps({"version": current.version, "view": svc.view(current, viewer)})

    await svc.hub.serve(ws, room.code, viewer, render)
