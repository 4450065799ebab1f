//! A plan line's cells, read as a creditor's spreadsheet writes them: the
//! action, the amount in euros with a comma or a dot, dates as
//! `YYYY-MM-DD` or `DD/MM/YYYY`; the customer and payment method found by
//! their references. Every refused cell of a line is reported at once.

use prelevo_domain::{
    CardAliasId, Currency, CustomerCode, CustomerId, Frequency, Instrument, MandateRef, Money,
    PlanEnd,
};

use super::batch::Known;
use crate::import_file::{Line, file_date};
use crate::{AppError, FieldError};

/// What a line does to its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Action {
    /// Make the plan (the default: an empty cell or no `action` column).
    Create,
    /// Change its amount, schedule or text.
    Update,
    /// Stop it.
    Cancel,
}

impl Action {
    /// The line's action.
    pub fn of(line: &Line) -> Result<Action, AppError> {
        match line.get("action").map(str::to_lowercase).as_deref() {
            None | Some("create") => Ok(Action::Create),
            Some("update") => Ok(Action::Update),
            Some("cancel") => Ok(Action::Cancel),
            Some(other) => Err(AppError::invalid(
                "action",
                format!("'{other}' is not an action: create, update or cancel"),
            )),
        }
    }
}

/// The terms a `create` or `update` line gives.
pub(super) struct Cells {
    /// The customer named, if any (required to create).
    pub customer: Option<CustomerId>,
    /// Its reference, for messages.
    pub customer_code: Option<CustomerCode>,
    /// The mandate or card alias named, if any (required to create).
    pub instrument: Option<Instrument>,
    /// The column that named it.
    pub instrument_column: &'static str,
    /// Each instalment.
    pub amount: Money,
    /// How often.
    pub frequency: Frequency,
    /// The day of the month, if given.
    pub collection_day: Option<i64>,
    /// The first possible date.
    pub start_on: jiff::civil::Date,
    /// When it ends.
    pub end: PlanEnd,
    /// The text the debtor sees.
    pub remittance: Option<String>,
}

/// Collects a line's refused cells.
#[derive(Default)]
struct Refused(Vec<FieldError>);

impl Refused {
    fn take<T, E: ToString>(&mut self, column: &str, parsed: Result<T, E>) -> Option<T> {
        parsed
            .map_err(|e| self.0.push(FieldError::new(column, e)))
            .ok()
    }

    /// The cell of `column` parsed, `Some(None)` when empty, `None` when
    /// refused.
    fn optional<T, E: ToString>(
        &mut self,
        line: &Line,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<Option<T>> {
        match line.get(column) {
            Some(text) => self.take(column, parse(text)).map(Some),
            None => Some(None),
        }
    }

    /// The cell of `column` parsed; refused when empty.
    fn required<T, E: ToString>(
        &mut self,
        line: &Line,
        column: &str,
        why: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match line.get(column) {
            Some(text) => self.take(column, parse(text)),
            None => {
                self.0
                    .push(FieldError::new(column, format!("is required {why}")));
                None
            }
        }
    }
}

impl Cells {
    /// Reads the terms of a `create` (customer and payment method
    /// required) or `update` line, the customer and method found in
    /// `known`; an empty `currency` is `currency_when_empty` (euros for a
    /// new plan, the plan's own currency for an update, so that a file
    /// without the column never changes it).
    pub fn read(
        line: &Line,
        creates: bool,
        known: &Known,
        currency_when_empty: Currency,
    ) -> Result<Cells, AppError> {
        let why = if creates {
            "to create a plan"
        } else {
            "to change a plan: a line gives all its terms"
        };
        let mut refused = Refused::default();
        let customer_code = if creates {
            refused.required(line, "customer_reference", why, CustomerCode::parse)
        } else {
            refused
                .optional(line, "customer_reference", CustomerCode::parse)
                .flatten()
        };
        let customer = customer_code.as_ref().and_then(|code| {
            let found = known.customers.get(code.as_str()).map(|c| c.id.clone());
            if found.is_none() {
                refused.0.push(FieldError::new(
                    "customer_reference",
                    format!("no customer has the reference {code}"),
                ));
            }
            found
        });
        let (instrument, instrument_column) = instrument(line, creates, known, &mut refused);
        let currency = refused
            .optional(line, "currency", Currency::parse)
            .map(|c| c.unwrap_or(currency_when_empty));
        let amount = currency.and_then(|currency| {
            refused.required(line, "amount", why, |text| {
                Money::parse_plain(text, currency)
            })
        });
        let frequency = refused.required(line, "frequency", why, |text| {
            Frequency::parse(&text.to_lowercase())
        });
        let collection_day = refused.optional(line, "collection_day", |text| {
            text.parse::<i64>()
                .map_err(|_| format!("'{text}' is not a day of the month (1 to 31)"))
        });
        let start_on = refused.required(line, "start_date", why, file_date);
        let end = match (line.get("end_date"), line.get("instalments")) {
            (Some(_), Some(_)) => {
                refused.0.push(FieldError::new(
                    "end_date",
                    "give an end_date or instalments, not both",
                ));
                None
            }
            (Some(date), None) => refused.take("end_date", file_date(date).map(PlanEnd::OnDate)),
            (None, Some(count)) => refused.take(
                "instalments",
                count
                    .parse::<u32>()
                    .map(PlanEnd::AfterInstalments)
                    .map_err(|_| format!("'{count}' is not a number of instalments")),
            ),
            (None, None) => Some(PlanEnd::OpenEnded),
        };
        let cells = match (amount, frequency, collection_day, start_on, end) {
            (Some(amount), Some(frequency), Some(collection_day), Some(start_on), Some(end))
                if refused.0.is_empty() =>
            {
                Some(Cells {
                    customer,
                    customer_code,
                    instrument,
                    instrument_column,
                    amount,
                    frequency,
                    collection_day,
                    start_on,
                    end,
                    remittance: line.get("remittance_info").map(str::to_owned),
                })
            }
            _ => None,
        };
        cells.ok_or(AppError::Invalid(refused.0))
    }
}

/// The mandate (by its UMR) or card alias (by its id) a line names, and
/// the column that names it.
fn instrument(
    line: &Line,
    creates: bool,
    known: &Known,
    refused: &mut Refused,
) -> (Option<Instrument>, &'static str) {
    match (line.get("mandate_reference"), line.get("card_alias_id")) {
        (Some(_), Some(_)) => {
            refused.0.push(FieldError::new(
                "mandate_reference",
                "give a mandate_reference or a card_alias_id, not both",
            ));
            (None, "mandate_reference")
        }
        (Some(text), None) => {
            let found = refused
                .take("mandate_reference", MandateRef::parse(text))
                .and_then(|reference| {
                    let found = known.mandates.get(reference.as_str());
                    if found.is_none() {
                        refused.0.push(FieldError::new(
                            "mandate_reference",
                            format!("no mandate has the reference {reference}"),
                        ));
                    }
                    found.map(|m| Instrument::Mandate(m.id.clone()))
                });
            (found, "mandate_reference")
        }
        (None, Some(text)) => (
            refused
                .take("card_alias_id", CardAliasId::parse(text))
                .map(Instrument::Card),
            "card_alias_id",
        ),
        (None, None) => {
            if creates {
                refused.0.push(FieldError::new(
                    "mandate_reference",
                    "a mandate_reference or a card_alias_id is required to create a plan",
                ));
            }
            (None, "mandate_reference")
        }
    }
}
