"""French names and e-mail habits: first names by generation, last names by frequency,
nicknames, e-mail providers with their shares and the domain typos people make.

First names are grouped by the generation that gave them (a Monique is born before 1955, a Léa
after 1995), each list in rough order of popularity; last names are in the order of INSEE's
frequency ranking, and weighted by it (a Zipf law over the rank, see `LAST_NAME_WEIGHTS`).
"""

from __future__ import annotations

# Birth year from which each generation's names apply (the last generation runs to today).
GENERATIONS = (1900, 1955, 1975, 1995)

FEMALE_FIRST_NAMES: tuple[tuple[str, ...], ...] = (
    (  # born before 1955
        "Marie", "Jeanne", "Monique", "Françoise", "Jacqueline", "Simone", "Denise", "Madeleine",
        "Nicole", "Suzanne", "Yvette", "Paulette", "Colette", "Odette", "Josette", "Micheline",
        "Ginette", "Renée", "Andrée", "Lucienne", "Marcelle", "Huguette", "Jeannine", "Yvonne",
        "Geneviève", "Christiane", "Danielle", "Annie", "Marie-Thérèse", "Marie-Louise",
        "Bernadette", "Éliane", "Claudine", "Arlette", "Mireille", "Gisèle", "Thérèse",
        "Raymonde", "Germaine", "Lucette",
    ),
    (  # 1955-1974
        "Nathalie", "Isabelle", "Sylvie", "Catherine", "Martine", "Christine", "Valérie",
        "Sandrine", "Véronique", "Brigitte", "Patricia", "Corinne", "Dominique", "Pascale",
        "Chantal", "Laurence", "Évelyne", "Élisabeth", "Anne", "Hélène", "Muriel", "Florence",
        "Carole", "Béatrice", "Agnès", "Fabienne", "Marie-Christine", "Marie-Claude",
        "Marie-Claire", "Marie-Pierre", "Joëlle", "Nadine", "Régine", "Karine", "Frédérique",
        "Josiane", "Odile", "Maryse", "Ghislaine", "Marie-Hélène",
    ),
    (  # 1975-1994
        "Stéphanie", "Céline", "Aurélie", "Julie", "Émilie", "Virginie", "Caroline", "Sophie",
        "Audrey", "Élodie", "Sarah", "Laetitia", "Mélanie", "Sabrina", "Vanessa", "Anne-Sophie",
        "Marion", "Camille", "Laura", "Amandine", "Jennifer", "Delphine", "Claire",
        "Marie-Laure", "Anne-Laure", "Charlotte", "Pauline", "Justine", "Anaïs", "Émeline",
        "Jessica", "Marine", "Morgane", "Alexandra", "Cécile", "Magali", "Myriam", "Gaëlle",
        "Coralie", "Nadia", "Karima", "Alexia",
    ),
    (  # 1995 and after
        "Léa", "Manon", "Chloé", "Emma", "Camille", "Inès", "Océane", "Clara", "Marie", "Sarah",
        "Lucie", "Lisa", "Anaïs", "Mathilde", "Jade", "Zoé", "Louise", "Juliette", "Lola", "Eva",
        "Maëlys", "Romane", "Clémence", "Margaux", "Alice", "Lina", "Yasmine", "Maëlle", "Julia",
        "Elsa", "Noémie", "Axelle", "Mélissa", "Justine", "Célia", "Ambre", "Léna", "Agathe",
        "Amélie", "Salomé", "Nina", "Louna",
    ),
)  # fmt: skip

