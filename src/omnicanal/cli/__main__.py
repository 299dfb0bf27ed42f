"""`python -m omnicanal.cli`: the same as the `omnicanal` command."""

from omnicanal.cli.main import app

app()
