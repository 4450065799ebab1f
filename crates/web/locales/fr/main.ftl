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
list-total-more = Plus de { $count } résultats
list-empty = Aucun résultat.
list-pagination = Pagination
list-previous = Page précédente
list-next = Page suivante
list-export = Exporter en CSV

## Compte et connexion
account-label = Compte
account-switch = Changer de créancier
account-switch-submit = Changer
logout = Se déconnecter
login-title = Connexion
login-email = Adresse e-mail
login-password = Mot de passe
login-submit = Se connecter
login-forgot = Définir ou réinitialiser mon mot de passe
login-wrong = Adresse e-mail ou mot de passe incorrect.
login-locked = Trop de tentatives : réessayez après { $until }.
login-no-access = Ce compte n'a plus d'accès actif.
login-password-set = Votre mot de passe est enregistré : connectez-vous.
password-title = Définir mon mot de passe
password-intro = Saisissez votre adresse e-mail : si elle correspond à un compte, vous recevrez un lien valable 30 minutes.
password-submit = Recevoir le lien
password-sent = Si cette adresse correspond à un compte, un lien vient de lui être envoyé.
password-new = Nouveau mot de passe (12 caractères au moins)
password-set-intro = Choisissez votre nouveau mot de passe.
password-save = Enregistrer le mot de passe
link-invalid = Ce lien est invalide, expiré ou déjà utilisé.
invitation-title = Rejoindre l'équipe
invitation-intro = Choisissez votre mot de passe pour accepter l'invitation.
invitation-accept = Accepter l'invitation
form-error = Le formulaire contient des erreurs :
csrf-failed = Le formulaire a expiré : rechargez la page et recommencez.
forbidden = Votre rôle ne permet pas cette action.
not-found = Cette page n'existe pas, ou pas pour ce créancier.
saved = Modifications enregistrées.

## Équipe
team-email = E-mail
team-role = Rôle
team-status = État
team-actions = Actions
team-invite = Inviter un membre
team-invite-submit = Envoyer l'invitation
team-invited = Invitation envoyée à { $email }.
team-change-role = Changer le rôle
team-deactivate = Désactiver
team-reactivate = Réactiver
team-resend = Renvoyer l'invitation

## Clés d'API
api-keys-name = Nom
api-keys-scope = Portée
api-keys-prefix = Début de la clé
api-keys-created = Créée le
api-keys-last-used = Dernière utilisation
api-keys-never = Jamais
api-keys-state = État
api-keys-active = Active
api-keys-revoked = Révoquée
api-keys-create = Créer une clé
api-keys-expires = Expire le (facultatif)
api-keys-secret = Voici la clé. Copiez-la maintenant : elle ne sera plus jamais affichée.
api-keys-revoke = Révoquer
api-reference = Référence de l'API

## Journal d'audit
audit-at = Date
audit-actor = Auteur
audit-entity = Objet
audit-action = Action
audit-filter = Filtrer
audit-any = Tous

## Paramètres
settings-name = Nom
settings-ics = Identifiant créancier SEPA (ICS)
settings-iban = IBAN du compte d'encaissement
settings-representation = Représenter le rejet à J+
settings-max-rejections = Nombre de rejets avant suspension
settings-retry-interval = Intervalle entre nouvelles tentatives (heures)
settings-retry-cap = Nombre maximal de nouvelles tentatives
settings-pre-notification = Pré-notification (jours)
settings-billing-email = E-mail du contact facturation
settings-save = Enregistrer

## Abonnés
customer-active = Actif
customer-suspended = Suspendu
customer-struck-off = Radié
health-active = Actif
health-insufficient-funds = Fonds insuffisants
health-invalid = Informations invalides
health-expiring-soon = Expire bientôt
health-expired = Expiré
health-manual = Manuel
health-none = Aucun
subscribers-reference = Référence client
subscribers-name = Nom
subscribers-email = E-mail
subscribers-status = État
subscribers-method = Moyen de paiement
subscribers-health = Santé du moyen de paiement
subscribers-search = Rechercher (référence, nom, e-mail)
subscribers-any = Tous
subscribers-filter = Filtrer
subscribers-new = Nouvel abonné
subscribers-create = Créer l'abonné
subscribers-civility = Civilité
subscribers-last-name = Nom
subscribers-first-name = Prénom
subscribers-company = Société
subscribers-address = Adresse
subscribers-postal-code = Code postal
subscribers-city = Ville
subscribers-country = Pays
subscribers-phone = Téléphone
subscribers-mobile = Mobile
subscribers-identity = Identité
subscribers-paid-by = Payé par
subscribers-pays-for = Paie pour
subscribers-suspend = Suspendre
subscribers-reactivate = Réactiver
subscribers-strike-off = Radier
subscribers-mandates = Mandats
subscribers-cards = Cartes
method-none = Aucun
method-manual = Manuel
method-mandate = Mandat SEPA
method-card = Carte

