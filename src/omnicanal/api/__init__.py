"""HTTP adapter: the FastAPI application, problem details, transactions and idempotency."""
