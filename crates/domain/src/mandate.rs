//! SEPA mandates (PRODUCT.md §3.1): their states and what moves them, the
//! amendment a bank-details change leaves for the next collection, the
//! sequence type (FRST/RCUR/OOFF) of the next collection, and the 36-month
//! dormancy rule.

use jiff::ToSpan;
use jiff::civil::Date;

use crate::codes::code_enum;
use crate::{Bic, Iban, MandateRef};

/// A mandate's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MandateStatus {
    /// Created without a reference; waits for its UMR ("En attente de
    /// référence").
    PendingReference,
    /// Signed; collections may use it ("Actif").
    Active,
    /// Cancelled at the debtor's or the creditor's request; stops every
    /// plan on it ("Révoqué").
    Revoked,
    /// Unused for 36 months; stops all future payments ("Expiré").
    Expired,
}

/// What happens to a mandate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MandateEvent {
    /// Its reference (UMR) is set, or changed.
    SetReference,
    /// The debtor's bank details or name change (an amendment).
    Amend,
    /// The creditor or the debtor cancels it.
    Revoke,
    /// 36 months passed without an executed collection.
    Expire,
    /// A collection on it was executed.
    Collect,
}

/// A transition the mandate's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a mandate that is {from} cannot {event}")]
pub struct MandateTransitionError {
    /// The state it was in.
    pub from: &'static str,
    /// What was attempted.
    pub event: &'static str,
}

impl MandateStatus {
    /// Every state, in the order of the seed.
    pub const ALL: [MandateStatus; 4] = [
        MandateStatus::PendingReference,
        MandateStatus::Active,
        MandateStatus::Revoked,
        MandateStatus::Expired,
    ];

    /// Parses the stored and API code.
    pub fn parse(input: &str) -> Option<MandateStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == input)
    }

    /// The stored and API code.
    pub fn as_str(&self) -> &'static str {
        match self {
            MandateStatus::PendingReference => "pending_reference",
            MandateStatus::Active => "active",
            MandateStatus::Revoked => "revoked",
            MandateStatus::Expired => "expired",
        }
    }

    /// True when collections may be made on it.
    pub fn can_collect(&self) -> bool {
        *self == MandateStatus::Active
    }

    /// True when it is over for good (no event moves it any more).
    pub fn is_final(&self) -> bool {
        matches!(self, MandateStatus::Revoked | MandateStatus::Expired)
    }

    /// The state after `event`, or why it cannot happen.
    pub fn apply(self, event: MandateEvent) -> Result<Self, MandateTransitionError> {
        use MandateEvent as E;
        use MandateStatus as S;
        match (self, event) {
            (S::PendingReference | S::Active, E::SetReference) => Ok(S::Active),
            (S::PendingReference, E::Amend) => Ok(S::PendingReference),
            (S::Active, E::Amend | E::Collect) => Ok(S::Active),
            (S::PendingReference | S::Active, E::Revoke) => Ok(S::Revoked),
            (S::Active, E::Expire) => Ok(S::Expired),
            (from, event) => Err(MandateTransitionError {
                from: from.as_str(),
                event: match event {
                    E::SetReference => "get a reference",
                    E::Amend => "be amended",
                    E::Revoke => "be revoked",
                    E::Expire => "expire",
                    E::Collect => "be collected on",
                },
            }),
        }
    }
}

code_enum!(
    /// The SEPA Direct Debit scheme of a mandate.
    Scheme, "a scheme: CORE or B2B", {
        /// Consumers and businesses; 8 weeks of unconditional refund.
        Core => "CORE",
        /// Businesses only; no refund right, the debtor's bank checks the mandate.
        B2b => "B2B",
    }
);

code_enum!(
    /// Whether a mandate serves several collections or one.
    MandateKind, "a mandate type: recurrent or one_off", {
        /// Any number of collections.
        Recurrent => "recurrent",
        /// One collection; the mandate is spent after it.
        OneOff => "one_off",
    }
);

