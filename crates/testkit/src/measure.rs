//! Measuring a command as its own process, for benchmarks: wall time and
//! peak resident memory (VmHWM, sampled from /proc every 2 ms).

use std::process::Command;
use std::time::{Duration, Instant};

/// Peak resident memory of process `pid` so far, in KiB.
pub fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `command` to its end: its wall time, peak RSS (KiB) and standard
/// output. Panics when it fails.
pub fn measured(mut command: Command) -> (Duration, u64, String) {
    let output = tempfile::NamedTempFile::new().expect("a temporary file");
    command.stdout(output.reopen().expect("the temporary file"));
    let started = Instant::now();
    let mut child = command.spawn().expect("the command starts");
    let mut peak = 0;
    let status = loop {
        if let Some(now) = peak_rss(child.id()) {
            peak = peak.max(now);
        }
        if let Some(status) = child.try_wait().expect("the command runs") {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let took = started.elapsed();
    let printed = std::fs::read_to_string(output.path()).unwrap_or_default();
    assert!(status.success(), "{command:?} failed: {printed}");
    (took, peak, printed)
}

/// Seconds with two decimals.
pub fn seconds(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64())
}

/// KiB as MiB with one decimal.
pub fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}
