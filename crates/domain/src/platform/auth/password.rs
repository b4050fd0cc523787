//! Passwords: a policy for new ones, and Argon2id hashes stored as PHC strings
//! (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`) so the parameters travel with the hash and
//! can be raised later (a hash below the current parameters is re-hashed at the next login).

use crate::platform::error::FieldError;
use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use subtle::ConstantTimeEq;

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;
pub const SALT_BYTES: usize = 16;
const HASH_BYTES: usize = 32;

/// A password that meets the policy for new passwords. Never logged, never serialised.
pub struct Password(String);

impl Password {
    /// For sign-up: the policy applies.
    pub fn parse_new(raw: &str) -> Result<Self, FieldError> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(FieldError::new("password", format!("must be at least {MIN_PASSWORD_CHARS} characters")));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(FieldError::new("password", format!("must be at most {MAX_PASSWORD_CHARS} characters")));
        }
        if raw.trim().is_empty() {
            return Err(FieldError::new("password", "must not be only spaces"));
        }
        Ok(Password(raw.to_string()))
    }

    /// For login: whatever was typed is checked against the hash; the policy may have changed
    /// since the account was made, so it is not applied here beyond an upper bound on cost.
    pub fn parse_attempt(raw: &str) -> Result<Self, FieldError> {
        if raw.is_empty() {
            return Err(FieldError::new("password", "is required"));
        }
        if raw.chars().count() > MAX_PASSWORD_CHARS {
            return Err(FieldError::new("password", format!("must be at most {MAX_PASSWORD_CHARS} characters")));
        }
        Ok(Password(raw.to_string()))
    }

    fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password([redacted])")
    }
}

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl KdfParams {
    /// OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane).
    pub const RECOMMENDED: KdfParams = KdfParams { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 };

    fn argon2(self) -> Result<Argon2<'static>, PasswordError> {
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(HASH_BYTES))
            .map_err(|_| PasswordError::BadParameters)?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    fn weaker_than(self, other: KdfParams) -> bool {
        self.memory_kib < other.memory_kib || self.iterations < other.iterations
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordError {
    BadParameters,
    MalformedHash,
}

/// A stored password hash in PHC string form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash {
    params: KdfParams,
    salt: Vec<u8>,
    hash: Vec<u8>,
}

impl PasswordHash {
    pub fn create(password: &Password, salt: &[u8; SALT_BYTES], params: KdfParams) -> Result<Self, PasswordError> {
        let mut hash = vec![0u8; HASH_BYTES];
        params
            .argon2()?
            .hash_password_into(password.bytes(), salt, &mut hash)
            .map_err(|_| PasswordError::BadParameters)?;
        Ok(PasswordHash { params, salt: salt.to_vec(), hash })
    }

    pub fn parse(phc: &str) -> Result<Self, PasswordError> {
        let parts: Vec<&str> = phc.split('$').collect();
        let ["", "argon2id", "v=19", params, salt, hash] = parts.as_slice() else {
            return Err(PasswordError::MalformedHash);
        };
        let mut memory_kib = None;
        let mut iterations = None;
        let mut parallelism = None;
        for pair in params.split(',') {
            let (key, value) = pair.split_once('=').ok_or(PasswordError::MalformedHash)?;
            let value: u32 = value.parse().map_err(|_| PasswordError::MalformedHash)?;
            match key {
                "m" => memory_kib = Some(value),
                "t" => iterations = Some(value),
                "p" => parallelism = Some(value),
                _ => return Err(PasswordError::MalformedHash),
            }
        }
        let params = KdfParams {
            memory_kib: memory_kib.ok_or(PasswordError::MalformedHash)?,
            iterations: iterations.ok_or(PasswordError::MalformedHash)?,
            parallelism: parallelism.ok_or(PasswordError::MalformedHash)?,
        };
        let salt = STANDARD_NO_PAD.decode(salt).map_err(|_| PasswordError::MalformedHash)?;
        let hash = STANDARD_NO_PAD.decode(hash).map_err(|_| PasswordError::MalformedHash)?;
        if salt.len() < 8 || hash.len() < 16 {
            return Err(PasswordError::MalformedHash);
        }
        Ok(PasswordHash { params, salt, hash })
    }

