use jiff::civil::date;
use prelevo_domain::{
    CardAlias, CardAliasId, CardBrand, CardDeletion, CardExpiry, CardLast4, CardStatus, CardToken,
};
use prelevo_store::StoreError;
use prelevo_testkit::{TestStore, on_both_engines};

use crate::customers::customer;
use crate::{creditor, t0};

pub fn alias(n: u32, customer: &prelevo_domain::Customer, month: i64, year: i64) -> CardAlias {
    CardAlias {
        id: CardAliasId::from_body(&format!("{n:032}")).unwrap(),
        customer_id: customer.id.clone(),
        token: CardToken::parse(&format!("tok_{n}")).unwrap(),
        brand: CardBrand::Visa,
        last4: CardLast4::parse("4242").unwrap(),
        expiry: CardExpiry::new(month, year).unwrap(),
        holder: Some("Zoé Martin".into()),
        status: CardStatus::Active,
        deleted_at: None,
        created_at: t0(),
        updated_at: t0(),
    }
}

fn card_aliases_are_kept_deleted_and_found_expired(store: &TestStore) {
    let (_, tenant) = creditor(store, "Acme", 1);
    let martin = customer("C-001", "Martin", 1);
    tenant.write(|tx| tx.insert_customer(&martin)).unwrap();
    let current = alias(1, &martin, 12, 2027);
    let lapsed = alias(2, &martin, 10, 2026);
    let this_month = alias(3, &martin, 11, 2026);
    tenant
        .write(|tx| {
            tx.insert_card_alias(&current)?;
            tx.insert_card_alias(&lapsed)?;
            tx.insert_card_alias(&this_month)
        })
        .unwrap();
    assert_eq!(
        tenant.read(|tx| tx.card_alias(&current.id)).unwrap(),
        current
    );
    let duplicate = CardAlias {
        id: CardAliasId::from_body(&format!("{:032}", 9)).unwrap(),
        ..current.clone()
    };
    assert!(matches!(
        tenant.write(|tx| tx.insert_card_alias(&duplicate)),
        Err(StoreError::Conflict { .. })
    ));
    let expired = tenant
        .read(|tx| tx.expired_card_aliases(date(2026, 11, 30), 10))
        .unwrap();
    assert_eq!(expired, vec![lapsed.clone()]);
    let mut deleted = lapsed;
    assert!(deleted.delete_if_expired(date(2026, 11, 30), t0()));
    tenant.write(|tx| tx.save_card_alias(&deleted)).unwrap();
    let read = tenant.read(|tx| tx.card_alias(&deleted.id)).unwrap();
    assert_eq!(read.status, CardStatus::Deleted(CardDeletion::Expired));
    assert_eq!(read, deleted);
    assert!(
        tenant
            .read(|tx| tx.expired_card_aliases(date(2026, 11, 30), 10))
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        tenant
            .read(|tx| tx.card_aliases_of(&martin.id))
            .unwrap()
            .len(),
        3
    );
}

fn another_creditor_cannot_reach_a_card_alias(store: &TestStore) {
    let (_, tenant) = creditor(store, "Acme", 1);
    let (_, globex) = creditor(store, "Globex", 2);
    let martin = customer("C-001", "Martin", 1);
    tenant.write(|tx| tx.insert_customer(&martin)).unwrap();
    let card = alias(1, &martin, 10, 2026);
    tenant.write(|tx| tx.insert_card_alias(&card)).unwrap();
    assert!(matches!(
        globex.read(|tx| tx.card_alias(&card.id)),
        Err(StoreError::NotFound { .. })
    ));
    assert!(
        globex
            .read(|tx| tx.card_aliases_of(&martin.id))
            .unwrap()
            .is_empty()
    );
    assert!(
        globex
            .read(|tx| tx.expired_card_aliases(date(2030, 1, 1), 10))
            .unwrap()
            .is_empty()
    );
    let mut forged = card.clone();
    forged.delete(CardDeletion::ByCreditor, t0()).unwrap();
    assert!(matches!(
        globex.write(|tx| tx.save_card_alias(&forged)),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(tenant.read(|tx| tx.card_alias(&card.id)).unwrap(), card);
}

on_both_engines!(
    card_aliases_are_kept_deleted_and_found_expired,
    another_creditor_cannot_reach_a_card_alias,
);