code_enum!(
    /// How the debtor signed.
    SignatureMethod,
    "a signature method: electronic_link, operator_otp, paper, phone or website", {
        /// A link sent to the debtor, signed online.
        ElectronicLink => "electronic_link",
        /// Signed with an operator, confirmed by a one-time code.
        OperatorOtp => "operator_otp",
        /// Signed on paper, then imported.
        Paper => "paper",
        /// Agreed by phone.
        Phone => "phone",
        /// Signed on the creditor's website.
        Website => "website",
    }
);

code_enum!(
    /// Which sequence type the creditor's bank wants on a first collection:
    /// FRST (pain.008.001.02 users, the rulebooks before November 2016) or
    /// RCUR (allowed since; some banks still require FRST).
    FirstCollection, "a first-collection rule: frst or rcur", {
        /// The first collection of a mandate (and after a change of bank) is
        /// FRST, the known last one of a series FNAL.
        Frst => "frst",
        /// Every recurrent collection is RCUR.
        Rcur => "rcur",
    }
);

/// The SEPA sequence type of a collection (`SeqTp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SequenceType {
    /// First of a series.
    Frst,
    /// Recurrent.
    Rcur,
    /// The only collection of a one-off mandate.
    Ooff,
    /// The last of a series, for banks that want FRST and FNAL.
    Fnal,
}

impl SequenceType {
    /// Parses the code in pain.008 (`FRST`…).
    pub fn parse(input: &str) -> Option<SequenceType> {
        [Self::Frst, Self::Rcur, Self::Ooff, Self::Fnal]
            .into_iter()
            .find(|s| s.as_str() == input)
    }

    /// The code in pain.008.
    pub fn as_str(&self) -> &'static str {
        match self {
            SequenceType::Frst => "FRST",
            SequenceType::Rcur => "RCUR",
            SequenceType::Ooff => "OOFF",
            SequenceType::Fnal => "FNAL",
        }
    }
}

/// The sequence type of a mandate's next collection: OOFF for a one-off
/// mandate; for a bank that wants FRST, FRST when no collection was made
/// since the mandate was signed or since the debtor changed bank, and FNAL
/// when the collection is known to be the mandate's last (`last`: its plan
/// ends with it and nothing else uses the mandate); else RCUR (the
/// rulebooks since November 2016 let RCUR stand for both).
pub fn next_sequence(
    kind: MandateKind,
    rule: FirstCollection,
    first_pending: bool,
    last: bool,
) -> SequenceType {
    match (kind, rule, first_pending, last) {
        (MandateKind::OneOff, ..) => SequenceType::Ooff,
        (MandateKind::Recurrent, FirstCollection::Frst, true, _) => SequenceType::Frst,
        (MandateKind::Recurrent, FirstCollection::Frst, false, true) => SequenceType::Fnal,
        (MandateKind::Recurrent, ..) => SequenceType::Rcur,
    }
}

/// The original debtor account an amendment reports: the old IBAN when the
/// account changed within the same bank, or "SMNDA" (Same Mandate, New
/// Debtor Agent) when the debtor moved to another bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginalAccount {
    /// The account before the change, at the same bank.
    Iban(Iban),
    /// The debtor changed bank.
    Smnda,
}

impl OriginalAccount {
    /// As written in pain.008 (`OrgnlDbtrAcct`): the IBAN, or `SMNDA`.
    pub fn as_str(&self) -> &str {
        match self {
            OriginalAccount::Iban(iban) => iban.as_str(),
            OriginalAccount::Smnda => "SMNDA",
        }
    }
}

/// What the next collection must report of a mandate's changes (pain.008
/// `AmdmntInfDtls`). Several changes before one collection accumulate: the
/// originals are those the bank knew at the last collection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Amendment {
    /// The reference before it changed (`OrgnlMndtId`).
    pub original_reference: Option<MandateRef>,
    /// The debtor's name before it changed (`OrgnlDbtr`).
    pub original_debtor_name: Option<String>,
    /// The account before it changed (`OrgnlDbtrAcct`).
    pub original_account: Option<OriginalAccount>,
    /// The debtor's bank before a change of bank, when known
    /// (`OrgnlDbtrAgt`).
    pub original_debtor_agent: Option<Bic>,
}

