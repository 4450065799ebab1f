# Prelevo — messages en français (langue par défaut).
# Chaque clé existe aussi dans en/main.ftl (vérifié par un test).

product-name = Prelevo
page-title = { $page } — Prelevo
skip-to-content = Aller au contenu

## Environnement et langue
env-label = Environnement
env-preproduction = Pré-production
env-production = Production
language-switch = Langue
locale-fr = Français
locale-en = English

## Navigation
nav-label = Navigation principale
nav-balance = Solde
nav-orders = Ordres
nav-mandates = Mandats et cartes
nav-payments = Paiements
nav-plans = Échéanciers
nav-subscribers = Abonnés
nav-returns = Rejets
nav-circulars = Circulaires
nav-action-center = Centre d'actions
nav-exports = Exports
nav-settings = Paramètres
nav-team = Équipe
nav-api-keys = Clés d'API
nav-audit = Journal d'audit

## Libellés des codes du domaine
role-admin = Administrateur
role-operator = Opérateur
role-viewer = Lecteur
membership-invited = Invitation envoyée
membership-active = Actif
membership-deactivated = Désactivé
scope-read = Lecture
scope-write = Lecture et écriture

## Listes
list-total =
    { $count ->
        [one] { $count } résultat
       *[other] { $count } résultats
    }
list-empty = Aucun résultat.
list-pagination = Pagination
list-previous = Page précédente
list-next = Page suivante
list-export = Exporter en CSV
