//! A payment cause as the history keeps it: its code in `cause`, its
//! details as a JSON object of text values in `cause_details`.

use std::collections::BTreeMap;

use prelevo_domain::PaymentCause;

/// The `cause` and `cause_details` columns of `cause`.
pub(crate) fn to_columns(cause: &PaymentCause) -> (String, Option<String>) {
    let details: BTreeMap<&str, String> = cause.details().into_iter().collect();
    let details = (!details.is_empty())
        .then(|| serde_json::to_string(&details).ok())
        .flatten();
    (cause.code().to_owned(), details)
}

/// The cause kept in `code` and `details`; details that are not a JSON
/// object of text values read as none (the cause is then shown as kept).
pub(crate) fn from_columns(code: &str, details: Option<&str>) -> PaymentCause {
    let details: Vec<(String, String)> = details
        .and_then(|text| serde_json::from_str::<BTreeMap<String, String>>(text).ok())
        .map(|map| map.into_iter().collect())
        .unwrap_or_default();
    PaymentCause::from_stored(code, &details)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_survives_its_columns() {
        let cause = PaymentCause::ChargeDeclined {
            code: "do_not_honor".into(),
            reason: "refused \"by\" the issuer, {twice}".into(),
        };
        let (code, details) = to_columns(&cause);
        assert_eq!(from_columns(&code, details.as_deref()), cause);
        assert_eq!(to_columns(&PaymentCause::ChargeSent).1, None);
    }

    #[test]
    fn details_written_by_sql_read_back() {
        let cause = from_columns(
            "moved_late",
            Some(r#"{"from":"2026-12-01","to":"2026-12-03"}"#),
        );
        assert!(matches!(cause, PaymentCause::MovedLate { .. }), "{cause:?}");
        assert_eq!(
            from_columns("settled", Some("not json")),
            PaymentCause::Recorded("settled".into())
        );
    }
}
