"""Use cases of the catalog: categories, master products, local code mapping, assortment.

Local codes are always seen through the principal's scope: a franchisee's key reads and sends
its own codes only. `translate_codes` is what other domains call to read a feed's local codes
as master SKUs; an unknown code is held in the review queue, never dropped."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    and_,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    union,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from omnicanal.catalog import mapping, rules, schemas, search
from omnicanal.catalog.models import (
    Assortment,
    Category,
    Product,
    ProductCode,
    ProductTerm,
    SearchWord,
)
from omnicanal.catalog.rules import CodeStatus, MappingMethod
from omnicanal.db import new_id, utcnow
from omnicanal.errors import Conflict, Forbidden, InvalidInput, NotFound
from omnicanal.events import emit
from omnicanal.network import service as network_service
from omnicanal.security.permissions import Permission, Principal, require

# --- categories ----------------------------------------------------------------------------


def list_categories(session: Session, principal: Principal) -> list[Category]:
    require(principal, Permission.CATALOG_READ)
    return list(session.scalars(select(Category).order_by(Category.code)))


def _require_manage(principal: Principal) -> None:
    require(principal, Permission.CATALOG_MANAGE)
    if not principal.scope.is_brand:
        raise Forbidden("only a brand-wide user or key can change the master catalog")


def create_category(
    session: Session, principal: Principal, data: schemas.CategoryCreate
) -> Category:
    _require_manage(principal)
    if session.scalars(select(Category.id).where(Category.code == data.code)).first():
        raise Conflict(f"a category with code {data.code!r} exists", field="code")
    if data.parent_id and session.get(Category, data.parent_id) is None:
        raise InvalidInput(f"unknown category {data.parent_id!r}", field="parent_id")
    category = Category(**data.model_dump())
    session.add(category)
    session.flush()
    return category


def ensure_category_path(session: Session, path_text: str) -> Category:
    """The category at `Femme > Robes`, created with its parents when missing."""
    names = rules.split_category_path(path_text)
    parent: Category | None = None
    for depth in range(1, len(names) + 1):
        code = rules.category_code(names[:depth])
        category = session.scalars(select(Category).where(Category.code == code)).one_or_none()
        if category is None:
            category = Category(
                code=code, name_fr=names[depth - 1], parent_id=parent.id if parent else None
            )
            session.add(category)
            session.flush()
        parent = category
    assert parent is not None
    return parent


def category_paths(session: Session, language: str = "fr") -> dict[str, str]:
    """Category id -> `Femme > Robes` (`Women > Dresses` in English, where names are given)."""
    rows = session.execute(
        select(Category.id, Category.parent_id, Category.name_fr, Category.name_en)
    ).all()
    by_id = {r.id: r for r in rows}
    paths: dict[str, str] = {}
    for row in rows:
        names, current, seen = [], row, set()
        while current is not None and current.id not in seen:
            seen.add(current.id)
            names.append((language == "en" and current.name_en) or current.name_fr)
            current = by_id.get(current.parent_id) if current.parent_id else None
        paths[row.id] = " > ".join(reversed(names))
    return paths


def category_subtree(session: Session, category_id: str) -> set[str]:
    """The category and every category below it."""
    children: dict[str | None, list[str]] = {}
    for row in session.execute(select(Category.id, Category.parent_id)):
        children.setdefault(row.parent_id, []).append(row.id)
    found, waiting = set(), [category_id]
    while waiting:
        current = waiting.pop()
        if current not in found:
            found.add(current)
            waiting.extend(children.get(current, ()))
    return found


# --- products ------------------------------------------------------------------------------


def list_products(
    session: Session, principal: Principal, filters: schemas.ProductFilter | None = None
) -> list[Product]:
    """Products by SKU; with `q`, the search's best matches first."""
    f = filters or schemas.ProductFilter()
    found = search_products(
        session,
        principal,
        f.q,
        category_ids={f.category_id} if f.category_id else None,
        brand=f.brand,
        status=f.status,
        parent_id=f.parent_id,
        limit=f.limit,
        offset=f.offset,
    )
    return [hit.product for hit in found.items]


def get_product(session: Session, principal: Principal, product_id: str) -> Product:
    """By id, or by SKU: integrators know SKUs."""
    require(principal, Permission.CATALOG_READ)
    product = session.get(Product, product_id) or get_product_by_sku(session, product_id)
    if product is None:
        raise NotFound(f"no product {product_id!r}", field="product_id")
    return product


def get_product_by_sku(session: Session, sku: str) -> Product | None:
    return session.scalars(select(Product).where(Product.sku == sku)).one_or_none()


