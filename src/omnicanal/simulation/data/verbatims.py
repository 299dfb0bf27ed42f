"""French texts customers and the brand write: NPS verbatims by sentiment and topic, after-sales
ticket subjects, e-mail subjects and push messages. Verbatims keep the way people type in a
survey box: lower case, missing accents, abbreviations, now and then."""

EMAIL_SUBJECTS = [
    "Les nouveautés de la semaine sont arrivées ✨",
    "Votre sélection du moment : -20 % sur les essentiels",
    "Soldes : dernière démarque, jusqu'à -50 %",
    "Nouvelle collection : les couleurs de la saison",
    "Offre réservée aux membres : double points ce week-end",
    "Idées cadeaux : trouvez le bon cadeau en 2 clics",
    "Retrait en 1 h dans votre magasin : pensez-y !",
    "Black Friday commence maintenant",
    "Fête des mères : nos idées pour lui faire plaisir",
    "La rentrée en toute simplicité",
    "Vos points fidélité vous attendent",
    "Le vestiaire d'hiver : manteaux, pulls et bottines",
]

PUSH_MESSAGES = [
    "Nouveautés : la collection vient d'arriver dans l'appli 👀",
    "Ce soir seulement : livraison offerte dès 30 €",
    "Votre magasin a reçu des nouveautés, venez les découvrir",
    "Vos articles favoris sont en promo !",
    "Dernières heures pour profiter des soldes",
    "Double points fidélité ce week-end en magasin",
    "Retrait en 1 h : commandez maintenant, récupérez en magasin",
]

# (sentiment, topic) -> verbatims. Sentiment: promoter (9-10), passive (7-8), detractor (0-6).
VERBATIMS: dict[tuple[str, str], list[str]] = {
    ("promoter", "store"): [
        "Accueil très chaleureux, la vendeuse a pris le temps de me conseiller.",
        "Super magasin, bien rangé et personnel aux petits soins.",
        "Conseils au top pour les tailles, je reviendrai !",
        "tres bon accueil en magasin, merci a l'equipe",
        "J'ai trouvé exactement ce que je cherchais, et la caisse a été rapide.",
    ],
    ("promoter", "web"): [
        "Commande facile, livraison rapide, rien à redire.",
        "Site clair, paiement simple, colis reçu en 48h. Parfait.",
        "Les tailles correspondent bien, les photos sont fidèles.",
        "livraison super rapide et article conforme",
    ],
    ("promoter", "app"): [
        "L'appli est pratique, je commande en deux minutes dans le métro.",
        "Très bonne appli, les notifications de promo sont utiles.",
    ],
    ("promoter", "click_and_collect"): [
        "Commande prête en moins d'une heure, retrait express au magasin. Génial !",
        "Le retrait en magasin est top, pas besoin d'attendre le livreur.",
    ],
    ("promoter", "call_center"): [
        "Conseillère très aimable au téléphone, commande passée sans souci.",
        "Service client réactif et compétent.",
    ],
    ("promoter", "returns"): [
        "Retour en magasin d'un article commandé en ligne : remboursé tout de suite, top.",
        "Échange fait en magasin sans aucune difficulté.",
    ],
    ("passive", "store"): [
        "Bien mais un peu d'attente en caisse le samedi.",
        "Choix correct, mais il manquait ma taille.",
        "Magasin agréable, prix un peu élevés.",
        "rien a signaler",
    ],
    ("passive", "web"): [
        "Commande ok, mais les frais de port sont un peu chers.",
        "Livraison correcte, emballage un peu léger.",
        "Bon site mais le filtre par taille ne marche pas toujours.",
    ],
    ("passive", "app"): [
        "L'appli rame un peu au paiement, sinon ça va.",
        "Pas mal mais trop de notifications.",
    ],
    ("passive", "click_and_collect"): [
        "Retrait ok mais il a fallu attendre qu'on retrouve mon colis.",
        "Commande prête le lendemain et pas dans l'heure comme annoncé.",
    ],
    ("passive", "call_center"): [
        "Un peu d'attente au téléphone mais la conseillère était efficace."
    ],
    ("passive", "returns"): ["Retour accepté mais remboursement en avoir, j'aurais préféré la CB."],
    ("detractor", "store"): [
        "Personne pour me renseigner, vendeurs occupés à discuter.",
        "Le magasin a refusé ma carte de fidélité alors qu'elle marche ailleurs !!",
        "Rupture sur la moitié des tailles, déçue.",
        "Caisse interminable, une seule ouverte un samedi...",
    ],
    ("detractor", "web"): [
        "Colis arrivé avec 5 jours de retard et sans nouvelles.",
        "Article reçu abîmé, très déçu de la qualité.",
        "taille qui ne correspond pas du tout au guide des tailles",
        "Impossible de joindre quelqu'un pour suivre ma commande.",
    ],
    ("detractor", "app"): [
        "L'appli plante au moment de payer, j'ai dû commander sur le site.",
        "Mon panier de l'appli a disparu, agaçant.",
    ],
    ("detractor", "click_and_collect"): [
        "Commande jamais prête à l'heure, je me suis déplacée pour rien.",
        "On m'a dit que ma commande n'était pas arrivée alors que j'avais reçu le SMS.",
        "Commande annulée sans prévenir, remboursement long.",
    ],
    ("detractor", "call_center"): [
        "30 minutes d'attente au téléphone pour une simple question.",
        "Conseiller pas au courant de ma commande web, il a fallu tout réexpliquer.",
    ],
    ("detractor", "returns"): [
        "Le magasin a refusé le retour d'un article acheté sur internet, inadmissible.",
        "Remboursement toujours pas reçu 3 semaines après le retour.",
        "On m'a dit que l'article était abîmé à cause de moi, pas d'accord.",
    ],
}

# category -> ticket subjects, as customers or advisors write them.
TICKET_SUBJECTS: dict[str, list[str]] = {
    "livraison": ["Colis non reçu", "Retard de livraison", "Suivi de colis introuvable",
                  "Colis livré chez un voisin"],
    "produit": ["Article défectueux", "Couture décousue après un lavage",
                "Article reçu abîmé", "Erreur de taille dans le colis"],
    "remboursement": ["Remboursement non reçu", "Montant remboursé incorrect",
                      "Demande de remboursement"],
    "retrait_magasin": ["Commande non prête au retrait", "SMS de retrait non reçu",
                        "Commande retrait annulée"],
    "fidelite": ["Points non crédités", "Carte de fidélité refusée en magasin",
                 "Chèque fidélité non reçu"],
    "retour": ["Retour refusé en magasin", "Étiquette retour non reçue",
               "Retour d'un article acheté en ligne"],
    "compte": ["Impossible de me connecter", "Modifier mon adresse e-mail",
               "Supprimer mon compte"],
}  # fmt: skip

RETURN_REASONS = ["taille trop petite", "taille trop grande", "ne correspond pas à la photo",
                  "couleur différente", "article défectueux", "changement d'avis",
                  "reçu en double"]  # fmt: skip
