"""Streaming writers: rows go to disk as they are made, so memory stays flat at any scale."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, Any


class CsvOut:
    def __init__(self, path: Path, columns: list[str], *, header: bool = True) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.columns = columns
        self._handle: IO[str] = path.open("w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._handle, lineterminator="\n")
        if header:
            self._writer.writerow(columns)
        self.rows = 0

    def write(self, row: dict[str, Any]) -> None:
        self._writer.writerow(["" if row.get(c) is None else row[c] for c in self.columns])
        self.rows += 1

    def write_values(self, values: list[Any]) -> None:
        self._writer.writerow(["" if v is None else v for v in values])
        self.rows += 1

    def close(self) -> None:
        self._handle.close()


# One encoder for every line: json.dumps with options builds a new one on each call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class JsonlOut:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._handle: IO[str] = path.open("w", encoding="utf-8")
        self.rows = 0

    def write(self, obj: dict[str, Any]) -> None:
        self._handle.write(_ENCODER.encode(obj))
        self._handle.write("\n")
        self.rows += 1

    def close(self) -> None:
        self._handle.close()


class Outputs:
    """The set of files one chunk writes; opened on first use, closed together."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[str, CsvOut | JsonlOut] = {}

    def csv(self, relative: str, columns: list[str], *, header: bool = True) -> CsvOut:
        out = self._files.get(relative)
        if out is None:
            out = CsvOut(self.root / relative, columns, header=header)
            self._files[relative] = out
        assert isinstance(out, CsvOut)
        return out

    def jsonl(self, relative: str) -> JsonlOut:
        out = self._files.get(relative)
        if out is None:
            out = JsonlOut(self.root / relative)
            self._files[relative] = out
        assert isinstance(out, JsonlOut)
        return out

    def counts(self) -> dict[str, int]:
        return {name: out.rows for name, out in self._files.items()}

    def close(self) -> None:
        for out in self._files.values():
            out.close()