def _check_references(session: Session, data: dict[str, Any], product_id: str | None) -> None:
    if data.get("category_id") and session.get(Category, data["category_id"]) is None:
        raise InvalidInput(f"unknown category {data['category_id']!r}", field="category_id")
    parent_id = data.get("parent_id")
    if parent_id:
        parent = session.get(Product, parent_id)
        if parent is None:
            raise InvalidInput(f"unknown product {parent_id!r}", field="parent_id")
        if parent.id == product_id or parent.parent_id is not None:
            raise InvalidInput("a variant's parent is a model, not a variant", field="parent_id")
    if data.get("gtin"):
        owner = session.scalars(select(Product.id).where(Product.gtin == data["gtin"])).first()
        if owner is not None and owner != product_id:
            raise Conflict(f"GTIN {data['gtin']} belongs to another product", field="gtin")


def create_product(session: Session, principal: Principal, data: schemas.ProductCreate) -> Product:
    _require_manage(principal)
    if get_product_by_sku(session, data.sku):
        raise Conflict(f"a product with SKU {data.sku!r} exists", field="sku")
    values = data.model_dump(mode="json")
    _check_references(session, values, None)
    product = Product(**values)
    session.add(product)
    session.flush()
    _index_terms(session, product)
    emit(session, "product.created", _product_payload(product))
    return product


def update_product(
    session: Session, principal: Principal, product_id: str, data: schemas.ProductUpdate
) -> Product:
    product = get_product(session, principal, product_id)
    _require_manage(principal)
    changes = data.model_dump(mode="json", exclude_unset=True)
    for field in ("name_fr", "attributes", "variant_axes", "status"):
        if field in changes and changes[field] is None:
            raise InvalidInput(f"{field} cannot be null", field=field)
    _check_references(session, changes, product.id)
    for name, value in changes.items():
        setattr(product, name, value)
    session.flush()
    if changes.keys() & {"gtin", "name_fr", "name_en", "brand", "attributes"}:
        _index_terms(session, product)
    emit(session, "product.updated", _product_payload(product))
    return product


def upsert_product(
    session: Session, principal: Principal, data: schemas.ProductCreate
) -> tuple[Product, bool]:
    """Create the product with this SKU, or update it: what an import row means."""
    existing = get_product_by_sku(session, data.sku)
    if existing is None:
        return create_product(session, principal, data), True
    fields = data.model_dump(exclude={"sku"})
    return update_product(session, principal, existing.id, schemas.ProductUpdate(**fields)), False


def _product_payload(product: Product) -> dict[str, object]:
    return schemas.ProductOut.model_validate(product).model_dump(mode="json")


# --- search --------------------------------------------------------------------------------

RANK_LIMIT = 1000  # when more products match, they are listed by SKU rather than ranked
FUZZY_VOCABULARY = 5000  # distinct words compared with a typed word, per first letter


@dataclass(frozen=True)
class ProductFound:
    product: Product
    score: float | None  # None when listed by SKU: no query, or too many matches to rank


@dataclass(frozen=True)
class ProductSearch:
    items: list[ProductFound]
    total: int
    ranked: bool


def _index_terms(session: Session, product: Product) -> None:
    """Write the terms the product is found by (`catalog.search`), replacing the old ones,
    and add its new words to the vocabulary the typo pass reads."""
    session.execute(delete(ProductTerm).where(ProductTerm.product_id == product.id))
    terms = search.product_terms(
        product.sku,
        product.gtin,
        (product.name_fr, product.name_en),
        product.brand,
        product.attributes or {},
    )
    rows = [{"kind": kind, "term": term, "product_id": product.id} for kind, term in terms]
    session.execute(insert(ProductTerm), sorted(rows, key=lambda r: (r["kind"], r["term"])))
    words = sorted(term for kind, term in terms if kind == search.WORD)
    known = set(session.scalars(select(SearchWord.word).where(SearchWord.word.in_(words))))
    new = [{"word": w, "tail": search.tail_of(w)} for w in words if w not in known]
    if new:
        # Another transaction may add the same word meanwhile: the word is there either way.
        dialect = session.get_bind().dialect.name
        module = postgresql if dialect == "postgresql" else sqlite
        session.execute(module.insert(SearchWord).on_conflict_do_nothing(), new)


def _begins(column: Any, prefix: str) -> Any:
    """Values of `column` beginning with `prefix`: a range the index reads, and the beginning
    itself, exact whatever the database's collation."""
    low, high = search.prefix_range(prefix)
    return and_(column >= low, column < high, func.substr(column, 1, len(prefix)) == prefix)


