use prelevo_store::NewImportedFile;
use prelevo_testkit::{TestStore, on_both_engines};

use crate::{creditor, t0};

fn the_same_bytes_are_recorded_once(store: &TestStore) {
    let (_, tenant) = creditor(store, "A", 1);
    let file = NewImportedFile {
        kind: "camt.054",
        file_name: "returns-1.xml",
        content_sha256: "00ff",
        size_bytes: 2048,
    };
    let first = tenant
        .write(|tx| tx.record_imported_file(&file, t0()))
        .unwrap()
        .unwrap();
    let renamed = NewImportedFile {
        file_name: "returns-1 (copy).xml",
        ..file.clone()
    };
    let again = tenant
        .write(|tx| tx.record_imported_file(&renamed, t0()))
        .unwrap();
    assert_eq!(again, Err(first.clone()));
    // The same bytes as another kind of file are another import.
    let other_kind = NewImportedFile {
        kind: "pain.002",
        ..file
    };
    assert!(
        tenant
            .write(|tx| tx.record_imported_file(&other_kind, t0()))
            .unwrap()
            .is_ok()
    );
}

on_both_engines!(the_same_bytes_are_recorded_once);
