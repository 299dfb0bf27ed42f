"""Human names of the codes the pages show (roles, location kinds, capabilities, the customer
referential's fields, sources, flags, rules and consent, the catalog's statuses, mapping
evidence and buy box reasons), translated."""

from __future__ import annotations

from omnicanal.network.rules import Capability, LocationKind
from omnicanal.security.permissions import Role
from omnicanal.web.i18n import N_, gettext

ROLE_LABELS: dict[str, str] = {
    Role.ADMIN: N_("Administrator"),
    Role.HQ_ANALYST: N_("Head-office analyst"),
    Role.PRICING_MANAGER: N_("Pricing manager"),
    Role.STORE_MANAGER: N_("Store manager"),
    Role.STORE_STAFF: N_("Store staff"),
    Role.ADVISOR: N_("Customer advisor"),
    Role.FRANCHISEE: N_("Franchisee"),
    Role.FINANCE: N_("Finance"),
}

LOCATION_KIND_LABELS: dict[str, str] = {
    LocationKind.STORE: N_("Store"),
    LocationKind.WAREHOUSE: N_("Warehouse"),
}

CAPABILITY_LABELS: dict[str, str] = {
    Capability.CLICK_AND_COLLECT: N_("Click & collect"),
    Capability.SHIP_FROM_STORE: N_("Ship from store"),
    Capability.RETURNS: N_("Returns"),
    Capability.HOME_DELIVERY: N_("Home delivery"),
    Capability.RESERVE_IN_STORE: N_("Reserve in store"),
}


def _label(labels: dict[str, str], code: str | None) -> str:
    if code is None:
        return ""
    message = labels.get(code)
    # An unknown code (added to a domain before the pages) is shown as is rather than hidden.
    return gettext(message) if message else code


def role_label(code: str | None) -> str:
    return _label(ROLE_LABELS, code)


def location_kind_label(code: str | None) -> str:
    return _label(LOCATION_KIND_LABELS, code)


def capability_label(code: str | None) -> str:
    return _label(CAPABILITY_LABELS, code)


# --- the customer referential ---------------------------------------------------------------

