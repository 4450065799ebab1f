use jiff::Timestamp;
use prelevo_app::AppError;
use prelevo_app::card_aliases::{
    CardAliasInput, card_deleted_by_platform, create_card_alias, delete_card_alias,
    delete_expired_card_aliases,
};
use prelevo_app::card_gateway::{GatewayCard, InMemoryGateway, UnconnectedGateway};
use prelevo_domain::{
    CardBrand, CardDeletion, CardExpiry, CardLast4, CardStatus, Customer, FixedClock,
    PaymentMethodRef,
};
use prelevo_store::Actor;
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{clock, fields_of, martin, new_tenant};

fn card(customer: &Customer, token: &str, month: i64, year: i64) -> CardAliasInput {
    CardAliasInput {
        customer_id: customer.id.to_string(),
        token: token.into(),
        brand: "visa".into(),
        last4: "4242".into(),
        expiry_month: month,
        expiry_year: year,
        holder: Some("Zoé Martin".into()),
    }
}

fn a_card_number_is_refused_wherever_it_is_typed(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let customer = martin(&tenant);
    let pans = CardAliasInput {
        token: "4111 1111 1111 1111".into(),
        last4: "4111111111111111".into(),
        holder: Some("5500-0000-0000-0004".into()),
        ..card(&customer, "x", 12, 2027)
    };
    assert_eq!(
        fields_of(
            create_card_alias(&tenant, &clock(), &UnconnectedGateway, &Actor::Cli, &pans)
                .unwrap_err()
        ),
        ["holder", "last4", "token"]
    );
    let bad = CardAliasInput {
        brand: "diners".into(),
        expiry_month: 13,
        ..card(&customer, "tok_1", 12, 2027)
    };
    assert_eq!(
        fields_of(
            create_card_alias(&tenant, &clock(), &UnconnectedGateway, &Actor::Cli, &bad)
                .unwrap_err()
        ),
        ["brand", "expiry"]
    );
}

fn a_card_is_the_customer_s_method_until_deleted(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let customer = martin(&tenant);
    let alias = create_card_alias(
        &tenant,
        &clock(),
        &UnconnectedGateway,
        &Actor::Cli,
        &card(&customer, "tok_1", 12, 2027),
    )
    .unwrap();
    let holder = tenant.read(|tx| tx.customer(&customer.id)).unwrap();
    assert_eq!(
        holder.payment_method,
        PaymentMethodRef::Card(alias.id.clone())
    );
    assert!(matches!(
        create_card_alias(
            &tenant,
            &clock(),
            &UnconnectedGateway,
            &Actor::Cli,
            &card(&customer, "tok_1", 12, 2027)
        ),
        Err(AppError::Conflict(_))
    ));
    let deleted = delete_card_alias(
        &tenant,
        &clock(),
        &UnconnectedGateway,
        &Actor::Cli,
        &alias.id,
    )
    .unwrap();
    assert_eq!(
        deleted.status,
        CardStatus::Deleted(CardDeletion::ByCreditor)
    );
    let holder = tenant.read(|tx| tx.customer(&customer.id)).unwrap();
    assert_eq!(holder.payment_method, PaymentMethodRef::None);
    assert!(matches!(
        delete_card_alias(
            &tenant,
            &clock(),
            &UnconnectedGateway,
            &Actor::Cli,
            &alias.id
        ),
        Err(AppError::Conflict(_))
    ));
    let events = tenant
        .read(|tx| tx.domain_events("card_alias.deleted", 0, 10))
        .unwrap();
    assert_eq!(events.len(), 1);
}

/// A card of November 2026 works until November 30th, midnight in Paris.
fn expired_cards_are_deleted_on_the_creditor_s_day(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let customer = martin(&tenant);
    let alias = create_card_alias(
        &tenant,
        &clock(),
        &UnconnectedGateway,
        &Actor::Cli,
        &card(&customer, "tok_1", 11, 2026),
    )
    .unwrap();
    let at = |utc: &str| FixedClock::new(utc.parse::<Timestamp>().unwrap());
    assert_eq!(
        delete_expired_card_aliases(&tenant, &at("2026-11-30T22:59:59Z")).unwrap(),
        0
    );
    assert_eq!(
        delete_expired_card_aliases(&tenant, &at("2026-11-30T23:00:00Z")).unwrap(),
        1
    );
    assert_eq!(
        delete_expired_card_aliases(&tenant, &at("2026-12-01T09:00:00Z")).unwrap(),
        0
    );
    let read = tenant.read(|tx| tx.card_alias(&alias.id)).unwrap();
    assert_eq!(read.status, CardStatus::Deleted(CardDeletion::Expired));
    assert_eq!(
        tenant
            .read(|tx| tx.customer(&customer.id))
            .unwrap()
            .payment_method,
        PaymentMethodRef::None
    );
}

