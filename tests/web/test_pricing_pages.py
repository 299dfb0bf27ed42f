"""The pricing pages: the promotion list, the editor (the codec's errors next to the input they
name, save, pause), the preview of an unsaved draft at several places, coupon codes as CSV,
the prices of a product and the franchise policies; what a store's staff may not do; French."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from omnicanal.pricing.models import PromotionRow
from omnicanal.security.permissions import Role
from omnicanal.simulation.catalog import gtin_check_digit
from tests.conftest import Brand, create_user
from tests.web.conftest import STAFF
from tests.web.helpers import csrf_token, sign_in, switch_language

MANAGER = "prix@maison-demo.fr"
PAST = "2026-01-01T00:00:00+00:00"


def _gtin(n: int) -> str:
    first12 = f"3760123{n:05d}"
    return first12 + gtin_check_digit(first12)


@pytest.fixture
def catalog(client: TestClient, brand: Brand, admin_headers, users) -> None:  # type: ignore[no-untyped-def]
    """Two dresses and a bag with base prices, a store price for the bag at LYON-01."""
    h = admin_headers
    femme = client.post("/api/v1/categories", json={"code": "FEMME", "name_fr": "Femme"}, headers=h)
    robes = client.post(
        "/api/v1/categories",
        json={"code": "FEMME.ROBES", "name_fr": "Robes", "parent_id": femme.json()["id"]},
        headers=h,
    )
    for n, (sku, category) in enumerate([("ROBE-1", robes), ("ROBE-2", robes), ("SAC-1", femme)]):
        response = client.post(
            "/api/v1/products",
            json={"sku": sku, "gtin": _gtin(n + 1), "name_fr": f"Produit {sku}",
                  "category_id": category.json()["id"]},
            headers=h,
        )  # fmt: skip
        assert response.status_code == 201, response.text
    rows = [
        {"sku": "ROBE-1", "amount": 5000, "valid_from": PAST},
        {"sku": "ROBE-2", "amount": 3000, "valid_from": PAST},
        {"sku": "SAC-1", "amount": 12000, "valid_from": PAST},
        {"sku": "SAC-1", "amount": 11000, "location": "LYON-01", "valid_from": PAST},
    ]
    assert client.post("/api/v1/pricing/prices", json=rows, headers=h).status_code == 201
    # the own store's channel, so that LYON-01 is a place of its own
    response = client.post(
        "/api/v1/channels",
        json={"code": "store", "name": "Magasins intégrés", "kind": "store",
              "entity_id": brand.own_store_entity},
        headers=h,
    )  # fmt: skip
    assert response.status_code == 201, response.text


@pytest.fixture
def manager(factory: sessionmaker[Session], catalog) -> str:  # type: ignore[no-untyped-def]
    return create_user(factory, MANAGER, Role.PRICING_MANAGER)


def _sign_in(client: TestClient, email: str) -> None:
    """Signed in, the pages in English (the deployment's default is French)."""
    sign_in(client, email)
    switch_language(client, "en")


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _definition(**extra: object) -> dict[str, object]:
    """The editor's form for a 20 % off the dresses on the web."""
    form: dict[str, object] = {
        "id": "WEB-ROBES-20",
        "name": "Robes -20 % sur le web",
        "action.kind": "percent_off",
        "percent_off.percent": "20",
        "conditions.channels": ["web"],
        "conditions.categories": "FEMME.ROBES",
        "priority": "0",
        "currency": "EUR",
    }
    form.update(extra)
    return form


def _post(
    client: TestClient, path: str, form: dict[str, object], page: str = "/pricing/promotions/new"
):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get(page).text)
    return client.post(path, data={**form, "csrf_token": token}, follow_redirects=False)


def _save(client: TestClient, **extra: object):  # type: ignore[no-untyped-def]
    return _post(client, "/pricing/promotions/new", _definition(**extra))


def test_the_list_says_what_each_promotion_gives_where_and_when(client, manager) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, MANAGER)
    assert _save(client).status_code == 303
    second = _save(client, **{"id": "PULL-2E", "name": "Le 2e à moitié prix",
                              "action.kind": "nth_item", "nth_item.n": "2",
                              "nth_item.percent": "50", "conditions.channels": [],
                              "starts_at": "2026-11-01T09:00", "ends_at": "2026-12-31T00:00"})  # fmt: skip
    assert second.status_code == 303, second.text
    page = _text(client.get("/pricing/promotions").text)
    assert "Robes -20 % sur le web" in page and "−20%" in page
    assert "2nd item at −50%" in page and "Every channel" in page
    assert "Web" in page and "Nov 1, 2026" in page
    assert 'href="/pricing/promotions/WEB-ROBES-20"' in client.get("/pricing/promotions").text