CUSTOMER_FIELD_LABELS: dict[str, str] = {
    "full_name": N_("Full name"),
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "birth_name": N_("Birth name"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "mobile": N_("Mobile"),
    "landline": N_("Landline"),
    "birth_date": N_("Birth date"),
    "gender": N_("Gender"),
    "street": N_("Street"),
    "postal_code": N_("Postal code"),
    "city": N_("City"),
    "country": N_("Country"),
    "loyalty_card": N_("Loyalty card"),
    "address": N_("Address"),
}

# The survivorship rules of `customers.golden`: why a golden field has the value it has.
SURVIVORSHIP_RULE_LABELS: dict[str, str] = {
    "most_trusted": N_("most trusted source"),
    "most_recent": N_("most recent record"),
    "most_frequent": N_("most frequent value"),
}

RECORD_SOURCE_LABELS: dict[str, str] = {
    "pos": N_("Store till"),
    "web": N_("Web shop"),
    "app": N_("Mobile app"),
    "call_center": N_("Call center"),
    "loyalty": N_("Loyalty program"),
    "marketplace": N_("Marketplace"),
}

# What `customers.normalise` found wrong or repaired in a value.
RECORD_FLAG_LABELS: dict[str, str] = {
    "empty": N_("empty"),
    "invalid": N_("invalid"),
    "placeholder": N_("placeholder value"),
    "implausible": N_("implausible"),
    "zero_restored": N_("leading zero restored"),
    "domain_corrected": N_("domain corrected"),
    "relay": N_("relay address"),
    "landline": N_("landline"),
    "mobile": N_("mobile"),
    "unspecified": N_("not specified"),
    "name_order_guessed": N_("name order guessed"),
}

GENDER_LABELS: dict[str, str] = {"F": N_("Woman"), "M": N_("Man")}

IDENTITY_KIND_LABELS: dict[str, str] = {
    "account": N_("Account"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "loyalty_card": N_("Loyalty card"),
    "device": N_("Device"),
    "anonymous_id": N_("Anonymous id"),
}

DECISION_KIND_LABELS: dict[str, str] = {
    "merge": N_("Merge"),
    "split": N_("Split"),
    "review_same": N_("Review: same person"),
    "review_different": N_("Review: different persons"),
}

CONSENT_PURPOSE_LABELS: dict[str, str] = {
    "email_marketing": N_("E-mail marketing"),
    "sms_marketing": N_("SMS marketing"),
    "push_marketing": N_("Push notifications"),
    "postal_marketing": N_("Postal mailings"),
    "phone_marketing": N_("Phone marketing"),
    "profiling": N_("Profiling"),
    "personalised_offers": N_("Personalised offers"),
    "third_party_sharing": N_("Sharing with partners"),
}

CONSENT_CHANNEL_LABELS: dict[str, str] = {
    "all": N_("All channels"),
    "email": N_("E-mail"),
    "sms": N_("SMS"),
    "push": N_("Push"),
    "post": N_("Post"),
    "phone": N_("Phone"),
    "web": N_("Web"),
    "app": N_("App"),
    "store": N_("Store"),
    "call_center": N_("Call center"),
}

# The levels of `customers.matching.COMPARISONS`, by their English label: the review queue's
# evidence. A label added there and not here is shown in English.
MATCH_LEVEL_LABELS: dict[str, str] = {
    label: label
    for label in (
        N_("different"),
        N_("initial or close"),
        N_("close or compound"),
        N_("same, a common name"),
        N_("same, a less common name"),
        N_("same, a rare name"),
        N_("close"),
        N_("birth or compound name"),
        N_("one part differs"),
        N_("same"),
        N_("one typo"),
        N_("same mailbox name with digits"),
        N_("other postal code"),
        N_("same postal code or city"),
        N_("close street, or the same street with a postal code typo"),
        N_("same street and postal code"),
    )
}


def customer_field_label(code: str | None) -> str:
    return _label(CUSTOMER_FIELD_LABELS, code)


def survivorship_rule_label(code: str | None) -> str:
    return _label(SURVIVORSHIP_RULE_LABELS, code)


def record_source_label(code: str | None) -> str:
    return _label(RECORD_SOURCE_LABELS, code)


def record_flag_label(code: str | None) -> str:
    return _label(RECORD_FLAG_LABELS, code)


def gender_label(code: str | None) -> str:
    return _label(GENDER_LABELS, code)


def identity_kind_label(code: str | None) -> str:
    return _label(IDENTITY_KIND_LABELS, code)


def decision_kind_label(code: str | None) -> str:
    return _label(DECISION_KIND_LABELS, code)


def consent_purpose_label(code: str | None) -> str:
    return _label(CONSENT_PURPOSE_LABELS, code)


def consent_channel_label(code: str | None) -> str:
    return _label(CONSENT_CHANNEL_LABELS, code)


def match_level_label(label: str | None) -> str:
    return _label(MATCH_LEVEL_LABELS, label)


# --- the catalog ----------------------------------------------------------------------------

PRODUCT_STATUS_LABELS: dict[str, str] = {
    "active": N_("Active"),
    "draft": N_("Draft"),
    "discontinued": N_("Discontinued"),
}

# A code's status on its own (a badge), and the lists of codes in each status (the queue's tabs).
CODE_STATUS_LABELS: dict[str, str] = {
    "mapped": N_("mapped"),
    "pending_review": N_("to review"),
    "rejected": N_("rejected"),
}
CODE_LIST_LABELS: dict[str, str] = {
    "mapped": N_("Mapped"),
    "pending_review": N_("To review"),
    "rejected": N_("Rejected"),
}

MAPPING_METHOD_LABELS: dict[str, str] = {
    "gtin": N_("by GTIN"),
    "scored": N_("by score"),
    "manual": N_("by a person"),
}

# The fields of a local product line compared with a master product (`mapping.compare_fields`).
CODE_FIELD_LABELS: dict[str, str] = {
    "label": N_("Label"),
    "gtin": N_("GTIN"),
    "brand": N_("Brand"),
    "category": N_("Category"),
    "price": N_("Price"),
}

AGREEMENT_LABELS: dict[str, str] = {
    "agrees": N_("Agrees"),
    "close": N_("Close"),
    "differs": N_("Differs"),
    "missing": N_("Nothing to compare"),
}

# `buybox.BuyBoxReason`: why the featured offer won the buy box.
BUY_BOX_REASON_LABELS: dict[str, str] = {
    "no_eligible_offer": N_("No offer can be featured: none is active and in stock."),
    "only_offer": N_("The only offer active and in stock."),
    "lowest_price": N_("The lowest price, delivery included."),
    "faster_delivery": N_("Same price as the next offer, faster delivery."),
    "better_rating": N_("Same price and delivery as the next offer, better seller rating."),
    "tie_break": N_(
        "Equal to the next offer on every criterion: a fixed order decides, so that the "
        "featured offer stays put."
    ),
    "brand_within_tolerance": N_(
        "The brand's own offer, within its price tolerance of the best marketplace offer."
    ),
}

OFFER_EXCLUSION_LABELS: dict[str, str] = {
    "inactive": N_("inactive"),
    "out_of_stock": N_("out of stock"),
}


def product_status_label(code: str | None) -> str:
    return _label(PRODUCT_STATUS_LABELS, code)


def code_status_label(code: str | None) -> str:
    return _label(CODE_STATUS_LABELS, code)


def code_list_label(code: str | None) -> str:
    return _label(CODE_LIST_LABELS, code)


def mapping_method_label(code: str | None) -> str:
    return _label(MAPPING_METHOD_LABELS, code)


def code_field_label(code: str | None) -> str:
    return _label(CODE_FIELD_LABELS, code)


def agreement_label(code: str | None) -> str:
    return _label(AGREEMENT_LABELS, code)


def buy_box_reason_label(code: str | None) -> str:
    return _label(BUY_BOX_REASON_LABELS, code)


def offer_exclusion_label(code: str | None) -> str:
    return _label(OFFER_EXCLUSION_LABELS, code)


PICKUP_STATUS_LABELS = {
    "placed": N_("to prepare"),
    "ready": N_("ready"),
    "collected": N_("collected"),
    "expired": N_("expired"),
    "cancelled": N_("cancelled"),
    "released": N_("released"),
    "refunded": N_("refunded"),
}


def pickup_status_label(code: str | None) -> str:
    return _label(PICKUP_STATUS_LABELS, code)
