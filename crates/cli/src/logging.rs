//! Structured logs on standard error: human-readable by default,
//! one JSON object per line with `PRELEVO_LOG_FORMAT=json`. The level comes
//! from `PRELEVO_LOG` (e.g. `info`, `prelevo_web=debug`), default `info`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_env("PRELEVO_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("PRELEVO_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    // A second init (never in practice) keeps the first subscriber.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
