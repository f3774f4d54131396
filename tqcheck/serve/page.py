"""The desk's page: the review report's stylesheet and file view, plus the editing layer.

The page is one document with its CSS and JS inline, pinned by hash in its Content-Security-Policy
(as the saved report is); the one thing it adds is ``connect-src 'self'``, so its script may call
this server's API and nothing else.  The file view inside it is the report's own template
(file.html.j2), rendered by the server after each check.
"""
from __future__ import annotations

from .. import __version__
from ..render.html import CATEGORY_ORDER, SEVERITY_ORDER, inline_assets, render_template
from .decisions import reviewer


def desk_page(files: bool, model: bool, max_body: int) -> tuple[str, str]:
    """(the page's HTML, its Content-Security-Policy header)."""
    assets = inline_assets(styles=("report.css", "desk.css"), scripts=("source.js", "desk.js"), connect="'self'")
    csp = assets["csp"] + "; frame-ancestors 'none'"
    html = render_template("desk.html.j2", files=files, model=model, max_body=max_body, version=__version__,
                           reviewer=reviewer(), categories=CATEGORY_ORDER, severities=SEVERITY_ORDER,
                           **assets)
    return html, csp