impl Amendment {
    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self == &Amendment::default()
    }

    /// True when the debtor moved to another bank (the next recurrent
    /// collection is then a first one, for banks that want FRST).
    pub fn changes_bank(&self) -> bool {
        self.original_account == Some(OriginalAccount::Smnda)
    }
}

/// The debtor's bank details: account, optional BIC, name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebtorAccount {
    /// The debtor's name as on the mandate.
    pub name: String,
    /// The account.
    pub iban: Iban,
    /// The bank, optional for SEPA-zone IBANs.
    pub bic: Option<Bic>,
}

/// True when two accounts are held at the same bank: the same BIC (first
/// eight characters) when both are known, else the same country and bank
/// identifier in the IBAN.
pub fn same_bank(a: &DebtorAccount, b: &DebtorAccount) -> bool {
    match (&a.bic, &b.bic) {
        (Some(x), Some(y)) => x.as_str().get(..8) == y.as_str().get(..8),
        // Without both bank identifiers, a move is assumed: reporting SMNDA
        // (and FRST) for a same-bank change is accepted by banks, the reverse
        // is not.
        _ => match (a.iban.bank_identifier(), b.iban.bank_identifier()) {
            (Some(x), Some(y)) => a.iban.country_code() == b.iban.country_code() && x == y,
            _ => false,
        },
    }
}

/// Adds the change from `before` to `after` to `pending` (what the next
/// collection will report), keeping the originals already pending.
pub fn amend(pending: Amendment, before: &DebtorAccount, after: &DebtorAccount) -> Amendment {
    let mut amendment = pending;
    if before.name != after.name && amendment.original_debtor_name.is_none() {
        amendment.original_debtor_name = Some(before.name.clone());
    }
    if before.iban != after.iban || before.bic != after.bic {
        let moved = !same_bank(before, after);
        match (&amendment.original_account, moved) {
            // Already moved bank since the last collection: still SMNDA.
            (Some(OriginalAccount::Smnda), _) => {}
            (_, true) => {
                amendment.original_account = Some(OriginalAccount::Smnda);
                if amendment.original_debtor_agent.is_none() {
                    amendment.original_debtor_agent = before.bic.clone();
                }
            }
            (Some(OriginalAccount::Iban(_)), false) => {}
            (None, false) if before.iban != after.iban => {
                amendment.original_account = Some(OriginalAccount::Iban(before.iban.clone()));
            }
            (None, false) => {}
        }
    }
    amendment
}

/// Adds a change of reference to `pending`, keeping the first original.
pub fn amend_reference(pending: Amendment, before: &MandateRef) -> Amendment {
    Amendment {
        original_reference: pending.original_reference.or_else(|| Some(before.clone())),
        ..pending
    }
}

/// The debtor's postal address on a mandate.
pub type DebtorAddress = crate::PostalAddress;

/// Why and when a mandate was revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    /// When.
    pub at: jiff::Timestamp,
    /// Why, as the person who revoked it said.
    pub reason: String,
}