def test_the_list_filters_by_status(client, manager) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, MANAGER)
    _save(client)
    _save(client, id="OTHER", name="Autre")
    _post(client, "/pricing/promotions/OTHER/status", {"status": "paused"})
    paused = _text(client.get("/pricing/promotions?status=paused").text)
    assert "Autre" in paused and "Robes -20 %" not in paused
    active = _text(client.get("/pricing/promotions?status=active").text)
    assert "Robes -20 %" in active and "Autre" not in active


def test_the_editor_shows_the_codecs_error_next_to_the_field_it_names(client, manager) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, MANAGER)
    response = _save(client, **{"percent_off.percent": "150"})
    assert response.status_code == 422
    html = response.text
    error = re.search(
        r'name="percent_off.percent" value="150" aria-invalid="true">.*?'
        r'<span class="field-error"[^>]*>([^<]+)</span>',
        html,
        re.S,
    )
    assert error, "the error should follow the percent input"
    assert "at most 100" in error.group(1)
    assert "The promotion was not saved" in html
    # what was typed stays in the form
    assert 'value="Robes -20 % sur le web"' in html


def test_an_unreadable_amount_and_an_unknown_category_are_shown_on_their_inputs(
    client, manager
) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, MANAGER)
    money = _save(client, **{"action.kind": "amount_off", "amount_off.amount": "douze"})
    assert money.status_code == 422
    assert re.search(
        r'name="amount_off.amount".*?field-error[^>]*>Enter an amount', money.text, re.S
    )
    unknown = _save(client, **{"conditions.categories": "FEMME.JUPES"})
    assert unknown.status_code == 422
    assert re.search(
        r'name="conditions.categories".*?field-error[^>]*>unknown category &#39;FEMME.JUPES',
        unknown.text,
        re.S,
    )
    # what a person typed comes back escaped, in the input and in the error
    script = _save(client, **{"conditions.categories": "<b>X</b>"})
    assert "<b>X</b>" not in script.text and "&lt;b&gt;X&lt;/b&gt;" in script.text
    tiers = _save(client, **{"action.kind": "spend_threshold",
                             "spend_threshold.tiers[0].threshold": "100",
                             "spend_threshold.tiers[0].amount": "10",
                             "spend_threshold.tiers[2].threshold": "50",
                             "spend_threshold.tiers[2].amount": "5"})  # fmt: skip
    assert tiers.status_code == 422
    # the second tier read is the form's third row
    assert re.search(
        r'name="spend_threshold.tiers\[2\].threshold"[^>]*aria-invalid="true">\s*'
        r'<span class="field-error"[^>]*>thresholds rise',
        tiers.text,
    )


def test_a_promotion_is_saved_changed_paused_and_activated(client, manager, factory) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, MANAGER)
    saved = _save(client)
    assert saved.headers["location"] == "/pricing/promotions/WEB-ROBES-20"
    page = client.get("/pricing/promotions/WEB-ROBES-20").text
    assert "Promotion WEB-ROBES-20 saved." in page
    assert 'value="20"' in page and 'value="web" checked' in page
    changed = _post(
        client, "/pricing/promotions/WEB-ROBES-20",
        _definition(**{"percent_off.percent": "25", "budget": "1 000,50"}),
        "/pricing/promotions/WEB-ROBES-20",
    )  # fmt: skip
    assert changed.status_code == 303, changed.text
    with factory() as s:
        row = s.get(PromotionRow, "WEB-ROBES-20")
        assert row.definition["action"] == {"kind": "percent_off", "percent": "25"}
        assert row.budget == 100050 and row.status == "active"
    _post(client, "/pricing/promotions/WEB-ROBES-20/status", {"status": "paused"})
    page = client.get("/pricing/promotions/WEB-ROBES-20").text
    assert "Promotion WEB-ROBES-20 is paused." in page and ">Activate</button>" in page
    _post(client, "/pricing/promotions/WEB-ROBES-20/status", {"status": "active"})
    with factory() as s:
        assert s.get(PromotionRow, "WEB-ROBES-20").status == "active"


def _preview(client: TestClient, form: dict[str, object], page: str = "/pricing/promotions/new"):  # type: ignore[no-untyped-def]
    return _post(client, "/pricing/promotions/preview", form, page)


def _totals(html: str) -> dict[str, int]:
    """Each place's total, by the place's label."""
    places = re.findall(r'<article class="card place" aria-label="([^"]+)">(.*?)</article>', html,
                        re.S)  # fmt: skip
    out = {}
    for label, body in places:
        total = re.search(r'data-total="(\d+)"', body)
        assert total, f"no total at {label}: {_text(body)}"
        out[label] = int(total.group(1))
    return out


