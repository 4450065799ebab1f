//! The SQL type for instants, shared by both engines so that one `table!`
//! schema serves SQLite and PostgreSQL.
//!
//! PostgreSQL stores `timestamptz` (microseconds since 2000-01-01 UTC on the
//! wire); SQLite stores fixed-width RFC 3339 text in UTC
//! (`2026-11-29T18:46:21.000000Z`), which sorts in time order. Both keep
//! microseconds, so a value reads back identically on either engine.

use std::io::Write;

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::SqlType;
use diesel::sqlite::{Sqlite, SqliteValue};
use jiff::Timestamp;

/// SQL type of every `*_at` column.
#[derive(Debug, Clone, Copy, Default, SqlType, diesel::query_builder::QueryId)]
#[diesel(postgres_type(oid = 1184, array_oid = 1185))]
#[diesel(sqlite_type(name = "Text"))]
pub struct UtcInstant;

/// An instant as stored: a [`Timestamp`] truncated to whole microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, AsExpression, FromSqlRow)]
#[diesel(sql_type = UtcInstant)]
pub struct DbInstant(Timestamp);

/// Microseconds between the Unix epoch and PostgreSQL's epoch (2000-01-01).
const PG_EPOCH_OFFSET_MICROS: i64 = 946_684_800_000_000;

impl DbInstant {
    /// The instant, truncated to microseconds (the precision of both engines).
    pub fn new(at: Timestamp) -> Self {
        let micros = at.as_microsecond();
        Self(Timestamp::from_microsecond(micros).unwrap_or(at))
    }

    /// The stored instant.
    pub fn get(self) -> Timestamp {
        self.0
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`: fixed width, so that SQLite orders
    /// instants by comparing text. Written digit by digit: the daily run
    /// writes three per instalment, and `format!` was most of their cost.
    fn to_text(self) -> String {
        let utc = jiff::tz::Offset::UTC.to_datetime(self.0);
        let mut text = String::with_capacity(27);
        for (value, width, after) in [
            (i64::from(utc.year()), 4, '-'),
            (i64::from(utc.month()), 2, '-'),
            (i64::from(utc.day()), 2, 'T'),
            (i64::from(utc.hour()), 2, ':'),
            (i64::from(utc.minute()), 2, ':'),
            (i64::from(utc.second()), 2, '.'),
            (i64::from(utc.subsec_nanosecond() / 1_000), 6, 'Z'),
        ] {
            push_digits(&mut text, value, width);
            text.push(after);
        }
        text
    }
}

/// `value` (from 0) in decimal on `width` digits, zeros first.
fn push_digits(text: &mut String, value: i64, width: u32) {
    let mut unit = 10_i64.pow(width.saturating_sub(1));
    while unit > 0 {
        let digit = u32::try_from((value / unit) % 10).unwrap_or(0);
        text.push(char::from_digit(digit, 10).unwrap_or('0'));
        unit /= 10;
    }
}

/// For rows that read an instant straight into a `Timestamp` field
/// (`#[diesel(deserialize_as = DbInstant)]`).
impl From<DbInstant> for Timestamp {
    fn from(at: DbInstant) -> Timestamp {
        at.get()
    }
}

impl From<Timestamp> for DbInstant {
    fn from(at: Timestamp) -> Self {
        Self::new(at)
    }
}

impl ToSql<UtcInstant, Sqlite> for DbInstant {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.to_text());
        Ok(IsNull::No)
    }
}

impl FromSql<UtcInstant, Sqlite> for DbInstant {
    fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<diesel::sql_types::Text, Sqlite>>::from_sql(value)?;
        let at: Timestamp = text.parse()?;
        Ok(Self::new(at))
    }
}

impl ToSql<UtcInstant, Pg> for DbInstant {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        let micros = self.0.as_microsecond() - PG_EPOCH_OFFSET_MICROS;
        out.write_all(&micros.to_be_bytes())?;
        Ok(IsNull::No)
    }
}

impl FromSql<UtcInstant, Pg> for DbInstant {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        let bytes: [u8; 8] = value
            .as_bytes()
            .try_into()
            .map_err(|_| "timestamptz: expected 8 bytes")?;
        let micros = i64::from_be_bytes(bytes) + PG_EPOCH_OFFSET_MICROS;
        Ok(Self(Timestamp::from_microsecond(micros)?))
    }
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;
    use proptest::prelude::*;

    use super::DbInstant;

    proptest! {
        /// The text is the instant in RFC 3339 with six decimals, and
        /// reads back as the same instant: from 1970 to 2200.
        #[test]
        fn text_is_fixed_width_and_round_trips(micros in 0_i64..7_258_118_400_000_000) {
            let at = DbInstant::new(Timestamp::from_microsecond(micros).unwrap());
            let text = at.to_text();
            let utc = jiff::tz::Offset::UTC.to_datetime(at.get());
            let expected = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
                utc.year(), utc.month(), utc.day(), utc.hour(), utc.minute(), utc.second(),
                utc.subsec_nanosecond() / 1_000
            );
            prop_assert_eq!(&text, &expected);
            prop_assert_eq!(text.parse::<Timestamp>().unwrap(), at.get());
        }
    }
}
