"""The catalog: master products with GTIN-13, franchisees' own re-encoded product files, and
marketplace sellers' offers on brand products."""

from __future__ import annotations

import random
from pathlib import Path

from omnicanal.simulation.data.catalog import CATEGORIES, COLOURS, STYLES
from omnicanal.simulation.mess import strip_accents, typo
from omnicanal.simulation.model import Product
from omnicanal.simulation.network import MARKETPLACE_SELLERS, franchisee_codes
from omnicanal.simulation.scale import Scale
from omnicanal.simulation.writers import CsvOut

GS1_COMPANY_PREFIX = "3760123"  # 376: GS1 France; the rest is the brand's (made up)

PRODUCT_COLUMNS = ["sku", "gtin", "name", "category", "size", "colour", "base_price_cents",
                   "currency"]  # fmt: skip
FRANCHISE_COLUMNS = ["code_article", "libelle", "ean", "prix_ttc", "rayon"]
OFFER_COLUMNS = ["seller_code", "offer_id", "gtin", "title", "price_cents", "currency",
                 "quantity", "condition"]  # fmt: skip


def gtin_check_digit(first12: str) -> str:
    """The GS1 check digit: weights 1 and 3 alternate from the left over the first 12 digits."""
    if len(first12) != 12 or not first12.isdigit():
        raise ValueError("a GTIN-13 check digit needs 12 digits")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def is_valid_gtin13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and gtin_check_digit(code[:12]) == code[12]


def colour_code_of(colour: str) -> str:
    """`Noir` -> `NOIR`, `Bleu marine` -> `BLMA`: short, and distinct for every colour."""
    words = strip_accents(colour).upper().split()
    return words[0][:4] if len(words) == 1 else "".join(w[:2] for w in words[:2])


def build_products(scale: Scale, rng: random.Random) -> list[Product]:
    """Models (a style name and a product noun) in colours and sizes until the count is met."""
    products: list[Product] = []
    categories = list(CATEGORIES)
    model = 0
    while len(products) < scale.products:
        category = categories[model % len(categories)]
        nouns, sizes, (low, high) = CATEGORIES[category]
        noun = nouns[(model // len(categories)) % len(nouns)]
        style = STYLES[model % len(STYLES)]
        price = rng.randrange(low, high + 1) * 100 - rng.choice([1, 1, 10, 100])
        colours = rng.sample(COLOURS, k=rng.randint(1, 3))
        for colour in colours:
            for size in sizes or [None]:
                if len(products) == scale.products:
                    break
                index = len(products)
                item = f"{index:05d}"
                first12 = GS1_COMPANY_PREFIX + item
                size_part = f"-{size.replace(' ', '')}" if size else ""
                colour_code = colour_code_of(colour)
                products.append(
                    Product(
                        sku=f"MD-{model:05d}-{colour_code}{size_part}",
                        gtin=first12 + gtin_check_digit(first12),
                        name=f"{noun} {style}",
                        category=category,
                        size=size,
                        colour=colour,
                        base_price_cents=price,
                        index=index,
                    )
                )
        model += 1
    return products


def _franchise_label(rng: random.Random, product: Product) -> str:
    """A franchisee's till label: upper case, cut short, sometimes typed wrong."""
    label = f"{product.name} {product.colour or ''} {product.size or ''}".upper().strip()
    label = " ".join(label.split())[:30]
    return typo(rng, label) if rng.random() < 0.15 else label


def _title(product: Product) -> str:
    return " ".join(
        f"Maison Démo - {product.name} {product.colour or ''} {product.size or ''}".split()
    )


def write_catalog(
    out_dir: Path, scale: Scale, products: list[Product], rng: random.Random
) -> dict[str, int]:
    counts: dict[str, int] = {}
    master = CsvOut(out_dir / "catalog" / "products.csv", PRODUCT_COLUMNS)
    for p in products:
        master.write({**p.__dict__, "currency": "EUR"})
    master.close()
    counts["catalog/products.csv"] = master.rows

    mapping = CsvOut(
        out_dir / "truth" / "franchise_products.csv",
        ["franchisee_code", "code_article", "sku", "gtin_in_file_is_valid"],
    )
    for code, _ in franchisee_codes(scale):
        prefix = code.removeprefix("FR-")[:3]
        out = CsvOut(out_dir / "catalog" / "franchise" / f"{code}.csv", FRANCHISE_COLUMNS)
        used: set[str] = set()
        for product in rng.sample(products, k=int(len(products) * rng.uniform(0.5, 0.8))):
            own_code = f"{prefix}{rng.randrange(100_000, 999_999)}"
            while own_code in used:  # the franchisee's own numbering: nothing of the brand's
                own_code = f"{prefix}{rng.randrange(100_000, 999_999)}"
            used.add(own_code)
            ean: str | None = product.gtin
            roll = rng.random()
            if roll < 0.12:
                ean = None  # re-encoded without a barcode
            elif roll < 0.15:
                digits = list(product.gtin)
                i = rng.randrange(12)
                digits[i], digits[i + 1] = digits[i + 1], digits[i]  # keyed in wrong
                ean = "".join(digits)
            # Franchisees set their own prices, mostly near the brand's, some well off it.
            price = product.base_price_cents * rng.choice([1.0, 1.0, 1.0, 0.95, 1.05, 1.1, 0.85])
            out.write(
                {
                    "code_article": own_code,
                    "libelle": _franchise_label(rng, product),
                    "ean": ean or "",
                    "prix_ttc": f"{price / 100:.2f}".replace(".", ","),
                    "rayon": product.category.split(" > ")[0].upper(),
                }
            )
            mapping.write_values([code, own_code, product.sku, bool(ean and is_valid_gtin13(ean))])
        out.close()
        counts[f"catalog/franchise/{code}.csv"] = out.rows
    mapping.close()

    offers = CsvOut(out_dir / "catalog" / "marketplace_offers.csv", OFFER_COLUMNS)
    for seller_code, _ in MARKETPLACE_SELLERS:
        for n, product in enumerate(rng.sample(products, k=int(len(products) * 0.25))):
            offers.write(
                {
                    "seller_code": seller_code,
                    "offer_id": f"{seller_code}-{n:06d}",
                    "gtin": product.gtin,
                    "title": _title(product),
                    "price_cents": int(product.base_price_cents * rng.uniform(0.85, 1.15)),
                    "currency": "EUR",
                    "quantity": rng.randrange(0, 40),
                    "condition": "new" if rng.random() < 0.95 else "refurbished",
                }
            )
    offers.close()
    counts["catalog/marketplace_offers.csv"] = offers.rows
    return counts
