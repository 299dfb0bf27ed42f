"""The product referential: master products (GTIN), the category tree, variants, the codes
franchisees, store systems and sellers give the brand's products, each channel's and
location's assortment, and marketplace offers with the featured one (the buy box). Other
domains translate local codes through `service.translate_codes`."""
