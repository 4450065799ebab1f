//! The SEPA direct-debit initiation file (pain.008, PRODUCT.md §12), in
//! versions 001.02 and 001.08, written as a stream: the caller declares the
//! counts and sums of the message and of each payment block (the database
//! adds them up before reading the rows), then gives the collections one
//! at a time. The writer checks that what it wrote matches what was
//! declared, so a file whose `NbOfTxs` or `CtrlSum` is wrong cannot be
//! finished.

use std::io::Write;

use jiff::civil::{Date, DateTime};
use prelevo_domain::{
    Amendment, Bic, CreditorId, Currency, DebtorAccount, EndToEndId, Iban,
    MAX_SEPA_COLLECTION_CENTS, MandateRef, Money, OriginalAccount, Pain008Version, Scheme,
    SepaText, SequenceType,
};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// The XML namespace of a version.
fn namespace(version: Pain008Version) -> &'static str {
    match version {
        Pain008Version::V02 => "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02",
        Pain008Version::V08 => "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08",
    }
}

/// The element that holds a BIC in a financial institution.
fn bic_element(version: Pain008Version) -> &'static str {
    match version {
        Pain008Version::V02 => "BIC",
        Pain008Version::V08 => "BICFI",
    }
}

/// Schema lengths of the texts a file carries (`Max35Text`, names cut to the
/// EPC's 70, `Max140Text`).
const ID_LEN: usize = 35;
const NAME_LEN: usize = 70;
const REMITTANCE_LEN: usize = 140;

/// Counts and sums a caller declares before the rows they cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// How many collections (`NbOfTxs`).
    pub transactions: u64,
    /// Their sum (`CtrlSum`), in euros.
    pub control_sum: Money,
}

/// The message's header (`GrpHdr`).
#[derive(Debug, Clone)]
pub struct MessageHeader {
    /// Unique per creditor (`MsgId`).
    pub message_id: String,
    /// When the file was created, in the creditor's time zone (`CreDtTm`).
    pub created_at: DateTime,
    /// Who sends the file (`InitgPty/Nm`): the creditor.
    pub initiating_party: String,
    /// Every collection of the file.
    pub totals: Totals,
}

/// The creditor's side of a payment block.
#[derive(Debug, Clone)]
pub struct CreditorParty {
    /// The creditor's name.
    pub name: String,
    /// The collection account.
    pub iban: Iban,
    /// Its bank, when given.
    pub bic: Option<Bic>,
    /// The SEPA creditor identifier (ICS).
    pub identifier: CreditorId,
}

/// A payment block (`PmtInf`): the collections of one scheme, sequence type
/// and due date.
#[derive(Debug, Clone)]
pub struct PaymentBlock {
    /// Unique in the file (`PmtInfId`).
    pub id: String,
    /// CORE or B2B.
    pub scheme: Scheme,
    /// FRST, RCUR or OOFF.
    pub sequence: SequenceType,
    /// The due date (`ReqdColltnDt`).
    pub collection_date: Date,
    /// Whether the bank books the block as one entry (`BtchBookg`).
    pub batch_booking: bool,
    /// The creditor.
    pub creditor: CreditorParty,
    /// The block's collections.
    pub totals: Totals,
}

/// One collection (`DrctDbtTxInf`).
#[derive(Debug, Clone)]
pub struct Collection {
    /// The creditor's unique reference of the payment (`EndToEndId`).
    pub end_to_end_id: EndToEndId,
    /// The amount, in euros, more than zero.
    pub amount: Money,
    /// The mandate's reference (UMR).
    pub mandate: MandateRef,
    /// When the debtor signed the mandate.
    pub signed_on: Date,
    /// What changed on the mandate since the last collection.
    pub amendment: Amendment,
    /// The debtor's account, bank and name.
    pub debtor: DebtorAccount,
    /// The text the debtor sees (`RmtInf/Ustrd`), if any.
    pub remittance: Option<String>,
}

