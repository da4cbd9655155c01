"""Every error leaves as `{"error": {"code", "message"}}` with a 4xx; never a 500 for bad input."""
from __future__ import annotations

import logging

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from markupsafe import escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from game.messages import Refusal

log = logging.getLogger("driekamer")


def lang_of(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang") or "nl"
    return "en" if lang.lower().startswith("en") else "nl"


def error_json(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _wants_html(request: Request) -> bool:
    return (not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")
            and not request.headers.get("hx-request"))


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """A browser that opens a wrong link gets a page, not JSON."""
    lang = lang_of(request)
    home = "Naar de startpagina" if lang == "nl" else "To the start page"
    body = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="stylesheet" href="/static/app.css"><title>DrieKamerSpel</title></head>'
            f'<body><header class="top"><span class="brand">DrieKamerSpel</span></header><main>'
            f'<p class="card" role="alert">{escape(message)}</p><p><a class="button" href="/">{home}</a></p>'
            '</main></body></html>')
    return HTMLResponse(body, status_code=status)


async def refusal_handler(request: Request, exc: Refusal):
    if _wants_html(request):
        return error_page(request, exc.status, exc.message(lang_of(request)))
    return error_json(exc.status, exc.public_code, exc.message(lang_of(request)))


async def validation_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    errs = exc.errors()
    first = errs[0] if errs else {}
    if first.get("type") == "json_invalid":
        return error_json(400, "bad_request", Refusal("bad_json").message(lang_of(request)))
    lang = lang_of(request)
    where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
    said = FIELD_PROBLEMS.get(first.get("type", ""))
    msg = said[lang == "en"] if said else first.get("msg", "")
    if not where and first.get("type") == "missing":  # no body at all
        msg = ("stuur een JSON-object met de velden van de opdracht", "send a JSON object with the command's fields")[lang == "en"]
    detail = f"{where}: {msg}" if where else msg
    return error_json(422, "invalid_command", Refusal("invalid_command", detail=detail).message(lang))


# pydantic's error types, in the words of the rest of the messages (nl, en)
FIELD_PROBLEMS = {
    "int_type": ("moet een heel getal zijn", "must be a whole number"),
    "int_parsing": ("moet een heel getal zijn", "must be a whole number"),
    "int_from_float": ("moet een heel getal zijn", "must be a whole number"),
    "string_type": ("moet tekst zijn", "must be text"),
    "string_too_long": ("is te lang", "is too long"),
    "missing": ("ontbreekt", "is missing"),
    "string_unicode": ("moet gewone tekst zijn (een teken is onleesbaar)", "must be plain text (a character cannot be read)"),
    "model_attributes_type": ("moet een JSON-object zijn", "must be a JSON object"),
    "dict_type": ("moet een JSON-object zijn", "must be a JSON object"),
}

HTTP_TEXT = {404: ("Deze pagina of dit adres bestaat niet.", "This page or address does not exist."),
             405: ("Deze methode kan hier niet.", "This method is not allowed here.")}


async def http_handler(request: Request, exc: StarletteHTTPException):
    if exc.status_code == 400:  # e.g. a body that is not UTF-8: same answer as malformed JSON
        return error_json(400, "bad_request", Refusal("bad_json").message(lang_of(request)))
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    said = HTTP_TEXT.get(exc.status_code)
    message = said[lang_of(request) == "en"] if said else str(exc.detail)
    if _wants_html(request):
        return error_page(request, exc.status_code, message)
    return error_json(exc.status_code, code, message)


async def unexpected_handler(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s", request.url.path)
    return error_json(500, "internal", "Er ging iets mis op de server; er is niets veranderd. Probeer het opnieuw.")