/// A SEPA mandate: the debtor's authorisation to collect from their account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mandate {
    /// `mdt_…`
    pub id: crate::MandateId,
    /// The customer it belongs to.
    pub customer_id: crate::CustomerId,
    /// The UMR; `None` while [`MandateStatus::PendingReference`].
    pub reference: Option<MandateRef>,
    /// CORE or B2B.
    pub scheme: Scheme,
    /// Recurrent or one-off.
    pub kind: MandateKind,
    /// State.
    pub status: MandateStatus,
    /// Name, IBAN and BIC of the debtor.
    pub debtor: DebtorAccount,
    /// The debtor's address.
    pub debtor_address: DebtorAddress,
    /// Date of signature.
    pub signed_on: Date,
    /// Place of signature.
    pub signature_place: Option<String>,
    /// How it was signed.
    pub signature_method: SignatureMethod,
    /// True until a collection is made after the signature or a change of
    /// bank (the next one is then FRST for banks that want it).
    pub first_collection_pending: bool,
    /// The day of the last executed collection.
    pub last_collection_on: Option<Date>,
    /// What the next collection must report of changes since the last one.
    pub amendment: Amendment,
    /// Set once revoked.
    pub revocation: Option<Revocation>,
    /// The day it expired for dormancy.
    pub expired_on: Option<Date>,
    /// Created.
    pub created_at: jiff::Timestamp,
    /// Last changed.
    pub updated_at: jiff::Timestamp,
}

impl Mandate {
    /// Gives it a reference, or a new one; a changed reference of a mandate
    /// already used is reported to the bank as an amendment.
    pub fn set_reference(&mut self, reference: MandateRef) -> Result<(), MandateTransitionError> {
        self.status = self.status.apply(MandateEvent::SetReference)?;
        if let Some(before) = self.reference.take().filter(|before| *before != reference) {
            self.amendment = amend_reference(std::mem::take(&mut self.amendment), &before);
        }
        self.reference = Some(reference);
        Ok(())
    }

    /// New bank details or debtor name, kept as an amendment for the next
    /// collection; a change of bank makes the next collection a first one.
    pub fn change_bank_details(
        &mut self,
        after: DebtorAccount,
    ) -> Result<(), MandateTransitionError> {
        self.status = self.status.apply(MandateEvent::Amend)?;
        self.amendment = amend(std::mem::take(&mut self.amendment), &self.debtor, &after);
        if self.amendment.changes_bank() {
            self.first_collection_pending = true;
        }
        self.debtor = after;
        Ok(())
    }

    /// Revokes it.
    pub fn revoke(
        &mut self,
        reason: &str,
        at: jiff::Timestamp,
    ) -> Result<(), MandateTransitionError> {
        self.status = self.status.apply(MandateEvent::Revoke)?;
        self.revocation = Some(Revocation {
            at,
            reason: reason.trim().to_owned(),
        });
        Ok(())
    }

    /// Expires it for dormancy when, on `today`, 36 months passed without a
    /// collection; `Ok(false)` when not due yet.
    pub fn expire_if_dormant(&mut self, today: Date) -> Result<bool, MandateTransitionError> {
        if !is_dormant(self.last_collection_on, self.signed_on, today) {
            return Ok(false);
        }
        self.status = self.status.apply(MandateEvent::Expire)?;
        self.expired_on = Some(today);
        Ok(true)
    }

    /// A collection on it was sent on `on`: the amendment has been reported
    /// and the next collection is no longer a first one.
    pub fn record_collection(&mut self, on: Date) -> Result<(), MandateTransitionError> {
        self.status = self.status.apply(MandateEvent::Collect)?;
        self.last_collection_on = Some(self.last_collection_on.map_or(on, |last| last.max(on)));
        self.first_collection_pending = false;
        self.amendment = Amendment::default();
        Ok(())
    }
}

/// A mandate lapses after this many months without an executed collection.
pub const DORMANCY_MONTHS: i8 = 36;

/// The first day a mandate is dormant: 36 months after its last executed
/// collection, or after its signature if it was never used. (From the
/// 31st, a shorter month ends the count on its last day.)
pub fn dormant_from(last_collection: Option<Date>, signed_on: Date) -> Date {
    let since = last_collection.unwrap_or(signed_on);
    since
        .checked_add(DORMANCY_MONTHS.months())
        .unwrap_or(Date::MAX)
}

