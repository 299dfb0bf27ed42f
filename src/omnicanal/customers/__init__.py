"""One customer referential: source records from every channel, normalised, resolved into
golden customers, with consent, GDPR export and erasure, and the customer 360."""
