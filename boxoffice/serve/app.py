"""The FastAPI app: the routes of ``boxoffice serve``, its guards (token, request size) and its error shape.

Every refusal is one JSON body, ``{"error": "...", "detail": [{"field", "problem", "fix"}]}``: a 422 for a
value (pydantic's own checks and the library's ``InputError`` alike), 401 for a missing token, 413 for a
body over ``MAX_BODY_BYTES``. Nothing a client sends reaches a traceback; no request names a server path.
"""
from __future__ import annotations

import hmac
import logging
from importlib import resources
from typing import Annotated, Literal, Optional

from fastapi import FastAPI, Path, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from boxoffice.break_even import HIGHEST, LOWEST, MULTIPLE
from boxoffice.errors import InputError
from boxoffice.serve.batch import Batcher
from boxoffice.serve.requests import (MAX_BODY_BYTES, CastIn, CompareIn, CompsIn, ForecastIn, SlateIn, SweepIn,
                                      WindowIn)
from boxoffice.serve.service import NAME_ROLES, FieldError, Service

log = logging.getLogger("boxoffice.serve")

ASSETS = {"/": ("index.html", "text/html; charset=utf-8"), "/app.js": ("app.js", "text/javascript; charset=utf-8"),
          "/app.css": ("app.css", "text/css; charset=utf-8")}
"""The page's files, served from the package by exact path (a request cannot reach another file)."""

SECURITY_HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
                    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
"""The page may load only its own files: a scenario never leaves the machine through a stray request."""
DOCS_POLICY = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"


def _refusal(status: int, detail: list[dict]) -> JSONResponse:
    first = detail[0]
    text = f"{first['field']}: {first['problem']}" if first.get("field") else first["problem"]
    return JSONResponse({"error": text, "detail": detail}, status_code=status)


def _pydantic_detail(err: RequestValidationError) -> list[dict]:
    out = []
    for item in err.errors():
        loc = [str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path")]
        field = ".".join(loc).replace(".[", "[") or "body"
        kind = item.get("type", "")
        problem = ("unknown field: use the fields of `boxoffice predict`" if kind == "extra_forbidden"
                   else "is required" if kind == "missing" else str(item.get("msg", "is not valid")))
        out.append({"field": field, "problem": problem, "fix": None})
    return out or [{"field": "body", "problem": "the request is not valid JSON of the expected shape", "fix": None}]


class BodyLimit:
    """ASGI guard: a request body over ``limit`` bytes is refused with a 413 and read no further (a
    ``Content-Length`` that says so, before any byte; a body sent in chunks, as soon as it passes the limit)."""

    def __init__(self, app, limit: int = MAX_BODY_BYTES):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > self.limit:
                return await self._too_big(scope, receive, send)
            return await self.app(scope, receive, send)  # the server reads no more than it declared
        messages, seen = [], 0
        while True:  # chunked: read up to the limit before the app sees any of it
            message = await receive()
            messages.append(message)
            seen += len(message.get("body", b""))
            if seen > self.limit:
                return await self._too_big(scope, receive, send)
            if message["type"] != "http.request" or not message.get("more_body"):
                break

        async def replay():
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    def _too_big(self, scope, receive, send):
        return _refusal(413, [{"field": "body", "problem": f"the request is over {self.limit // 1024} KB",
                               "fix": "send fewer films or variants per request"}])(scope, receive, send)


class Guard:
    """ASGI guard: the bearer token on every ``/api/`` call, the security headers on every answer, and a
    bug's 500 as the same JSON refusal (never a traceback). Plain ASGI rather than ``@app.middleware``,
    which runs each request through an extra task and streams (a few ms of a forecast's CPU under load)."""

    def __init__(self, app, token: str | None = None):
        self.app, self.token = app, token

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        if self.token and path.startswith("/api/"):
            given = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
            scheme, _, value = given.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), self.token.encode()):
                return await _refusal(401, [{"field": "Authorization", "problem": "a bearer token is required",
                                             "fix": "send the header 'Authorization: Bearer <token>' with the token "
                                                    "`boxoffice serve` was started with"}])(scope, receive, send)
        started = False

        async def with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers += [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()
                            if name.lower().encode() not in present]
                if path == "/docs":  # Swagger UI starts itself with an inline script
                    headers = [(n, DOCS_POLICY.encode() if n == b"content-security-policy" else v) for n, v in headers]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception:  # noqa: BLE001 - a bug must not show a client a traceback
            log.exception("unexpected error on %s", path)
            if started:  # the answer has begun: nothing else can be sent
                raise
            await _refusal(500, [{"field": None, "problem": "internal error (see the server's log)",
                                  "fix": None}])(scope, receive, with_headers)


def create_app(service: Service, token: str | None = None) -> FastAPI:
    """The app over ``service``; with ``token``, every ``/api/`` call needs ``Authorization: Bearer <token>``."""
    app = FastAPI(title="boxoffice", version="1", summary="Pre-release box-office forecasts: the scenario builder's API",
                  docs_url=None, redoc_url=None,  # /docs is served below from files in the package, not a CDN
                  description="The same forecasts as the `boxoffice` command, as JSON. Money is USD of the release "
                              "year; a film field left out is *not decided yet* (mixed over comparable films).")

    @app.exception_handler(RequestValidationError)
    async def invalid(request, err):
        return _refusal(422, _pydantic_detail(err))

    @app.exception_handler(InputError)
    async def refused(request, err):
        return _refusal(422, [{"field": getattr(err, "field", None) or err.column or "body", "problem": err.message,
                               "fix": err.hint}])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request, err):
        problem = "no such endpoint: see /docs" if err.status_code == 404 else str(err.detail)
        return _refusal(err.status_code, [{"field": None, "problem": problem, "fix": None}])

    for path, (name, kind) in ASSETS.items():
        body = resources.files("boxoffice.serve").joinpath("static", name).read_bytes()
        app.add_api_route(path, _asset(body, kind), methods=["GET"], include_in_schema=False)

    _docs(app)
    _routes(app, service)
    app.add_middleware(Guard, token=token)
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)  # outermost: before anything reads the body
    return app


