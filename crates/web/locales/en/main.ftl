# Prelevo — English messages.
# Every key also exists in fr/main.ftl (checked by a test).

product-name = Prelevo
page-title = { $page } — Prelevo
skip-to-content = Skip to content

## Environment and language
env-label = Environment
env-preproduction = Pre-production
env-production = Production
language-switch = Language
locale-fr = Français
locale-en = English

## Navigation
nav-label = Main navigation
nav-balance = Balance
nav-orders = Orders
nav-mandates = Mandates & cards
nav-payments = Payments
nav-plans = Plans
nav-subscribers = Subscribers
nav-returns = Returns
nav-circulars = Circulars
nav-action-center = Action center
nav-exports = Exports
nav-settings = Settings
nav-team = Team
nav-api-keys = API keys
nav-audit = Audit log

## Labels of domain codes
role-admin = Administrator
role-operator = Operator
role-viewer = Viewer
membership-invited = Invited
membership-active = Active
membership-deactivated = Deactivated
scope-read = Read
scope-write = Read and write

## Lists
list-total =
    { $count ->
        [one] { $count } result
       *[other] { $count } results
    }
list-total-more = More than { $count } results
list-empty = No results.
list-pagination = Pagination
list-previous = Previous page
list-next = Next page
list-export = Export as CSV

## Account and login
account-label = Account
account-switch = Switch creditor
account-switch-submit = Switch
logout = Log out
login-title = Log in
login-email = Email address
login-password = Password
login-submit = Log in
login-forgot = Set or reset my password
login-wrong = Wrong email address or password.
login-locked = Too many attempts: try again after { $until }.
login-no-access = This account has no active access any more.
login-password-set = Your password is saved: log in.
password-title = Set my password
password-intro = Enter your email address: if it belongs to an account, you will receive a link valid for 30 minutes.
password-submit = Send me the link
password-sent = If this address belongs to an account, a link has just been sent to it.
password-new = New password (at least 12 characters)
password-set-intro = Choose your new password.
password-save = Save the password
link-invalid = This link is invalid, expired or already used.
invitation-title = Join the team
invitation-intro = Choose your password to accept the invitation.
invitation-accept = Accept the invitation
form-error = The form has errors:
csrf-failed = The form expired: reload the page and try again.
forbidden = Your role does not allow this action.
not-found = This page does not exist, or not for this creditor.
saved = Changes saved.

## Team
team-email = Email
team-role = Role
team-status = Status
team-actions = Actions
team-invite = Invite a member
team-invite-submit = Send the invitation
team-invited = Invitation sent to { $email }.
team-change-role = Change role
team-deactivate = Deactivate
team-reactivate = Reactivate
team-resend = Resend the invitation

## API keys
api-keys-name = Name
api-keys-scope = Scope
api-keys-prefix = Key starts with
api-keys-created = Created
api-keys-last-used = Last used
api-keys-never = Never
api-keys-state = State
api-keys-active = Active
api-keys-revoked = Revoked
api-keys-create = Create a key
api-keys-expires = Expires on (optional)
api-keys-secret = Here is the key. Copy it now: it will never be shown again.
api-keys-revoke = Revoke
api-reference = API reference

## Audit log
audit-at = Date
audit-actor = Actor
audit-entity = Object
audit-action = Action
audit-filter = Filter
audit-any = All

## Settings
settings-name = Name
settings-ics = SEPA creditor identifier (ICS)
settings-iban = Collection account IBAN
settings-representation = Re-present a rejection at J+
settings-max-rejections = Rejections before suspension
settings-retry-interval = Hours between retries
settings-retry-cap = Most retries
settings-pre-notification = Pre-notification (days)
settings-billing-email = Billing contact email
settings-save = Save

