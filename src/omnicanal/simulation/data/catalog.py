"""What Maison Démo sells: categories, product names, sizes, colours and price ranges (euros)."""

# category: (product nouns, size range, price range in euros)
CATEGORIES: dict[str, tuple[list[str], list[str] | None, tuple[int, int]]] = {
    "Femme > Robes": (["Robe portefeuille", "Robe chemise", "Robe longue", "Robe pull"],
                      ["34", "36", "38", "40", "42", "44"], (39, 129)),
    "Femme > Hauts": (["Blouse", "Chemisier", "T-shirt col V", "Pull marinière", "Cardigan"],
                      ["XS", "S", "M", "L", "XL"], (19, 89)),
    "Femme > Pantalons": (["Jean droit", "Pantalon fluide", "Jean flare", "Chino"],
                          ["34", "36", "38", "40", "42", "44"], (35, 99)),
    "Homme > Chemises": (["Chemise oxford", "Chemise en lin", "Surchemise"],
                         ["S", "M", "L", "XL", "XXL"], (35, 89)),
    "Homme > Pulls": (["Pull col rond", "Pull camionneur", "Gilet zippé"],
                      ["S", "M", "L", "XL", "XXL"], (39, 119)),
    "Homme > Pantalons": (["Jean slim", "Chino", "Pantalon de costume"],
                          ["38", "40", "42", "44", "46"], (39, 109)),
    "Enfant": (["Sweat à capuche", "Salopette", "Parka", "T-shirt imprimé"],
               ["4 ans", "6 ans", "8 ans", "10 ans", "12 ans"], (12, 59)),
    "Chaussures": (["Baskets cuir", "Bottines", "Mocassins", "Sandales"],
                   ["37", "38", "39", "40", "41", "42", "43", "44"], (49, 159)),
    "Accessoires": (["Sac cabas", "Écharpe", "Ceinture cuir", "Bonnet", "Portefeuille"],
                    None, (15, 99)),
    "Maison": (["Plaid", "Coussin", "Bougie parfumée", "Linge de lit"], None, (12, 89)),
}  # fmt: skip

COLOURS = ["Noir", "Blanc", "Bleu marine", "Écru", "Camel", "Kaki", "Rouge", "Gris chiné",
           "Terracotta", "Vert sauge", "Rose poudré", "Bleu ciel"]  # fmt: skip

STYLES = ["Lina", "Jules", "Capucine", "Anatole", "Margaux", "Oscar", "Suzanne", "Gaspard",
          "Louise", "Émile", "Rose", "Léon", "Alma", "Paul", "Iris", "Victor", "Nina",
          "Basile", "Jeanne", "Arthur", "Adèle", "Hector", "Céleste", "Marius"]  # fmt: skip
