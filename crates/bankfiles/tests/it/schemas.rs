//! The vendored ISO 20022 schemas: unchanged from their source, and usable
//! by `xmllint` to accept a valid pain.008 and refuse an invalid one with
//! the element and line at fault. Generated files are checked the same way.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

fn crate_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// `xmllint --schema` of `xml` against the vendored schema of `version`:
/// `Ok`, or xmllint's messages.
pub fn validate(xml: &Path, version: &str) -> Result<(), String> {
    let schema = crate_file(&format!("schemas/{version}.xsd"));
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(xml)
        .output()
        .expect("xmllint runs (scripts/test installs libxml2-utils)");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[test]
fn the_schemas_are_the_ones_sources_md_names() {
    let sources = std::fs::read_to_string(crate_file("schemas/SOURCES.md")).unwrap();
    for version in ["pain.008.001.02", "pain.008.001.08"] {
        let bytes = std::fs::read(crate_file(&format!("schemas/{version}.xsd"))).unwrap();
        let digest = hex::encode(Sha256::digest(&bytes));
        let row = sources
            .lines()
            .find(|l| l.starts_with(&format!("| {version}.xsd ")))
            .unwrap_or_else(|| panic!("{version} is not in SOURCES.md"));
        assert!(
            row.ends_with(&format!("| {digest} |")),
            "{version}: {digest}"
        );
    }
}

#[test]
fn a_valid_file_of_each_version_is_accepted() {
    for version in ["pain.008.001.02", "pain.008.001.08"] {
        let fixture = crate_file(&format!("tests/fixtures/{version}-core.xml"));
        assert_eq!(validate(&fixture, version), Ok(()), "{version}");
    }
    // A file is checked against its own version only.
    let newer = crate_file("tests/fixtures/pain.008.001.08-core.xml");
    assert!(validate(&newer, "pain.008.001.02").is_err());
}

#[test]
fn an_invalid_file_is_refused_with_the_element_and_line() {
    let valid =
        std::fs::read_to_string(crate_file("tests/fixtures/pain.008.001.02-core.xml")).unwrap();
    let wrong = valid.replacen("<SeqTp>RCUR</SeqTp>", "<SeqTp>RECURRENT</SeqTp>", 1);
    assert_ne!(wrong, valid);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wrong.xml");
    std::fs::write(&file, wrong).unwrap();
    let refused = validate(&file, "pain.008.001.02").unwrap_err();
    let line = valid
        .lines()
        .position(|l| l.contains("<SeqTp>RCUR</SeqTp>"))
        .unwrap()
        + 1;
    assert!(refused.contains("SeqTp"), "{refused}");
    assert!(refused.contains(&format!("wrong.xml:{line}:")), "{refused}");
}
