"""One database transaction per HTTP request, with body-size limit and idempotency keys.

The middleware opens the session the handlers use, lets the handler run, and only then
commits (for a success) or rolls back (for an error) before the client sees the answer.
An `Idempotency-Key` on a write is recorded in that same commit; a concurrent duplicate
loses the race on the unique key, is rolled back and answered with the winner's response.
"""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from omnicanal.api import idempotency
from omnicanal.api.problems import problem

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
SKIPPED_PREFIXES = ("/static/", "/healthz")
# Posts that read only: they need not queue behind SQLite's one writer.
READING_POSTS = frozenset({"/api/v1/pricing/quote"})


class _NoLock:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> None:
        return None


_NO_LOCK = _NoLock()


class _TooLarge(Exception):
    pass


def _problem_message(status: int, title: str, detail: str, code: str) -> tuple[Message, bytes]:
    """The same problem details as the exception handlers give, as raw ASGI parts: this
    middleware answers before (or after) the application, outside its handlers."""
    response = problem(status, title, detail, code=code)
    start: Message = {
        "type": "http.response.start",
        "status": response.status_code,
        "headers": response.raw_headers,
    }
    return start, bytes(response.body)


async def _send_whole(send: Send, start: Message, body: bytes) -> None:
    await send(start)
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


class UnitOfWorkMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        declared = _header(scope, b"content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise _TooLarge
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _idempotent_request(
        self, scope: Scope, body: bytes
    ) -> idempotency.IdempotentRequest | None:
        key = _header(scope, b"idempotency-key")
        if key is None or scope["method"] not in WRITE_METHODS:
            return None
        credential = _header(scope, b"authorization") or _header(scope, b"cookie") or "anonymous"
        return idempotency.IdempotentRequest(
            credential_hash=idempotency.credential_hash(credential),
            key=key,
            fingerprint=idempotency.fingerprint(
                scope["method"], scope["path"], scope.get("query_string", b"").decode(), body
            ),
            method=scope["method"],
            path=scope["path"],
        )

    async def _replay(
        self,
        send: Send,
        record: idempotency.StoredAnswer,
        request: idempotency.IdempotentRequest,
    ) -> None:
        if record.fingerprint != request.fingerprint:
            start, body = _problem_message(
                409,
                "Idempotency key reused",
                "this Idempotency-Key was already used with another request body",
                "idempotency_key_reused",
            )
            await _send_whole(send, start, body)
            return
        headers = [(b"content-length", str(len(record.response_body)).encode())]
        if record.content_type:
            headers.append((b"content-type", record.content_type.encode()))
        headers.append((b"idempotent-replayed", b"true"))
        start = {"type": "http.response.start", "status": record.status_code, "headers": headers}
        await _send_whole(send, start, record.response_body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(SKIPPED_PREFIXES):
            await self.app(scope, receive, send)
            return
        try:
            body = await self._read_body(scope, receive)
        except _TooLarge:
            start, problem_body = _problem_message(
                413,
                "Request body too large",
                f"the request body exceeds {self.max_body_bytes} bytes",
                "payload_too_large",
            )
            await _send_whole(send, start, problem_body)
            return

        request = self._idempotent_request(scope, body)
        if request is not None and not 0 < len(request.key) <= idempotency.MAX_KEY_LENGTH:
            start, problem_body = _problem_message(
                422,
                "Invalid Idempotency-Key",
                f"Idempotency-Key must be 1 to {idempotency.MAX_KEY_LENGTH} characters",
                "validation_error",
            )
            await _send_whole(send, start, problem_body)
            return

        state = scope["app"].state
        factory: sessionmaker[Session] = state.sessionmaker
        # SQLite has one writer at a time: queueing writes here is fairer and faster than
        # letting them sleep in SQLite's busy handler.
        writes = scope["method"] in WRITE_METHODS and scope["path"] not in READING_POSTS
        lock = state.write_lock if writes else None
        # A unit of work holds its connection across several trips through the thread pool:
        # no more of them at once than the pool has connections, or the threads waiting for
        # one would keep those holding one from committing.
        async with lock or _NO_LOCK, state.db_slots:
            session = factory()
            closed = False
            try:
                if request is not None:
                    existing = await to_thread.run_sync(idempotency.find, session, request)
                    if existing is not None:
                        await self._replay(send, existing, request)
                        return
                closed = await self._run(scope, body, receive, send, session, request)
            finally:
                if not closed:
                    await to_thread.run_sync(session.close)

    async def _run(
        self,
        scope: Scope,
        body: bytes,
        receive: Receive,
        send: Send,
        session: Session,
        request: idempotency.IdempotentRequest | None,
    ) -> bool:
        """Runs the application in `session`; True when the session was closed with the
        commit (one trip through the thread pool for both, on the hot path of every write)."""
        state = scope.setdefault("state", {})
        state["db"] = session
        state[_IDEMPOTENT_REQUEST] = request
        body_sent = False

        async def replay_receive() -> Message:
            nonlocal body_sent
            if not body_sent:
                body_sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await self.app(scope, replay_receive, capture)
        except BaseException:
            await to_thread.run_sync(session.rollback)
            raise
        assert start is not None, "the application sent no response"
        response_body = b"".join(chunks)
        status = int(start["status"])
        if status >= 400:
            await to_thread.run_sync(session.rollback)
            # A concurrent duplicate may have committed meanwhile (and made this one fail,
            # e.g. on a unique code): the client must get the winner's answer, not an error.
            winner = None
            if request is not None:
                winner = await to_thread.run_sync(idempotency.find, session, request)
            if winner is not None:
                await self._replay(send, winner, request)  # type: ignore[arg-type]
            else:
                await _send_whole(send, start, response_body)
            return False

        finished = scope["state"].get(_FINISHED)
        if finished is None:
            content_type = dict(start["headers"]).get(b"content-type", b"").decode() or None  # type: ignore[index]
            finished = await to_thread.run_sync(
                _finish, session, request, status, content_type, response_body
            )
        if finished:
            await _send_whole(send, start, response_body)
            return True
        # Lost the race to a concurrent request with the same key: answer as it did.
        winner = await to_thread.run_sync(idempotency.find, session, request)
        if winner is None:  # the write itself broke a constraint
            start_p, body_p = _problem_message(
                409, "Conflict", "the write conflicts with existing data", "conflict"
            )
            await _send_whole(send, start_p, body_p)
            return False
        await self._replay(send, winner, request)  # type: ignore[arg-type]
        return False


_IDEMPOTENT_REQUEST = "omnicanal.idempotent_request"
_FINISHED = "omnicanal.unit_finished"


def _finish(
    session: Session,
    request: idempotency.IdempotentRequest | None,
    status: int,
    content_type: str | None,
    body: bytes,
) -> bool:
    """Commit the unit of work with the answer to an Idempotency-Key, and close the session;
    False when a concurrent request with the same key committed first."""
    try:
        if request is not None:
            idempotency.record(session, request, status, content_type, body)
        session.commit()
    except IntegrityError:
        session.rollback()
        if request is None:
            raise
        return False
    session.close()
    return True


def finish_in_handler(scope: Scope, response: Response) -> None:
    """Commit the request's unit of work from the handler, in the worker thread its work ran
    in, with the answer it is about to return: a handler on the hot path (the real-time
    intake of customer records) runs the key check, its work and the commit in one trip
    through the thread pool instead of three. The middleware then sends that answer, or, when
    a concurrent request with the same Idempotency-Key committed first, the winner's."""
    state = scope["state"]
    state[_FINISHED] = _finish(
        state["db"],
        state.get(_IDEMPOTENT_REQUEST),
        response.status_code,
        response.headers.get("content-type"),
        bytes(response.body),
    )


_AUTOCOMMIT = {"isolation_level": "AUTOCOMMIT"}


def reads_only(session: Session) -> None:
    """Run the unit of work's statements outside a transaction, each on the data committed
    when it starts, as it would see them in one at READ COMMITTED: for a unit of work that
    only reads (the availability of a cart), this spares the BEGIN and the COMMIT, two round
    trips of three. Called before its first statement; SQLite opens no transaction for a read
    anyway."""
    if session.get_bind().dialect.name != "sqlite":
        session.connection(execution_options=_AUTOCOMMIT)


def db_session(state: Any) -> Session:
    return state.db  # type: ignore[no-any-return]
