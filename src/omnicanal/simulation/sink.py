"""Where one chunk's export rows wait until the chunk ends, to be written in time order as the
channel systems export them (rows of one person are not left next to each other), and where
every stock movement is counted as it is written."""

from __future__ import annotations

from collections import Counter
from operator import itemgetter
from typing import Any

from omnicanal.simulation.writers import Outputs

MOVEMENTS = "stock/movements.csv"
MOVEMENT_COLUMNS = ["movement_id", "location_code", "sku", "quantity", "reason", "reference",
                    "occurred_at"]  # fmt: skip
_time = itemgetter(0)


class Sink:
    def __init__(self, out: Outputs) -> None:
        self.out = out
        self._columns: dict[str, list[str]] = {}
        self._rows: dict[str, list[tuple[float, Any]]] = {}
        self.deltas: Counter[tuple[str, str]] = Counter()

    def declare(self, relative: str, columns: list[str] | None = None) -> None:
        """A file written even when the chunk has no row for it (CSV when `columns` is given)."""
        if columns is not None:
            self._columns.setdefault(relative, columns)
        self._rows.setdefault(relative, [])

    def row(self, relative: str, columns: list[str], t: float, values: list[Any]) -> None:
        """A CSV row of `relative` stamped at `t` (seconds from the period start)."""
        rows = self._rows.get(relative)
        if rows is None:
            self._columns[relative] = columns
            rows = self._rows[relative] = []
        rows.append((t, values))

    def event(self, relative: str, t: float, obj: dict[str, Any]) -> None:
        """A JSON Lines object of `relative` stamped at `t`."""
        self._rows.setdefault(relative, []).append((t, obj))

    def movement(
        self, movement_id: str, location: str, sku: str, quantity: int, reason: str,
        reference: str, t: float, at: str,
    ) -> None:  # fmt: skip
        """A stock movement: written to stock/movements.csv and counted in `deltas`, together.
        `movement_id` is unique at its location, as a location's system names its movements."""
        self.row(MOVEMENTS, MOVEMENT_COLUMNS, t,
                 [movement_id, location, sku, quantity, reason, reference, at])  # fmt: skip
        self.deltas[(location, sku)] += quantity

    def flush(self) -> None:
        for relative in sorted(self._rows):
            rows = self._rows[relative]
            rows.sort(key=_time)  # stable: rows made at the same time keep their order
            if relative in self._columns:
                write = self.out.csv(relative, self._columns[relative]).write_values
            else:
                write = self.out.jsonl(relative).write
            for _, row in rows:
                write(row)
        self._rows.clear()
