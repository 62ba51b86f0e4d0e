"""HTTP requests in; the desk page, PDFs, page counts and JSON answers out (a thin layer over Desk and parse_fields).

Bad input never raises past here: every problem becomes a 4xx naming the field, as JSON for the API
and as the form shown again with messages beside the fields.
"""

from __future__ import annotations

import json

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from ..content import BuildOptions
from ._desk import MAX_BODY, BuildFailed, Desk, download_name
from ._fields import FIELDS, FieldError, choosable, parse_fields
from ._pool import Busy
from ._security import COOKIE
from ..content import locale_for
from ..content._locale import primary
from ._ui import language_choices, page_language

RETRY_AFTER = "2"


class TooLarge(Exception):
    pass


def desk_of(request: Request) -> Desk:
    return request.app.state.desk


async def read_body(request: Request) -> bytes:
    """The body, refused past MAX_BODY whatever Content-Length claims."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise TooLarge()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


def api_errors(status: int, errors: list[FieldError], **headers: str) -> JSONResponse:
    return JSONResponse({"errors": [e.as_dict() for e in errors]}, status_code=status, headers=headers or None)


def pdf_response(desk: Desk, guide, options: BuildOptions, pdf: bytes, pages: int, how: str) -> Response:
    disposition = "inline" if how == "preview" else "attachment"
    return Response(pdf, media_type="application/pdf",
                    headers={"content-disposition": f'{disposition}; filename="{download_name(guide, options)}"',
                             "x-page-count": str(pages)},
                    background=BackgroundTask(desk.record, guide, options, pages, how))


# ---- JSON API ----------------------------------------------------------------------------


async def healthz(request: Request) -> JSONResponse:
    loaded = desk_of(request).watch.current()
    if loaded.ok:
        return JSONResponse({"ok": True, "title": loaded.guide.title})
    return JSONResponse({"ok": False, "problems": list(loaded.problems)}, status_code=503)


def _content_down(loaded) -> JSONResponse:
    return api_errors(503, [FieldError("content", p) for p in loaded.problems], **{"retry-after": "10"})


async def api_sections(request: Request) -> JSONResponse:
    loaded = desk_of(request).watch.current()
    if not loaded.ok:
        return _content_down(loaded)
    return JSONResponse([{"id": s.id, "title": s.title} for s in loaded.guide.sections])


async def api_guide(request: Request) -> Response:
    desk = desk_of(request)
    if request.scope["state"].get("auth") == "cookie" and not desk.guard.csrf_ok(request.headers.get("x-csrf-token")):
        return api_errors(403, [FieldError("csrf", "send the X-CSRF-Token header, or use Authorization: Bearer")])
    try:
        body = await read_body(request)
    except TooLarge:
        return api_errors(413, [FieldError("body", f"is larger than {MAX_BODY // 1024} KB")])
    try:
        raw = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        return api_errors(400, [FieldError("body", f"is not valid JSON: {exc}")])
    if not isinstance(raw, dict):
        return api_errors(400, [FieldError("body", "must be a JSON object with the fields: " + ", ".join(FIELDS))])
    edition = desk.edition(raw.get("language"))
    if edition is None:
        return api_errors(422, [_no_language(desk, raw.get("language"))])
    loaded = edition[0].current()
    if not loaded.ok:
        return _content_down(loaded)
    options, errors = parse_fields(raw, loaded.guide)
    if errors:
        return api_errors(422, errors)
    try:
        pdf, pages = await desk.build(loaded, options, edition[1])
    except Busy:
        return api_errors(503, [FieldError("", "every build worker is busy; try again shortly")],
                          **{"retry-after": RETRY_AFTER})
    except BuildFailed as exc:
        return api_errors(503, [FieldError("content", p) for p in exc.problems])
    return pdf_response(desk, loaded.guide, options, pdf, pages, "api")


async def api_pages(request: Request) -> JSONResponse:
    """GET /api/pages?paper=a4&large_print=true&sections=a&sections=b -> {"pages": N} from a real layout."""
    desk = desk_of(request)
    q = request.query_params
    edition = desk.edition(q.get("language"))
    if edition is None:
        return api_errors(422, [_no_language(desk, q.get("language"))])
    loaded = edition[0].current()
    if not loaded.ok:
        return _content_down(loaded)
    raw: dict[str, object] = {k: q[k] for k in ("paper", "large_print") if k in q}
    if "sections" in q:
        raw["sections"] = q.getlist("sections")
    unknown = [k for k in q if k not in ("paper", "large_print", "sections", "language")]
    options, errors = parse_fields(raw, loaded.guide, form=True)
    errors += [FieldError(k, "not a page-count field") for k in unknown]
    if errors:
        return api_errors(422, errors)
    try:
        pages = await desk.page_count(loaded, options, edition[1])
    except Busy:
        return api_errors(503, [FieldError("", "busy; try again shortly")], **{"retry-after": RETRY_AFTER})
    except BuildFailed as exc:
        return api_errors(503, [FieldError("content", p) for p in exc.problems])
    return JSONResponse({"pages": pages})


# ---- the page and its form ---------------------------------------------------------------


WHOLE = (("ed_letter", "letter", False), ("ed_letter_large", "letter", True),
         ("ed_a4", "a4", False), ("ed_a4_large", "a4", True))


def render_page(request: Request, values: dict | None = None, errors: list[FieldError] = (),
                status: int = 200, notice: str | None = None, pages: int | None = None,
                ui: str | None = None) -> Response:
    """The desk page in the advocate's language ``ui``, showing the guide edition in the form's language."""
    desk = desk_of(request)
    ui = ui or page_language(request)
    words = locale_for(ui)
    values = dict(values or {})
    # the guide's language: as chosen on the form, else the page's own when the desk has that edition
    if not values.get("language") or desk.edition(values["language"]) is None:
        values["language"] = next((tag for tag in desk.editions if tag.split("-")[0].lower() == ui),
                                  next(iter(desk.editions), ""))
    found = desk.edition(values["language"]) or (desk.watch, None)
    loaded = found[0].current()
    ctx: dict = {"loaded": loaded, "errors": {}, "notice": notice, "csrf": desk.guard.csrf, "pages": pages,
                 "t": words.desk_words, "ui": ui, "ui_choices": language_choices()}
    if loaded.ok:
        g = loaded.guide
        sections = choosable(g)
        v = {"paper": "letter", "large_print": False, "sections": [s.id for s in sections],
             "for": "", "advocate": "", "note": "", **values}
        chosen = BuildOptions(paper=v["paper"] if v["paper"] in ("letter", "a4") else "letter",
                              large_print=bool(v["large_print"]))
        whole = [(words.desk_words(label), desk.known_count(loaded, BuildOptions(paper=p, large_print=lp)))
                 for label, p, lp in WHOLE]
        if pages is None and set(v["sections"]) == {s.id for s in sections}:
            pages = desk.known_count(loaded, chosen)
        by_field: dict[str, list[str]] = {}
        for e in errors:
            by_field.setdefault(e.field, []).append(e.message)
        back = [s.title for s in g.sections if s not in sections]
        names = dict(language_choices())
        guide_languages = [(tag, names.get(primary(tag), tag)) for tag in desk.editions]
        ctx.update(guide=g, sections=sections, back=back, v=v, errors=by_field, whole=whole, pages=pages,
                   error_list=list(errors), guide_languages=guide_languages)
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "desk.html", ctx, status_code=status if loaded.ok else 503)


async def page(request: Request) -> Response:
    return render_page(request)


def _form_values(form) -> dict:
    return {"paper": form.get("paper", "letter"), "large_print": form.get("large_print", "") != "",
            "sections": form.getlist("sections"), "for": form.get("for", ""),
            "advocate": form.get("advocate", ""), "note": form.get("note", ""),
            "language": form.get("language", "")}


async def guide_form(request: Request) -> Response:
    """POST /guide.pdf: Preview (inline), Download (attachment), or Count pages (the page again, counted)."""
    desk = desk_of(request)
    try:
        body = await read_body(request)
    except TooLarge:
        words = locale_for(page_language(request))
        return render_page(request, errors=[FieldError("form", words.desk_words("too_large", kb=MAX_BODY // 1024))],
                           status=413)
    form = await _replayed(request, body).form()
    ui = page_language(request, form.get("ui", ""))
    words = locale_for(ui)
    if request.scope["state"].get("auth") == "cookie" and not desk.guard.csrf_ok(form.get("csrf")):
        return render_page(request, errors=[FieldError("form", words.desk_words("expired"))], status=403, ui=ui)
    values = _form_values(form)
    extra = [k for k in form if k not in (*FIELDS, "csrf", "action", "ui")]
    edition = desk.edition(form.get("language"))
    if edition is None:
        return render_page(request, values, [_no_language(desk, form.get("language"))], status=422, ui=ui)
    loaded = edition[0].current()
    if not loaded.ok:
        return render_page(request, values, ui=ui)
    options, errors = parse_fields(values, loaded.guide, form=True)
    errors += [FieldError(k, "is not a field of this form") for k in extra]
    action = form.get("action", "preview")
    if action not in ("preview", "download", "count"):
        errors.append(FieldError("action", "must be preview, download or count"))
    if errors:
        return render_page(request, values, errors, status=422, ui=ui)
    try:
        if action == "count":
            pages = await desk.page_count(loaded, options, edition[1])
            return render_page(request, values, pages=pages, ui=ui)
        pdf, pages = await desk.build(loaded, options, edition[1])
    except Busy:
        resp = render_page(request, values, status=503, notice=words.desk_words("busy"), ui=ui)
        resp.headers["retry-after"] = RETRY_AFTER
        return resp
    except BuildFailed as exc:
        return render_page(request, values, [FieldError("form", p) for p in exc.problems], status=503, ui=ui)
    return pdf_response(desk, loaded.guide, options, pdf, pages, action)


def _no_language(desk, value) -> FieldError:
    return FieldError("language", f"no edition in {str(value)[:20]!r}; this desk has " + ", ".join(desk.editions))


def _replayed(request: Request, body: bytes) -> Request:
    """The same request with its (already bounded) body ready to be read again by the form parser."""
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


# ---- sign-in (token mode) ----------------------------------------------------------------


async def signin(request: Request) -> Response:
    desk = desk_of(request)
    templates = request.app.state.templates
    if not desk.guard.on:
        return RedirectResponse("/", status_code=303)
    ui = page_language(request)
    words = locale_for(ui)
    error = None
    if request.method == "POST":
        try:
            body = await read_body(request)
        except TooLarge:
            body = b""
        form = await _replayed(request, body).form()
        if desk.guard.check_token(str(form.get("token", ""))):
            resp = RedirectResponse(f"/?lang={ui}", status_code=303)
            resp.set_cookie(COOKIE, desk.guard.session, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", path="/")
            return resp
        error = words.desk_words("token_wrong")
    return templates.TemplateResponse(request, "signin.html",
                                      {"error": error, "t": words.desk_words, "ui": ui, "ui_choices": language_choices(),
                                       "here": "/signin"},
                                      status_code=401 if error else 200)
