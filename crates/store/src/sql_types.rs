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

    fn to_text(self) -> String {
        let utc = self.0.to_zoned_datetime(jiff::tz::TimeZone::UTC).datetime();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
            utc.year(),
            utc.month(),
            utc.day(),
            utc.hour(),
            utc.minute(),
            utc.second(),
            utc.subsec_nanosecond() / 1_000
        )
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
