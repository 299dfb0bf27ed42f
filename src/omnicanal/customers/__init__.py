"""One customer referential: source records from every channel, normalised, resolved into
golden customers, with consent, GDPR export and erasure, and the customer 360."""

# What other domains may use (everything else is internal to the referential):
# - `service.get_customer`, `service.customer_360` and `service.VIEW_PROVIDERS` (add a section
#   to the customer 360), `service.search_customers`, `service.intake` (records from a channel);
# - `consent.may_contact(session, customer_id, purpose, channel)`: ask it before contacting
#   or profiling a customer;
# - `gdpr.register_gdpr_handler(name, export=..., erase=...)`: export and erase your data
#   about a customer along with the referential's.
