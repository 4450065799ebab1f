//! The tables, declared once for both engines (see `sql_types`).

use crate::sql_types::UtcInstant;

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    creditors (id) {
        id -> Text,
        name -> Text,
        ics -> Text,
        iban -> Text,
        bic -> Nullable<Text>,
        timezone -> Text,
        language -> Text,
        representation_delay_days -> Integer,
        max_rejections -> Integer,
        insufficient_funds_retry_interval_hours -> Integer,
        insufficient_funds_retry_cap -> Integer,
        billing_contact_email -> Nullable<Text>,
        pre_notification_days -> Integer,
        created_at -> UtcInstant,
        updated_at -> UtcInstant,
        umr_pattern -> Nullable<Text>,
        umr_next -> BigInt,
        first_collection -> Text,
        address_line1 -> Nullable<Text>,
        address_line2 -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        city -> Nullable<Text>,
        country -> Nullable<Text>,
        pain008_version -> Text,
        batch_booking -> Bool,
        cutoff_time -> Text,
        max_file_transactions -> BigInt,
        collection_limit_cents -> BigInt,
        file_sequence -> BigInt,
        run_held_by -> Nullable<Text>,
        run_held_until -> Nullable<UtcInstant>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    users (id) {
        id -> Text,
        email -> Text,
        created_at -> UtcInstant,
        password_hash -> Nullable<Text>,
        language -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    api_keys (id) {
        id -> Text,
        creditor_id -> Text,
        name -> Text,
        scope -> Text,
        prefix -> Text,
        secret_hash -> Text,
        created_at -> UtcInstant,
        expires_at -> Nullable<UtcInstant>,
        revoked_at -> Nullable<UtcInstant>,
        last_used_at -> Nullable<UtcInstant>,
        created_by -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    audit_events (id) {
        id -> BigInt,
        creditor_id -> Text,
        at -> UtcInstant,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        entity -> Text,
        entity_id -> Text,
        action -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    jobs (id) {
        id -> BigInt,
        creditor_id -> Nullable<Text>,
        kind -> Text,
        payload -> Text,
        priority -> Integer,
        state -> Text,
        attempts -> Integer,
        max_attempts -> Integer,
        run_at -> UtcInstant,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<UtcInstant>,
        last_error -> Nullable<Text>,
        dedup_key -> Nullable<Text>,
        created_at -> UtcInstant,
        finished_at -> Nullable<UtcInstant>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    outbox (id) {
        id -> BigInt,
        creditor_id -> Nullable<Text>,
        kind -> Text,
        payload -> Text,
        priority -> Integer,
        state -> Text,
        attempts -> Integer,
        max_attempts -> Integer,
        run_at -> UtcInstant,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<UtcInstant>,
        last_error -> Nullable<Text>,
        created_at -> UtcInstant,
        finished_at -> Nullable<UtcInstant>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    idempotency_keys (creditor_id, key) {
        creditor_id -> Text,
        key -> Text,
        request_hash -> Text,
        response_status -> Nullable<Integer>,
        response_body -> Nullable<Text>,
        created_at -> UtcInstant,
        expires_at -> UtcInstant,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    imported_files (id) {
        id -> Text,
        creditor_id -> Text,
        kind -> Text,
        file_name -> Text,
        content_sha256 -> Text,
        size_bytes -> BigInt,
        imported_at -> UtcInstant,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    memberships (creditor_id, user_id) {
        creditor_id -> Text,
        user_id -> Text,
        role -> Text,
        status -> Text,
        created_at -> UtcInstant,
        updated_at -> UtcInstant,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    user_tokens (token_hash) {
        token_hash -> Text,
        purpose -> Text,
        user_id -> Text,
        creditor_id -> Nullable<Text>,
        created_at -> UtcInstant,
        expires_at -> UtcInstant,
        used_at -> Nullable<UtcInstant>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    sessions (id_hash) {
        id_hash -> Text,
        user_id -> Text,
        creditor_id -> Text,
        csrf_token -> Text,
        created_at -> UtcInstant,
        last_seen_at -> UtcInstant,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    login_failures (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        window_start -> UtcInstant,
        locked_until -> Nullable<UtcInstant>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    customers (id) {
        id -> Text,
        creditor_id -> Text,
        code -> Text,
        civility -> Text,
        last_name -> Nullable<Text>,
        first_name -> Nullable<Text>,
        company -> Nullable<Text>,
        address_line1 -> Nullable<Text>,
        address_line2 -> Nullable<Text>,
        address_line3 -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        city -> Nullable<Text>,
        country -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        mobile -> Nullable<Text>,
        language -> Nullable<Text>,
        status -> Text,
        payer_id -> Nullable<Text>,
        search_text -> Text,
        payment_method -> Text,
        payment_method_id -> Nullable<Text>,
        last_outcome -> Nullable<Text>,
        last_reason_code -> Nullable<Text>,
        last_failure_effect -> Nullable<Text>,
        created_at -> UtcInstant,
        updated_at -> UtcInstant,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    mandates (id) {
        id -> Text,
        creditor_id -> Text,
        customer_id -> Text,
        reference -> Nullable<Text>,
        scheme -> Text,
        kind -> Text,
        status -> Text,
        debtor_name -> Text,
        debtor_address_line1 -> Nullable<Text>,
        debtor_address_line2 -> Nullable<Text>,
        debtor_postal_code -> Nullable<Text>,
        debtor_city -> Nullable<Text>,
        debtor_country -> Nullable<Text>,
        iban -> Text,
        iban_last4 -> Text,
        bic -> Nullable<Text>,
        signed_on -> Text,
        signature_place -> Nullable<Text>,
        signature_method -> Text,
        first_collection_pending -> Bool,
        last_collection_on -> Nullable<Text>,
        original_reference -> Nullable<Text>,
        original_debtor_name -> Nullable<Text>,
        original_account -> Nullable<Text>,
        original_debtor_agent -> Nullable<Text>,
        revoked_at -> Nullable<UtcInstant>,
        revocation_reason -> Nullable<Text>,
        expired_on -> Nullable<Text>,
        created_at -> UtcInstant,
        updated_at -> UtcInstant,
        reference_key -> Nullable<Text>,
        customer_code -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    card_aliases (id) {
        id -> Text,
        creditor_id -> Text,
        customer_id -> Text,
        token -> Text,
        brand -> Text,
        last4 -> Text,
        expiry_month -> Integer,
        expiry_year -> Integer,
        holder -> Nullable<Text>,
        status -> Text,
        deletion -> Nullable<Text>,
        deleted_at -> Nullable<UtcInstant>,
        created_at -> UtcInstant,
        updated_at -> UtcInstant,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    domain_events (id) {
        id -> BigInt,
        creditor_id -> Text,
        kind -> Text,
        entity_id -> Text,
        payload -> Text,
        occurred_at -> UtcInstant,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    plans (id) {
        id -> Text,
        creditor_id -> Text,
        customer_id -> Text,
        kind -> Text,
        mandate_id -> Nullable<Text>,
        card_alias_id -> Nullable<Text>,
        amount_cents -> BigInt,
        currency -> Text,
        frequency -> Text,
        collection_day -> Integer,
        start_on -> Text,
        end_on -> Nullable<Text>,
        instalments -> Nullable<BigInt>,
        remittance -> Nullable<Text>,
        status -> Text,
        stop_reason -> Nullable<Text>,
        stopped_at -> Nullable<UtcInstant>,
        created_at -> UtcInstant,
        updated_at -> UtcInstant,
        external_reference -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    payments (id) {
        id -> Text,
        creditor_id -> Text,
        plan_id -> Text,
        instalment -> BigInt,
        last_instalment -> Bool,
        customer_id -> Text,
        kind -> Text,
        mandate_id -> Nullable<Text>,
        card_alias_id -> Nullable<Text>,
        amount_cents -> BigInt,
        currency -> Text,
        due_on -> Text,
        remittance -> Nullable<Text>,
        end_to_end_id -> Text,
        status -> Text,
        created_at -> UtcInstant,
        updated_at -> UtcInstant,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    payment_events (id) {
        id -> BigInt,
        creditor_id -> Text,
        payment_id -> Text,
        from_status -> Text,
        to_status -> Text,
        occurred_at -> UtcInstant,
        cause -> Text,
        actor -> Text,
        cause_details -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    bank_files (id) {
        id -> Text,
        creditor_id -> Text,
        message_id -> Text,
        format -> Text,
        batch_booking -> Bool,
        run_on -> Text,
        status -> Text,
        transactions -> BigInt,
        control_sum_cents -> BigInt,
        sha256 -> Nullable<Text>,
        size_bytes -> Nullable<BigInt>,
        created_at -> UtcInstant,
        sent_at -> Nullable<UtcInstant>,
        discarded_at -> Nullable<UtcInstant>,
        discard_reason -> Nullable<Text>,
    }
}

diesel::table! {
    bank_file_entries (file_id, position) {
        file_id -> Text,
        position -> BigInt,
        creditor_id -> Text,
        payment_id -> Text,
        scheme -> Text,
        sequence_type -> Text,
        due_on -> Text,
        amount_cents -> BigInt,
        end_to_end_id -> Text,
        remittance -> Nullable<Text>,
        mandate_reference -> Text,
        signed_on -> Text,
        debtor_name -> Text,
        iban -> Text,
        bic -> Nullable<Text>,
        original_reference -> Nullable<Text>,
        original_debtor_name -> Nullable<Text>,
        original_account -> Nullable<Text>,
        original_debtor_agent -> Nullable<Text>,
    }
}

diesel::table! {
    bank_file_blocks (file_id, block) {
        file_id -> Text,
        block -> BigInt,
        creditor_id -> Text,
        scheme -> Text,
        sequence_type -> Text,
        due_on -> Text,
        transactions -> BigInt,
        sum_cents -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::UtcInstant;

    plan_cursors (creditor_id, plan_id) {
        creditor_id -> Text,
        plan_id -> Text,
        next_index -> BigInt,
        next_due_on -> Nullable<Text>,
        created_count -> BigInt,
        updated_at -> UtcInstant,
    }
}

diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(memberships -> creditors (creditor_id));
diesel::joinable!(mandates -> customers (customer_id));
diesel::joinable!(card_aliases -> customers (customer_id));
diesel::joinable!(api_keys -> creditors (creditor_id));
diesel::joinable!(audit_events -> creditors (creditor_id));
diesel::joinable!(outbox -> creditors (creditor_id));
diesel::joinable!(payments -> plans (plan_id));
diesel::allow_tables_to_appear_in_same_query!(
    creditors,
    users,
    api_keys,
    audit_events,
    jobs,
    outbox,
    idempotency_keys,
    imported_files,
    memberships,
    user_tokens,
    sessions,
    login_failures,
    customers,
    mandates,
    card_aliases,
    domain_events,
    plans,
    plan_cursors,
    payments,
    payment_events,
    bank_files,
    bank_file_entries,
    bank_file_blocks,
);
