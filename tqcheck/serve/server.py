"""Starting the desk: load the models with progress on the terminal, then serve with uvicorn.

uvicorn's limits, set here rather than left to its defaults, so that no client holds the desk:
- a request's line and headers must all arrive within ``HEADER_TIMEOUT`` seconds of the connection
  opening or of the previous answer (uvicorn alone times out only an idle kept-alive connection, and
  restarts that clock on every byte, so a header sent a byte a second, or nothing at all, held the
  connection for ever); the body has its own deadline in the guard (408);
- an idle kept-alive connection is closed after ``KEEP_ALIVE`` seconds;
- headers over 16 KiB are refused (h11's limit, stated);
- beyond ``MAX_CONNECTIONS`` connections at once a request is answered 503 at once, before the
  process runs out of file descriptors.
"""
from __future__ import annotations

import sys
from typing import Any, Callable

from ..config import Config
from .app import DEFAULT_MAX_BODY, create_app
from .desk import Desk
from .files import Workspace
from .guard import LOOPBACK_NAMES, is_loopback


HEADER_TIMEOUT = 10.0
KEEP_ALIVE = 5
MAX_HEADERS = 16 * 1024
MAX_CONNECTIONS = 256


def uvicorn_options(host: str, port: int, header_timeout: float = HEADER_TIMEOUT) -> dict[str, Any]:
    """uvicorn's settings for the desk (the tests serve it with the same ones)."""
    return dict(host=host, port=port, log_level="warning", server_header=False,
                http=_with_header_deadline(header_timeout), timeout_keep_alive=KEEP_ALIVE,
                h11_max_incomplete_event_size=MAX_HEADERS, limit_concurrency=MAX_CONNECTIONS)


def _with_header_deadline(seconds: float) -> type:
    """uvicorn's h11 protocol, plus a deadline for each request's line and headers."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderDeadline(H11Protocol):
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._expect_a_request(None)

        def on_response_complete(self) -> None:
            answered = self.cycle  # a pipelined request may begin inside the call below: it is not waited for
            super().on_response_complete()
            self._expect_a_request(answered)

        def _expect_a_request(self, last) -> None:
            def expire() -> None:
                # No request began since (the cycle is still the last one answered, or none): close.
                if self.cycle is last and not self.transport.is_closing():
                    self.transport.close()

            self.loop.call_later(seconds, expire)

    return HeaderDeadline


def _say(message: str) -> None:
    print(f"tqcheck serve: {message}", file=sys.stderr, flush=True)


def serve(path: str | None, host: str = "127.0.0.1", port: int = 8765, config: Config | None = None,
          use_model: bool = True, device: str = "auto", model: str | None = None,
          max_body: int = DEFAULT_MAX_BODY, say: Callable[[str], None] = _say) -> None:
    import uvicorn

    workspace = Workspace.open(path)  # a missing PATH fails before the model loads
    loopback = is_loopback(host)
    if not loopback:
        say(f"warning: listening on {host}, not on this machine only: anyone who can reach it can read the "
            "texts checked here" + (" and read and overwrite the files under PATH" if path else "")
            + ". Bind to 127.0.0.1 unless you mean it.")
    desk = Desk(config, use_model=use_model, device=device, model_id=model)
    desk.run_sync(desk.start_now, say)
    app = create_app(desk, workspace, max_body=max_body,
                     allowed_hosts=LOOPBACK_NAMES if loopback else None)
    shown = f"[{host}]" if ":" in host else host
    say(f"the desk is at http://{shown}:{port}/" + (f" (files under {workspace.root})" if path else
                                                   " (pasted and uploaded text only)"))
    try:
        uvicorn.run(app, **uvicorn_options(host, port))
    finally:
        desk.close()