    pub fn to_phc(&self) -> String {
        format!(
            "$argon2id$v=19$m={},t={},p={}${}${}",
            self.params.memory_kib,
            self.params.iterations,
            self.params.parallelism,
            STANDARD_NO_PAD.encode(&self.salt),
            STANDARD_NO_PAD.encode(&self.hash)
        )
    }

    /// Recomputes with the stored parameters and compares in constant time.
    pub fn verify(&self, password: &Password) -> bool {
        let Ok(argon2) = self.params.argon2() else { return false };
        let mut candidate = vec![0u8; self.hash.len()];
        if argon2.hash_password_into(password.bytes(), &self.salt, &mut candidate).is_err() {
            return false;
        }
        candidate.ct_eq(&self.hash).into()
    }

    pub fn needs_rehash(&self, current: KdfParams) -> bool {
        self.params.weaker_than(current)
    }

    pub fn params(&self) -> KdfParams {
        self.params
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Cheap parameters keep the unit tests fast; the production default is tested once.
    const CHEAP: KdfParams = KdfParams { memory_kib: 64, iterations: 1, parallelism: 1 };

    #[test]
    fn policy_for_new_passwords() {
        assert!(Password::parse_new("short").is_err());
        assert!(Password::parse_new("        ").is_err());
        assert!(Password::parse_new(&"x".repeat(129)).is_err());
        assert!(Password::parse_new("correct horse").is_ok());
        assert!(Password::parse_new("pässwörd").is_ok());
    }

    #[test]
    fn verifies_the_right_password_only() {
        let salt = [7u8; SALT_BYTES];
        let hash = PasswordHash::create(&Password::parse_new("correct horse").unwrap(), &salt, CHEAP).unwrap();
        let stored = PasswordHash::parse(&hash.to_phc()).unwrap();
        assert!(stored.verify(&Password::parse_attempt("correct horse").unwrap()));
        assert!(!stored.verify(&Password::parse_attempt("correct horsE").unwrap()));
    }

    #[test]
    fn same_password_different_salt_differs() {
        let password = Password::parse_new("correct horse").unwrap();
        let a = PasswordHash::create(&password, &[1u8; SALT_BYTES], CHEAP).unwrap();
        let b = PasswordHash::create(&password, &[2u8; SALT_BYTES], CHEAP).unwrap();
        assert_ne!(a.to_phc(), b.to_phc());
    }

    #[test]
    fn phc_string_carries_parameters() {
        let hash = PasswordHash::create(&Password::parse_new("correct horse").unwrap(), &[3u8; SALT_BYTES], KdfParams::RECOMMENDED).unwrap();
        let phc = hash.to_phc();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert_eq!(PasswordHash::parse(&phc).unwrap().params(), KdfParams::RECOMMENDED);
        assert!(PasswordHash::parse(&phc).unwrap().verify(&Password::parse_attempt("correct horse").unwrap()));
    }

    #[test]
    fn weaker_hashes_need_rehash() {
        let hash = PasswordHash::create(&Password::parse_new("correct horse").unwrap(), &[4u8; SALT_BYTES], CHEAP).unwrap();
        assert!(hash.needs_rehash(KdfParams::RECOMMENDED));
        assert!(!hash.needs_rehash(CHEAP));
    }

    #[test]
    fn malformed_hashes_are_rejected() {
        for bad in ["", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=64,t=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "$argon2id$v=19$m=x,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"] {
            assert_eq!(PasswordHash::parse(bad), Err(PasswordError::MalformedHash), "{bad}");
        }
    }
}
