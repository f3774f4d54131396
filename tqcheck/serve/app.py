"""The desk's HTTP face: the page and a small JSON API, on Starlette.

  GET  /              the review page
  GET  /healthz       {"status": "ok", "version", "model", "files"}
  GET  /api/rules     every rule, as `tqcheck rules --json` lists it
  GET  /api/progress  the check running now: {"checking", "paragraphs_read", "paragraphs", "seconds"}
  POST /api/check     {text, source?, reference?, name?, lang?, source_lang?, rules?, use_model?, format?}
                      -> the v1 JSON report `tqcheck check -f json` prints (or another --format's output)
  POST /api/review    the same check -> {"report": v1, "html": the file's section of the review page,
                      "pending", "reading": windows the model read and those from the reading cache};
                      with "quick": true, the quick re-check after an edit (tqcheck.serve.quick)
  POST /api/fix       {text, edits?: [{start, end, text, replacement}], fix_confidence?, ...check fields}
                      -> {"text", "applied", "skipped", "diff"}; without edits, the check's confident fixes
  POST /api/upload    raw bytes of a file -> {"text"}, decoded as `tqcheck check` decodes a file
  GET  /api/files     the files under PATH;  GET /api/file?path=NAME  one of them, with "source": {path,
                      lang, text} when its source is beside it (story.zh.txt for story.en.txt)
  POST /api/save      {path, text, sha256, overwrite?} -> writes it back, keeping a backup; a file changed
                      on disk since is a 409 unless "overwrite" (keep mine: theirs goes to a backup);
                      {path, text, new: true} saves as a new file (never over one that is there)
  POST /api/changes   {original, text, name?, format: "diff" | "html"} -> the tracked changes: a unified
                      diff, or a page an editor can forward
  GET  /api/decisions?path=NAME   the editor's decisions on that file's findings (tqcheck.serve.decisions)
  POST /api/decisions {path, fingerprint, decision, reason?} -> the record, with that decision kept
                      ("open" forgets it)
  POST /api/ignore    {rule, scope: "file" | "folder", path?, ignore?: bool} -> sets a rule aside: for one
                      file in its review record ({path} required) and in the folder config's
                      per-file-ignores, or for the folder by writing rule = "off" into its tqcheck
                      config (and the desk's settings from then on)
  /api/check also takes "decisions": {fingerprint: {decision, reason?, by?}}: each finding
  then carries its "review" in the report, as the desk's downloads show it.

Errors are JSON {"error": message} with a 4xx status (5xx when the check itself broke); the server
logs the traceback and keeps serving.
"""
from __future__ import annotations

import copy
import logging
import time
from typing import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .. import __version__
from ..config import set_file_ignore
from ..errors import ConfigError, InputError, TqcheckError
from ..findings import Category, Finding, Fix, Severity
from ..fix import apply_fixes, left_because, unified_diff
from ..render import get_format, render
from ..render.html import render_changes, render_file_section
from ..rules import all_rules, rules_table
from ..textio import decode
from . import inputs
from .decisions import DecisionStore, apply_decisions, request_decisions
from .desk import Busy, Desk
from .files import PathRefused, SaveConflict, Workspace, digest
from .guard import Guard
from .inputs import RequestError
from .page import desk_page

log = logging.getLogger("tqcheck.serve")

DEFAULT_MAX_BODY = 2 * 1024 * 1024  # 2 MiB: a long article with its source and reference fits many times over
# Seconds for a request's whole body to arrive: 2 MiB at 100 KB/s, with room; a client that stops
# half-way gets 408 instead of holding its connection for ever.
DEFAULT_BODY_TIMEOUT = 30.0