## Mandats et cartes
mandate-pending-reference = En attente de référence
mandate-active = Actif
mandate-revoked = Révoqué
mandate-expired = Expiré
card-active = Actif
card-deleted = Effacé
mandates-reference = RUM
mandates-customer = Référence client
mandates-debtor = Titulaire du compte
mandates-iban = IBAN
mandates-iban-last4 = 4 derniers caractères de l'IBAN
mandates-bic = BIC
mandates-signed-on = Signé le
mandates-signed-from = Signé à partir du
mandates-signed-to = Signé jusqu'au
mandates-place = Lieu de signature
mandates-method = Mode de signature
mandates-scheme = Schéma
mandates-type = Type
mandates-status = État
mandates-filter = Rechercher
mandates-new = Nouveau mandat
mandates-create = Créer le mandat
mandates-reference-hint = Laissez vide pour une référence générée
mandates-pdf = PDF
mandates-revoke = Révoquer
mandates-revoke-reason = Motif de la révocation
mandates-recurrent = Récurrent
mandates-one-off = Ponctuel
mandates-paper = Papier
mandates-import = Importer des mandats
mandates-import-file = Fichier CSV (séparé par des « ; », UTF-8)
mandates-import-dry-run = Essayer sans rien enregistrer
mandates-import-apply = Importer
mandates-import-line = Ligne
mandates-import-outcome = Résultat
mandates-import-errors = Erreurs
mandates-import-create = À créer
mandates-import-created = Créé
mandates-import-update = Mise à jour
mandates-import-unchanged = Inchangé
mandates-import-error = Refusé
mandates-import-summary = { $created } à créer, { $updated } mis à jour, { $unchanged } inchangés, { $errors } refusés
mandates-import-seen = Ce fichier a déjà été importé le { $at } : rien ne sera appliqué deux fois.
mandates-import-error-file = Télécharger les lignes refusées
cards-brand = Réseau
cards-last4 = Fin de carte
cards-expiry = Expiration
cards-delete = Effacer

## Paiements
nav-bank-files = Fichiers bancaires
payment-to-execute = A exécuter
payment-executing = En cours d'exécution
payment-executed = Exécuté
payment-not-executed = Non exécuté
payment-rejected = Rejeté
kind-sepa-direct-debit = Prélèvement SEPA
kind-card = Carte
kind-refund = Remboursement
kind-transfer = Virement
payments-due-on = Date d'échéance
payments-due-from = Échéance à partir du
payments-due-to = Échéance jusqu'au
payments-customer = Référence client
payments-kind = Type
payments-amount = Montant
payments-amount-min = Montant minimum (€)
payments-amount-max = Montant maximum (€)
payments-remittance = Libellé
payments-status = État
payments-end-to-end = Référence de bout en bout
payments-details = Le paiement
payments-mandate = Mandat
payments-card = Alias de carte
payments-plan = Échéancier
payments-instalment = échéance n°
payments-file = Fichier bancaire
payments-timeline = Historique
payments-change = Modifier ou annuler
payments-change-hint = Tant que le paiement n'est pas envoyé à la banque, son montant, sa date et son libellé peuvent changer ; un fichier en attente qui le contient est alors écarté et refait au prochain passage.
payments-save = Enregistrer les changements
payments-cancel = Annuler le paiement