## Subscribers
customer-active = Active
customer-suspended = Suspended
customer-struck-off = Struck off
health-active = Active
health-insufficient-funds = Insufficient funds
health-invalid = Invalid details
health-expiring-soon = Expiring soon
health-expired = Expired
health-manual = Manual
health-none = None
subscribers-reference = Customer reference
subscribers-name = Name
subscribers-email = Email
subscribers-status = Status
subscribers-method = Payment method
subscribers-health = Payment-method health
subscribers-search = Search (reference, name, email)
subscribers-any = Any
subscribers-filter = Filter
subscribers-new = New subscriber
subscribers-create = Create the subscriber
subscribers-civility = Title
subscribers-last-name = Last name
subscribers-first-name = First name
subscribers-company = Company
subscribers-address = Address
subscribers-postal-code = Postal code
subscribers-city = City
subscribers-country = Country
subscribers-phone = Phone
subscribers-mobile = Mobile
subscribers-identity = Identity
subscribers-paid-by = Paid by
subscribers-pays-for = Pays for
subscribers-suspend = Suspend
subscribers-reactivate = Reactivate
subscribers-strike-off = Strike off
subscribers-mandates = Mandates
subscribers-cards = Cards
method-none = None
method-manual = Manual
method-mandate = SEPA mandate
method-card = Card

## Mandates and cards
mandate-pending-reference = Waiting for its reference
mandate-active = Active
mandate-revoked = Revoked
mandate-expired = Expired
card-active = Active
card-deleted = Deleted
mandates-reference = Mandate reference
mandates-customer = Customer reference
mandates-debtor = Account holder
mandates-iban = IBAN
mandates-iban-last4 = Last 4 characters of the IBAN
mandates-bic = BIC
mandates-signed-on = Signed on
mandates-signed-from = Signed from
mandates-signed-to = Signed until
mandates-place = Place of signature
mandates-method = Signature method
mandates-scheme = Scheme
mandates-type = Type
mandates-status = Status
mandates-filter = Search
mandates-new = New mandate
mandates-create = Create the mandate
mandates-reference-hint = Leave empty for a generated reference
mandates-pdf = PDF
mandates-revoke = Revoke
mandates-revoke-reason = Reason for the revocation
mandates-recurrent = Recurrent
mandates-one-off = One-off
mandates-paper = Paper
mandates-import = Import mandates
mandates-import-file = CSV file (separated by ";", UTF-8)
mandates-import-dry-run = Try without saving anything
mandates-import-apply = Import
mandates-import-line = Line
mandates-import-outcome = Outcome
mandates-import-errors = Errors
mandates-import-create = To create
mandates-import-created = Created
mandates-import-update = Update
mandates-import-unchanged = Unchanged
mandates-import-error = Refused
mandates-import-summary = { $created } to create, { $updated } updated, { $unchanged } unchanged, { $errors } refused
mandates-import-seen = This file was already imported on { $at }: nothing will be applied twice.
mandates-import-error-file = Download the refused lines
cards-brand = Network
cards-last4 = Card ending
cards-expiry = Expiry
cards-delete = Delete

## Payments
nav-bank-files = Bank files
payment-to-execute = To execute
payment-executing = Executing
payment-executed = Executed
payment-not-executed = Not executed
payment-rejected = Rejected
kind-sepa-direct-debit = SEPA direct debit
kind-card = Card
kind-refund = Refund
kind-transfer = Transfer
payments-due-on = Due date
payments-due-from = Due from
payments-due-to = Due until
payments-customer = Customer reference
payments-kind = Kind
payments-amount = Amount
payments-amount-min = Minimum amount (€)
payments-amount-max = Maximum amount (€)
payments-remittance = Remittance text
payments-status = Status
payments-end-to-end = End-to-end reference
payments-details = The payment
payments-mandate = Mandate
payments-card = Card alias
payments-plan = Plan
payments-instalment = instalment no.
payments-file = Bank file
payments-timeline = History
payments-change = Change or cancel
payments-change-hint = Until the payment is sent to the bank, its amount, date and text may change; a pending file holding it is then discarded and made again on the next run.
payments-save = Save the changes
payments-cancel = Cancel the payment

