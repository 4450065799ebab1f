//! How long a failed job or message waits before its next attempt.

use jiff::SignedDuration;

/// Exponential back-off: 10 s after the first failure, doubling each time,
/// never more than one hour.
pub fn retry_delay(attempts_so_far: i32) -> SignedDuration {
    let exponent = u32::try_from(attempts_so_far.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    let seconds = 10_i64.saturating_mul(1_i64 << exponent).min(3_600);
    SignedDuration::from_secs(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_ten_seconds_up_to_an_hour() {
        let secs: Vec<i64> = (1..=10).map(|a| retry_delay(a).as_secs()).collect();
        assert_eq!(secs, [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600]);
        assert_eq!(retry_delay(0).as_secs(), 10);
        assert_eq!(retry_delay(i32::MAX).as_secs(), 3600);
    }
}