def _typos(session: Session, word: str) -> dict[str, float]:
    """Words of the catalog a typed word may be a typo of, with their score; none when some
    word of the catalog is or begins with the typed word as it is. The pass reads, through
    the vocabulary's indexes, the words under a few beginnings (`search.fuzzy_blocks`), not
    the products."""
    blocks = search.fuzzy_blocks(word)
    if not blocks.heads or session.scalar(
        select(SearchWord.word).where(_begins(SearchWord.word, word)).limit(1)
    ):
        return {}
    found: dict[str, float] = {}
    lookups = [_begins(SearchWord.word, head) for head in blocks.heads]
    lookups += [_begins(SearchWord.tail, tail) for tail in blocks.tails]
    for lookup in lookups:
        for term in session.scalars(select(SearchWord.word).where(lookup).limit(FUZZY_VOCABULARY)):
            score = search.typo_score(word, term)
            if score is not None:
                found[term] = max(score, found.get(term, 0.0))
    return found


def _word_condition(column: Any, word: str, typos: dict[str, float]) -> Any:
    typed = _begins(column, word) if len(word) >= search.MIN_PREFIX else column == word
    return or_(typed, column.in_(sorted(typos))) if typos else typed


def _with_word(word: str, typos: dict[str, float]) -> Any:
    """The ids of the products with a term matching a typed word: each way of matching a
    query of its own, joined by UNION (with OR between them, SQLite reads every word)."""
    kind = ProductTerm.kind == search.WORD
    typed = (
        _begins(ProductTerm.term, word)
        if len(word) >= search.MIN_PREFIX
        else ProductTerm.term == word
    )
    ways = [select(ProductTerm.product_id).where(kind, typed)]
    if typos:
        ways.append(select(ProductTerm.product_id).where(kind, ProductTerm.term.in_(sorted(typos))))
    return union(*ways) if len(ways) > 1 else ways[0]


def _every_word(query: search.Query, typos: dict[str, dict[str, float]]) -> Any:
    """A condition on products: every typed word matches one of their terms. The longest
    word (the likeliest to be rare) chooses the products through the index of terms; each
    other word is then checked among the chosen products' own terms."""
    driver, *others = sorted(query.words, key=lambda w: (-len(w), w))
    conditions = [Product.id.in_(_with_word(driver, typos[driver]))]
    for n, word in enumerate(others):
        own = ProductTerm.__table__.alias(f"own_{n}")  # a Core alias: an ORM one costs 1 ms
        conditions.append(
            exists().where(
                own.c.product_id == Product.id,
                own.c.kind == search.WORD,
                _word_condition(own.c.term, word, typos[word]),
            )
        )
    return and_(*conditions)


def _with_code(code: str) -> Any:
    condition = and_(ProductTerm.kind == search.CODE, _begins(ProductTerm.term, code))
    return Product.id.in_(select(ProductTerm.product_id).where(condition))


def search_products(
    session: Session,
    principal: Principal,
    q: str | None = None,
    *,
    category_ids: set[str] | None = None,
    brand: str | None = None,
    status: rules.ProductStatus | None = None,
    parent_id: str | None = None,
    limit: int = 25,
    offset: int = 0,
) -> ProductSearch:
    """Products by SKU, GTIN in any form, name (French or English), brand, colour or size,
    tolerant of typos and accents (`catalog.search`), best first; filtered by categories,
    brand (any case), status and model. Without a query, every product by SKU."""
    require(principal, Permission.CATALOG_READ)
    chosen = select(Product.id)
    if category_ids is not None:
        chosen = chosen.where(Product.category_id.in_(sorted(category_ids)))
    if brand and brand.strip():
        chosen = chosen.where(func.lower(Product.brand) == brand.strip().lower())
    if status:
        chosen = chosen.where(Product.status == rules.ProductStatus(status).value)
    if parent_id:
        chosen = chosen.where(Product.parent_id == parent_id)
    query = search.read_query(q or "")
    if query.words or query.code:
        typos = {word: _typos(session, word) for word in query.words}
        ways = [_every_word(query, typos)] if query.words else []
        ways += [_with_code(query.code)] if query.code else []
        # Each way on its own: a few products each, read through the indexes.
        found: list[dict[str, str]] = []
        for way in ways:
            rows = session.execute(chosen.add_columns(Product.sku).where(way).limit(RANK_LIMIT + 1))
            found.append({row[0]: row[1] for row in rows})
        skus = {k: v for ids in found for k, v in ids.items()}
        if len(skus) <= RANK_LIMIT:
            by_words = found[0] if query.words else {}
            by_code = found[-1] if query.code else {}
            return _ranked(session, query, typos, by_words, by_code, skus, limit, offset)
        chosen = chosen.where(or_(*ways))
    total = session.scalar(select(func.count()).select_from(chosen.subquery())) or 0
    page = session.scalars(
        select(Product)
        .where(Product.id.in_(chosen))
        .order_by(Product.sku)
        .limit(limit)
        .offset(offset)
    )
    return ProductSearch([ProductFound(p, None) for p in page], total, False)