DOCS_ASSETS = {"swagger-ui-bundle.js": "text/javascript; charset=utf-8", "swagger-ui.css": "text/css; charset=utf-8"}


def _docs(app: FastAPI) -> None:
    """The OpenAPI page at /docs, with Swagger UI's files from the swagger-ui-bundle package."""
    from pathlib import Path as FilePath

    from fastapi.openapi.docs import get_swagger_ui_html
    from swagger_ui_bundle import swagger_ui_path

    for name, kind in DOCS_ASSETS.items():
        body = (FilePath(swagger_ui_path) / name).read_bytes()
        app.add_api_route(f"/docs-assets/{name}", _asset(body, kind), methods=["GET"], include_in_schema=False)

    async def docs():
        return get_swagger_ui_html(openapi_url="/openapi.json", title="boxoffice API",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css", swagger_favicon_url="data:,")

    app.add_api_route("/docs", docs, methods=["GET"], include_in_schema=False)


def _asset(body: bytes, kind: str):
    async def serve_asset() -> Response:
        return Response(body, media_type=kind, headers={"Cache-Control": "no-cache"})

    return serve_asset


Role = Literal["cast", "director", "distributor"]


def _routes(app: FastAPI, service: Service) -> None:
    batcher = Batcher(service.forecasts)  # concurrent forecasts are scored together
    app.state.forecast_batcher = batcher

    @app.get("/api/health", tags=["model"])
    def health() -> dict:
        """The model in use, its data period and its backtest line (pooled, against the baseline); `forecast_batches`:
        how concurrent forecasts were scored together by this process so far."""
        return service.health() | {"forecast_batches": batcher.summary()}

    @app.post("/api/forecast", tags=["forecast"])
    async def forecast(film: ForecastIn) -> dict:
        """One film: the keys of `boxoffice predict --json` (worldwide_p10/p50/p90, domestic_…, break_even_prob,
        break_even_gross, …), its drivers in dollars, the warnings, unknown names with the closest known ones,
        what was assumed and what was mixed over."""
        # JSON-ready already (``json_ready``): sent as it is, not walked again by FastAPI's encoder
        return JSONResponse(await batcher.submit((film.fields(), film.break_even_multiple, film.explain)))

    @app.post("/api/slate", tags=["forecast"])
    def slate(body: SlateIn) -> dict:
        """Films as `predict --input` forecasts a slate; a bad film gets its `problem`, the others their forecast."""
        return service.slate(body.films, body.break_even_multiple)

    @app.post("/api/compare", tags=["what-if"])
    def compare(body: CompareIn) -> dict:
        """A base and named variants (or a scenario file's text), as `boxoffice compare FILE` scores them."""
        return service.compare(body.base, body.variants, body.yaml, body.break_even_multiple)

    @app.post("/api/sweep", tags=["what-if"])
    def sweep(body: SweepIn) -> dict:
        """One lever (budget, release date, runtime) over a range, with the P10–P90 band: `boxoffice sweep`."""
        return service.sweep(body.film.fields(), body.field, body.span, body.steps, body.break_even_multiple)

    @app.post("/api/release-window", tags=["what-if"])
    def release_window(body: WindowIn) -> dict:
        """The Friday openings (or months) of a year, ranked: `boxoffice release-window`."""
        return service.release_window(body.film.fields(), body.year, body.between, body.by, body.break_even_multiple)

    @app.post("/api/cast", tags=["what-if"])
    def cast(body: CastIn) -> dict:
        """Who to put in a slot, with track records and talent value: `boxoffice cast`."""
        return service.cast(body.film.fields(), body.role, body.candidates, body.top, body.min_films,
                            body.break_even_multiple)

    @app.post("/api/comps", tags=["what-if"])
    def comps(body: CompsIn) -> dict:
        """The historical films most like this one, with what they made: `boxoffice comps`."""
        return service.comps(body.film.fields(), body.k)

    @app.get("/api/talent/{name}", tags=["talent"])
    def talent(name: Annotated[str, Path(max_length=200)],
               role: Optional[Literal["cast", "director"]] = None,
               as_of: Annotated[Optional[str], Query(max_length=40)] = None,
               break_even_multiple: Annotated[float, Query(ge=LOWEST, le=HIGHEST)] = MULTIPLE) -> dict:
        """A person's films up to a date and the model's value of them: `boxoffice talent NAME`."""
        return service.talent(name, role, as_of, break_even_multiple)

    @app.get("/api/names", tags=["talent"])
    def names(prefix: Annotated[str, Query(max_length=100)] = "", role: Optional[Role] = None,
              limit: Annotated[int, Query(ge=1, le=50)] = 10) -> dict:
        """Known cast, directors and distributors starting with `prefix`, for autocompletion."""
        return service.names(prefix, role, limit)


__all__ = ["create_app", "FieldError", "NAME_ROLES"]
