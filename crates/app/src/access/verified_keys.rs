//! API keys proven good a moment ago, kept in memory so that most API
//! requests skip the key lookup. An entry lives [`VerifiedKeys::TTL`] at
//! most: a key revoked by another process (the CLI, another server) stops
//! working within that time; one revoked through this server is forgotten
//! at once. Refusals are never kept: every refused key goes to the database
//! and its creditor's audit log.

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};

use super::ApiPrincipal;

/// Most keys remembered; past it, the oldest knowledge is dropped.
const CAPACITY: usize = 10_000;

struct Verified {
    principal: ApiPrincipal,
    at: Timestamp,
}

/// The in-memory set of recently verified keys, by the hash of their secret.
#[derive(Default)]
pub struct VerifiedKeys {
    entries: RwLock<HashMap<[u8; 32], Verified>>,
    /// Keys forgotten so far: a verification that began before a key was
    /// forgotten must not bring it back.
    forgotten: AtomicU64,
}

/// Taken before a key is verified in the database, handed to
/// [`VerifiedKeys::remember`]: a key revoked through this server while it
/// was being verified is not remembered.
pub struct Verifying(u64);

/// A bearer secret, hashed once for the lookup and the remembering.
pub struct BearerDigest([u8; 32]);

impl BearerDigest {
    /// The digest of `bearer`.
    pub fn of(bearer: &str) -> Self {
        Self(Sha256::digest(bearer.trim().as_bytes()).into())
    }
}

impl VerifiedKeys {
    /// How long a verification is trusted without asking the database.
    pub const TTL: SignedDuration = SignedDuration::from_secs(5);

    /// The principal of a key verified less than [`Self::TTL`] ago and not
    /// expired since.
    pub fn recall(&self, digest: &BearerDigest, now: Timestamp) -> Option<ApiPrincipal> {
        let entries = self.entries.read().ok()?;
        let verified = entries.get(&digest.0)?;
        let fresh = now.duration_since(verified.at) < Self::TTL && verified.at <= now;
        let live = verified.principal.expires_at.is_none_or(|at| now < at);
        (fresh && live).then(|| verified.principal.clone())
    }

    /// The mark to take before verifying a key in the database.
    pub fn verifying(&self) -> Verifying {
        Verifying(self.forgotten.load(Ordering::Acquire))
    }

    /// Remembers that the key behind `digest` was verified at `now`, unless
    /// a key was forgotten since `since` (it may be this one).
    pub fn remember(
        &self,
        digest: BearerDigest,
        principal: ApiPrincipal,
        now: Timestamp,
        since: Verifying,
    ) {
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if self.forgotten.load(Ordering::Acquire) != since.0 {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.retain(|_, verified| now.duration_since(verified.at) < Self::TTL);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(digest.0, Verified { principal, at: now });
    }

    /// Forgets a key (revoked): its next request goes to the database.
    pub fn forget(&self, key_id: &str) {
        if let Ok(mut entries) = self.entries.write() {
            // Under the lock: a `remember` either comes before (and its
            // entry is removed here) or sees the count moved.
            self.forgotten.fetch_add(1, Ordering::AcqRel);
            entries.retain(|_, verified| verified.principal.key_id != key_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use prelevo_domain::{ApiScope, CreditorKey};

    use super::*;

    fn principal(key_id: &str, expires_at: Option<Timestamp>) -> ApiPrincipal {
        ApiPrincipal {
            key_id: key_id.into(),
            creditor_id: CreditorKey::from_body("0123456789abcdef0123456789abcdef").unwrap(),
            scope: ApiScope::Read,
            expires_at,
        }
    }

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + seconds).unwrap()
    }

    #[test]
    fn a_verification_is_trusted_for_the_ttl_only() {
        let keys = VerifiedKeys::default();
        keys.remember(
            BearerDigest::of("pk_test_a"),
            principal("key_a", None),
            at(0),
            keys.verifying(),
        );
        assert!(keys.recall(&BearerDigest::of("pk_test_a"), at(4)).is_some());
        assert!(keys.recall(&BearerDigest::of("pk_test_a"), at(5)).is_none());
        assert!(keys.recall(&BearerDigest::of("pk_test_b"), at(1)).is_none());
    }

    #[test]
    fn an_expired_key_is_not_recalled() {
        let keys = VerifiedKeys::default();
        keys.remember(
            BearerDigest::of("pk_test_a"),
            principal("key_a", Some(at(2))),
            at(0),
            keys.verifying(),
        );
        assert!(keys.recall(&BearerDigest::of("pk_test_a"), at(1)).is_some());
        assert!(keys.recall(&BearerDigest::of("pk_test_a"), at(2)).is_none());
    }

    #[test]
    fn a_forgotten_key_is_asked_again() {
        let keys = VerifiedKeys::default();
        keys.remember(
            BearerDigest::of("pk_test_a"),
            principal("key_a", None),
            at(0),
            keys.verifying(),
        );
        keys.remember(
            BearerDigest::of("pk_test_b"),
            principal("key_b", None),
            at(0),
            keys.verifying(),
        );
        keys.forget("key_a");
        assert!(keys.recall(&BearerDigest::of("pk_test_a"), at(1)).is_none());
        assert!(keys.recall(&BearerDigest::of("pk_test_b"), at(1)).is_some());
    }

    #[test]
    fn a_key_revoked_while_it_was_verified_is_not_remembered() {
        let keys = VerifiedKeys::default();
        let verifying = keys.verifying();
        // The revocation lands between the database's answer and the
        // remembering.
        keys.forget("key_a");
        keys.remember(
            BearerDigest::of("pk_test_a"),
            principal("key_a", None),
            at(0),
            verifying,
        );
        assert!(keys.recall(&BearerDigest::of("pk_test_a"), at(1)).is_none());
        // The next verification is remembered again.
        keys.remember(
            BearerDigest::of("pk_test_a"),
            principal("key_a", None),
            at(1),
            keys.verifying(),
        );
        assert!(keys.recall(&BearerDigest::of("pk_test_a"), at(2)).is_some());
    }

    #[test]
    fn a_clock_set_back_does_not_extend_trust() {
        let keys = VerifiedKeys::default();
        keys.remember(
            BearerDigest::of("pk_test_a"),
            principal("key_a", None),
            at(10),
            keys.verifying(),
        );
        assert!(keys.recall(&BearerDigest::of("pk_test_a"), at(3)).is_none());
    }

    #[test]
    fn the_memory_is_bounded() {
        let keys = VerifiedKeys::default();
        for n in 0..=CAPACITY {
            keys.remember(
                BearerDigest::of(&format!("pk_test_{n}")),
                principal(&format!("key_{n}"), None),
                at(0),
                keys.verifying(),
            );
        }
        assert!(keys.entries.read().unwrap().len() <= CAPACITY);
    }
}