def _ranked(
    session: Session,
    query: search.Query,
    typos: dict[str, dict[str, float]],
    by_words: dict[str, str],
    by_code: dict[str, str],
    skus: dict[str, str],
    limit: int,
    offset: int,
) -> ProductSearch:
    """Rank the products found (`search.rank`) from the few terms that tell how well they
    match: the typed words as they are, their typos, the query as a whole code."""
    telling = [
        and_(ProductTerm.kind == search.WORD, ProductTerm.term.in_(sorted(words)))
        for words in [set(query.words).union(*typos.values())]
        if words
    ]
    if query.code:
        telling.append(and_(ProductTerm.kind == search.CODE, ProductTerm.term == query.code))
    ids = sorted(skus)
    hits: list[tuple[str, str, str]] = []
    for chunk in range(0, len(ids), 500):
        terms = select(ProductTerm.product_id, ProductTerm.kind, ProductTerm.term).where(
            ProductTerm.product_id.in_(ids[chunk : chunk + 500]), or_(*telling)
        )
        hits.extend((row[0], row[1], row[2]) for row in session.execute(terms))
    ranked = search.rank(query, by_words, by_code, hits, typos, skus)
    page = ranked[offset : offset + limit]
    products = {
        p.id: p
        for p in session.scalars(select(Product).where(Product.id.in_([i for i, _ in page])))
    }
    items = [ProductFound(products[i], score) for i, score in page]
    return ProductSearch(items, len(ranked), True)


def find_product(session: Session, principal: Principal, reference: str) -> Product | None:
    """The one product a person means by `reference`: its id, its SKU in any case or with
    other separators, or its GTIN in any of its forms; None when none or several fit."""
    require(principal, Permission.CATALOG_READ)
    text = reference.strip()
    if not text:
        return None
    product = session.get(Product, text) or get_product_by_sku(session, text)
    if product is not None:
        return product
    ids = list(
        session.scalars(
            select(ProductTerm.product_id)
            .where(ProductTerm.kind == search.CODE, ProductTerm.term == search.code_key(text))
            .limit(2)
        )
    )
    return session.get(Product, ids[0]) if len(ids) == 1 else None


def skus_of(session: Session, product_ids: Sequence[str]) -> dict[str, str]:
    """Product id -> SKU, for listings that hold product ids (codes, offers)."""
    wanted = sorted(set(product_ids))
    if not wanted:
        return {}
    query = select(Product.id, Product.sku).where(Product.id.in_(wanted))
    return {row.id: row.sku for row in session.execute(query)}


def list_brands(session: Session, principal: Principal) -> list[str]:
    require(principal, Permission.CATALOG_READ)
    query = select(Product.brand).where(Product.brand.is_not(None)).distinct()
    return sorted(session.scalars(query), key=lambda b: mapping.normalise_text(b))


def variants_of(session: Session, principal: Principal, product: Product) -> list[Product]:
    """A model's variants; for a variant, the other variants of its model."""
    require(principal, Permission.CATALOG_READ)
    model_id = product.parent_id or product.id
    query = select(Product).where(Product.parent_id == model_id, Product.id != product.id)
    return list(session.scalars(query.order_by(Product.sku)))


# --- code mapping --------------------------------------------------------------------------


@dataclass(frozen=True)
class Owner:
    code: str
    entity_id: str | None


def resolve_owner(session: Session, principal: Principal, owner: str | None) -> Owner:
    """Who uses the codes: an entity by its code, or (brand-wide only) a system's name."""
    reachable = network_service.reachable_entities(session, principal)
    if owner is None:
        if reachable is None or len(reachable) != 1:
            raise InvalidInput("say whose codes these are", field="owner")
        entity = network_service.get_entity(session, reader_of(principal), next(iter(reachable)))
        return Owner(entity.code, entity.id)
    entity = network_service.get_entity_by_code(session, owner)
    if reachable is None:
        return Owner(owner, entity.id if entity else None)
    if entity is None or entity.id not in reachable:
        # The same answer as for an owner that does not exist: do not reveal other entities.
        raise InvalidInput(f"unknown owner {owner!r}", field="owner")
    return Owner(entity.code, entity.id)


