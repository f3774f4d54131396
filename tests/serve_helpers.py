"""Serving a desk for the tests that talk to it over real HTTP (the browser test, the load test)."""
from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def served(desk, start_timeout: float = 30.0, header_timeout: float | None = None, **app_options) -> Iterator[str]:
    """``desk``'s app (``create_app(desk, **app_options)``) under uvicorn, configured as `tqcheck serve`
    configures it, on a free loopback port; yields its base URL and stops it after."""
    import uvicorn

    from tqcheck.serve.app import create_app
    from tqcheck.serve.server import HEADER_TIMEOUT, uvicorn_options

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(desk, **app_options),
                                           **uvicorn_options("127.0.0.1", port, header_timeout or HEADER_TIMEOUT)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
