"""Starting the desk: load the models with progress on the terminal, then serve with uvicorn."""
from __future__ import annotations

import sys
from typing import Callable

from ..config import Config
from .app import DEFAULT_MAX_BODY, create_app
from .desk import Desk
from .files import Workspace
from .guard import LOOPBACK_NAMES, is_loopback


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
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
    finally:
        desk.close()