def test_the_preview_prices_an_unsaved_draft_at_two_places(client, manager, factory) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, MANAGER)
    form = _definition(**{
        "preview.lines": "ROBE-1, 2\n" + _gtin(3) + " 1",
        "preview.places": ["channel:web", "store:LYON-01"],
    })  # fmt: skip
    response = _preview(client, form)
    assert response.status_code == 200, _text(response.text)[:2000]
    totals = _totals(response.text)
    # web: 2 × 50 € − 20 % + the bag 120 €; the store: no promotion, the bag at its store price
    assert totals == {"Web": 8000 + 12000, "Maison Démo LYON-01": 10000 + 11000}
    web = response.text.split('aria-label="Web"')[1].split("</article>")[0]
    assert '<li class="draft">' in web and "WEB-ROBES-20" in web
    assert "being edited" in web
    # nothing was saved
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(PromotionRow)) == 0
    # the form keeps what was typed, the cart too
    assert 'value="store:LYON-01" checked' in response.text
    assert "ROBE-1, 2" in response.text


def test_the_preview_of_a_saved_promotion_uses_the_form_not_the_saved_definition(
    client, manager
) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, MANAGER)
    _save(client)
    page = "/pricing/promotions/WEB-ROBES-20"
    form = _definition(**{"editing": "WEB-ROBES-20", "percent_off.percent": "50",
                          "preview.lines": "ROBE-2, 1", "preview.places": ["channel:web"]})  # fmt: skip
    assert _totals(_preview(client, form, page).text) == {"Web": 1500}


def test_the_preview_says_what_is_wrong_with_the_cart_or_the_definition(client, manager) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, MANAGER)
    empty = _preview(client, _definition(**{"preview.places": ["channel:web"]}))
    assert "Enter at least one line" in empty.text
    bad = _preview(client, _definition(**{"percent_off.percent": "0", "preview.lines": "ROBE-1",
                                          "preview.places": ["channel:web"]}))  # fmt: skip
    assert "Fix the definition to preview it." in bad.text
    unknown = _preview(client, _definition(**{"preview.lines": "NOPE, 1",
                                              "preview.places": ["channel:web"]}))  # fmt: skip
    assert "no product with sku &#39;NOPE&#39;" in unknown.text


def test_store_staff_read_promotions_but_cannot_change_them(client, manager) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, MANAGER)
    _save(client, **{"conditions.channels": []})
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/network").text)})
    _sign_in(client, STAFF)
    listing = client.get("/pricing/promotions")
    assert listing.status_code == 200 and "New promotion" not in listing.text
    editor = client.get("/pricing/promotions/WEB-ROBES-20")
    assert editor.status_code == 200
    assert (
        ">Save</button>" not in editor.text
        and '<fieldset class="card block" disabled>' in editor.text
    )
    assert client.get("/pricing/promotions/new").status_code == 403
    token = csrf_token(editor.text)
    for path, form in [
        ("/pricing/promotions/new", _definition(id="STAFF")),
        ("/pricing/promotions/WEB-ROBES-20", _definition(**{"percent_off.percent": "90"})),
        ("/pricing/promotions/WEB-ROBES-20/status", {"status": "paused"}),
        ("/pricing/promotions/WEB-ROBES-20/coupons", {"count": "5"}),
    ]:
        response = client.post(path, data={**form, "csrf_token": token}, follow_redirects=False)
        assert response.status_code == 403, path
    # the staff's preview prices the saved definition, not what the form says, at the places
    # the staff sees (its store: the web shop's channel is another entity's)
    assert 'value="channel:web"' not in editor.text
    form = _definition(**{"editing": "WEB-ROBES-20", "percent_off.percent": "90",
                          "preview.lines": "ROBE-2, 1", "preview.places": ["store:LYON-01"]})  # fmt: skip
    preview = client.post("/pricing/promotions/preview", data={**form, "csrf_token": token})
    assert _totals(preview.text) == {"Maison Démo LYON-01": 2400}


def test_coupon_codes_are_generated_and_downloaded_as_csv(client, manager) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, MANAGER)
    _save(client, requires_coupon="on")
    page = "/pricing/promotions/WEB-ROBES-20"
    done = _post(client, f"{page}/coupons", {"count": "5", "prefix": "noel"}, page)
    assert done.status_code == 303
    shown = client.get(page).text
    link = re.search(r'href="(/pricing/promotions/WEB-ROBES-20/coupons.csv\?batch=[^"]+)"', shown)
    assert link and "5 coupon codes generated." in shown
    csv_file = client.get(link.group(1).replace("&amp;", "&"))
    assert csv_file.headers["content-type"].startswith("text/csv")
    lines = csv_file.text.strip().splitlines()
    assert lines[0].startswith("code,promotion_id,batch")
    assert len(lines) == 6 and all(line.startswith("NOEL-") for line in lines[1:])


