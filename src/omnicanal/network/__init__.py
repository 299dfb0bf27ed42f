"""The brand's network: entities (HQ, stores, franchisees, web, app, call center, marketplace
sellers), their locations with capabilities, and the sales channels."""
