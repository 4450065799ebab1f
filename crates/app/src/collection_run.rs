//! The daily collection run (PRODUCT.md §13): for one creditor and one
//! business day, create the instalments due within the pre-notification
//! period, execute the collections whose settlement date passed, charge the
//! card payments due (through the card gateway, see `card_charges`), and
//! put the collections the bank must receive now into pain.008 files.
//!
//! Every step commits in batches that are whole by themselves, and every
//! step starts from what is stored, so a run stopped anywhere (a crash, a
//! deploy) and run again finishes the work without doing any of it twice.

use jiff::civil::{Date, DateTime};
use prelevo_domain::{
    BankFileId, BankFileStatus, BusinessCalendar, Clock, Currency, Money, PlanId,
};
use prelevo_store::{Actor, BankFileRecord, TenantStore, TenantTx};

use crate::AppError;
use crate::bank_files::seal_file;
use crate::card_charges::{ChargeReport, charge_due_cards};
use crate::card_gateway::CardGateway;
use crate::ids::{fresh_id, process_name};
use crate::plans::{horizon_from, instalments_of, save_instalments};
use crate::renewal::Renewal;

/// Plans moved on per transaction.
const PLANS_BATCH: i64 = 10_000;

/// How long a run holds its creditor's day without a step: longer than
/// any step (staging a million collections takes seconds), short enough
/// that a run that crashed frees the day soon.
const RUN_HOLD: jiff::SignedDuration = jiff::SignedDuration::from_mins(10);

/// Where a run is, for a progress bar or a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunProgress {
    /// A batch of plans was committed: `plans` examined, `instalments`
    /// created so far.
    Instalments {
        /// Plans examined so far.
        plans: u64,
        /// Payments created so far.
        instalments: u64,
    },
    /// Collections were placed into `files` files.
    Staged {
        /// Collections placed.
        collections: u64,
        /// Files made.
        files: u64,
    },
    /// A card charge's answer was recorded: `answered` so far.
    Charged {
        /// Charges answered so far.
        answered: u64,
    },
    /// A file was written.
    Written,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunReport {
    /// The business day processed.
    pub day: Date,
    /// The first due date a file made now reaches.
    pub first_due_date: Date,
    /// Payments created from plans.
    pub instalments: u64,
    /// Collections executed because their settlement date passed.
    pub executed: u64,
    /// Collections moved to `first_due_date` because they were late.
    pub moved: u64,
    /// Card payments charged (or declined) through the gateway.
    pub cards: ChargeReport,
    /// Files made (and written) by this run, or finished from an earlier
    /// one that stopped before writing them.
    pub files: Vec<BankFileRecord>,
}

/// Runs the collection day `day` (the creditor's today when `None`).
/// `progress` hears of each committed step; an error it returns stops the
/// run there (what was committed stays, and the next run goes on).
///
/// One run of a creditor's day at a time: the run holds the creditor's
/// collection day (renewed at a step once a minute has passed), and a run
/// started while another holds it is refused as a conflict (a job tries
/// again later).
pub fn run_collections(
    tenant: &TenantStore,
    clock: &dyn Clock,
    gateway: &dyn CardGateway,
    day: Option<Date>,
    progress: &mut dyn FnMut(RunProgress) -> Result<(), AppError>,
) -> Result<RunReport, AppError> {
    let holder = process_name();
    hold(tenant, clock, &holder)?;
    let mut renewal = Renewal::of(RUN_HOLD, Some(clock.now()));
    let mut renewing = |step: RunProgress| {
        if renewal.due(clock.now()) {
            hold(tenant, clock, &holder)?;
        }
        progress(step)
    };
    let ran = run_held(tenant, clock, gateway, day, &mut renewing);
    let released = tenant.write(|tx| tx.release_collection_run(&holder));
    let report = ran?;
    released?;
    Ok(report)
}

/// Takes or renews `holder`'s hold on the creditor's collection day.
fn hold(tenant: &TenantStore, clock: &dyn Clock, holder: &str) -> Result<(), AppError> {
    let now = clock.now();
    match tenant.write(|tx| tx.hold_collection_run(holder, now, now + RUN_HOLD))? {
        None => Ok(()),
        Some((by, until)) => Err(AppError::Conflict(format!(
            "the collection day of this creditor is being run by {by} (held until {until}): \
             wait for it to end"
        ))),
    }
}