def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def answers_errors(route: Callable[[Request], Awaitable[Response]]):
    """Turn every failure of a route into a JSON error for that request alone."""
    async def wrapped(request: Request) -> Response:
        try:
            return await route(request)
        except (RequestError, PathRefused) as exc:
            return _error(exc.status, str(exc))
        except SaveConflict as exc:
            return _error(409, str(exc))
        except Busy as exc:
            return _error(503, str(exc))
        except InputError as exc:
            return _error(400, str(exc))
        except TqcheckError as exc:  # a bad option (unknown rule) or a rule that failed on this text
            log.warning("request failed: %s", exc)
            return _error(422, str(exc))
        except Exception:  # noqa: BLE001 - a bug must cost one request, not the server
            log.exception("internal error in %s %s", request.method, request.url.path)
            return _error(500, "internal error: the check failed; the server log has the details")

    return wrapped


def create_app(desk: Desk, workspace: Workspace | None = None, max_body: int = DEFAULT_MAX_BODY,
               allowed_hosts: frozenset[str] | None = frozenset({"127.0.0.1", "localhost", "[::1]"}),
               body_timeout: float = DEFAULT_BODY_TIMEOUT):
    """The ASGI app.  ``allowed_hosts`` None accepts any Host header (the server was bound beyond loopback)."""
    workspace = workspace or Workspace(None)
    store = DecisionStore(workspace)

    async def body_json(request: Request) -> dict:
        return inputs.parse_json(await request.body(), request.headers.get("content-type", ""))

    @answers_errors
    async def page(request: Request) -> Response:
        html, csp = desk_page(files=workspace.root is not None, model=desk.use_model, max_body=max_body)
        return HTMLResponse(html, headers={"content-security-policy": csp})

    @answers_errors
    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__, "model": desk.model_info(),
                             "files": workspace.root is not None})

    @answers_errors
    async def rules(request: Request) -> Response:
        return JSONResponse(rules_table())

    @answers_errors
    async def progress(request: Request) -> Response:
        # Answered at once, beside the check in progress (not queued behind it on the desk's thread).
        return JSONResponse(desk.progress.to_dict())

    @answers_errors
    async def check(request: Request) -> Response:
        data = await body_json(request)
        fmt = inputs.output_format(data)
        decisions = request_decisions(data.get("decisions"))
        req = inputs.check_input(data, extra={"format", "decisions"})
        report = await desk.check(req)
        if decisions:  # the desk's downloads: each finding with the editor's decision
            report = _with_decisions(report, decisions)
        return Response(render(report, fmt, color=False), media_type=get_format(fmt).media_type)

    @answers_errors
    async def review(request: Request) -> Response:
        data = await body_json(request)
        req = inputs.check_input(data, extra={*inputs.FIX_CONFIDENCE_FIELDS, "quick"})
        confidence = inputs.fix_confidence(data)
        quick = data.get("quick", False)
        if not isinstance(quick, bool):
            raise RequestError("'quick' must be true or false")
        t = time.perf_counter()
        before, windows_before = desk.model_calls(), desk.windows_read()
        report, pending = await desk.quick(req) if quick else (await desk.check(req), [])
        elapsed = time.perf_counter() - t
        html = render_file_section(report, 0, confidence, desk=True)
        after, windows_after = desk.model_calls(), desk.windows_read()
        # Texts the model answered from the score cache, and those it had to score (the edited paragraphs).
        scored = {"cached": after[0] - before[0], "scored": after[1] - before[1]}
        # The reading's windows the model read in this check, and those taken from the reading cache.
        read = {"read": windows_after[0] - windows_before[0], "cached": windows_after[1] - windows_before[1]}
        # "pending": the paragraphs the model has not read yet (a quick re-check); the page asks again.
        return JSONResponse({"report": report.to_dict(), "html": html, "seconds": round(elapsed, 3),
                             "model_calls": scored, "reading": read, "pending": [list(p) for p in pending]})

    @answers_errors
    async def fix(request: Request) -> Response:
        data = await body_json(request)
        edits = inputs.edits(data)
        confidence = inputs.fix_confidence(data)
        if edits is not None:  # the page's accepted suggestions: no check needed
            inputs.any_fields(data, {"text", "edits", "name", *inputs.FIX_CONFIDENCE_FIELDS})
            text = inputs.text_field(data, "text", required=True)
            findings = [_as_finding(e) for e in edits]
            fixed, applied = apply_fixes(text, findings, 0.0)
        else:
            req = inputs.check_input(data, extra={"edits", *inputs.FIX_CONFIDENCE_FIELDS})
            text = req.text
            report = await desk.check(req)
            findings = report.files[0].findings
            fixed, applied = apply_fixes(text, findings, confidence)
        done = {id(f) for f in applied}
        return JSONResponse({
            "text": fixed,
            "applied": [_edit_dict(f) for f in applied],
            # Each fix left for a person says why (below the bar, may change the meaning, overlapping).
            "skipped": [{**_edit_dict(f), "why": "the text there has changed since the check" if edits is not None
                         else left_because(f, f.fixes[0], False, confidence)}
                        for f in findings if id(f) not in done and f.fixes],
            "diff": unified_diff(text, fixed, "text"),
        })

    @answers_errors
    async def upload(request: Request) -> Response:
        data = await request.body()
        name = request.query_params.get("name") or "upload"
        try:
            text = decode(data, name[:255])
        except InputError as exc:
            raise RequestError(str(exc)) from None
        return JSONResponse({"text": text})

    @answers_errors
    async def files(request: Request) -> Response:
        if workspace.root is None:
            raise PathRefused("this desk was started without PATH: there are no files to open", 404)
        names = await desk.run(workspace.files)  # a big folder walk stays off the event loop
        return JSONResponse({"root": workspace.root.name, "files": names})

    @answers_errors
    async def file(request: Request) -> Response:
        name, data = workspace.read(request.query_params.get("path"))
        try:
            text = decode(data, name)
        except InputError as exc:
            raise RequestError(str(exc)) from None
        out = {"path": name, "text": text, "sha256": digest(data)}
        # The source beside it (story.zh.txt for story.en.txt): the desk checks against it and shows it.
        beside = await desk.run(workspace.source_beside, name, desk.config.source_lang)
        if beside is not None:
            source_name, tag = beside
            _, raw = workspace.read(source_name)
            try:
                out["source"] = {"path": source_name, "lang": tag, "text": decode(raw, source_name)}
            except InputError as exc:
                out["warnings"] = [f"the source beside it could not be read: {exc}"]
        return JSONResponse(out)

    @answers_errors
    async def save(request: Request) -> Response:
        data = await body_json(request)
        inputs.any_fields(data, {"path", "text", "sha256", "overwrite", "new"})
        text = inputs.text_field(data, "text", required=True)
        expected = data.get("sha256")
        if expected is not None and not isinstance(expected, str):
            raise RequestError("'sha256' must be a string")
        overwrite, new = data.get("overwrite", False), data.get("new", False)
        if not isinstance(overwrite, bool) or not isinstance(new, bool):
            raise RequestError("'overwrite' and 'new' must be true or false")
        if new:  # "save as": a file that is not there yet
            name = await desk.run(workspace.save_as, data.get("path"), text)
            saved = workspace.resolve(name)[1].read_bytes()
            return JSONResponse({"path": name, "backup": None, "sha256": digest(saved)})
        name, backup = await desk.run(workspace.save, data.get("path"), text, expected, overwrite)
        saved = workspace.resolve(name)[1].read_bytes()
        return JSONResponse({"path": name, "backup": backup, "sha256": digest(saved)})

    @answers_errors
    async def decisions_get(request: Request) -> Response:
        record = await desk.run(store.load, request.query_params.get("path"))
        return JSONResponse(record.to_dict())

    @answers_errors
    async def decisions_post(request: Request) -> Response:
        data = await body_json(request)
        inputs.any_fields(data, {"path", "fingerprint", "decision", "reason"})
        record = await desk.run(store.decide, data.get("path"), data.get("fingerprint"), data.get("decision"),
                                data.get("reason"))
        return JSONResponse(record.to_dict())

    @answers_errors
    async def changes(request: Request) -> Response:
        data = await body_json(request)
        inputs.any_fields(data, {"original", "text", "name", "lang", "format"})
        original = inputs.text_field(data, "original", required=True)
        text = inputs.text_field(data, "text", required=True)
        name = inputs.file_name(data)
        lang = inputs.language(data, "lang") or ""
        fmt = data.get("format")
        if fmt == "diff":
            return Response(unified_diff(original, text, name), media_type="text/x-diff; charset=utf-8")
        if fmt != "html":
            raise RequestError("'format' must be \"diff\" or \"html\"")
        html = await desk.run(render_changes, original, text, name, lang)
        return HTMLResponse(html)  # downloaded by the page, not shown: the API's own CSP stays

    @answers_errors
    async def ignore(request: Request) -> Response:
        data = await body_json(request)
        inputs.any_fields(data, {"rule", "scope", "path", "ignore"})
        rule = data.get("rule")
        if not isinstance(rule, str) or rule not in all_rules():
            raise RequestError("'rule' must be the id of one of the desk's rules (GET /api/rules lists them)")
        scope = data.get("scope")
        on = data.get("ignore", True)
        if not isinstance(on, bool):
            raise RequestError("'ignore' must be true or false")
        if scope == "file":
            record = await desk.run(store.ignore, data.get("path"), rule, on)
            if workspace.root is not None:
                # Also in the folder's config (per-file-ignores), so that CI's `tqcheck check` agrees.
                try:
                    await desk.run(set_file_ignore, workspace.base, record.path, rule, on)
                except (ConfigError, OSError) as exc:  # a read-only share, an entry edited by hand
                    record.warnings.append(f"set aside in this desk only: {exc}")
            return JSONResponse(record.to_dict())
        if scope != "folder":
            raise RequestError("'scope' must be \"file\" or \"folder\"")
        if workspace.root is None:
            raise PathRefused("this desk was started without PATH: there is no folder to configure", 404)
        if not on:
            raise RequestError("a rule turned off in the folder's config is turned on again by editing that file")
        written = await desk.run(desk.turn_rule_off, workspace.base, rule)
        return JSONResponse({"rule": rule, "scope": "folder", "config": written.name})

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/rules", rules, methods=["GET"]),
        Route("/api/progress", progress, methods=["GET"]),
        Route("/api/check", check, methods=["POST"]),
        Route("/api/review", review, methods=["POST"]),
        Route("/api/fix", fix, methods=["POST"]),
        Route("/api/upload", upload, methods=["POST"]),
        Route("/api/files", files, methods=["GET"]),
        Route("/api/file", file, methods=["GET"]),
        Route("/api/save", save, methods=["POST"]),
        Route("/api/decisions", decisions_get, methods=["GET"]),
        Route("/api/decisions", decisions_post, methods=["POST"]),
        Route("/api/ignore", ignore, methods=["POST"]),
        Route("/api/changes", changes, methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.desk = desk
    return Guard(app, max_body=max_body, allowed_hosts=allowed_hosts, body_timeout=body_timeout)


def _with_decisions(report, decisions: dict[str, dict]):
    """A copy of ``report`` whose findings carry the editor's decisions: the desk keeps its last full
    check for the quick re-check, and that one must stay as the check made it."""
    marked = copy.copy(report)
    marked.files = []
    for result in report.files:
        r = copy.copy(result)
        r.findings = [copy.copy(f) for f in result.findings]
        apply_decisions(r.findings, decisions)
        marked.files.append(r)
    return marked


def _as_finding(edit: inputs.Edit) -> Finding:
    """An edit as apply_fixes takes it: a finding whose one fix is the replacement (safe: a person chose it)."""
    return Finding("edit", edit.start, edit.end, "edit", Category.STYLE, Severity.INFO,
                   fixes=[Fix.replacing(edit.start, edit.end, edit.replacement)], confidence=1.0, text=edit.text)


def _edit_dict(f: Finding) -> dict:
    return {"start": f.start, "end": f.end, "text": f.text, "replacement": f.suggestions[0] if f.suggestions else "",
            "rule": f.rule}