def reader_of(principal: Principal) -> Principal:
    return Principal(
        kind=principal.kind,
        id=principal.id,
        name=principal.name,
        permissions=principal.permissions | {Permission.NETWORK_READ},
        scope=principal.scope,
    )


def _scoped_codes(session: Session, principal: Principal):  # type: ignore[no-untyped-def]
    query = select(ProductCode)
    reachable = network_service.reachable_entities(session, principal)
    if reachable is not None:
        query = query.where(ProductCode.owner_entity_id.in_(reachable))
    return query


@dataclass
class _MatcherCache:
    key: tuple[Any, ...]
    matcher: mapping.Matcher
    product_ids: dict[str, str]


_CACHE: dict[str, _MatcherCache] = {}


def matcher_for(
    session: Session, settings: mapping.MappingSettings | None = None
) -> tuple[mapping.Matcher, dict[str, str]]:
    """The matcher over the current master catalog and SKU -> product id; rebuilt only when
    the catalog changed (an import maps batch after batch with the same one)."""
    bind = str(session.get_bind().url)
    key = (
        session.scalar(select(func.count(Product.id))),
        session.scalar(select(func.max(Product.updated_at))),
        settings,
    )
    cached = _CACHE.get(bind)
    if cached is not None and cached.key == key:
        return cached.matcher, cached.product_ids
    paths = category_paths(session)
    rows = session.execute(
        select(
            Product.id,
            Product.sku,
            Product.gtin,
            Product.name_fr,
            Product.brand,
            Product.category_id,
            Product.attributes,
        ).where(Product.status != rules.ProductStatus.DISCONTINUED.value)
    ).all()
    matcher = mapping.Matcher((_master_item(row, paths) for row in rows), settings)
    product_ids = {row.sku: row.id for row in rows}
    _CACHE[bind] = _MatcherCache(key, matcher, product_ids)
    return matcher, product_ids


def _master_item(row: Any, paths: dict[str, str]) -> mapping.MasterItem:
    """A product (or a row with its columns) as the mapping rules read it."""
    attributes = {k: str(v) for k, v in (row.attributes or {}).items() if v not in (None, "")}
    price = attributes.get("base_price_cents") or attributes.get("price_minor")
    return mapping.MasterItem(
        sku=row.sku,
        name=row.name_fr,
        gtin=row.gtin,
        brand=row.brand,
        category=paths.get(row.category_id) if row.category_id else None,
        attributes=attributes,
        price_minor=int(price) if price and price.isdigit() else None,
    )


def _line_of(data: schemas.ProductLineIn) -> mapping.LocalLine:
    return mapping.LocalLine(
        code=data.code,
        name=data.name,
        gtin=data.gtin,
        brand=data.brand,
        category=data.category,
        attributes={k: str(v) for k, v in data.attributes.items()},
        price_minor=data.price_minor,
    )


def _decision_values(decision: mapping.Decision, ids: dict[str, str]) -> dict[str, Any]:
    return {
        "status": decision.status.value,
        "product_id": ids.get(decision.sku) if decision.sku else None,
        "method": decision.method.value if decision.method else None,
        "score": decision.score,
        "reason": decision.reason[:300],
        "candidates": [{"sku": c.sku, "score": c.score} for c in decision.candidates],
    }


_DECISION_FIELDS = ("status", "product_id", "method", "score", "reason", "candidates")


def _apply_decision(code: ProductCode, decision: mapping.Decision, ids: dict[str, str]) -> None:
    for name, value in _decision_values(decision, ids).items():
        setattr(code, name, value)


def _owners_of(
    session: Session, principal: Principal, lines: Sequence[schemas.ProductLineIn]
) -> dict[str | None, Owner]:
    owners: dict[str | None, Owner] = {}
    for line in lines:
        if line.owner not in owners:
            owners[line.owner] = resolve_owner(session, principal, line.owner)
    return owners


