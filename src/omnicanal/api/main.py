"""The application object for ASGI servers: `uvicorn omnicanal.api.main:app`."""

from omnicanal.api.app import create_app

app = create_app()
