//! `prelevo admin create`: the first administrator of a creditor. Prints
//! nothing secret: the person sets a password from the login page.

use clap::{Args, Subcommand};
use prelevo_app::access::create_admin;
use prelevo_app::creditors::resolve_creditor;
use prelevo_domain::SystemClock;

use crate::commands::open_store;
use crate::{CliError, Settings, output};

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Make someone an administrator of a creditor.
    Create(CreateArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The creditor's id or ICS; optional when there is only one.
    #[arg(long)]
    creditor: Option<String>,
    /// The administrator's email address.
    #[arg(long)]
    email: String,
}

pub fn run(settings: &Settings, command: AdminCommand) -> Result<(), CliError> {
    let store = open_store(&settings.database_url)?;
    match command {
        AdminCommand::Create(args) => {
            let creditor = resolve_creditor(&store, args.creditor.as_deref())?;
            let member = create_admin(&store, &SystemClock, &creditor, &args.email)?;
            if settings.json {
                return output::json(&serde_json::json!({
                    "user_id": member.user.id,
                    "email": member.user.email,
                    "creditor_id": creditor,
                    "role": member.role,
                    "status": member.status.as_str(),
                }));
            }
            println!(
                "{} is now an administrator of {creditor}.",
                member.user.email
            );
            let login = settings.base_url.as_deref().map_or_else(
                || "the login page".to_owned(),
                |url| format!("{}/login", url.trim_end_matches('/')),
            );
            println!("They set their password with \"Set or reset my password\" on {login}.");
            Ok(())
        }
    }
}