def _custom_plans(session: Session) -> None:
    """On PostgreSQL, plan the code look-ups of this transaction with their values. psycopg
    prepares a statement run five times, and PostgreSQL then keeps a generic plan made while
    the table was still small: a sequential scan that an import of 50 000 codes pays on every
    batch (0.3 s a look-up at the end, against 10 ms with the unique index)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def _known_codes(
    session: Session, keys: set[tuple[str, str]], columns: Sequence[Any]
) -> Iterator[Any]:
    """The stored codes among these (owner, code) keys, as rows of `columns`, 500 a query."""
    _custom_plans(session)
    for owner_code in {k[0] for k in keys}:
        codes = [k[1] for k in keys if k[0] == owner_code]
        for chunk in range(0, len(codes), 500):
            yield from session.execute(
                select(*columns).where(
                    ProductCode.owner == owner_code,
                    ProductCode.code.in_(codes[chunk : chunk + 500]),
                )
            )


def _sent(line: schemas.ProductLineIn) -> dict[str, Any]:
    """What an owner sent about a code, as kept with it."""
    return line.model_dump(mode="json", exclude={"owner", "code", "price"}, exclude_none=True)


def submit_lines(
    session: Session,
    principal: Principal,
    lines: Sequence[schemas.ProductLineIn],
    settings: mapping.MappingSettings | None = None,
) -> tuple[list[ProductCode], int, int]:
    """Map an owner's product lines: new codes are decided now; a code a person settled keeps
    its decision. Returns the codes, how many were created and how many updated."""
    require(principal, Permission.CATALOG_WRITE)
    owners = _owners_of(session, principal, lines)
    keys = {(owners[line.owner].code, line.code) for line in lines}
    existing = {(c.owner, c.code): c for (c,) in _known_codes(session, keys, (ProductCode,))}
    matcher, ids = matcher_for(session, settings)
    result: list[ProductCode] = []
    created = updated = 0
    for line in lines:
        owner = owners[line.owner]
        code = existing.get((owner.code, line.code))
        if code is None:
            code = ProductCode(owner=owner.code, owner_entity_id=owner.entity_id, code=line.code)
            session.add(code)
            existing[(owner.code, line.code)] = code
            created += 1
        else:
            updated += 1
        code.line = _sent(line)
        if code.decided_by is None:  # a person's decision stands until a person changes it
            _apply_decision(code, matcher.match(_line_of(line)), ids)
        result.append(code)
    session.flush()
    return result, created, updated


_CODE_COLUMNS = (
    ProductCode.id,
    ProductCode.owner,
    ProductCode.code,
    ProductCode.line,
    ProductCode.status,
    ProductCode.product_id,
    ProductCode.method,
    ProductCode.score,
    ProductCode.reason,
    ProductCode.candidates,
    ProductCode.decided_by,
)


def store_lines(
    session: Session,
    principal: Principal,
    lines: Sequence[schemas.ProductLineIn],
    settings: mapping.MappingSettings | None = None,
) -> tuple[int, int]:
    """What `submit_lines` does, for an import's batch: the same decisions, with one query for
    the codes already known, one bulk insert for the new ones and one bulk update for the known
    ones that changed, and no ORM object per line. Returns how many were created and updated."""
    require(principal, Permission.CATALOG_WRITE)
    owners = _owners_of(session, principal, lines)
    keys = {(owners[line.owner].code, line.code) for line in lines}
    known = {
        (row.owner, row.code): dict(row._mapping)
        for row in _known_codes(session, keys, _CODE_COLUMNS)
    }
    matcher, ids = matcher_for(session, settings)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    created = updated = 0
    for line in lines:
        owner = owners[line.owner]
        key = (owner.code, line.code)
        row = rows.get(key)
        if row is None and key in known:
            row = rows[key] = dict(known[key])
        if row is None:
            row = rows[key] = {"id": new_id("pcd"), "owner": owner.code, "code": line.code,
                               "owner_entity_id": owner.entity_id, "decided_by": None}  # fmt: skip
            created += 1
        else:
            updated += 1
        row["line"] = _sent(line)
        if row["decided_by"] is None:  # a person's decision stands until a person changes it
            row.update(_decision_values(matcher.match(_line_of(line)), ids))
    now = utcnow()
    new = [{**r, "created_at": now, "updated_at": now} for k, r in rows.items() if k not in known]
    changed = [
        {name: r[name] for name in ("id", "line", *_DECISION_FIELDS)} | {"updated_at": now}
        for k, r in rows.items()
        if k in known and r != known[k]
    ]
    if new:
        session.execute(insert(ProductCode), new)
    if changed:
        session.execute(update(ProductCode), changed)
    return created, updated


def code_counts(session: Session) -> dict[str, int]:
    """How many local codes are in each status, brand-wide (for summaries)."""
    query = select(ProductCode.status, func.count()).group_by(ProductCode.status)
    return {status: count for status, count in session.execute(query)}


def list_codes(
    session: Session,
    principal: Principal,
    status: CodeStatus | None = None,
    owner: str | None = None,
    limit: int = 100,
    offset: int = 0,
    product_id: str | None = None,
) -> list[ProductCode]:
    require(principal, Permission.CATALOG_READ)
    query = _scoped_codes(session, principal)
    if status:
        query = query.where(ProductCode.status == status.value)
    if owner:
        query = query.where(ProductCode.owner == owner)
    if product_id:
        query = query.where(ProductCode.product_id == product_id)
    query = query.order_by(ProductCode.owner, ProductCode.code).limit(limit).offset(offset)
    return list(session.scalars(query))


def count_codes(session: Session, principal: Principal, owner: str | None = None) -> dict[str, int]:
    """How many of the codes the principal sees are in each status."""
    require(principal, Permission.CATALOG_READ)
    query = select(ProductCode.status, func.count()).group_by(ProductCode.status)
    reachable = network_service.reachable_entities(session, principal)
    if reachable is not None:
        query = query.where(ProductCode.owner_entity_id.in_(reachable))
    if owner:
        query = query.where(ProductCode.owner == owner)
    return {status: count for status, count in session.execute(query)}


def code_owners(session: Session, principal: Principal) -> list[str]:
    """Whose codes the principal sees: entity codes, or systems' names."""
    require(principal, Permission.CATALOG_READ)
    query = select(ProductCode.owner).distinct().order_by(ProductCode.owner)
    reachable = network_service.reachable_entities(session, principal)
    if reachable is not None:
        query = query.where(ProductCode.owner_entity_id.in_(reachable))
    return list(session.scalars(query))