MALE_FIRST_NAMES: tuple[tuple[str, ...], ...] = (
    (  # born before 1955
        "Jean", "Pierre", "Michel", "André", "Jacques", "René", "Bernard", "Claude", "Roger",
        "Marcel", "Robert", "Louis", "Georges", "Henri", "Paul", "Maurice", "Raymond", "Gérard",
        "Roland", "Guy", "Jean-Pierre", "Jean-Claude", "Jean-Louis", "Jean-Marie", "Jean-Paul",
        "Daniel", "Yves", "Alain", "Lucien", "Gilbert", "Gaston", "Fernand", "Albert", "Serge",
        "Joseph", "Francis", "Jean-Jacques", "Émile", "Christian", "Marc",
    ),
    (  # 1955-1974
        "Philippe", "Patrick", "Christophe", "Thierry", "Éric", "Pascal", "Laurent", "Didier",
        "Dominique", "Frédéric", "Stéphane", "Olivier", "Bruno", "Hervé", "Jean-François",
        "Jean-Luc", "Jean-Marc", "Denis", "Gilles", "Joël", "Patrice", "Franck", "Jean-Michel",
        "Vincent", "François", "Bertrand", "Régis", "Lionel", "Xavier", "Jérôme", "Fabrice",
        "Jean-Yves", "Yannick", "Rémi", "Benoît", "Marc", "Alain", "Daniel", "Emmanuel",
        "Jean-Philippe", "Hugues", "Jean-Noël", "Sylvain",
    ),
    (  # 1975-1994
        "Nicolas", "Sébastien", "Julien", "David", "Guillaume", "Mickaël", "Romain", "Cédric",
        "Anthony", "Alexandre", "Maxime", "Thomas", "Mathieu", "Damien", "Benjamin", "Yann",
        "Fabien", "Florian", "Jonathan", "Kévin", "Arnaud", "Ludovic", "Grégory",
        "Jean-Baptiste", "Vincent", "Christophe", "Aurélien", "Adrien", "Antoine", "Jérémy",
        "Johann", "Jean-Charles", "Samuel", "Loïc", "Mehdi", "Karim", "Emmanuel", "Pierre-Yves",
        "Cyril", "Jérôme", "Frédéric", "Stéphane",
    ),
    (  # 1995 and after
        "Lucas", "Hugo", "Théo", "Thomas", "Enzo", "Nathan", "Louis", "Mathis", "Maxime",
        "Alexandre", "Clément", "Quentin", "Antoine", "Baptiste", "Valentin", "Paul", "Tom",
        "Arthur", "Léo", "Raphaël", "Jules", "Gabriel", "Axel", "Yanis", "Corentin", "Dylan",
        "Kylian", "Mattéo", "Noah", "Ethan", "Adam", "Mohamed", "Victor", "Martin", "Bastien",
        "Malo", "Maximilien", "Rayan", "Pierre-Louis", "Timothée", "Benjamin", "Romain",
    ),
)  # fmt: skip