/// Why a file cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum Pain008Error {
    /// The output failed.
    #[error("cannot write the pain.008 file: {0}")]
    Io(#[from] std::io::Error),
    /// What was written does not match what was declared.
    #[error("{part} declares {declared} but holds {written}")]
    Mismatch {
        /// The message (`GrpHdr`) or a block (`PmtInf PmtInfId`).
        part: String,
        /// What was declared.
        declared: String,
        /// What was written.
        written: String,
    },
    /// An amount that a SEPA collection cannot carry.
    #[error("collection {end_to_end_id}: {reason}")]
    Amount {
        /// The collection.
        end_to_end_id: String,
        /// Why.
        reason: &'static str,
    },
    /// A sum past what a file can carry.
    #[error("the sum of {0} overflows")]
    Overflow(String),
    /// The calls came in an order the file cannot have.
    #[error("pain.008 writer: {0}")]
    Order(&'static str),
}

/// What has been written so far, to compare with what was declared.
#[derive(Debug, Clone, Copy)]
struct Written {
    transactions: u64,
    cents: i64,
}

impl Written {
    const NONE: Written = Written {
        transactions: 0,
        cents: 0,
    };

    fn check(self, part: String, declared: Totals) -> Result<(), Pain008Error> {
        let written = (self.transactions, self.cents);
        let expected = (declared.transactions, declared.control_sum.minor());
        if written == expected {
            return Ok(());
        }
        Err(Pain008Error::Mismatch {
            part,
            declared: describe(expected),
            written: describe(written),
        })
    }
}

fn describe((transactions, cents): (u64, i64)) -> String {
    format!(
        "{transactions} transactions for {}",
        Money::from_minor(cents, Currency::EUR).to_decimal_string()
    )
}

/// The block being written, with what it declared.
struct OpenBlock {
    id: String,
    totals: Totals,
    written: Written,
}

/// Writes one pain.008 message to `W`, block by block.
pub struct Pain008Writer<W: Write> {
    xml: Writer<W>,
    version: Pain008Version,
    declared: Totals,
    written: Written,
    block: Option<OpenBlock>,
}

impl<W: Write> Pain008Writer<W> {
    /// Starts the file: XML declaration, `Document` and `GrpHdr`.
    pub fn start(
        out: W,
        version: Pain008Version,
        header: &MessageHeader,
    ) -> Result<Self, Pain008Error> {
        // Not indented: a third of a million-collection file would be
        // spaces (and a third more time to write them).
        let mut xml = Writer::new(out);
        xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        xml.write_event(Event::Start(
            BytesStart::new("Document").with_attributes([("xmlns", namespace(version))]),
        ))?;
        open(&mut xml, "CstmrDrctDbtInitn")?;
        open(&mut xml, "GrpHdr")?;
        text(&mut xml, "MsgId", &identifier(&header.message_id))?;
        text(
            &mut xml,
            "CreDtTm",
            &header.created_at.strftime("%Y-%m-%dT%H:%M:%S").to_string(),
        )?;
        text(&mut xml, "NbOfTxs", &header.totals.transactions.to_string())?;
        text(
            &mut xml,
            "CtrlSum",
            &header.totals.control_sum.to_decimal_string(),
        )?;
        open(&mut xml, "InitgPty")?;
        text(
            &mut xml,
            "Nm",
            SepaText::convert(&header.initiating_party, NAME_LEN).as_str(),
        )?;
        close(&mut xml, "InitgPty")?;
        close(&mut xml, "GrpHdr")?;
        Ok(Self {
            xml,
            version,
            declared: header.totals,
            written: Written::NONE,
            block: None,
        })
    }

    /// Opens a payment block; the previous one must be ended.
    pub fn begin_block(&mut self, block: &PaymentBlock) -> Result<(), Pain008Error> {
        if self.block.is_some() {
            return Err(Pain008Error::Order(
                "a block begins before the last one ended",
            ));
        }
        let xml = &mut self.xml;
        let bic = bic_element(self.version);
        open(xml, "PmtInf")?;
        text(xml, "PmtInfId", &identifier(&block.id))?;
        text(xml, "PmtMtd", "DD")?;
        text(
            xml,
            "BtchBookg",
            if block.batch_booking { "true" } else { "false" },
        )?;
        text(xml, "NbOfTxs", &block.totals.transactions.to_string())?;
        text(
            xml,
            "CtrlSum",
            &block.totals.control_sum.to_decimal_string(),
        )?;
        open(xml, "PmtTpInf")?;
        nested(xml, &["SvcLvl", "Cd"], "SEPA")?;
        nested(xml, &["LclInstrm", "Cd"], block.scheme.as_str())?;
        text(xml, "SeqTp", block.sequence.as_str())?;
        close(xml, "PmtTpInf")?;
        text(xml, "ReqdColltnDt", &block.collection_date.to_string())?;
        let creditor = &block.creditor;
        nested(
            xml,
            &["Cdtr", "Nm"],
            SepaText::convert(&creditor.name, NAME_LEN).as_str(),
        )?;
        nested(xml, &["CdtrAcct", "Id", "IBAN"], creditor.iban.as_str())?;
        match &creditor.bic {
            Some(code) => nested(xml, &["CdtrAgt", "FinInstnId", bic], code.as_str())?,
            None => nested(xml, &["CdtrAgt", "FinInstnId", "Othr", "Id"], "NOTPROVIDED")?,
        }
        text(xml, "ChrgBr", "SLEV")?;
        open(xml, "CdtrSchmeId")?;
        scheme_identifier(xml, creditor.identifier.as_str())?;
        close(xml, "CdtrSchmeId")?;
        self.block = Some(OpenBlock {
            id: block.id.clone(),
            totals: block.totals,
            written: Written::NONE,
        });
        Ok(())
    }

    /// Writes one collection in the open block.
    pub fn collection(&mut self, c: &Collection) -> Result<(), Pain008Error> {
        let Some(block) = self.block.as_mut() else {
            return Err(Pain008Error::Order("a collection comes outside a block"));
        };
        let refused = |reason| Pain008Error::Amount {
            end_to_end_id: c.end_to_end_id.as_str().to_owned(),
            reason,
        };
        if c.amount.currency() != Currency::EUR {
            return Err(refused("a SEPA collection is in euros"));
        }
        if c.amount.minor() <= 0 {
            return Err(refused("the amount must be more than zero"));
        }
        if c.amount.minor() > MAX_SEPA_COLLECTION_CENTS {
            return Err(refused("a SEPA collection is at most 999999999.99 EUR"));
        }
        let cents = block
            .written
            .cents
            .checked_add(c.amount.minor())
            .ok_or_else(|| Pain008Error::Overflow(format!("PmtInf {}", block.id)))?;
        block.written = Written {
            transactions: block.written.transactions + 1,
            cents,
        };
        let xml = &mut self.xml;
        let bic = bic_element(self.version);
        open(xml, "DrctDbtTxInf")?;
        nested(xml, &["PmtId", "EndToEndId"], c.end_to_end_id.as_str())?;
        xml.create_element("InstdAmt")
            .with_attribute(("Ccy", "EUR"))
            .write_text_content(BytesText::from_escaped(c.amount.to_decimal_string()))?;
        open(xml, "DrctDbtTx")?;
        open(xml, "MndtRltdInf")?;
        text(xml, "MndtId", c.mandate.as_str())?;
        text(xml, "DtOfSgntr", &c.signed_on.to_string())?;
        if !c.amendment.is_empty() {
            text(xml, "AmdmntInd", "true")?;
            amendment(xml, bic, &c.amendment)?;
        }
        close(xml, "MndtRltdInf")?;
        close(xml, "DrctDbtTx")?;
        match &c.debtor.bic {
            Some(code) => nested(xml, &["DbtrAgt", "FinInstnId", bic], code.as_str())?,
            None => nested(xml, &["DbtrAgt", "FinInstnId", "Othr", "Id"], "NOTPROVIDED")?,
        }
        nested(
            xml,
            &["Dbtr", "Nm"],
            SepaText::convert(&c.debtor.name, NAME_LEN).as_str(),
        )?;
        nested(xml, &["DbtrAcct", "Id", "IBAN"], c.debtor.iban.as_str())?;
        if let Some(remittance) = c.remittance.as_deref().filter(|r| !r.trim().is_empty()) {
            nested(
                xml,
                &["RmtInf", "Ustrd"],
                SepaText::convert(remittance, REMITTANCE_LEN).as_str(),
            )?;
        }
        close(xml, "DrctDbtTxInf")?;
        Ok(())
    }

    /// Ends the open block, checking its count and sum.
    pub fn end_block(&mut self) -> Result<(), Pain008Error> {
        let Some(block) = self.block.take() else {
            return Err(Pain008Error::Order("a block ends that did not begin"));
        };
        block
            .written
            .check(format!("PmtInf {}", block.id), block.totals)?;
        close(&mut self.xml, "PmtInf")?;
        self.written = Written {
            transactions: self.written.transactions + block.written.transactions,
            cents: self
                .written
                .cents
                .checked_add(block.written.cents)
                .ok_or_else(|| Pain008Error::Overflow("GrpHdr".to_owned()))?,
        };
        Ok(())
    }

    /// Ends the file, checking the message's count and sum, and gives the
    /// output back.
    pub fn finish(mut self) -> Result<W, Pain008Error> {
        if self.block.is_some() {
            return Err(Pain008Error::Order("the file ends inside a block"));
        }
        self.written.check("GrpHdr".to_owned(), self.declared)?;
        close(&mut self.xml, "CstmrDrctDbtInitn")?;
        close(&mut self.xml, "Document")?;
        Ok(self.xml.into_inner())
    }
}

/// A reference cut to `Max35Text` in the SEPA character set.
fn identifier(value: &str) -> String {
    SepaText::convert(value, ID_LEN).as_str().to_owned()
}

fn open<W: Write>(xml: &mut Writer<W>, name: &str) -> std::io::Result<()> {
    xml.write_event(Event::Start(BytesStart::new(name)))
}

fn close<W: Write>(xml: &mut Writer<W>, name: &str) -> std::io::Result<()> {
    xml.write_event(Event::End(BytesEnd::new(name)))
}

/// `<name>value</name>`. Every value the writer puts in a file is in the
/// SEPA character set (converted `SepaText`, checked identifiers, IBAN,
/// BIC, numbers, dates), which holds no character XML escapes in text
/// (`&`, `<`, `>`; the apostrophe is legal there): it is written as it is.
fn text<W: Write>(xml: &mut Writer<W>, name: &str, value: &str) -> std::io::Result<()> {
    xml.create_element(name)
        .write_text_content(BytesText::from_escaped(value))
        .map(drop)
}

/// `<a><b><c>value</c></b></a>` for `path = [a, b, c]`.
fn nested<W: Write>(xml: &mut Writer<W>, path: &[&str], value: &str) -> std::io::Result<()> {
    let Some((last, outer)) = path.split_last() else {
        return Ok(());
    };
    for name in outer {
        open(xml, name)?;
    }
    text(xml, last, value)?;
    for name in outer.iter().rev() {
        close(xml, name)?;
    }
    Ok(())
}

/// `Id/PrvtId/Othr/(Id, SchmeNm/Prtry = SEPA)` of a creditor identifier.
fn scheme_identifier<W: Write>(xml: &mut Writer<W>, id: &str) -> std::io::Result<()> {
    open(xml, "Id")?;
    open(xml, "PrvtId")?;
    open(xml, "Othr")?;
    text(xml, "Id", id)?;
    nested(xml, &["SchmeNm", "Prtry"], "SEPA")?;
    close(xml, "Othr")?;
    close(xml, "PrvtId")?;
    close(xml, "Id")
}

/// `AmdmntInfDtls`, in the schema's order: original mandate id, original
/// debtor, original debtor account (IBAN, or `SMNDA` when the debtor changed
/// bank), original debtor agent.
fn amendment<W: Write>(xml: &mut Writer<W>, bic: &str, a: &Amendment) -> std::io::Result<()> {
    open(xml, "AmdmntInfDtls")?;
    if let Some(reference) = &a.original_reference {
        text(xml, "OrgnlMndtId", reference.as_str())?;
    }
    if let Some(name) = &a.original_debtor_name {
        nested(
            xml,
            &["OrgnlDbtr", "Nm"],
            SepaText::convert(name, NAME_LEN).as_str(),
        )?;
    }
    match &a.original_account {
        Some(OriginalAccount::Iban(iban)) => {
            nested(xml, &["OrgnlDbtrAcct", "Id", "IBAN"], iban.as_str())?
        }
        Some(OriginalAccount::Smnda) => {
            nested(xml, &["OrgnlDbtrAcct", "Id", "Othr", "Id"], "SMNDA")?
        }
        None => {}
    }
    if let Some(agent) = &a.original_debtor_agent {
        nested(xml, &["OrgnlDbtrAgt", "FinInstnId", bic], agent.as_str())?;
    }
    close(xml, "AmdmntInfDtls")
}
