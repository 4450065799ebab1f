//! `prelevo api-key create|list|revoke`. The secret of a new key is printed
//! once, alone on the last line of standard output.

use clap::{Args, Subcommand};
use jiff::Timestamp;
use prelevo_app::AppError;
use prelevo_app::access::{create_api_key, list_api_keys, revoke_api_key};
use prelevo_app::creditors::resolve_creditor;
use prelevo_domain::{ApiScope, SystemClock};
use prelevo_store::Actor;

use crate::commands::open_store;
use crate::{CliError, Settings, output};

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key; its secret is shown once.
    Create(CreateArgs),
    /// List a creditor's keys (never their secrets).
    List(Which),
    /// Revoke a key: it stops working at once.
    Revoke(RevokeArgs),
}

#[derive(Debug, Args)]
pub struct Which {
    /// The creditor's id or ICS; optional when there is only one.
    #[arg(long)]
    creditor: Option<String>,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    which: Which,
    /// A name to recognise the key by, e.g. "ERP".
    #[arg(long)]
    name: String,
    /// read (GET only) or write.
    #[arg(long)]
    scope: String,
    /// When the key stops working (RFC 3339), if ever.
    #[arg(long)]
    expires_at: Option<String>,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    #[command(flatten)]
    which: Which,
    /// The key's id (`key_…`).
    #[arg(long)]
    id: String,
}

pub fn run(settings: &Settings, command: ApiKeyCommand) -> Result<(), CliError> {
    let store = open_store(&settings.database_url)?;
    let clock = SystemClock;
    match command {
        ApiKeyCommand::Create(args) => {
            let creditor = resolve_creditor(&store, args.which.creditor.as_deref())?;
            let scope = ApiScope::parse(&args.scope).map_err(|e| AppError::invalid("scope", e))?;
            let expires_at = args
                .expires_at
                .as_deref()
                .map(|t| t.parse::<Timestamp>())
                .transpose()
                .map_err(|e| {
                    AppError::invalid("expires-at", format!("not an RFC 3339 instant: {e}"))
                })?;
            let created = create_api_key(
                &store,
                &clock,
                &Actor::Cli,
                &creditor,
                settings.environment,
                &args.name,
                scope,
                expires_at,
            )?;
            if settings.json {
                return output::json(&serde_json::json!({
                    "id": created.record.id,
                    "name": created.record.name,
                    "scope": created.record.scope,
                    "prefix": created.record.prefix,
                    "secret": created.secret,
                }));
            }
            println!(
                "API key {} ({}, {}) created for {creditor}.",
                created.record.id,
                created.record.name,
                scope.as_str()
            );
            println!("Copy the secret below now: it is not stored and will not be shown again.");
            println!("{}", created.secret);
            Ok(())
        }
        ApiKeyCommand::List(which) => {
            let creditor = resolve_creditor(&store, which.creditor.as_deref())?;
            let keys = list_api_keys(&store.tenant(creditor))?;
            if settings.json {
                let rows: Vec<_> = keys
                    .iter()
                    .map(|k| {
                        serde_json::json!({
                            "id": k.id, "name": k.name, "scope": k.scope, "prefix": k.prefix,
                            "created_at": k.created_at, "expires_at": k.expires_at,
                            "revoked_at": k.revoked_at, "last_used_at": k.last_used_at,
                        })
                    })
                    .collect();
                return output::json(&rows);
            }
            for k in &keys {
                let state = if k.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                let used = k
                    .last_used_at
                    .map_or_else(|| "never used".to_owned(), |at| format!("last used {at}"));
                println!(
                    "{}  {}…  {:<5}  {:<7}  {}  {used}",
                    k.id,
                    k.prefix,
                    k.scope.as_str(),
                    state,
                    k.name
                );
            }
            Ok(())
        }
        ApiKeyCommand::Revoke(args) => {
            let creditor = resolve_creditor(&store, args.which.creditor.as_deref())?;
            let revoked = revoke_api_key(&store.tenant(creditor), &clock, &Actor::Cli, &args.id)?;
            println!("API key {} revoked.", revoked.id);
            Ok(())
        }
    }
}
