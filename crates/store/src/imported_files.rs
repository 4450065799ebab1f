//! Files taken in (bank returns, imports), recorded by content hash so that
//! importing the same file again changes nothing and says so.

use diesel::prelude::*;
use jiff::Timestamp;

use crate::engine::on_each_engine;
use crate::schema::imported_files;
use crate::sql_types::DbInstant;
use crate::{StoreError, TenantTx};

/// A file to record.
#[derive(Debug, Clone)]
pub struct NewImportedFile<'a> {
    /// What it is, e.g. `pain.002`, `mandates.csv`.
    pub kind: &'a str,
    /// Its name as uploaded.
    pub file_name: &'a str,
    /// SHA-256 of its bytes, lowercase hex.
    pub content_sha256: &'a str,
    /// Its size.
    pub size_bytes: i64,
}

/// A recorded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedFile {
    /// `file_…`
    pub id: String,
    /// What it is.
    pub kind: String,
    /// Its name as uploaded.
    pub file_name: String,
    /// SHA-256 of its bytes.
    pub content_sha256: String,
    /// Its size.
    pub size_bytes: i64,
    /// When it was first imported.
    pub imported_at: Timestamp,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = imported_files)]
struct FileRow {
    id: String,
    kind: String,
    file_name: String,
    content_sha256: String,
    size_bytes: i64,
    imported_at: DbInstant,
}

impl From<FileRow> for ImportedFile {
    fn from(row: FileRow) -> Self {
        Self {
            id: row.id,
            kind: row.kind,
            file_name: row.file_name,
            content_sha256: row.content_sha256,
            size_bytes: row.size_bytes,
            imported_at: row.imported_at.get(),
        }
    }
}

impl TenantTx<'_, '_> {
    /// Records a file. `Err(existing)` when this creditor already imported
    /// the same bytes as the same kind of file.
    pub fn record_imported_file(
        &mut self,
        file: &NewImportedFile<'_>,
        now: Timestamp,
    ) -> Result<Result<ImportedFile, ImportedFile>, StoreError> {
        if let Some(existing) = self.imported_file_by_hash(file.kind, file.content_sha256)? {
            return Ok(Err(existing));
        }
        let tenant = self.tenant().to_owned();
        let row: FileRow =
            on_each_engine!(self.conn, |c| diesel::insert_into(imported_files::table)
                .values((
                    imported_files::id.eq(format!("file_{}", uuid::Uuid::now_v7().simple())),
                    imported_files::creditor_id.eq(&tenant),
                    imported_files::kind.eq(file.kind),
                    imported_files::file_name.eq(file.file_name),
                    imported_files::content_sha256.eq(file.content_sha256),
                    imported_files::size_bytes.eq(file.size_bytes),
                    imported_files::imported_at.eq(DbInstant::from(now)),
                ))
                .returning(FileRow::as_returning())
                .get_result(c))
            .map_err(StoreError::conflict_on_unique(
                "imported file",
                file.file_name,
            ))?;
        Ok(Ok(row.into()))
    }

    /// The file of this kind with these bytes, if this creditor imported it.
    pub fn imported_file_by_hash(
        &mut self,
        kind: &str,
        content_sha256: &str,
    ) -> Result<Option<ImportedFile>, StoreError> {
        let tenant = self.tenant().to_owned();
        let row: Option<FileRow> = on_each_engine!(self.conn, |c| imported_files::table
            .select(FileRow::as_select())
            .filter(imported_files::creditor_id.eq(&tenant))
            .filter(imported_files::kind.eq(kind))
            .filter(imported_files::content_sha256.eq(content_sha256))
            .get_result(c)
            .optional())?;
        Ok(row.map(Into::into))
    }
}