fn another_creditor_cannot_use_or_delete_a_card(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let globex = new_tenant(store, 2);
    let customer = martin(&tenant);
    let alias = create_card_alias(
        &tenant,
        &clock(),
        &UnconnectedGateway,
        &Actor::Cli,
        &card(&customer, "tok_1", 12, 2027),
    )
    .unwrap();
    assert!(matches!(
        delete_card_alias(
            &globex,
            &clock(),
            &UnconnectedGateway,
            &Actor::Cli,
            &alias.id
        ),
        Err(AppError::NotFound(_))
    ));
    assert_eq!(
        fields_of(
            create_card_alias(
                &globex,
                &clock(),
                &UnconnectedGateway,
                &Actor::Cli,
                &card(&customer, "tok_2", 12, 2027)
            )
            .unwrap_err()
        ),
        ["customer_id"]
    );
    assert_eq!(
        tenant.read(|tx| tx.card_alias(&alias.id)).unwrap().status,
        CardStatus::Active
    );
}

fn the_gateway_s_card_prevails_and_forgets_deleted_tokens(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let customer = martin(&tenant);
    let gateway = InMemoryGateway::default();
    gateway.hold(
        "tok_1",
        GatewayCard {
            brand: CardBrand::Visa,
            last4: CardLast4::parse("4242").unwrap(),
            expiry: CardExpiry::new(12, 2027).unwrap(),
        },
    );
    let create =
        |input: &CardAliasInput| create_card_alias(&tenant, &clock(), &gateway, &Actor::Cli, input);
    // Details that are not the gateway's, and a token it does not hold.
    let wrong = CardAliasInput {
        brand: "mastercard".into(),
        last4: "4444".into(),
        ..card(&customer, "tok_1", 11, 2027)
    };
    assert_eq!(
        fields_of(create(&wrong).unwrap_err()),
        ["brand", "expiry", "last4"]
    );
    assert_eq!(
        fields_of(create(&card(&customer, "tok_unknown", 12, 2027)).unwrap_err()),
        ["token"]
    );
    // An outage refuses without writing anything.
    gateway.set_down(true);
    assert!(matches!(
        create(&card(&customer, "tok_1", 12, 2027)),
        Err(AppError::Upstream(_))
    ));
    gateway.set_down(false);
    let alias = create(&card(&customer, "tok_1", 12, 2027)).unwrap();
    // Deleting asks the gateway first; when it does not answer, nothing
    // changes.
    gateway.set_down(true);
    assert!(matches!(
        delete_card_alias(&tenant, &clock(), &gateway, &Actor::Cli, &alias.id),
        Err(AppError::Upstream(_))
    ));
    assert_eq!(
        tenant.read(|tx| tx.card_alias(&alias.id)).unwrap().status,
        CardStatus::Active
    );
    gateway.set_down(false);
    delete_card_alias(&tenant, &clock(), &gateway, &Actor::Cli, &alias.id).unwrap();
    assert!(!gateway.holds("tok_1"));
}

fn the_platform_deletes_a_card_once(store: &TestStore) {
    let tenant = new_tenant(store, 1);
    let customer = martin(&tenant);
    let alias = create_card_alias(
        &tenant,
        &clock(),
        &UnconnectedGateway,
        &Actor::Cli,
        &card(&customer, "tok_1", 12, 2027),
    )
    .unwrap();
    let deleted = card_deleted_by_platform(&tenant, &clock(), "tok_1").unwrap();
    assert_eq!(
        deleted.map(|d| d.status),
        Some(CardStatus::Deleted(CardDeletion::ByPlatform))
    );
    assert_eq!(
        card_deleted_by_platform(&tenant, &clock(), "tok_1").unwrap(),
        None
    );
    assert_eq!(
        card_deleted_by_platform(&tenant, &clock(), "tok_other").unwrap(),
        None
    );
    let events = tenant
        .read(|tx| tx.domain_events("card_alias.deleted", 0, 10))
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].entity_id, alias.id.to_string());
}

on_both_engines!(
    the_gateway_s_card_prevails_and_forgets_deleted_tokens,
    the_platform_deletes_a_card_once,
    a_card_number_is_refused_wherever_it_is_typed,
    a_card_is_the_customer_s_method_until_deleted,
    expired_cards_are_deleted_on_the_creditor_s_day,
    another_creditor_cannot_use_or_delete_a_card,
);
