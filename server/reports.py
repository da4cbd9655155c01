"""Debrief page, CSV and PDF exports, printable option cards and paper ballots.

- GET /r/{code}/debrief[?lang=en]        the whole game so far (only revealed years): anyone with the code
- GET /r/{code}/debrief.pdf              the same as an A4 report (WeasyPrint)
- GET /api/v1/rooms/{code}/export.csv    facilitator only (?token= or Bearer); `sep=;` (default) or `sep=,`
- GET /r/{code}/print/cards[?table=0]    the option cards with their pre-computed effects (`format=pdf`)
- GET /r/{code}/print/ballot[?table=0]   a paper ballot per chamber / stakeholder (`format=pdf`)
"""
from __future__ import annotations

from typing import Optional

from anyio import to_thread
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse, Response

from game.messages import Refusal

from . import exports
from .api import bearer, service
from .errors import lang_of

router = APIRouter()  # the pages stay out of the OpenAPI schema; export.csv is part of the API v1

SCREEN = ("screen", None)


def _render(request: Request, template: str, lang: str, /, **ctx) -> str:
    return request.app.state.renderer.render(template, lang=lang, **ctx)


def _page(request: Request, html: str) -> HTMLResponse:
    resp = HTMLResponse(html)
    if request.query_params.get("lang"):
        resp.set_cookie("lang", lang_of(request), max_age=3600 * 24 * 365, samesite="lax")
    return resp


async def _pdf(html: str, filename: str) -> Response:
    data = await to_thread.run_sync(exports.pdf_bytes, html)
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


def _is_facilitator(svc, room, token: Optional[str]) -> bool:
    try:
        return bool(token) and svc.viewer(room, token)[0] == "facilitator"
    except Refusal:
        return False


async def _debrief_html(request: Request, code: str, pdf: bool, token: Optional[str] = None) -> tuple[object, str]:
    svc = service(request)
    room = await svc.room(code)
    lang = lang_of(request)
    view = svc.view(room, SCREEN)  # what the big screen may show: revealed years only
    data = (exports.prio_debrief(room, view, lang) if room.prio is not None
            else exports.debrief(room, view, lang))
    q = f"?lang={lang}"
    links = {"pdf_url": f"/r/{room.code}/debrief.pdf{q}", "csv_url": "", "json_url": ""}
    if _is_facilitator(svc, room, token):
        links["csv_url"] = f"/api/v1/rooms/{room.code}/export.csv?token={token}"
        links["json_url"] = f"/api/v1/rooms/{room.code}/export.json?token={token}"
    html = _render(request, "debrief.html", lang, v=view, d=data, pdf=pdf,
                   css=exports.app_css() if pdf else "", **links)
    return room, html


@router.get("/r/{code}/debrief", response_class=HTMLResponse, include_in_schema=False)
async def debrief_page(request: Request, code: str, token: Optional[str] = None):
    """The debrief: trajectories, decisions per role per round, tables side by side, insights."""
    _, html = await _debrief_html(request, code, pdf=False, token=token)
    return _page(request, html)


@router.get("/r/{code}/debrief.pdf", include_in_schema=False)
async def debrief_pdf(request: Request, code: str):
    room, html = await _debrief_html(request, code, pdf=True)
    return await _pdf(html, f"driekamer-{room.code}-nabespreking.pdf")


@router.get("/api/v1/rooms/{code}/export.csv", tags=["api v1"],
            response_class=Response, responses={200: {"content": {"text/csv": {}}}})
async def export_csv(request: Request, code: str, token: Optional[str] = None, sep: str = ";",
                     authorization: Optional[str] = Header(None)):
    """One row per table per year (DrieKamerSpel) or per stakeholder x package (prioriteitenspel).
    UTF-8 with a BOM; `;` and a decimal comma for a Dutch Excel, or `sep=,` with a decimal point."""
    svc = service(request)
    room = await svc.room(code)
    if svc.viewer(room, bearer(authorization) or token)[0] != "facilitator":  # 401 without a token, as export.json
        raise Refusal("not_facilitator")
    seps = {";": ";", ",": ",", "semicolon": ";", "comma": ","}
    if sep not in seps:
        raise Refusal("bad_separator", sep=sep[:10])
    view = svc.view(room, ("facilitator", None))
    header, rows = (exports.prio_csv(room, view) if room.prio is not None else exports.driekamer_csv(room, view))
    data = exports.csv_bytes(header, rows, seps[sep])
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="driekamer-{room.code}.csv"'})


async def _paper(request: Request, code: str, kind: str, table: int, fmt: str):
    svc = service(request)
    room = await svc.room(code)
    lang = lang_of(request)
    if fmt not in ("html", "pdf"):
        raise Refusal("invalid_command", detail="format: html | pdf")
    view = svc.view(room, SCREEN)
    if room.prio is not None:
        data = await to_thread.run_sync(exports.prio_paper, room, view)
    else:
        if not 0 <= table < len(room.tables):
            raise Refusal("unknown_table", table=table + 1, tables=len(room.tables))
        data = exports.paper(room, table)
    pdf = fmt == "pdf"
    template = "print_cards.html" if kind == "cards" else "print_ballot.html"
    html = _render(request, template, lang, v=view, p=data, pdf=pdf, css=exports.app_css() if pdf else "",
                   pdf_url=f"/r/{room.code}/print/{kind}?format=pdf&table={table}&lang={lang}")
    if pdf:
        name = "optiekaarten" if kind == "cards" else "stembiljet"
        return await _pdf(html, f"driekamer-{room.code}-{name}.pdf")
    return _page(request, html)


@router.get("/r/{code}/print/cards", include_in_schema=False)
async def print_cards(request: Request, code: str, table: int = 0, fmt: str = Query("html", alias="format")):
    return await _paper(request, code, "cards", table, fmt)


@router.get("/r/{code}/print/ballot", include_in_schema=False)
async def print_ballot(request: Request, code: str, table: int = 0, fmt: str = Query("html", alias="format")):
    return await _paper(request, code, "ballot", table, fmt)
