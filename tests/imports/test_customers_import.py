"""`omnicanal import customers`: written a batch at a time, each bad row rejected on its own."""

from pathlib import Path

from sqlalchemy import func, select

from omnicanal.customers.models import SourceRecord
from omnicanal.imports import readers
from omnicanal.imports import service as imports
from omnicanal.imports.models import RejectedRow
from omnicanal.security.service import SYSTEM

CSV = """customer_no;NOM;PRENOM;tel;email
LYO00000001;DUPONT;Marie;06 12 34 56 78;marie.dupont@orange.fr
;MARTIN;Paul;;
LYO00000003;DURAND;Léa;;lea@free.fr
LYO00000001;DUPONT;Marie;06 12 34 56 78;marie.dupont@gmail.com
"""


def _run(factory, path: Path, batch_size: int) -> imports.ImportReport:
    mapping = {"customer_no": "source_id", "NOM": "last_name", "PRENOM": "first_name"}
    rows = (
        (n, {**readers.apply_mapping(r, mapping), "source": "pos"})
        for n, r in readers.read_rows(path)
    )
    return imports.run_import(factory, SYSTEM, "customers", str(path), rows, batch_size=batch_size)


def test_a_batch_keeps_its_good_rows_and_rejects_the_bad_one(tmp_path, factory) -> None:
    path = tmp_path / "pos.csv"
    path.write_text(CSV, encoding="utf-8")
    report = _run(factory, path, batch_size=500)
    # The record sent twice in one batch is created once and then updated.
    assert (report.read, report.created, report.updated, report.rejected) == (4, 2, 1, 1)
    assert [(e.row_number, e.field) for e in report.errors] == [(3, "source_id")]
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(SourceRecord)) == 2
        record = session.scalars(
            select(SourceRecord).where(SourceRecord.source_id == "LYO00000001")
        ).one()
        assert record.email == "marie.dupont@gmail.com"
        (rejected,) = session.scalars(select(RejectedRow)).all()
        assert rejected.raw["last_name"] == "MARTIN"


def test_batches_and_single_rows_give_the_same_records(tmp_path, factory) -> None:
    path = tmp_path / "pos.csv"
    path.write_text(CSV, encoding="utf-8")
    one = _run(factory, path, batch_size=1)
    again = _run(factory, path, batch_size=500)
    assert (one.created, one.rejected) == (2, 1)
    assert (again.created, again.updated, again.rejected) == (0, 3, 1)
