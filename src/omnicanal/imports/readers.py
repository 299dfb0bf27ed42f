"""Reading rows from CSV, JSON Lines and Parquet files, and renaming columns. No database."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FORMATS = ("csv", "jsonl", "parquet")


class UnreadableFile(Exception):
    """The file as a whole cannot be read (unknown format, bad encoding)."""


def detect_format(path: Path, declared: str | None = None) -> str:
    if declared:
        if declared not in FORMATS:
            raise UnreadableFile(f"unknown format {declared!r}; use one of {', '.join(FORMATS)}")
        return declared
    suffix = path.suffix.lower().lstrip(".")
    if suffix in {"csv", "txt"}:
        return "csv"
    if suffix in {"jsonl", "ndjson", "json"}:
        return "jsonl"
    if suffix in {"parquet", "pq"}:
        return "parquet"
    raise UnreadableFile(f"cannot tell the format of {path.name}; pass --format csv|jsonl|parquet")


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """`["Code magasin=code", "Ville=city"]` -> {"Code magasin": "code", "Ville": "city"}."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        source, sep, target = pair.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise ValueError(f"mapping {pair!r} is not COLUMN=FIELD")
        mapping[source.strip()] = target.strip()
    return mapping


def apply_mapping(row: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """Rename columns; `CARD=source_id+loyalty_card` gives one column to several fields."""
    if not mapping:
        return row
    out: dict[str, Any] = {}
    for key, value in row.items():
        for target in mapping.get(key, key).split("+"):
            out[target] = value
    return out


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        sample = handle.read(8192)
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(handle, dialect=dialect)
        for number, row in enumerate(reader, start=2):  # line 1 is the header
            extra = row.pop(None, None)  # type: ignore[call-overload]
            cleaned: dict[str, Any] = {
                (k or "").strip(): (v.strip() if isinstance(v, str) else v) for k, v in row.items()
            }
            cleaned = {k: (None if v == "" else v) for k, v in cleaned.items()}
            if extra:
                cleaned["__extra_columns__"] = extra
            yield number, cleaned


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, {"__unparsed__": line.rstrip("\n"), "__error__": str(exc)}
                continue
            if not isinstance(value, dict):
                yield number, {"__unparsed__": line.rstrip("\n"), "__error__": "not a JSON object"}
                continue
            yield number, value


def _parquet_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    import pyarrow.parquet as pq  # imported here: only Parquet imports pay for it

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several error types for a broken file
        raise UnreadableFile(f"{path.name} is not a readable Parquet file: {exc}") from exc
    number = 0
    for batch in parquet.iter_batches(batch_size=10_000):
        for row in batch.to_pylist():
            number += 1
            yield (
                number,
                {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()},
            )


def read_rows(path: Path, format: str | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (row number in the file, row) pairs; broken lines come back flagged, not dropped."""
    kind = detect_format(path, format)
    readers = {"csv": _csv_rows, "jsonl": _jsonl_rows, "parquet": _parquet_rows}
    try:
        yield from readers[kind](path)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"{path.name} is not UTF-8 text: {exc}") from exc


def count_rows(path: Path, format: str | None = None) -> int:
    """Rows to expect, for a progress bar; counting lines is cheap next to importing them."""
    kind = detect_format(path, format)
    if kind == "parquet":
        import pyarrow.parquet as pq

        try:
            return int(pq.ParquetFile(path).metadata.num_rows)
        except Exception as exc:
            raise UnreadableFile(f"{path.name} is not a readable Parquet file: {exc}") from exc
    with path.open("rb") as handle:
        lines = sum(1 for line in handle if line.strip())
    return max(lines - 1, 0) if kind == "csv" else lines


def attach_lines(
    heads: Iterator[tuple[int, dict[str, Any]]],
    lines: Iterator[tuple[int, dict[str, Any]]],
    key: str,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Header rows (a till's receipts) with their `lines` from a second file (the receipts'
    lines), joined on `key`. Lines whose header is missing come back as unreadable rows,
    reported and kept like any other, never dropped."""
    by_key: dict[Any, list[dict[str, Any]]] = {}
    for _, line in lines:
        by_key.setdefault(line.get(key), []).append({k: v for k, v in line.items() if k != key})
    last = 0
    for number, head in heads:
        last = number
        found = by_key.pop(head.get(key), None)
        yield number, {**head, "lines": found or []}
    for orphan, found in by_key.items():
        last += 1
        yield (
            last,
            {
                "__unparsed__": f"{key}={orphan}: {len(found)} lines",
                "__error__": f"lines of {key} {orphan!r}, which the header file does not have",
            },
        )
