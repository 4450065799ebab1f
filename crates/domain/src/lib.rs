//! Prelevo's pure domain: value types (money, IBAN, BIC, creditor id, SEPA
//! references and text), the TARGET2 calendar, submission deadlines and the
//! `Clock` trait; customers, mandates, card aliases and the health of a
//! payment method; SEPA reason codes. No I/O: no files, network,
//! environment or system clock (except inside `SystemClock`).

#![deny(missing_docs)]

mod value_macros;

mod access;
mod bank_file;
mod bank_profile;
mod bic;
mod calendar;
mod card;
mod clock;
mod codes;
mod compact;
mod country;
mod creditor;
mod creditor_id;
mod currency;
mod customer;
mod email;
mod end_to_end_id;
mod environment;
mod health;
mod iban;
mod ids;
mod locale;
mod login;
mod mandate;
mod mandate_profile;
mod mandate_ref;
mod mod97;
mod money;
mod payment;
mod payment_cause;
mod plan;
mod reason_code;
mod schedule;
mod sepa_identifier;
mod sepa_text;
mod serde_util;
mod submission;
mod timezone;
mod umr_pattern;

pub use access::{
    ApiScope, MembershipEvent, MembershipStatus, MembershipTransitionError, Permission, Role,
    RoleError, ScopeError,
};
pub use bank_file::{BankFileEvent, BankFileStatus, BankFileTransitionError, DiscardReason};
pub use bank_profile::{BankProfile, BankProfileError, MAX_SEPA_COLLECTION_CENTS, Pain008Version};
pub use bic::{Bic, BicError};
pub use calendar::{BusinessCalendar, CalendarError, MAX_YEAR, MIN_YEAR, easter_sunday};
pub use card::{
    CardAlias, CardAlreadyDeleted, CardBrand, CardDeletion, CardError, CardExpiry, CardLast4,
    CardStatus, CardToken, ExpiryBands, looks_like_card_number,
};
pub use clock::{Clock, ClockError, FixedClock, SystemClock};
pub use codes::UnknownCode;
pub use creditor::{
    Creditor, CreditorName, CreditorNameError, CreditorSettings, NewCreditor, SettingError,
    SettingsPatch,
};
pub use creditor_id::{CreditorId, CreditorIdError};
pub use currency::{Currency, CurrencyError};
pub use customer::{
    CUSTOMER_CODE_MAX, Civility, Customer, CustomerCode, CustomerCodeError, CustomerDetails,
    CustomerEvent, CustomerFieldError, CustomerStatus, CustomerTransitionError, PaymentMethodRef,
    TEXT_FIELD_MAX, country_field, text_field,
};
pub use email::{EmailAddress, EmailError};
pub use end_to_end_id::EndToEndId;
pub use environment::Environment;
pub use health::{FailureEffect, Health, LastOutcome, MethodFacts, failure_effect, health};
pub use iban::{Iban, IbanError};
pub use ids::{
    BankFileId, CardAliasId, CreditorKey, CustomerId, IdError, MandateId, PaymentId, PlanId, UserId,
};
pub use locale::{Locale, LocaleError};
pub use login::{
    FailureCount, INVITATION_TTL, NewPassword, PASSWORD_LINK_TTL, PasswordError, SessionPolicy,
    ThrottlePolicy,
};
pub use mandate::{
    Amendment, DORMANCY_MONTHS, DebtorAccount, DebtorAddress, FirstCollection, Mandate,
    MandateEvent, MandateKind, MandateStatus, MandateTransitionError, OriginalAccount, Revocation,
    Scheme, SequenceType, SignatureMethod, amend, amend_reference, dormant_from, is_dormant,
    next_sequence, same_bank,
};
pub use mandate_profile::{MandateProfile, PostalAddress};
pub use mandate_ref::MandateRef;
pub use money::{Money, MoneyError, MoneyParseError};
pub use payment::{
    AmountError, Instrument, Payment, PaymentChange, PaymentEvent, PaymentKind, PaymentStatus,
    PaymentTransitionError, PaymentVersion, REMITTANCE_MAX, RemittanceTooLong, check_amount,
    remittance,
};
pub use payment_cause::{PaymentAmendment, PaymentCause};
pub use plan::{
    Instalment, Plan, PlanEvent, PlanReference, PlanReferenceError, PlanStatus, PlanStop,
    PlanTransitionError, PlanVersion, StopReason,
};
pub use reason_code::{ReasonCode, ReasonCodeInfo, UnknownReasonCode};
pub use schedule::{
    CollectionDay, CollectionDayError, Frequency, PlanEnd, Schedule, ScheduleError,
};
pub use sepa_identifier::SepaIdError;
pub use sepa_text::SepaText;
pub use submission::{SubmissionError, SubmissionRule};
pub use timezone::{CreditorTimeZone, TimeZoneError};
pub use umr_pattern::{DEFAULT_UMR_PATTERN, UmrPattern, UmrPatternError};
