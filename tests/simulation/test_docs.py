"""docs/simulation.md describes every CSV file the generator writes, column by column, in order."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "simulation.md"


def documented_columns() -> dict[str, list[str]]:
    """`### `path.csv`` sections and the backticked names in the first cell of their table."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### `([^`]+\.csv)`", line)
        if heading:
            current = heading.group(1)
            sections[current] = []
        elif line.startswith("#"):
            current = None
        elif current and line.startswith("| `"):
            first_cell = line.split("|")[1]
            sections[current].extend(re.findall(r"`([^`]+)`", first_cell))
        elif current and sections[current] and not line.startswith("|"):
            current = None  # the columns table ended; later tables explain values
    return sections


def test_every_csv_file_is_documented_with_its_exact_columns(brand: Path) -> None:
    documented = documented_columns()
    written = sorted(p for p in brand.rglob("*.csv"))
    assert written
    for path in written:
        relative = str(path.relative_to(brand))
        key = relative
        if relative.startswith("catalog/franchise/"):
            key = "catalog/franchise/<FRANCHISEE>.csv"
        assert key in documented, f"{relative} is not documented in docs/simulation.md"
        header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
        assert documented[key] == header, f"{relative}: documented columns differ from the file"