def next_code(
    session: Session,
    principal: Principal,
    after: ProductCode,
    status: CodeStatus = CodeStatus.PENDING_REVIEW,
    owner: str | None = None,
) -> ProductCode | None:
    """The code in `status` that follows `after` in the queue's order (owner, then code),
    from the start again past the end; None when no other is left."""
    require(principal, Permission.CATALOG_READ)
    query = _scoped_codes(session, principal).where(
        ProductCode.status == status.value, ProductCode.id != after.id
    )
    if owner:
        query = query.where(ProductCode.owner == owner)
    order = (ProductCode.owner, ProductCode.code)
    later = or_(
        ProductCode.owner > after.owner,
        and_(ProductCode.owner == after.owner, ProductCode.code > after.code),
    )
    found = session.scalars(query.where(later).order_by(*order).limit(1)).first()
    return found or session.scalars(query.order_by(*order).limit(1)).first()


def candidate_products(
    session: Session, principal: Principal, code: ProductCode
) -> list[tuple[Product, float | None, list[mapping.FieldCheck]]]:
    """The code's candidates, best first: each product, its score and how each field of what
    the owner sent compares with it."""
    require(principal, Permission.CATALOG_READ)
    scores = {c["sku"]: c.get("score") for c in code.candidates or () if c.get("sku")}
    if not scores:
        return []
    products = {
        p.sku: p for p in session.scalars(select(Product).where(Product.sku.in_(list(scores))))
    }
    paths = category_paths(session)
    sent = code.line or {}
    line = mapping.LocalLine(
        code=code.code,
        name=sent.get("name"),
        gtin=sent.get("gtin"),
        brand=sent.get("brand"),
        category=sent.get("category"),
        attributes={k: str(v) for k, v in (sent.get("attributes") or {}).items()},
        price_minor=sent.get("price_minor"),
    )
    return [
        (
            products[sku],
            score,
            mapping.compare_fields(line, _master_item(products[sku], paths)),
        )
        for sku, score in scores.items()
        if sku in products
    ]


def get_code(session: Session, principal: Principal, code_id: str) -> ProductCode:
    require(principal, Permission.CATALOG_READ)
    code = session.scalars(
        _scoped_codes(session, principal).where(ProductCode.id == code_id)
    ).one_or_none()
    if code is None:
        raise NotFound(f"no product code {code_id!r}", field="code_id")
    return code


def decide_code(
    session: Session, principal: Principal, code_id: str, data: schemas.CodeDecisionIn
) -> ProductCode:
    """A person settles a code: confirm the best candidate, map it by hand, or reject it."""
    code = get_code(session, principal, code_id)
    require(principal, Permission.CATALOG_WRITE)
    if data.action == "reject":
        code.status, code.product_id = CodeStatus.REJECTED.value, None
        code.reason = data.reason or "rejected by a person"
    else:
        sku = data.sku
        if data.action == "confirm":
            if not code.candidates:
                raise InvalidInput("this code has no candidate to confirm; map it", field="sku")
            sku = sku or code.candidates[0]["sku"]
        if not sku:
            raise InvalidInput("mapping by hand needs the SKU", field="sku")
        product = get_product_by_sku(session, sku)
        if product is None:
            raise InvalidInput(f"unknown SKU {sku!r}", field="sku")
        code.status, code.product_id = CodeStatus.MAPPED.value, product.id
        code.reason = data.reason or f"{data.action}ed by a person"
    code.method = MappingMethod.MANUAL.value if code.status == CodeStatus.MAPPED else None
    code.score = None
    code.decided_by = f"{principal.kind}:{principal.id}"[:80]
    code.decided_at = utcnow()
    session.flush()
    emit(
        session, "product_code.decided", code_payload(session, code), entity_id=code.owner_entity_id
    )
    return code