def test_the_prices_page_shows_a_products_rows_and_its_price_at_each_place(client, manager) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, MANAGER)
    page = client.get(f"/pricing/prices?q={_gtin(3)}")
    text = _text(page.text)
    assert "SAC-1" in text and "Produit SAC-1" in text
    effective = page.text.split('class="effective"')[1].split("</table>")[0]
    rows = {_text(r.split("</th>")[0]): _text(r.split("</th>")[1])
            for r in effective.split("<tr>")[2:]}  # fmt: skip
    assert rows["Web"].startswith("€120.00")
    assert rows["Maison Démo LYON-01 LYON-01"].startswith("€110.00 store")
    history = page.text.split('class="price-rows"')[1]
    assert "€110.00" in history and "€120.00" in history and "current" in history
    assert "No product with SKU or GTIN" in client.get("/pricing/prices?q=NOPE").text


def test_a_pricing_manager_changes_a_franchise_policy_and_store_staff_cannot(
    client, manager
) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, MANAGER)
    page = client.get("/pricing/prices")
    assert "Franchise Alpha" in page.text and "Locked: the brand price" in page.text
    done = _post(client, "/pricing/policies/FR-A", {"mode": "band", "band_percent": "7,5"},
                 "/pricing/prices")  # fmt: skip
    assert done.status_code == 303
    after = _text(client.get("/pricing/prices").text)
    assert "Price policy of FR-A saved." in after and "± 7.5%" in after
    refused = _post(client, "/pricing/policies/FR-A", {"mode": "band", "band_percent": "0"},
                    "/pricing/prices")  # fmt: skip
    assert refused.status_code == 303
    assert "Refused" in client.get("/pricing/prices").text
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/network").text)})
    _sign_in(client, STAFF)
    staff_page = client.get("/pricing/prices")
    assert staff_page.status_code == 200 and 'class="policy-form"' not in staff_page.text
    response = client.post(
        "/pricing/policies/FR-A",
        data={"mode": "free", "csrf_token": csrf_token(staff_page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_the_pricing_pages_in_french(client, manager) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, MANAGER)
    _save(client, **{"action.kind": "buy_x_get_y", "buy_x_get_y.buy": "2", "buy_x_get_y.get": "1"})
    switch_language(client, "fr", "/pricing/promotions")
    listing = _text(client.get("/pricing/promotions").text)
    assert "Achetez-en 2, 1 offert" in listing and "Acheter X, obtenir Y" in listing
    editor = client.get("/pricing/promotions/new").text
    assert "Ce que la promotion donne" in editor and "Conditions" in editor
    form = _definition(**{"preview.lines": "ROBE-1, 2", "preview.places": ["channel:web"]})
    preview = _text(_preview(client, form).text)
    assert "80,00 €" in preview and "Total" in preview
    prices = _text(client.get("/pricing/prices?q=SAC-1").text)
    assert "120,00 €" in prices and "Politiques de prix des franchisés" in prices


def test_the_audit_page_lists_stores_outside_their_policy(client, manager, admin_headers) -> None:  # type: ignore[no-untyped-def]
    client.put("/api/v1/pricing/policies/FR-A", json={"mode": "band", "band_percent": "10"},
               headers=admin_headers)  # fmt: skip
    client.put("/api/v1/pricing/policies/FR-B", json={"mode": "locked"}, headers=admin_headers)
    till = [
        {"sku": "ROBE-1", "amount": 6000, "location": "FRA-01",
         "valid_from": "2026-02-01T00:00:00+00:00"},  # +20 % against ± 10 %
        {"sku": "ROBE-2", "amount": 3100, "location": "FRA-01", "valid_from": PAST},  # within
        {"sku": "ROBE-2", "amount": 2900, "location": "FRB-01", "valid_from": PAST},  # locked
    ]  # fmt: skip
    assert (
        client.post("/api/v1/pricing/prices", json=till, headers=admin_headers).status_code == 201
    )
    _sign_in(client, MANAGER)
    page = client.get("/pricing/audit")
    assert page.status_code == 200
    text = _text(page.text)
    assert "2 prices outside their policy · 3 store prices checked" in text
    rows = page.text.split('class="audit"')[1].split("</table>")[0].split("<tr>")[2:]
    first, second = _text(rows[0]), _text(rows[1])
    assert first.startswith("Maison Démo FRA-01 FR-A ROBE-1 Produit ROBE-1 €60.00 €50.00")
    assert "€10.00 (20%)" in first and "± 10%" in first and "Feb 1, 2026" in first
    assert "ROBE-2" in second and "-€1.00" in second and "no change (locked)" in second
    one_store = _text(client.get("/pricing/audit?store=FRB-01").text)
    assert "1 price outside its policy" in one_store and "ROBE-1 Produit" not in one_store
    switch_language(client, "fr")
    french = _text(client.get("/pricing/audit").text)
    assert "2 prix hors de leur politique" in french and "Depuis" in french
