"""How the simulated brand's customer exports map onto omnicanal's customer record fields:
the `--source` and `--map` options an integrator would give `omnicanal import customers`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CustomerFile:
    path: str  # relative to the brand's folder
    source: str
    mapping: dict[str, str]

    def map_options(self) -> list[str]:
        return [f"{column}={field}" for column, field in self.mapping.items()]


CUSTOMER_FILES: tuple[CustomerFile, ...] = (
    CustomerFile(
        "customers/web_accounts.csv",
        "web",
        {
            "account_id": "source_id",
            "civility": "gender",
            "opt_in_email": "consent:email_marketing:email",
            "created_at": "consent_at",
        },
    ),
    CustomerFile(
        "customers/app_accounts.jsonl",
        "app",
        {
            "user_id": "source_id",
            "given_name": "first_name",
            "family_name": "last_name",
            "mobile": "mobile",
            "birthday": "birth_date",
            "push_opt_in": "consent:push_marketing:push",
            "created_at": "consent_at",
        },
    ),
    CustomerFile(
        "customers/pos_customers.csv",
        "pos",
        {
            "customer_no": "source_id",
            "civilite": "gender",
            "NOM": "last_name",
            "PRENOM": "first_name",
            "tel": "phone",
            "adresse": "street",
            "cp": "postal_code",
            "ville": "city",
            "date_naissance": "birth_date",
        },
    ),
    CustomerFile(
        "customers/call_center_contacts.csv",
        "call_center",
        {
            "Id": "source_id",
            "Salutation": "gender",
            "LastName": "last_name",
            "FirstName": "first_name",
            "Phone": "phone",
            "MobilePhone": "mobile",
            "Email": "email",
            "MailingStreet": "street",
            "MailingPostalCode": "postal_code",
            "MailingCity": "city",
            "Birthdate": "birth_date",
        },
    ),
    CustomerFile(
        "customers/loyalty_cards.csv",
        "loyalty",
        {
            "CARD_NUMBER": "source_id+loyalty_card",
            "TITLE": "gender",
            "LAST_NAME": "last_name",
            "FIRST_NAME": "first_name",
            "BIRTH_DATE": "birth_date",
            "EMAIL": "email",
            "MOBILE": "phone",
            "ADDRESS": "street",
            "ZIP": "postal_code",
            "CITY": "city",
            "OPT_IN_SMS": "consent:sms_marketing:sms",
            "ENROLLED_ON": "consent_at",
        },
    ),
    CustomerFile(
        "customers/marketplace_buyers.csv",
        "marketplace",
        {
            "buyer_id": "source_id",
            "buyer_name": "full_name",
            "buyer_email": "email",
            "shipping_street": "street",
            "shipping_postal_code": "postal_code",
            "shipping_city": "city",
        },
    ),
)