def code_payload(session: Session, code: ProductCode) -> dict[str, object]:
    out = schemas.ProductCodeOut.model_validate(code)
    if code.product_id:
        product = session.get(Product, code.product_id)
        out.sku = product.sku if product else None
    return out.model_dump(mode="json")


def translate_codes(
    session: Session, principal: Principal, owner: str | None, codes: Sequence[str]
) -> list[schemas.Translation]:
    """Local codes as master SKUs, for feeds (sales, stock, prices) that carry local codes.
    A code never seen is held as pending review, so that nobody loses it."""
    require(principal, Permission.CATALOG_READ)
    resolved = resolve_owner(session, principal, owner)
    wanted = list(dict.fromkeys(codes))
    rows = session.execute(
        select(ProductCode.code, ProductCode.status, Product.sku)
        .outerjoin(Product, Product.id == ProductCode.product_id)
        .where(ProductCode.owner == resolved.code, ProductCode.code.in_(wanted))
    ).all()
    known = {r.code: r for r in rows}
    for code in wanted:
        if code not in known:
            session.add(
                ProductCode(
                    owner=resolved.code,
                    owner_entity_id=resolved.entity_id,
                    code=code,
                    status=CodeStatus.PENDING_REVIEW.value,
                    reason="seen in a feed before its product file",
                    line={},
                    candidates=[],
                )
            )
    session.flush()
    out = []
    for code in codes:
        row = known.get(code)
        if row is not None and row.status == CodeStatus.MAPPED.value:
            out.append(schemas.Translation(code=code, sku=row.sku, status=CodeStatus.MAPPED))
        else:
            status = CodeStatus(row.status) if row is not None else CodeStatus.PENDING_REVIEW
            out.append(schemas.Translation(code=code, sku=None, status=status))
    return out


# --- assortment ----------------------------------------------------------------------------


def set_assortment(session: Session, principal: Principal, data: schemas.AssortmentIn) -> int:
    """Add products to a channel's or a location's assortment; returns how many were new."""
    _require_manage(principal)
    if (data.channel_id is None) == (data.location_id is None):
        raise InvalidInput("give a channel_id or a location_id, not both", field="channel_id")
    if data.channel_id:
        network_service.get_channel(session, reader_of(principal), data.channel_id)
    if data.location_id:
        network_service.get_location(session, reader_of(principal), data.location_id)
    products = dict(
        session.execute(select(Product.sku, Product.id).where(Product.sku.in_(data.skus))).all()
    )
    missing = [sku for sku in data.skus if sku not in products]
    if missing:
        raise InvalidInput(f"unknown SKU {missing[0]!r}", field="skus")
    column = Assortment.channel_id if data.channel_id else Assortment.location_id
    place = data.channel_id or data.location_id
    present = set(
        session.scalars(
            select(Assortment.product_id).where(
                column == place, Assortment.product_id.in_(products.values())
            )
        )
    )
    added = 0
    for product_id in dict.fromkeys(products[sku] for sku in data.skus):
        if product_id not in present:
            session.add(
                Assortment(
                    product_id=product_id, channel_id=data.channel_id, location_id=data.location_id
                )
            )
            added += 1
    session.flush()
    return added


def assortment_skus(
    session: Session,
    principal: Principal,
    channel_id: str | None = None,
    location_id: str | None = None,
) -> list[str]:
    require(principal, Permission.CATALOG_READ)
    if (channel_id is None) == (location_id is None):
        raise InvalidInput("give a channel_id or a location_id, not both", field="channel_id")
    if channel_id:
        network_service.get_channel(session, reader_of(principal), channel_id)
        where = Assortment.channel_id == channel_id
    else:
        network_service.get_location(session, reader_of(principal), location_id or "")
        where = Assortment.location_id == location_id
    query = select(Product.sku).join(Assortment, Assortment.product_id == Product.id).where(where)
    return list(session.scalars(query.order_by(Product.sku)))
