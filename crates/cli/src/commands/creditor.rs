//! `prelevo creditor create|list|show|update`

use clap::{Args, Subcommand};
use prelevo_app::creditors::{self, CreditorChange, CreditorInput};
use prelevo_domain::{SettingsPatch, SystemClock};
use prelevo_store::Actor;

use crate::CliError;
use crate::commands::open_store;
use crate::output;

#[derive(Debug, Subcommand)]
pub enum CreditorCommand {
    /// Register a creditor.
    Create(CreateArgs),
    /// List every creditor.
    List,
    /// Show one creditor and its settings.
    Show(Which),
    /// Change a creditor's details or settings.
    Update(UpdateArgs),
}

#[derive(Debug, Args)]
pub struct Which {
    /// The creditor's id (`cred_…`) or ICS; optional when there is only one.
    #[arg(long)]
    creditor: Option<String>,
}

/// Settings shared by `create` and `update`.
#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Re-present a rejected collection at J+N calendar days.
    #[arg(long)]
    representation_delay_days: Option<i64>,
    /// Rejections before the complementary suspension.
    #[arg(long)]
    max_rejections: Option<i64>,
    /// Hours between attempts after insufficient funds.
    #[arg(long)]
    insufficient_funds_retry_interval_hours: Option<i64>,
    /// Most automatic attempts after insufficient funds.
    #[arg(long)]
    insufficient_funds_retry_cap: Option<i64>,
    /// Who gets the daily failed-transactions email ("" clears it on update).
    #[arg(long)]
    billing_contact_email: Option<String>,
    /// Days of pre-notification before a debit.
    #[arg(long)]
    pre_notification_days: Option<i64>,
}

impl SettingsArgs {
    fn into_patch(self) -> Result<SettingsPatch, CliError> {
        let email = match self.billing_contact_email.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(text) => Some(Some(prelevo_domain::EmailAddress::parse(text).map_err(
                |e| CliError::from(prelevo_app::AppError::invalid("billing_contact_email", e)),
            )?)),
        };
        Ok(SettingsPatch {
            representation_delay_days: self.representation_delay_days,
            max_rejections: self.max_rejections,
            insufficient_funds_retry_interval_hours: self.insufficient_funds_retry_interval_hours,
            insufficient_funds_retry_cap: self.insufficient_funds_retry_cap,
            billing_contact_email: email,
            pre_notification_days: self.pre_notification_days,
        })
    }
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Name on bank files and mandates (at most 70 characters).
    #[arg(long)]
    name: String,
    /// SEPA creditor identifier (ICS), e.g. FR69ZZZ651190.
    #[arg(long)]
    ics: String,
    /// Collection account IBAN.
    #[arg(long)]
    iban: String,
    /// Collection account BIC.
    #[arg(long)]
    bic: Option<String>,
    /// IANA time zone the creditor works in.
    #[arg(long, default_value = "Europe/Paris")]
    timezone: String,
    /// Default language: fr or en.
    #[arg(long, default_value = "fr")]
    language: String,
    #[command(flatten)]
    settings: SettingsArgs,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    which: Which,
    /// New name.
    #[arg(long)]
    name: Option<String>,
    /// New collection IBAN.
    #[arg(long)]
    iban: Option<String>,
    /// New BIC ("" removes it).
    #[arg(long)]
    bic: Option<String>,
    /// New time zone.
    #[arg(long)]
    timezone: Option<String>,
    /// New language.
    #[arg(long)]
    language: Option<String>,
    #[command(flatten)]
    settings: SettingsArgs,
}

pub fn run(database_url: &str, json: bool, command: CreditorCommand) -> Result<(), CliError> {
    let store = open_store(database_url)?;
    let clock = SystemClock;
    match command {
        CreditorCommand::Create(args) => {
            let input = CreditorInput {
                name: args.name,
                ics: args.ics,
                iban: args.iban,
                bic: args.bic,
                timezone: Some(args.timezone),
                language: Some(args.language),
                settings: args.settings.into_patch()?,
            };
            let created = creditors::create_creditor(&store, &clock, &Actor::Cli, &input)?;
            if json {
                output::json(&created)
            } else {
                println!("Creditor created.");
                output::creditor(&created);
                Ok(())
            }
        }
        CreditorCommand::List => {
            let all = creditors::list_creditors(&store)?;
            if json {
                return output::json(&all);
            }
            if all.is_empty() {
                println!("No creditor yet: create one with `prelevo creditor create`.");
            }
            for c in &all {
                println!("{}  {}  {}", c.id, c.ics, c.name);
            }
            Ok(())
        }
        CreditorCommand::Show(which) => {
            let key = creditors::resolve_creditor(&store, which.creditor.as_deref())?;
            let found = creditors::show_creditor(&store.tenant(key))?;
            if json {
                output::json(&found)
            } else {
                output::creditor(&found);
                Ok(())
            }
        }
        CreditorCommand::Update(args) => {
            let key = creditors::resolve_creditor(&store, args.which.creditor.as_deref())?;
            let change = CreditorChange {
                name: args.name,
                iban: args.iban,
                bic: args.bic.map(|b| Some(b).filter(|b| !b.trim().is_empty())),
                timezone: args.timezone,
                language: args.language,
                settings: args.settings.into_patch()?,
            };
            let updated =
                creditors::update_creditor(&store.tenant(key), &clock, &Actor::Cli, &change)?;
            if json {
                output::json(&updated)
            } else {
                println!("Creditor updated.");
                output::creditor(&updated);
                Ok(())
            }
        }
    }
}
