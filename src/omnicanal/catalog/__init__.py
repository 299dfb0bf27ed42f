"""The product referential: master products (GTIN), the category tree, variants, the codes
franchisees, store systems and sellers give the brand's products, and each channel's and
location's assortment. Other domains translate local codes through `service.translate_codes`."""