# INSEE's ranking of the most frequent last names, then names that bring the spellings a
# matcher must survive: particles (« Le Goff », « de La Fontaine »), apostrophes, several words.
LAST_NAMES: tuple[str, ...] = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
    "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval",
    "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun",
    "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier",
    "Arnaud", "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin",
    "Vidal", "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas",
    "Lacroix", "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc",
    "Payet", "Rolland", "Leclercq", "Guillaume", "Lecomte", "Lopez", "Jean", "Dupuy", "Guillot",
    "Hubert", "Berger", "Carpentier", "Sanchez", "Dupuis", "Moulin", "Louis", "Deschamps",
    "Huet", "Vasseur", "Perez", "Boucher", "Fleury", "Royer", "Klein", "Jacquet", "Adam",
    "Paris", "Poirier", "Marty", "Aubry", "Guyot", "Carré", "Charles", "Renault",
    "Charpentier", "Ménard", "Maillard", "Baron", "Bertin", "Bailly", "Hervé", "Schneider",
    "Fernandez", "Le Gall", "Collet", "Léger", "Bouvier", "Julien", "Prévost", "Millet",
    "Perrot", "Daniel", "Le Roux", "Cousin", "Germain", "Breton", "Besson", "Langlois", "Rémy",
    "Le Goff", "Pelletier", "Lévêque", "Perrier", "Leblanc", "Barré", "Lebrun", "Marchal",
    "Weber", "Mallet", "Hamon", "Boulanger", "Jacob", "Monnier", "Michaud", "Rodriguez",
    "Guichard", "Gillet", "Étienne", "Grondin", "Poulain", "Tessier", "Chevallier", "Collin",
    "Chauvin", "Da Silva", "Bouchet", "Gay", "Lemaître", "Bénard", "Maréchal", "Humbert",
    "Reynaud", "Antoine", "Hoarau", "Perret", "Barthélemy", "Cordier", "Pichon", "Lejeune",
    "Gilbert", "Lamy", "Delaunay", "Pasquier", "Carlier", "Laporte", "Nguyen", "Dos Santos",
    "Ferreira", "Le Corre", "Lenoir", "Vallée", "Gomez", "Gonzalez", "Pereira", "Rodrigues",
    "Fernandes", "Martins", "Haddad", "Benali", "Mansouri", "Tran", "Cohen", "Lévy", "Diallo",
    "Traoré", "Camara", "Delacroix", "Lacombe", "Marechal", "Bouvet", "Laine", "Leconte",
    "Devaux", "Jourdan", "Blondel", "Buisson", "Hardy", "Vial", "Bègue", "Texier", "Lemonnier",
    "Ollivier", "Toussaint", "Coulon", "Mathis", "Rocher", "Baudry", "Tanguy", "Guillou",
    "Paillard", "Godard", "Besnard", "Weiss", "Navarro", "Bertrand-Roux", "Pons", "Raynaud",
    "Barre", "Mary", "Jacques", "Ferrand", "Bigot", "Rossi", "Bruneau", "Hoareau", "Labbé",
    "Le Bihan", "Le Guen", "Le Floch", "Le Moal", "Le Bris", "Le Meur", "Le Borgne",
    "De Oliveira", "Da Costa", "De Sousa", "N'Diaye", "D'Angelo", "D'Almeida", "Saint-Martin",
    "de La Fontaine", "de Villiers", "Van de Velde", "Du Pont", "Le Cam", "Pham", "Benoit",
    "Lefort", "Gros", "Colas", "Thibault", "Leduc", "Boulay", "Peltier", "Fortin", "Riviere",
    "Renaudin", "Joubert", "Mauduit", "Lagarde", "Ribeiro", "Bonneau", "Hamel", "Chartier",
)  # fmt: skip

# Share of the population by rank: a Zipf law, Martin about 30 times as common as the 300th.
LAST_NAME_WEIGHTS: tuple[float, ...] = tuple(1.0 / (rank + 10) for rank in range(len(LAST_NAMES)))

# How people shorten their first name when they give it at a till, on an app or on the phone.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Catherine": ("Cathy", "Cath"), "Alexandre": ("Alex",), "Alexandra": ("Alex", "Sandra"),
    "Alexia": ("Alex",), "Jean-Baptiste": ("JB", "Jean-Bapt"), "Christophe": ("Chris",),
    "Christian": ("Chris",), "Christine": ("Chris", "Titine"), "Nathalie": ("Nath", "Nat"),
    "Frédéric": ("Fred",), "Frédérique": ("Fred",), "Stéphanie": ("Steph", "Fanny"),
    "Stéphane": ("Steph",), "Guillaume": ("Guigui", "Will"), "Élisabeth": ("Babeth", "Lisa"),
    "Thomas": ("Tom", "Tommy"), "Nicolas": ("Nico",), "Sébastien": ("Seb", "Sebastien"),
    "Maximilien": ("Max",), "Maxime": ("Max",), "Véronique": ("Véro",),
    "Jean-Pierre": ("JP",), "Jean-Claude": ("JC",), "Jean-François": ("JF",),
    "Jean-Michel": ("JM",), "Jean-Marc": ("JM",), "Jean-Louis": ("JL",), "Jean-Luc": ("JL",),
    "Philippe": ("Phil", "Philou"), "Patrick": ("Pat",), "Patricia": ("Pat", "Patou"),
    "Dominique": ("Dom", "Domi"), "Benjamin": ("Ben", "Benji"), "Anthony": ("Tony",),
    "Mathieu": ("Matt", "Mat"), "Valérie": ("Val", "Valou"), "Valentin": ("Val",),
    "Caroline": ("Caro",), "Émilie": ("Milie", "Emy"), "Isabelle": ("Isa", "Zaza"),
    "Florence": ("Flo",), "Florian": ("Flo",), "Aurélie": ("Aurel", "Lili"), "Delphine": ("Delph",),
    "Gabriel": ("Gaby",), "Mélanie": ("Mel",), "Mélissa": ("Mel",), "Charlotte": ("Charlie",),
    "Raphaël": ("Raph",), "Jérémy": ("Jerem",), "Sandrine": ("Sandy",), "Virginie": ("Virgi",),
    "Anne-Sophie": ("Anne-So",), "Timothée": ("Tim",), "Ludovic": ("Ludo",),
    "Grégory": ("Greg",), "Mickaël": ("Mika", "Mike"), "Cédric": ("Ced",), "Suzanne": ("Suzie",),
    "Daniel": ("Dany", "Dan"), "Danielle": ("Dany",), "Joseph": ("Jo", "Jojo"),
    "Josiane": ("Jo",), "Laetitia": ("Laeti", "Tita"), "Amandine": ("Mandy",),
    "Jennifer": ("Jenny",), "Jessica": ("Jess",), "Juliette": ("Juju",), "Sabrina": ("Sab",),
    "Vanessa": ("Nessa", "Vaness"), "Marie-Christine": ("Marie-Chris",), "Jonathan": ("Jo",),
    "Benoît": ("Ben",), "Samuel": ("Sam",), "Sarah": ("Sara",), "Margaux": ("Margot",),
    "Kylian": ("Kyky",), "Bernadette": ("Bernie",), "Françoise": ("Fanfan",),
    "Jacqueline": ("Jacky",), "Jacques": ("Jacky",), "Antoine": ("Tonio",),
    "Quentin": ("Quent",), "Emmanuel": ("Manu",), "Emma": ("Emmy",),
}  # fmt: skip

