"""Every log line written while serving a request carries that request's id."""

import logging

from omnicanal.api.logs import RequestIdFilter


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.addFilter(RequestIdFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_access_and_error_logs_carry_the_request_id(client, admin_headers) -> None:
    handler = _Collect()
    logger = logging.getLogger("omnicanal")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    try:
        response = client.get(
            "/api/v1/locations/loc_missing", headers={**admin_headers, "X-Request-ID": "req-42"}
        )
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
    assert response.headers["x-request-id"] == "req-42"
    access = [r for r in handler.records if r.name == "omnicanal.access"]
    assert access, "the request was logged"
    assert all(r.request_id == "req-42" for r in access)
    assert "GET /api/v1/locations/loc_missing 404" in access[0].getMessage()


def test_outside_a_request_the_id_is_a_dash() -> None:
    record = logging.LogRecord("omnicanal", logging.INFO, __file__, 1, "x", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"