/// True when, on `today`, the mandate must expire for dormancy.
pub fn is_dormant(last_collection: Option<Date>, signed_on: Date, today: Date) -> bool {
    today >= dormant_from(last_collection, signed_on)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use proptest::prelude::*;

    use super::*;

    fn account(name: &str, iban: &str, bic: Option<&str>) -> DebtorAccount {
        DebtorAccount {
            name: name.into(),
            iban: Iban::parse(iban).unwrap(),
            bic: bic.map(|b| Bic::parse(b).unwrap()),
        }
    }

    // Two accounts at La Banque Postale (bank code 20041), one at Crédit
    // Agricole (30006).
    const POSTALE_1: &str = "FR1420041010050500013M02606";
    const POSTALE_2: &str = "FR1420041010050500013M02800";
    const AGRICOLE: &str = "FR7630006000011234567890189";

    #[test]
    fn every_transition_of_the_seed() {
        use MandateEvent as E;
        use MandateStatus as S;
        let allowed = [
            (S::PendingReference, E::SetReference, S::Active),
            (S::PendingReference, E::Amend, S::PendingReference),
            (S::PendingReference, E::Revoke, S::Revoked),
            (S::Active, E::SetReference, S::Active),
            (S::Active, E::Amend, S::Active),
            (S::Active, E::Collect, S::Active),
            (S::Active, E::Revoke, S::Revoked),
            (S::Active, E::Expire, S::Expired),
        ];
        let events = [E::SetReference, E::Amend, E::Revoke, E::Expire, E::Collect];
        for from in S::ALL {
            for event in events {
                let expected = allowed
                    .iter()
                    .find(|(f, e, _)| *f == from && *e == event)
                    .map(|(_, _, to)| *to);
                match (from.apply(event), expected) {
                    (Ok(to), Some(want)) => assert_eq!(to, want, "{from:?} {event:?}"),
                    (Err(e), None) => assert!(e.to_string().contains(from.as_str())),
                    (got, want) => panic!("{from:?} {event:?}: {got:?}, expected {want:?}"),
                }
            }
        }
    }

    #[test]
    fn revoked_and_expired_are_final() {
        assert!(MandateStatus::Revoked.is_final());
        assert!(MandateStatus::Expired.is_final());
        assert!(MandateStatus::Revoked.apply(MandateEvent::Revoke).is_err());
        assert!(MandateStatus::Expired.apply(MandateEvent::Collect).is_err());
        assert!(!MandateStatus::PendingReference.can_collect());
        assert!(MandateStatus::Active.can_collect());
    }

    #[test]
    fn codes_round_trip() {
        for s in MandateStatus::ALL {
            assert_eq!(MandateStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(Scheme::parse("B2B").unwrap(), Scheme::B2b);
        assert_eq!(MandateKind::parse("one_off").unwrap(), MandateKind::OneOff);
        let unknown = SignatureMethod::parse("fax").unwrap_err();
        assert!(
            unknown
                .to_string()
                .contains("\"fax\" is not a signature method")
        );
        for m in SignatureMethod::ALL {
            assert_eq!(SignatureMethod::parse(m.as_str()).unwrap(), *m);
        }
    }

    #[test]
    fn the_sequence_type_follows_the_mandate_and_the_bank() {
        use FirstCollection::{Frst, Rcur};
        use MandateKind::{OneOff, Recurrent};
        assert_eq!(
            next_sequence(Recurrent, Frst, true, false),
            SequenceType::Frst
        );
        // A series of one collection is a first one.
        assert_eq!(
            next_sequence(Recurrent, Frst, true, true),
            SequenceType::Frst
        );
        assert_eq!(
            next_sequence(Recurrent, Frst, false, false),
            SequenceType::Rcur
        );
        assert_eq!(
            next_sequence(Recurrent, Frst, false, true),
            SequenceType::Fnal
        );
        assert_eq!(
            next_sequence(Recurrent, Rcur, true, false),
            SequenceType::Rcur
        );
        assert_eq!(
            next_sequence(Recurrent, Rcur, false, true),
            SequenceType::Rcur
        );
        assert_eq!(next_sequence(OneOff, Frst, true, true), SequenceType::Ooff);
        assert_eq!(next_sequence(OneOff, Rcur, false, false).as_str(), "OOFF");
        assert_eq!(SequenceType::Fnal.as_str(), "FNAL");
    }

    #[test]
    fn a_new_account_at_the_same_bank_reports_the_old_iban() {
        let before = account("Jean Dupont", POSTALE_1, None);
        let after = account("Jean Dupont", POSTALE_2, None);
        assert!(same_bank(&before, &after));
        let amendment = amend(Amendment::default(), &before, &after);
        assert_eq!(
            amendment.original_account,
            Some(OriginalAccount::Iban(before.iban.clone()))
        );
        assert!(!amendment.changes_bank());
        assert_eq!(amendment.original_debtor_agent, None);
    }

    #[test]
    fn a_new_bank_reports_smnda_and_the_old_agent() {
        let before = account("Jean Dupont", POSTALE_1, Some("PSSTFRPPXXX"));
        let after = account("Jean Dupont", AGRICOLE, Some("AGRIFRPP"));
        assert!(!same_bank(&before, &after));
        let amendment = amend(Amendment::default(), &before, &after);
        assert_eq!(amendment.original_account, Some(OriginalAccount::Smnda));
        assert_eq!(
            amendment.original_account.as_ref().unwrap().as_str(),
            "SMNDA"
        );
        assert_eq!(amendment.original_debtor_agent, before.bic);
        assert!(amendment.changes_bank());
    }

    #[test]
    fn changes_before_one_collection_keep_the_first_originals() {
        let first = account("Jean Dupont", POSTALE_1, None);
        let second = account("Jean Dupont-Martin", POSTALE_2, None);
        let third = account("J. Dupont-Martin", AGRICOLE, None);
        let once = amend(Amendment::default(), &first, &second);
        let twice = amend(once, &second, &third);
        assert_eq!(twice.original_debtor_name.as_deref(), Some("Jean Dupont"));
        assert_eq!(twice.original_account, Some(OriginalAccount::Smnda));
        // Back to the first bank afterwards: the bank known at the last
        // collection may still differ, so SMNDA stays.
        let back = amend(twice, &third, &first);
        assert!(back.changes_bank());
        let reference = MandateRef::parse("RUM-1").unwrap();
        let renamed = amend_reference(back, &reference);
        let renamed_again = amend_reference(renamed, &MandateRef::parse("RUM-2").unwrap());
        assert_eq!(renamed_again.original_reference, Some(reference));
    }

    #[test]
    fn a_name_change_alone_keeps_the_account() {
        let before = account("Jean Dupont", POSTALE_1, None);
        let after = account("Jean Martin", POSTALE_1, None);
        let amendment = amend(Amendment::default(), &before, &after);
        assert_eq!(
            amendment.original_debtor_name.as_deref(),
            Some("Jean Dupont")
        );
        assert_eq!(amendment.original_account, None);
        assert!(!amendment.is_empty());
        assert!(amend(Amendment::default(), &before, &before).is_empty());
    }

    #[test]
    fn dormancy_starts_36_months_after_the_last_collection() {
        let last = Some(date(2023, 3, 15));
        let signed = date(2020, 1, 10);
        assert_eq!(dormant_from(last, signed), date(2026, 3, 15));
        assert!(!is_dormant(last, signed, date(2026, 3, 14)));
        assert!(is_dormant(last, signed, date(2026, 3, 15)));
        // Never used: from the signature.
        assert!(!is_dormant(None, signed, date(2023, 1, 9)));
        assert!(is_dormant(None, signed, date(2023, 1, 10)));
        // From the 29th of February, a common year ends on the 28th.
        assert_eq!(dormant_from(None, date(2024, 2, 29)), date(2027, 2, 28));
    }

    fn mandate() -> Mandate {
        Mandate {
            id: crate::MandateId::from_body("0123456789abcdef0123456789abcdef").unwrap(),
            customer_id: crate::CustomerId::from_body("0123456789abcdef0123456789abcdef").unwrap(),
            reference: None,
            scheme: Scheme::Core,
            kind: MandateKind::Recurrent,
            status: MandateStatus::PendingReference,
            debtor: account("Jean Dupont", POSTALE_1, None),
            debtor_address: DebtorAddress::default(),
            signed_on: date(2026, 1, 5),
            signature_place: Some("Paris".into()),
            signature_method: SignatureMethod::Paper,
            first_collection_pending: true,
            last_collection_on: None,
            amendment: Amendment::default(),
            revocation: None,
            expired_on: None,
            created_at: jiff::Timestamp::UNIX_EPOCH,
            updated_at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_mandate_s_life() {
        let mut m = mandate();
        assert!(
            m.record_collection(date(2026, 2, 1)).is_err(),
            "no reference yet"
        );
        m.set_reference(MandateRef::parse("RUM-1").unwrap())
            .unwrap();
        assert_eq!(m.status, MandateStatus::Active);
        assert!(m.amendment.is_empty(), "a first reference is no amendment");
        m.record_collection(date(2026, 2, 1)).unwrap();
        assert!(!m.first_collection_pending);
        m.set_reference(MandateRef::parse("RUM-2").unwrap())
            .unwrap();
        assert_eq!(
            m.amendment
                .original_reference
                .as_ref()
                .map(MandateRef::as_str),
            Some("RUM-1")
        );
        m.change_bank_details(account("Jean Dupont", AGRICOLE, None))
            .unwrap();
        assert!(m.first_collection_pending, "a new bank: FRST again");
        assert!(m.amendment.changes_bank());
        m.record_collection(date(2026, 3, 1)).unwrap();
        assert!(m.amendment.is_empty() && !m.first_collection_pending);
        assert_eq!(m.last_collection_on, Some(date(2026, 3, 1)));
        assert!(!m.expire_if_dormant(date(2029, 2, 28)).unwrap());
        assert!(m.expire_if_dormant(date(2029, 3, 1)).unwrap());
        assert_eq!(m.status, MandateStatus::Expired);
        assert_eq!(m.expired_on, Some(date(2029, 3, 1)));
        assert!(m.revoke("too late", jiff::Timestamp::UNIX_EPOCH).is_err());
    }

    #[test]
    fn a_revoked_mandate_keeps_why() {
        let mut m = mandate();
        m.revoke("  debtor asked by phone ", jiff::Timestamp::UNIX_EPOCH)
            .unwrap();
        assert_eq!(m.status, MandateStatus::Revoked);
        assert_eq!(
            m.revocation.as_ref().unwrap().reason,
            "debtor asked by phone"
        );
        assert!(m.change_bank_details(account("X", AGRICOLE, None)).is_err());
        assert!(
            m.set_reference(MandateRef::parse("RUM-9").unwrap())
                .is_err()
        );
    }

    proptest! {
        #[test]
        fn a_final_state_never_moves(event in 0usize..5) {
            let events = [MandateEvent::SetReference, MandateEvent::Amend, MandateEvent::Revoke, MandateEvent::Expire, MandateEvent::Collect];
            for from in [MandateStatus::Revoked, MandateStatus::Expired] {
                prop_assert!(from.apply(events[event]).is_err());
            }
        }

        #[test]
        fn dormancy_is_monotonic(days in 0i32..4000, extra in 0i32..400) {
            let signed = date(2015, 1, 1);
            let last = signed.checked_add(days.days()).unwrap();
            let from = dormant_from(Some(last), signed);
            prop_assert!(from > last);
            let later = from.checked_add(extra.days()).unwrap();
            prop_assert!(is_dormant(Some(last), signed, later));
            prop_assert!(!is_dormant(Some(last), signed, from.checked_sub(1.day()).unwrap()));
        }
    }
}
