"""What every request meets before a route: size limit, Host and Origin checks, safe response headers.

- A body over ``max_body`` bytes is answered with 413 as soon as it is seen to be too long (by its
  Content-Length, or while it streams in), and the route never runs.
- On loopback, a Host header that does not name this machine is refused: a web page on another
  site cannot reach the desk through DNS rebinding.
- A request that changes something (any POST) and carries an Origin must come from the desk's own
  page; a cross-site page's form or fetch is refused with 403.
- Every response says: no script or fetch from elsewhere (the API's own CSP is "default-src 'none'"),
  no sniffing, no framing, no caching, no referrer.
"""
from __future__ import annotations

import json
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
_API_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_NAMES or host.startswith("127.")


def _host_name(value: str) -> str:
    """The name in a Host header ("127.0.0.1:8765" -> "127.0.0.1", "[::1]:8765" -> "[::1]")."""
    if value.startswith("["):
        return value.split("]")[0] + "]"
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


async def _answer(send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *_HEADERS, _API_CSP]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    def __init__(self, app, max_body: int, allowed_hosts: frozenset[str] | None):
        self.app = app
        self.max_body = max_body
        self.allowed_hosts = allowed_hosts  # None: bound beyond loopback by choice, any Host

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if self.allowed_hosts is not None and _host_name(host).lower() not in self.allowed_hosts:
            return await _answer(send, 400, "unexpected Host header: open the desk at http://127.0.0.1")
        if scope["method"] not in ("GET", "HEAD"):
            origin = headers.get("origin")
            if origin is not None and urlsplit(origin).netloc.lower() != host.lower():
                return await _answer(send, 403, "requests from other sites are refused")
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body):
                return await _answer(send, 413, f"the request body is over the limit of {self.max_body} bytes")
            body, more = bytearray(), True
            while more:  # read it all (within the limit) before the route runs
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body += message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > self.max_body:
                    return await _answer(send, 413, f"the request body is over the limit of {self.max_body} bytes")
            receive = _replay(bytes(body), receive)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                extra = [h for h in _HEADERS if h[0] not in have]
                if b"content-security-policy" not in have:
                    extra.append(_API_CSP)
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _replay(body: bytes, upstream):
    """The body already read, then the connection's own messages (its disconnect)."""
    sent = False

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await upstream()

    return receive
