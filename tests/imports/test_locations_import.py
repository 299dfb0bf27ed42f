"""`omnicanal import locations`: CSV and JSON Lines, column mapping, rejected rows kept and replayed."""

import json
from pathlib import Path

from sqlalchemy import select

from omnicanal.imports import readers
from omnicanal.imports import service as imports
from omnicanal.imports.models import ImportRun, RejectedRow
from omnicanal.network import schemas
from omnicanal.network import service as network_service
from omnicanal.network.models import Location
from omnicanal.security.service import SYSTEM
from tests.conftest import Brand

CSV = """Code magasin;name;kind;owner_entity_code;city;postal_code;latitude;longitude;opening_hours;capabilities
GRE-02;Grenoble Gare;store;FR-A;Grenoble;38000;45.19;5.71;Mo-Sa 09:30-19:00;click_and_collect|returns
GRE-03;Grenoble Sud;store;FR-A;Grenoble;38100;north;5.72;;
GRE-04;Grenoble Est;store;FR-UNKNOWN;Grenoble;38400;45.18;5.75;;
FRA-01;Franchise A renamed;store;FR-A;Grenoble;38000;45.18;5.73;Tu-Sa 10:00-19:00;returns
GRE-05;Grenoble Nord;store;FR-A;Grenoble;38000;45.2;5.7;Mo 19:00-09:00;
"""


def _run(factory, path: Path, mapping: dict[str, str] | None = None) -> imports.ImportReport:
    rows = ((n, readers.apply_mapping(r, mapping or {})) for n, r in readers.read_rows(path))
    return imports.run_import(factory, SYSTEM, "locations", str(path), rows)


def test_csv_import_creates_updates_and_reports_each_bad_row(
    tmp_path, factory, brand: Brand
) -> None:
    path = tmp_path / "stores.csv"
    path.write_text(CSV, encoding="utf-8")
    report = _run(factory, path, {"Code magasin": "code"})

    assert (report.read, report.created, report.updated, report.rejected) == (5, 1, 1, 3)
    by_row = {(e.row_number, e.field) for e in report.errors}
    assert (3, "latitude") in by_row
    assert (4, "owner_entity_code") in by_row
    assert (6, "opening_hours") in by_row

    with factory() as session:
        store = network_service.get_location_by_code(session, "GRE-02")
        assert store is not None and store.capabilities == ["click_and_collect", "returns"]
        renamed = network_service.get_location_by_code(session, "FRA-01")
        assert renamed is not None and renamed.name == "Franchise A renamed"
        rejected = session.scalars(select(RejectedRow).order_by(RejectedRow.row_number)).all()
        assert [r.row_number for r in rejected] == [3, 4, 6]
        assert rejected[0].raw["latitude"] == "north", "the row is kept exactly as read"
        run = session.get(ImportRun, report.run_id)
        assert run is not None and run.rows_rejected == 3 and run.finished_at is not None

    errors_csv = tmp_path / "errors.csv"
    report.write_csv(errors_csv)
    assert "latitude" in errors_csv.read_text()


def test_rejected_rows_are_replayed_once_the_reference_exists(
    tmp_path, factory, brand: Brand
) -> None:
    path = tmp_path / "stores.csv"
    path.write_text(CSV, encoding="utf-8")
    _run(factory, path, {"Code magasin": "code"})
    with factory.begin() as session:
        network_service.create_entity(
            session,
            SYSTEM,
            schemas.EntityCreate(code="FR-UNKNOWN", name="Nouveau", kind="franchisee"),
        )
    result = imports.replay_rejected(factory, SYSTEM, kind="locations")
    assert (result.replayed, result.still_rejected) == (1, 2)
    with factory() as session:
        assert network_service.get_location_by_code(session, "GRE-04") is not None
        assert len(imports.list_rejected(session, "locations")) == 2


def test_jsonl_import_keeps_broken_lines(tmp_path, factory, brand: Brand) -> None:
    path = tmp_path / "stores.jsonl"
    good = {"code": "WH-2", "name": "Entrepôt 2", "kind": "warehouse", "owner_entity_code": "HQ",
            "opening_hours": {"mo": ["06:00-22:00"]}, "capabilities": ["home_delivery"]}  # fmt: skip
    path.write_text(json.dumps(good) + "\n{broken json\n[1, 2]\n", encoding="utf-8")
    report = _run(factory, path)
    assert (report.created, report.rejected) == (1, 2)
    with factory() as session:
        kept = session.scalars(select(RejectedRow)).all()
        assert {r.raw.get("__unparsed__") for r in kept} == {"{broken json", "[1, 2]"}


def test_a_row_with_more_cells_than_columns_is_rejected(tmp_path, factory, brand: Brand) -> None:
    path = tmp_path / "stores.csv"
    path.write_text("code,name,kind,owner_entity_code\nX-1,A,store,HQ,extra\n", encoding="utf-8")
    report = _run(factory, path)
    assert report.rejected == 1
    assert "more values" in report.errors[0].message


def test_unknown_column_is_named(tmp_path, factory, brand: Brand) -> None:
    path = tmp_path / "stores.csv"
    path.write_text(
        "code,name,kind,owner_entity_code,colour\nX-1,A,store,HQ,red\n", encoding="utf-8"
    )
    report = _run(factory, path)
    assert report.errors[0].field == "colour"


def test_reimporting_the_same_file_changes_nothing(tmp_path, factory, brand: Brand) -> None:
    path = tmp_path / "stores.csv"
    path.write_text(CSV, encoding="utf-8")
    _run(factory, path, {"Code magasin": "code"})
    with factory() as session:
        before = session.scalars(select(Location.code).order_by(Location.code)).all()
    second = _run(factory, path, {"Code magasin": "code"})
    assert second.created == 0
    with factory() as session:
        assert session.scalars(select(Location.code).order_by(Location.code)).all() == before


def test_mapping_syntax_errors_are_clear() -> None:
    import pytest

    with pytest.raises(ValueError, match="COLUMN=FIELD"):
        readers.parse_mapping(["nonsense"])


def test_parquet_files_import_like_csv(tmp_path, factory, brand: Brand) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "code": ["PQ-1", "PQ-2"],
            "name": ["Parquet Un", "Parquet Deux"],
            "kind": ["store", "store"],
            "owner_entity_code": ["HQ", "NOWHERE"],
            "latitude": [45.1, 45.2],
        }
    )
    path = tmp_path / "stores.parquet"
    pq.write_table(table, path)
    assert readers.count_rows(path) == 2
    report = _run(factory, path)
    assert (report.created, report.rejected) == (1, 1)
    assert report.errors[0].row_number == 2 and report.errors[0].field == "owner_entity_code"


def test_a_broken_parquet_file_is_refused_whole(tmp_path) -> None:
    import pytest

    path = tmp_path / "broken.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(readers.UnreadableFile, match="Parquet"):
        list(readers.read_rows(path))
