//! Password hashing with Argon2id (OWASP parameters: 19 MiB, 2 passes).

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use prelevo_domain::NewPassword;

use crate::AppError;

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) of a new password.
pub(crate) fn hash(password: &NewPassword) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.expose().as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::System(format!("cannot hash the password: {e}")))
}

/// Whether `password` matches `stored`. Without a stored hash (unknown
/// user, no password yet) a dummy hash is checked anyway, so the answer
/// takes as long and says nothing about which case it was.
pub(crate) fn verify(password: &str, stored: Option<&str>) -> bool {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$cHJlbGV2b2R1bW15c2FsdA$K2bPbF6ytoFBoqTp3wPxT0YmC8Bb4VqDKxpZ1oHCaQg";
    let matched = Argon2::default()
        .verify_password(password.as_bytes(), stored.unwrap_or(DUMMY))
        .is_ok();
    matched && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let password = NewPassword::parse("correct horse battery").unwrap();
        let stored = hash(&password).unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", Some(&stored)));
        assert!(!verify("correct horse batterY", Some(&stored)));
        assert!(!verify("correct horse battery", None));
        assert!(!verify("anything", Some("not a hash")));
    }
}