# E-mail providers by generation (born before 1960, 1960-1989, 1990 and after): older
# customers kept their access provider's address (orange, wanadoo, free, laposte), younger
# ones have gmail or icloud. Shares in percent, from French panel studies, rounded.
EMAIL_PROVIDERS: tuple[str, ...] = (
    "gmail.com", "orange.fr", "hotmail.fr", "hotmail.com", "yahoo.fr", "free.fr", "sfr.fr",
    "laposte.net", "outlook.fr", "icloud.com", "wanadoo.fr",
)  # fmt: skip
EMAIL_PROVIDER_SHARES: tuple[tuple[int, ...], ...] = (
    (20, 24, 7, 2, 8, 11, 6, 8, 3, 1, 10),  # born before 1960
    (36, 14, 12, 4, 8, 8, 5, 4, 4, 3, 2),  # 1960-1989
    (58, 4, 8, 4, 3, 3, 2, 1, 7, 10, 0),  # 1990 and after
)
EMAIL_GENERATIONS = (1960, 1990)

# Domains as people mistype them; none is one of the providers above, so a typo'd address can
# never be somebody else's real one.
EMAIL_DOMAIN_TYPOS: dict[str, tuple[str, ...]] = {
    "gmail.com": ("gmial.com", "gmail.fr", "gmai.com", "gmal.com", "gamil.com", "gmail.con",
                  "gmail.co", "gmaill.com"),
    "orange.fr": ("orange.fe", "orage.fr", "ornage.fr", "orange.com", "oange.fr"),
    "hotmail.fr": ("hotmal.fr", "hotmail.fe", "hotmai.fr", "hotmial.fr", "hotamil.fr"),
    "hotmail.com": ("hotmal.com", "hotmail.co", "hotmial.com", "hotmail.con"),
    "yahoo.fr": ("yaho.fr", "yahou.fr", "yahoo.fe", "yhaoo.fr"),
    "free.fr": ("fre.fr", "free.fe", "frre.fr"),
    "sfr.fr": ("srf.fr", "sfr.fe", "sfr.com"),
    "laposte.net": ("laposte.fr", "lapost.net", "laposte.ne", "lapsote.net"),
    "outlook.fr": ("outlok.fr", "outloo.fr", "outlook.fe"),
    "icloud.com": ("icoud.com", "iclould.com", "icloud.fr", "icloud.co"),
    "wanadoo.fr": ("wanadou.fr", "wanado.fr", "wanadoo.com"),
}  # fmt: skip

ALL_DOMAIN_TYPOS: frozenset[str] = frozenset(t for ts in EMAIL_DOMAIN_TYPOS.values() for t in ts)