## Fichiers bancaires
file-pending = En attente d'envoi
file-sent = Envoyé
file-discarded = Écarté
files-hint = Le passage quotidien fait les fichiers pain.008 ; téléchargez-les, remettez-les à la banque, puis marquez-les comme envoyés.
files-created = Créé le
files-message-id = Identifiant du message
files-format = Format
files-transactions = Opérations
files-control-sum = Montant total
files-status = État
files-details = Le fichier
files-batch-booking = écriture globale
files-run-on = Passage du
files-sent-at = Envoyé le
files-discarded-at = Écarté le
discard-payment-cancelled = un de ses paiements a été annulé
discard-payment-changed = un de ses paiements a été modifié
discard-plan-changed = un échéancier d'un de ses paiements a été modifié
discard-plan-stopped = un échéancier d'un de ses paiements a été arrêté
discard-mandate-changed = un mandat d'un de ses prélèvements a changé
discard-creditor-changed = le nom, le compte ou le fuseau horaire du créancier a changé
discard-by-creditor = écarté par le créancier
discard-other = autre raison
files-size = Taille (octets)
files-download = Télécharger le fichier
files-payments = Voir ses paiements
files-mark-sent = Marquer comme envoyé
files-mark-sent-hint = Une fois marqué comme envoyé, ses paiements passent « En cours d'exécution » et ne peuvent plus être modifiés.
files-discard = Écarter le fichier
files-missed-cutoff = Ce fichier a manqué l'heure limite de la banque : ses premiers prélèvements sont dus le { $due }, et un fichier remis maintenant ne peut porter que le { $earliest } au plus tôt. S'il n'a pas été remis à temps à la banque, écartez-le : ses paiements iront dans le fichier suivant. S'il l'a été, marquez-le comme envoyé.
files-discard-hint = Un fichier qui ne sera pas envoyé (il a manqué l'heure limite de la banque) s'écarte : ses paiements vont dans le fichier suivant, à la première date que la banque peut encore tenir. N'écartez jamais un fichier déjà remis à la banque.
files-blocks = Lots de paiements (PmtInf)
files-scheme = Schéma
files-sequence = Séquence
files-discarded-no-content = Ce fichier a été écarté : ses paiements seront dans le prochain fichier.

## Profil bancaire
bank-profile = Profil bancaire
bank-profile-hint = Comment la banque veut recevoir les prélèvements. Le prochain fichier suit ces réglages ; un fichier déjà fait garde les siens.
bank-profile-version = Version pain.008
bank-profile-first = Premier prélèvement d'un mandat
bank-profile-frst = FRST puis RCUR (et FNAL au dernier)
bank-profile-rcur = RCUR dès le premier
bank-profile-batch = Écriture globale par lot (BtchBookg)
bank-profile-cutoff = Heure limite de la banque, la veille ouvrée de l'échéance
bank-profile-max = Opérations au plus par fichier
bank-profile-limit = Montant maximum d'un paiement (€)
payments-created = Créé
cause-cancelled-by-creditor = Annulé par le créancier
cause-changed-by-creditor = Modifié par le créancier : { $changes }
cause-changed-amount = montant { $from } → { $to }
cause-changed-due-date = échéance { $from } → { $to }
cause-changed-remittance = libellé
cause-plan-changed = Échéancier modifié : l'échéance est refaite
cause-plan-stopped = Échéancier arrêté : { $reason }
cause-sent-in-file = Envoyé à la banque dans le fichier { $file }
cause-charge-sent = Paiement envoyé à la passerelle de carte
cause-charge-approved = Paiement par carte accepté (référence { $reference })
cause-charge-declined = Paiement par carte refusé : { $code } ({ $reason })
cause-moved-late = Trop tard pour la banque : échéance déplacée du { $from } au { $to }
cause-settled = Date de règlement du { $date } passée sans retour de la banque

## Échéanciers
plan-active = Actif
plan-inactive = Inactif
frequency-weekly = Hebdomadaire
frequency-monthly = Mensuelle
frequency-quarterly = Trimestrielle
frequency-half-yearly = Semestrielle
frequency-yearly = Annuelle
plans-reference = Référence de l'échéancier
plans-frequency = Fréquence
plans-next-due = Prochaine échéance
plans-created-count = Échéances créées
plans-hint = Chaque échéancier mène à ses paiements. Les échéances des jours de pré-notification à venir sont créées à l'avance par le passage quotidien.
plans-import = Importer des échéanciers
plans-import-cancel = Arrêt
plans-import-summary = { $created } à créer, { $updated } mis à jour, { $cancelled } arrêtés, { $unchanged } inchangés, { $errors } refusés
plans-details = L'échéancier
plans-collection-day = Jour de prélèvement
plans-start = Début
plans-end = Fin
plans-open-ended = Sans fin
plans-after-instalments = Après { $count } échéances
plans-stopped = Arrêté le
plans-payments = Voir ses paiements
plans-stop = Arrêter l'échéancier
plans-stop-hint = Arrêter l'échéancier annule ses échéances pas encore envoyées à la banque ; celles déjà envoyées suivent leur cours.
stop-by-creditor = arrêté par le créancier
stop-mandate-revoked = mandat révoqué
stop-mandate-expired = mandat expiré
stop-card-deleted = carte effacée
stop-customer-suspended = client suspendu
stop-customer-struck-off = client radié
actor-system = Prelevo (passage quotidien)
actor-cli = ligne de commande
actor-api-key = clé d'API « { $name } »
plans-one-off = Ponctuel (une échéance)
