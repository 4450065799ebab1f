//! `prelevo serve`: the dashboard, the API and the background workers in
//! one process. Stops gracefully on Ctrl-C or SIGTERM: no new requests or
//! jobs are taken, those in flight finish.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use prelevo_app::card_gateway::UnconnectedGateway;
use prelevo_app::daily::product_jobs;
use prelevo_app::jobs::{WorkerOptions, WorkerPool};
use prelevo_app::mail::{FileMailer, LogMailer, Mailer, SmtpMailer, parse_sender};
use prelevo_app::outbox::OutboxWorker;
use prelevo_domain::{Clock, Environment, SystemClock};
use prelevo_store::{PoolOptions, Store, redact_password};
use prelevo_web::{AppConfig, AppState, TrustedProxies};

use crate::{CliError, Settings};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "PRELEVO_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Background job worker threads (0 runs none: the HTTP side only).
    #[arg(long, env = "PRELEVO_WORKERS", default_value_t = 2)]
    workers: usize,
    /// SMTP server for outgoing email, e.g. smtp://localhost:25 or
    /// smtps://user:password@mail.example.com. Without it (and without
    /// --mail-dir), emails are only logged.
    #[arg(long, env = "PRELEVO_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// Write outgoing emails as .eml files into this directory instead of
    /// sending them (development).
    #[arg(long, env = "PRELEVO_MAIL_DIR", conflicts_with = "smtp_url")]
    mail_dir: Option<PathBuf>,
    /// Sender of outgoing email.
    #[arg(
        long,
        env = "PRELEVO_MAIL_FROM",
        default_value = "Prelevo <no-reply@localhost>"
    )]
    mail_from: String,
    /// Reverse proxies (addresses or networks, comma-separated) whose
    /// X-Forwarded-For names the client that login throttling counts.
    #[arg(long, env = "PRELEVO_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxy: Vec<String>,
}

fn mailer(args: &ServeArgs) -> Result<Arc<dyn Mailer>, CliError> {
    let from =
        parse_sender(&args.mail_from).map_err(|e| CliError::invalid(format!("mail-from: {e}")))?;
    Ok(match (&args.smtp_url, &args.mail_dir) {
        (Some(url), _) => Arc::new(
            SmtpMailer::from_url(url, from)
                .map_err(|e| CliError::invalid(format!("smtp-url: {e}")))?,
        ),
        (None, Some(dir)) => Arc::new(
            FileMailer::new(dir, from).map_err(|e| CliError::invalid(format!("mail-dir: {e}")))?,
        ),
        (None, None) => Arc::new(LogMailer),
    })
}

pub fn run(settings: &Settings, args: ServeArgs) -> Result<(), CliError> {
    let database_url = settings.database_url.as_str();
    let store = Store::open(database_url, &PoolOptions::default())?;
    let mailer = mailer(&args)?;
    let trusted_proxies = TrustedProxies::parse(args.trusted_proxy.iter().map(String::as_str))
        .map_err(|e| CliError::invalid(format!("trusted-proxy: {e}")))?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let runtime = tokio::runtime::Runtime::new()?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(args.listen))
        .map_err(|e| CliError::failure(format!("cannot listen on {}: {e}", args.listen)))?;
    let base_url = settings.base_url(args.listen);
    print_banner(&store, database_url, &base_url, settings.environment);

    let workers = WorkerPool::start(
        store.clone(),
        Arc::clone(&clock),
        product_jobs(),
        Arc::new(UnconnectedGateway),
        WorkerOptions {
            workers: args.workers,
            ..WorkerOptions::default()
        },
    )?;
    let outbox = OutboxWorker::start(
        store.clone(),
        Arc::clone(&clock),
        mailer,
        Duration::from_secs(1),
    )?;
    let config = AppConfig {
        environment: settings.environment,
        base_url,
        trusted_proxies,
        ..AppConfig::default()
    };
    let state = AppState::with_config(store, clock, config);
    let served = runtime.block_on(prelevo_web::serve(listener, state, shutdown_signal()));
    tracing::info!("HTTP server stopped; finishing running jobs");
    workers.shutdown();
    outbox.shutdown();
    tracing::info!("stopped");
    served.map_err(|e| CliError::failure(format!("server error: {e}")))
}

fn print_banner(store: &Store, database_url: &str, base_url: &str, environment: Environment) {
    let environment = environment.as_str();
    println!(
        "Prelevo {} ({environment}) — {} database {}",
        env!("CARGO_PKG_VERSION"),
        store.engine().name(),
        redact_password(database_url)
    );
    println!("Dashboard and API: {base_url}   (health: {base_url}/healthz)");
    if store
        .list_creditors()
        .map(|c| c.is_empty())
        .unwrap_or(false)
    {
        println!();
        println!("No creditor yet. Create the first one in another terminal:");
        println!(
            "  cargo run -p prelevo -- creditor create --name \"My Company\" \
             --ics FR69ZZZ651190 --iban FR7630006000011234567890189 --bic AGRIFRPP"
        );
        println!("Then its first administrator, who sets a password from the login page:");
        println!("  cargo run -p prelevo -- admin create --email you@example.com");
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested");
}