## Bank files
file-pending = Waiting to be sent
file-sent = Sent
file-discarded = Discarded
files-hint = The daily run makes the pain.008 files; download them, hand them to the bank, then mark them as sent.
files-created = Created
files-message-id = Message id
files-format = Format
files-transactions = Transactions
files-control-sum = Total amount
files-status = Status
files-details = The file
files-batch-booking = batch booking
files-run-on = Run of
files-sent-at = Sent
files-discarded-at = Discarded
discard-payment-cancelled = one of its payments was cancelled
discard-payment-changed = one of its payments was changed
discard-plan-changed = the plan of one of its payments changed
discard-plan-stopped = the plan of one of its payments stopped
discard-mandate-changed = the mandate of one of its collections changed
discard-creditor-changed = the creditor's name, account or time zone changed
discard-by-creditor = discarded by the creditor
discard-other = another reason
files-size = Size (bytes)
files-download = Download the file
files-payments = See its payments
files-mark-sent = Mark as sent
files-mark-sent-hint = Once marked as sent, its payments become "Executing" and can no longer be changed.
files-discard = Discard the file
files-missed-cutoff = This file missed the bank's cut-off: its first collections are due on { $due }, and a file handed to the bank now can carry { $earliest } at the earliest. If you did not hand it to the bank in time, discard it: its payments go into the next file. If you did, mark it as sent.
files-discard-hint = A file that will not be sent (it missed the bank's cut-off) is discarded: its payments go into the next file, on the first date the bank can still make. Never discard a file already handed to the bank.
files-blocks = Payment blocks (PmtInf)
files-scheme = Scheme
files-sequence = Sequence
files-discarded-no-content = This file was discarded: its payments will be in the next file.

## Bank profile
bank-profile = Bank profile
bank-profile-hint = How the bank wants to receive the collections. The next file follows these settings; a file already made keeps its own.
bank-profile-version = pain.008 version
bank-profile-first = First collection of a mandate
bank-profile-frst = FRST then RCUR (and FNAL for the last)
bank-profile-rcur = RCUR from the first
bank-profile-batch = Book each block as one entry (BtchBookg)
bank-profile-cutoff = The bank's cut-off time, the business day before the due date
bank-profile-max = Most transactions per file
bank-profile-limit = Largest amount of one payment (€)
payments-created = Created
cause-cancelled-by-creditor = Cancelled by the creditor
cause-changed-by-creditor = Changed by the creditor: { $changes }
cause-changed-amount = amount { $from } → { $to }
cause-changed-due-date = due date { $from } → { $to }
cause-changed-remittance = remittance text
cause-plan-changed = Plan changed: the instalment is made again
cause-plan-stopped = Plan stopped: { $reason }
cause-sent-in-file = Sent to the bank in file { $file }
cause-charge-sent = Charge sent to the card gateway
cause-charge-approved = Card charge approved (reference { $reference })
cause-charge-declined = Card charge declined: { $code } ({ $reason })
cause-moved-late = Too late for the bank: due date moved from { $from } to { $to }
cause-settled = Settlement date { $date } passed without a return from the bank

## Plans
plan-active = Active
plan-inactive = Inactive
frequency-weekly = Weekly
frequency-monthly = Monthly
frequency-quarterly = Quarterly
frequency-half-yearly = Half-yearly
frequency-yearly = Yearly
plans-reference = Plan reference
plans-frequency = Frequency
plans-next-due = Next due date
plans-created-count = Instalments created
plans-hint = Each plan leads to its payments. The daily run creates the instalments of the coming pre-notification days ahead.
plans-import = Import plans
plans-import-cancel = Stop
plans-import-summary = { $created } to create, { $updated } updated, { $cancelled } stopped, { $unchanged } unchanged, { $errors } refused
plans-details = The plan
plans-collection-day = Collection day
plans-start = Start
plans-end = End
plans-open-ended = Open-ended
plans-after-instalments = After { $count } instalments
plans-stopped = Stopped
plans-payments = See its payments
plans-stop = Stop the plan
plans-stop-hint = Stopping the plan cancels its instalments not sent to the bank yet; those already sent go on.
stop-by-creditor = stopped by the creditor
stop-mandate-revoked = mandate revoked
stop-mandate-expired = mandate expired
stop-card-deleted = card deleted
stop-customer-suspended = customer suspended
stop-customer-struck-off = customer struck off
actor-system = Prelevo (daily run)
actor-cli = command line
actor-api-key = API key "{ $name }"
plans-one-off = One-off (one instalment)
