"""One price list and one promotion engine for every channel: price resolution, the franchise
price policy, promotion definitions, coupons and the explained quote. Pure rules, no I/O: the
tables, the service and the API call them with data.

What other domains may use:
- `PriceBook`, `Price`, `PriceContext`, `resolve_price`: the price of a SKU in a context;
- `FranchisePolicy`, `check_franchise_price`: whether a franchisee's price is allowed;
- `audit_prices` and its `PriceAudit`: which locations show a price outside their policy, by
  how much and since when;
- `Promotion`, `Conditions`, the actions, `Coupon`, `generate_coupon_codes`: definitions,
  validated as they are built (`InvalidPromotion` names the field);
- `PromotionSet` (promotions ordered and indexed once), `quote` and its inputs and outputs;
- `explain_quote`, `explain_adjustment`, `explain_refusal`, `explain_price`, `explain_policy`:
  the same in one sentence each, in French or English.
"""

from omnicanal.pricing.actions import (
    AmountOff,
    BundlePrice,
    BuyXGetY,
    FixedPrice,
    FreeDelivery,
    InvalidPromotion,
    LoyaltyMultiplier,
    NthItem,
    PercentOff,
    SpendThreshold,
    SpendTier,
)
from omnicanal.pricing.audit import (
    AuditFinding,
    LocationSummary,
    NotCompared,
    PriceAudit,
    audit_prices,
)
from omnicanal.pricing.engine import (
    REFUSALS,
    Adjustment,
    Cart,
    CartLine,
    Delivery,
    LineAdjustment,
    LoyaltyRules,
    Quote,
    QuoteContext,
    QuoteLine,
    Refusal,
    Usage,
    quote,
)
from omnicanal.pricing.explain import (
    QuoteExplanation,
    explain_adjustment,
    explain_policy,
    explain_price,
    explain_quote,
    explain_refusal,
)
from omnicanal.pricing.index import PromotionSet
from omnicanal.pricing.prices import (
    FranchisePolicy,
    InvalidPrice,
    PolicyCheck,
    Price,
    PriceBook,
    PriceContext,
    PriceNotFound,
    ResolvedPrice,
    check_franchise_price,
    resolve_price,
)
from omnicanal.pricing.promotions import (
    Conditions,
    Coupon,
    Promotion,
    generate_coupon_codes,
    normalise_code,
)

__all__ = [
    "REFUSALS", "Adjustment", "AmountOff", "AuditFinding", "BundlePrice", "BuyXGetY", "Cart",
    "CartLine",
    "Conditions", "Coupon", "Delivery", "FixedPrice", "FranchisePolicy", "FreeDelivery",
    "InvalidPrice", "InvalidPromotion", "LineAdjustment", "LocationSummary", "LoyaltyMultiplier",
    "LoyaltyRules", "NotCompared", "NthItem", "PercentOff", "PolicyCheck", "Price", "PriceAudit",
    "PriceBook", "PriceContext", "PriceNotFound", "Promotion", "PromotionSet", "Quote",
    "QuoteContext", "QuoteExplanation", "QuoteLine", "Refusal", "ResolvedPrice",
    "SpendThreshold", "SpendTier", "Usage", "audit_prices", "check_franchise_price",
    "explain_adjustment", "explain_policy", "explain_price", "explain_quote", "explain_refusal",
    "generate_coupon_codes", "normalise_code", "quote", "resolve_price",
]  # fmt: skip
