"""omnicanal: one customer, one catalog, one set of rules on every channel of a brand."""

__version__ = "0.1.0"
