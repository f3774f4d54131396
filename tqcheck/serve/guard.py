"""What every request meets before a route: size limit, Host and Origin checks, safe response headers.

- A body over ``max_body`` bytes is answered with 413 as soon as it is seen to be too long (by its
  Content-Length, or while it streams in), and the route never runs.  A body that has not all
  arrived ``body_timeout`` seconds after the request began is answered with 408 and its connection
  closed: a client that sends half a body and waits holds nothing for long.
- On loopback, a Host header that does not name this machine is refused: a web page on another
  site cannot reach the desk through DNS rebinding.  The header is parsed strictly (a name or a
  bracketed IPv6 address, an optional port, nothing else), so "[::1]evil.com" names nothing.
- A request that changes something (any POST) and carries an Origin must come from the desk's own
  page: the Origin must be exactly this server's scheme://Host.  Another scheme (https://, a
  file:// page's "null"), another port or another name is another site, refused with 403.
- Every response says: no script or fetch from elsewhere (the API's own CSP is "default-src 'none'"),
  no sniffing, no framing, no caching, no referrer.
"""
from __future__ import annotations

import asyncio
import ipaddress
import json
import re

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


# A Host header as RFC 9110 has it for this server: a DNS name or an IPv4 address, or an IPv6 address in
# brackets, then an optional port.  Anything more ("[::1]evil.com", "host:1:2", "a@b") is not a host.
_HOST = re.compile(r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?))"
                   r"(?::(?P<port>[0-9]{1,5}))?")


def _host_name(value: str) -> str | None:
    """The name in a Host header, lower case ("127.0.0.1:8765" -> "127.0.0.1", "[::1]:8765" -> "[::1]"),
    or None when the header is not exactly a host and an optional port."""
    m = _HOST.fullmatch(value)
    if m is None or (m["port"] is not None and not 0 < int(m["port"]) < 65536):
        return None
    if m["v6"] is None:
        return m["name"].lower()
    try:
        return f"[{ipaddress.IPv6Address(m['v6']).compressed}]"
    except ValueError:
        return None


def _same_origin(origin: str, scheme: str, host: str) -> bool:
    """Whether an Origin header is exactly this server's own: scheme://Host, as a browser writes it."""
    return _host_name(host) is not None and origin.lower() == f"{scheme}://{host}".lower()


async def _answer(send, status: int, message: str, close: bool = False) -> None:
    body = json.dumps({"error": message}).encode("utf-8")
    # "connection: close" makes the server drop the connection after the answer: the rest of a body
    # that stopped arriving is not waited for.
    closing = [(b"connection", b"close")] if close else []
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *closing, *_HEADERS, _API_CSP]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    def __init__(self, app, max_body: int, allowed_hosts: frozenset[str] | None, body_timeout: float = 30.0):
        self.app = app
        self.max_body = max_body
        self.allowed_hosts = allowed_hosts  # None: bound beyond loopback by choice, any Host
        self.body_timeout = body_timeout

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers: dict[str, list[str]] = {}
        for k, v in scope["headers"]:
            headers.setdefault(k.decode("latin-1").lower(), []).append(v.decode("latin-1"))
        hosts = headers.get("host", [])
        host = hosts[0] if len(hosts) == 1 else ""  # two Host headers name no one host
        if self.allowed_hosts is not None and _host_name(host) not in self.allowed_hosts:
            return await _answer(send, 400, "unexpected Host header: open the desk at http://127.0.0.1")
        if scope["method"] not in ("GET", "HEAD"):
            origins = headers.get("origin")
            if origins is not None and (len(origins) != 1
                                        or not _same_origin(origins[0], scope.get("scheme", "http"), host)):
                return await _answer(send, 403, "requests from other sites are refused")
            lengths = headers.get("content-length", [])
            if len(lengths) > 1 or (lengths and (not lengths[0].isdigit() or int(lengths[0]) > self.max_body)):
                return await _answer(send, 413, f"the request body is over the limit of {self.max_body} bytes")
            body, more = bytearray(), True
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.body_timeout
            while more:  # read it all (within the limit and the time) before the route runs
                try:
                    message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
                except asyncio.TimeoutError:
                    return await _answer(send, 408, f"the request body did not arrive within {self.body_timeout:g} s",
                                         close=True)
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
