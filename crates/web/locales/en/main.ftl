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
list-empty = No results.
list-pagination = Pagination
list-previous = Previous page
list-next = Next page
list-export = Export as CSV
