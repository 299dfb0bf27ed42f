"""The application object for ASGI servers: `uvicorn omnicanal.api.main:app`."""

import gc

from omnicanal.api.app import create_app

app = create_app()

# A server process keeps what it imported until it stops (about 180 000 objects: modules,
# routes, models, locale data): kept out of the collector, whose full passes over them took
# 250–300 ms with every thread stopped. And a request's objects are freed by their reference
# counts: a quote has more than 700 alive at once (the default), which started a collection
# of the young objects about twice a quote, 1 ms a quote for nothing.
gc.collect()
gc.freeze()
gc.set_threshold(20_000, 10, 10)
