//! Printing results: text for people, JSON (`--json`) for scripts.

use prelevo_domain::{Creditor, Locale};

/// Prints a value as JSON on standard output.
pub fn json<T: serde::Serialize>(value: &T) -> Result<(), crate::CliError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| crate::CliError::failure(format!("cannot encode output: {e}")))?;
    println!("{text}");
    Ok(())
}

/// One creditor, for people.
pub fn creditor(c: &Creditor) {
    let s = &c.settings;
    println!("{} — {}", c.id, c.name);
    println!("  ICS                      {}", c.ics);
    println!("  IBAN                     {}", c.iban.grouped());
    println!(
        "  BIC                      {}",
        c.bic.as_ref().map_or("—", |b| b.as_str())
    );
    println!("  time zone                {}", c.timezone.name());
    println!(
        "  language                 {}",
        match c.language {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    );
    println!(
        "  re-presentation          J+{}",
        s.representation_delay_days()
    );
    println!("  max rejections           {}", s.max_rejections());
    println!(
        "  insufficient funds retry every {} h, at most {} times",
        s.insufficient_funds_retry_interval_hours(),
        s.insufficient_funds_retry_cap()
    );
    println!(
        "  pre-notification         {} days",
        s.pre_notification_days()
    );
    println!(
        "  billing contact          {}",
        s.billing_contact_email().map_or("—", |e| e.as_str())
    );
}