/// [`run_collections`] once the day is held.
fn run_held(
    tenant: &TenantStore,
    clock: &dyn Clock,
    gateway: &dyn CardGateway,
    day: Option<Date>,
    progress: &mut dyn FnMut(RunProgress) -> Result<(), AppError>,
) -> Result<RunReport, AppError> {
    let creditor = tenant.read(|tx| tx.creditor())?;
    let tz = creditor.timezone.tz();
    let today = clock.today_in(tz);
    let day = day.unwrap_or(today);
    // Run for today, the bank's cut-off counts from now; for another day,
    // from its start (a script runs the day before its cut-off).
    let now_local: DateTime = if day == today {
        tz.to_datetime(clock.now())
    } else {
        day.to_datetime(jiff::civil::Time::midnight())
    };
    let profile = tenant.read(|tx| tx.bank_profile())?;
    let first_due_date = profile
        .submission_rule()
        .earliest_due_date(now_local)
        .map_err(|e| AppError::System(e.to_string()))?;
    let mut report = RunReport {
        day,
        first_due_date,
        instalments: 0,
        executed: 0,
        moved: 0,
        cards: ChargeReport::default(),
        files: Vec::new(),
    };

    // Files an earlier run made but did not write.
    for id in tenant.read(|tx| tx.unwritten_files())? {
        seal_file(tenant, &id)?;
        report.files.push(tenant.read(|tx| tx.bank_file(&id))?);
        progress(RunProgress::Written)?;
    }

    let started = std::time::Instant::now();
    let until = horizon_from(day, creditor.settings.pre_notification_days());
    // One walk over the creditor's plans, batch after batch in id order;
    // on SQLite each batch is read while the one before is written.
    let mut examined = 0;
    tenant.write_batches(
        |tx, after: Option<&PlanId>| {
            let now = clock.now();
            let mut plans = tx.plans_due(until, after, PLANS_BATCH)?;
            let Some(last) = plans.last().map(|p| p.id.clone()) else {
                return Ok(None);
            };
            let payments = instalments_of(&mut plans, day, until, now)?;
            Ok::<_, AppError>(Some(((plans, payments), last)))
        },
        |tx, (plans, payments)| {
            save_instalments(tx, plans, payments)?;
            Ok((plans.len(), payments.len()))
        },
        |(count, created)| {
            examined += u64::try_from(count).unwrap_or(0);
            report.instalments += u64::try_from(created).unwrap_or(0);
            progress(RunProgress::Instalments {
                plans: examined,
                instalments: report.instalments,
            })
        },
    )?;

    tracing::info!(instalments = report.instalments, took = ?started.elapsed(), "instalments created");
    let started = std::time::Instant::now();
    let now = clock.now();
    // Settled only once their date has come, even for a day run ahead.
    report.executed = tenant
        .write(|tx| tx.execute_settled(day.min(today), now, &Actor::System))?
        .try_into()
        .unwrap_or(0);
    // Cards are charged on their due date, business day or not.
    report.cards = charge_due_cards(tenant, clock, gateway, day, progress)?;

    if !BusinessCalendar::TARGET2.is_business_day(day) {
        // Files go to the bank on business days.
        return Ok(report);
    }
    let prefix = format!("{}n", fresh_id(BankFileId::from_body)?);
    let per_file = profile.max_file_transactions();
    // The files are written while the staging's pages are copied from the
    // WAL into the database (see `write_then`).
    let staging = |tx: &mut TenantTx<'_, '_>| {
        let moved = tx.move_late_collections(first_due_date, now, &Actor::System)?;
        let staged =
            tx.stage_collections(&prefix, first_due_date, profile.first_collection, per_file)?;
        let mut made = Vec::new();
        for k in 0..staged.div_ceil(u64::from(per_file)) {
            let id = BankFileId::parse(&format!("{prefix}{k}"))
                .map_err(|e| AppError::System(e.to_string()))?;
            let (transactions, cents) = tx.staged_totals(&id)?;
            let number = tx.take_file_number()?;
            let file = BankFileRecord {
                id,
                message_id: format!("PRLV-{}-{number:06}", day.strftime("%Y%m%d")),
                format: profile.pain008_version,
                batch_booking: profile.batch_booking,
                run_on: day,
                status: BankFileStatus::Pending,
                transactions,
                control_sum: Money::from_minor(cents, Currency::EUR),
                sha256: None,
                size_bytes: None,
                created_at: now,
                sent_at: None,
                discarded: None,
            };
            tx.insert_bank_file(&file)?;
            made.push(file);
        }
        Ok::<_, AppError>((moved, made))
    };
    let write_files = |(moved, made): (usize, Vec<BankFileRecord>)| {
        report.moved = u64::try_from(moved).unwrap_or(0);
        tracing::info!(files = made.len(), took = ?started.elapsed(), "collections placed in files");
        let started = std::time::Instant::now();
        progress(RunProgress::Staged {
            collections: made.iter().map(|f| f.transactions).sum(),
            files: u64::try_from(made.len()).unwrap_or(0),
        })?;
        for file in made {
            let written = seal_file(tenant, &file.id)?;
            report.files.push(BankFileRecord {
                sha256: Some(written.sha256),
                size_bytes: Some(written.size),
                ..file
            });
            progress(RunProgress::Written)?;
        }
        tracing::info!(took = ?started.elapsed(), "files written");
        Ok(())
    };
    tenant.write_then(staging, write_files)?;
    Ok(report)
}
