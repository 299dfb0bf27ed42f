"""Spreading kept-alive connections over the worker processes.

The workers of `omnicanal serve --workers N` share one listening socket, and a connection stays
with the worker that accepted it for as long as the client keeps it open. A client that opens
its connections all at once (a load balancer, a proxy's upstream pool, a point-of-sale
concentrator) can land most of them on one worker, which then queues requests while another
idles, for as long as the connections last. As nginx does with `keepalive_requests`, a
connection is closed after a number of requests (`Connection: close` on the last answer): the
client reconnects, and the new connection is taken by whichever worker is first free to
accept it, so the load spreads again within seconds.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

Peer = tuple[str, int]


class ConnectionBudget:
    """Requests served per client connection, known by the client's address and port (the
    connection's identity for as long as it is open). `spend` counts one request and says
    whether its answer should close the connection. Connections that the client closed
    leave their count behind: past `remember` counts, they are all forgotten (a connection
    then starts its budget again, which only delays its close)."""

    def __init__(self, limit: int, remember: int = 4096) -> None:
        self.limit = limit
        self.remember = remember
        self._served: dict[Peer, int] = {}

    def spend(self, peer: Peer | None) -> bool:
        if self.limit <= 0 or peer is None:
            return False
        served = self._served.pop(peer, 0) + 1
        if served >= self.limit:
            return True
        if len(self._served) >= self.remember:
            self._served.clear()
        self._served[peer] = served
        return False


class KeepAliveLimitMiddleware:
    """Adds `Connection: close` to the answer that spends a connection's budget."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.budget = ConnectionBudget(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.budget.spend(_peer(scope)):
            await self.app(scope, receive, send)
            return

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ()) if k != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, send_closing)


def _peer(scope: Scope) -> Peer | None:
    client = scope.get("client")
    return (client[0], client[1]) if client else None
