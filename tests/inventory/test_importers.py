"""Stock files through the import path: rows naming a franchisee's local code are translated
through the catalog; a code not mapped yet is rejected with its reason and kept for replay."""

from __future__ import annotations

from omnicanal.imports import service as imports
from omnicanal.inventory import service
from omnicanal.security.service import SYSTEM
from omnicanal.simulation.catalog import gtin_check_digit
from tests.conftest import issue_key


def test_movements_by_local_code_are_translated_and_unmapped_ones_kept(client, factory, brand,
                                                                       admin_headers) -> None:  # fmt: skip
    gtin = "376012300001" + gtin_check_digit("376012300001")
    created = client.post("/api/v1/products", headers=admin_headers,
                          json={"sku": "ROBE-1", "gtin": gtin, "name_fr": "Robe"})  # fmt: skip
    assert created.status_code == 201, created.text
    franchisee = issue_key(factory, ["catalog:read", "catalog:write"], entity_id=brand.franchisee_a)
    mapped = client.post("/api/v1/product-codes", json=[{"code": "ALP-1", "gtin": gtin}],
                         headers=franchisee)  # fmt: skip
    assert mapped.status_code in (200, 201), mapped.text
    rows = [
        (n, {"movement_id": f"M{n}", "location_code": "FRA-01", "code": code, "quantity": "3",
             "kind": "receipt", "occurred_at": "2026-12-01T08:00:00Z"})
        for n, code in ((1, "ALP-1"), (2, "ALP-1"), (3, "ALP-NEW"))
    ]  # fmt: skip
    report = imports.run_import(factory, SYSTEM, "stock_movements", "test", rows)
    assert (report.created, report.rejected) == (2, 1)
    assert report.errors[0].field == "code" and "ALP-NEW" in report.errors[0].message
    with factory() as s:
        position = service.positions_by_key(s, [("FRA-01", "ROBE-1")])[("FRA-01", "ROBE-1")]
        assert position.on_hand == 6
        assert [r.kind for r in imports.list_rejected(s, "stock_movements")] == ["stock_movements"]
