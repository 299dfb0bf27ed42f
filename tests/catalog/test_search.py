"""Product search: the terms a product is found by, how typed words match them (pure), and
`service.search_products` on the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from omnicanal.catalog import schemas, search, service
from omnicanal.catalog.models import ProductTerm
from omnicanal.security.permissions import Permission, Principal
from omnicanal.security.service import SYSTEM
from omnicanal.simulation.catalog import gtin_check_digit

# --- pure rules -----------------------------------------------------------------------------


def test_a_product_is_found_by_its_words_and_its_codes() -> None:
    terms = search.product_terms(
        "MD-00001-NOIR-38",
        "03760123000024",
        ("Robe portefeuille Lina", "Lina wrap dress"),
        "Maison Démo",
        {"colour": "Bleu marine", "size": "38", "base_price_cents": "6990"},
    )

    words = {t for kind, t in terms if kind == search.WORD}
    codes = {t for kind, t in terms if kind == search.CODE}
    assert {"robe", "portefeuille", "lina", "wrap", "dress", "maison", "demo"} <= words
    assert {"bleu", "marine", "38", "md", "00001", "noir"} <= words
    assert "6990" not in words  # prices are not searched
    assert codes == {"md00001noir38", "3760123000024"}


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("3760123000024", "3760123000024"),
        ("03760123000024", "3760123000024"),  # GTIN-14 as GS1 stores it
        ("3 760123 000024", "3760123000024"),
        ("md-00001-noir-38", "md00001noir38"),
        ("ROBE", "robe"),
        ("md", None),  # too short to be read as a code
    ],
)
def test_a_query_is_read_as_words_and_as_one_code(typed: str, code: str | None) -> None:
    assert search.read_query(typed).code == code


def test_typed_words_lose_accents_and_case_and_repeat_once() -> None:
    assert search.read_query("Écharpe  ÉCHARPE laine").words == ("echarpe", "laine")


@pytest.mark.parametrize(
    ("word", "term", "expected"),
    [
        ("portefeulle", "portefeuille", search.TYPO),  # a letter dropped
        ("rboe", "robe", search.TYPO),  # two letters swapped is one edit
        ("chemsie", "chemise", search.TYPO),
        ("portefuelile", "portefeuille", search.TYPO - search.TYPO_STEP),  # two edits, long
        ("pantqlon", "pantalon", search.TYPO),
        ("portefeu", "portefeuille", None),  # a beginning is a prefix, not a typo
        ("portefue", "portefeuille", search.TYPO_PREFIX),  # a typo while typing
        ("robe", "rose", search.TYPO),
        ("pll", "pull", search.TYPO),  # three letters: one edit
        ("rob", "rose", None),
        ("rob", "robinet", None),  # nor a typo while typing
        ("0038", "0036", None),  # numbers are not corrected
        ("chemise", "pantalon", None),
    ],
)
def test_typo_scores(word: str, term: str, expected: float | None) -> None:
    score = search.typo_score(word, term)
    assert score == pytest.approx(expected) if expected is not None else score is None


def test_a_typo_at_the_start_is_looked_up_by_the_rest_of_the_word() -> None:
    blocks = search.fuzzy_blocks("fouge")  # rouge, its first letter replaced

    assert blocks.heads == ("f", "o")
    assert blocks.tails == ("fo", "ou")
    assert search.tail_of("rouge").startswith(blocks.tails[1])
    assert search.tail_of("rose").startswith(search.fuzzy_blocks("ose").tails[0])  # dropped
    assert search.fuzzy_blocks("38") == search.Blocks((), ())


def test_ranking_prefers_words_as_typed_then_beginnings_then_typos() -> None:
    query = search.read_query("robe lina")
    hits = [
        ("p1", "w", "robe"), ("p1", "w", "lina"),  # both as typed
        ("p3", "w", "lina"),  # `robe` only as the beginning of a word (`robes`)
    ]  # fmt: skip

    ranked = search.rank(query, ["p1", "p2", "p3"], [], hits, {}, {"p2": "A", "p3": "B"})

    assert ranked[0] == ("p1", search.EXACT_WORD)
    assert ranked[1:] == [
        ("p3", pytest.approx((search.WORD_PREFIX + search.EXACT_WORD) / 2)),
        ("p2", pytest.approx(search.WORD_PREFIX)),
    ]


def test_ranking_scores_a_typo_by_the_word_it_may_be() -> None:
    query = search.read_query("robe portefeulle")
    typos = {"portefeulle": {"portefeuille": search.TYPO}}
    hits = [("p1", "w", "robe"), ("p1", "w", "portefeuille")]

    (ranked,) = search.rank(query, ["p1"], [], hits, typos, {})

    assert ranked == ("p1", pytest.approx((search.EXACT_WORD + search.TYPO) / 2))


def test_ranking_puts_a_code_typed_in_full_first() -> None:
    query = search.read_query("md00001")
    hits = [("p2", "c", "md00001"), ("p2", "w", "md00001")]

    ranked = search.rank(query, ["p2"], ["p1", "p2"], hits, {}, {"p1": "A", "p2": "B"})

    assert ranked == [("p2", search.EXACT_CODE), ("p1", search.CODE_PREFIX)]


# --- on the database ------------------------------------------------------------------------


def _gtin(n: int) -> str:
    first12 = f"3760123{n:05d}"
    return first12 + gtin_check_digit(first12)


@pytest.fixture
def products(session: Session) -> dict[str, str]:
    rows = [
        ("MD-00001-NOIR-36", "Robe portefeuille Lina", "Lina wrap dress", {"colour": "Noir", "size": "36"}),
        ("MD-00001-NOIR-38", "Robe portefeuille Lina", "Lina wrap dress", {"colour": "Noir", "size": "38"}),
        ("MD-00002-ROUG-M", "Pull col rond Émile", None, {"colour": "Rouge", "size": "M"}),
        ("MD-00003-CAME", "Écharpe Rose", None, {"colour": "Camel"}),
        ("MD-00004-BLMA-40", "Chemise oxford Jules", "Jules oxford shirt", {"colour": "Bleu marine", "size": "40"}),
    ]  # fmt: skip
    ids = {}
    for n, (sku, fr, en, attributes) in enumerate(rows, start=1):
        data = schemas.ProductCreate(
            sku=sku, name_fr=fr, name_en=en, gtin=_gtin(n), brand="Maison Démo",
            attributes=attributes,
        )  # fmt: skip
        ids[sku] = service.create_product(session, SYSTEM, data).id
    session.commit()
    return ids


def _found(session: Session, q: str, **filters: object) -> list[str]:
    result = service.search_products(session, SYSTEM, q, **filters)  # type: ignore[arg-type]
    return [hit.product.sku for hit in result.items]


def test_search_by_words_typos_and_accents(session: Session, products) -> None:
    assert _found(session, "robe lina 38") == ["MD-00001-NOIR-38"]
    assert _found(session, "robe portefeulle") == ["MD-00001-NOIR-36", "MD-00001-NOIR-38"]
    assert _found(session, "ECHARPE") == ["MD-00003-CAME"]
    assert _found(session, "chemise blue marine") == ["MD-00004-BLMA-40"]
    assert _found(session, "oxford shirt") == ["MD-00004-BLMA-40"]  # the English name
    assert _found(session, "pll col rond") == ["MD-00002-ROUG-M"]
    # A first letter replaced or dropped.
    assert _found(session, "pull fouge") == ["MD-00002-ROUG-M"]
    assert _found(session, "echarpe ose") == ["MD-00003-CAME"]


def test_a_word_of_the_catalog_is_not_read_as_a_typo(session: Session, products) -> None:
    # `rose` is a word of the catalog (a scarf's name): it does not bring the dresses.
    assert _found(session, "rose") == ["MD-00003-CAME"]


def test_search_by_gtin_and_sku_in_any_form(session: Session, products) -> None:
    gtin = _gtin(2)
    for typed in (gtin, "0" + gtin, f"{gtin[:7]}-{gtin[7:]}", "md-00001-noir-38", "MD00001NOIR38"):
        assert _found(session, typed)[0] == "MD-00001-NOIR-38"
    # The beginning of a GTIN, as a scanner-less person types it.
    assert _found(session, gtin[:11]) == [
        "MD-00001-NOIR-36", "MD-00001-NOIR-38", "MD-00002-ROUG-M", "MD-00003-CAME",
        "MD-00004-BLMA-40",
    ]  # fmt: skip


def test_search_as_you_type_narrows_with_each_letter(session: Session, products) -> None:
    assert len(_found(session, "r")) == 0  # a single letter is a whole word only
    # robe, rond, rouge, rose: as many beginnings, ranked alike, by SKU.
    assert _found(session, "ro") == [
        "MD-00001-NOIR-36", "MD-00001-NOIR-38", "MD-00002-ROUG-M", "MD-00003-CAME",
    ]  # fmt: skip
    assert _found(session, "rob") == ["MD-00001-NOIR-36", "MD-00001-NOIR-38"]
    assert _found(session, "m") == ["MD-00002-ROUG-M"]  # the size M, a whole word


def test_filters_combine_with_the_query(session: Session, products) -> None:
    service.update_product(
        session, SYSTEM, products["MD-00001-NOIR-36"], schemas.ProductUpdate(status="draft")
    )

    assert _found(session, "lina", status="active") == ["MD-00001-NOIR-38"]
    assert _found(session, "lina", brand="maison démo") == ["MD-00001-NOIR-36", "MD-00001-NOIR-38"]
    assert _found(session, "lina", brand="Atelier Nord") == []
    assert _found(session, "", status="draft") == ["MD-00001-NOIR-36"]


def test_a_changed_product_is_found_by_its_new_words(session: Session, products) -> None:
    service.update_product(
        session, SYSTEM, products["MD-00002-ROUG-M"],
        schemas.ProductUpdate(name_fr="Pull camionneur Émile", attributes={"colour": "Kaki"}),
    )  # fmt: skip

    assert _found(session, "camionneur kaki") == ["MD-00002-ROUG-M"]
    assert _found(session, "rond") == []
    terms = set(
        session.scalars(
            select(ProductTerm.term).where(ProductTerm.product_id == products["MD-00002-ROUG-M"])
        )
    )
    assert "rouge" not in terms and "roug" in terms  # its SKU still says it


def test_results_are_paged_with_their_total(session: Session, products) -> None:
    first = service.search_products(session, SYSTEM, "maison", limit=2)
    third = service.search_products(session, SYSTEM, "maison", limit=2, offset=4)

    assert first.total == third.total == 5 and first.ranked
    assert [h.product.sku for h in first.items] == ["MD-00001-NOIR-36", "MD-00001-NOIR-38"]
    assert [h.product.sku for h in third.items] == ["MD-00004-BLMA-40"]


def test_too_many_matches_are_listed_by_sku(
    session: Session, products, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "RANK_LIMIT", 2)

    found = service.search_products(session, SYSTEM, "maison", limit=3)

    assert not found.ranked and found.total == 5
    assert [h.product.sku for h in found.items] == [
        "MD-00001-NOIR-36", "MD-00001-NOIR-38", "MD-00002-ROUG-M",
    ]  # fmt: skip


def test_find_product_by_what_a_person_types(session: Session, products) -> None:
    assert service.find_product(session, SYSTEM, "md-00001-noir-38").sku == "MD-00001-NOIR-38"
    assert service.find_product(session, SYSTEM, "0" + _gtin(3)).sku == "MD-00002-ROUG-M"
    assert service.find_product(session, SYSTEM, "robe") is None
    assert service.find_product(session, SYSTEM, " ") is None


def test_search_needs_catalog_read(session: Session, products) -> None:
    from omnicanal.errors import Forbidden

    nobody = Principal(kind="user", id="u", name="u", permissions=frozenset())
    with pytest.raises(Forbidden):
        service.search_products(session, nobody, "robe")
    reader = Principal(
        kind="user", id="u", name="u", permissions=frozenset({Permission.CATALOG_READ})
    )
    assert service.search_products(session, reader, "robe").total == 2


def test_the_migration_indexes_the_products_already_there(db_url: str) -> None:
    from sqlalchemy import text

    from omnicanal.db import make_engine
    from omnicanal.migrations import upgrade

    upgrade(db_url, "0006")
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO catalog_products (id, sku, gtin, name_fr, attributes, variant_axes,"
                " status, created_at, updated_at) VALUES ('prd_1', 'MD-1', '03760123000017',"
                " 'Écharpe laine', '{\"colour\": \"Camel\"}', '[]', 'active',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    upgrade(db_url)
    with engine.connect() as connection:
        terms = set(connection.execute(text("SELECT kind, term FROM catalog_product_terms")))
        words = set(connection.execute(text("SELECT word, tail FROM catalog_search_words")))
    engine.dispose()
    assert ("echarpe", "charpe") in words and ("camel", "amel") in words
    assert terms == {
        ("w", "md"), ("w", "1"), ("w", "echarpe"), ("w", "laine"), ("w", "camel"),
        ("c", "md1"), ("c", "3760123000017"),
    }  # fmt: skip
