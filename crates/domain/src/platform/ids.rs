//! Typed ids for every aggregate. Raw text becomes an id once, at the edge (a path segment, a
//! token claim, a stored row, a body crossing a worker hop) and travels typed from there: a
//! function that wants a blueprint cannot be handed a user.
//!
//! An id that is not shaped like one of ours cannot name anything, so it parses to "not found"
//! (404), exactly like somebody else's thing: no 400 that tells a prober which ids are real.

use crate::platform::error::AppError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Parsing from a path segment (or any untrusted text): the router's typed parameters.
pub trait PathParam: Sized {
    fn from_path(raw: &str) -> Result<Self, AppError>;
}

/// A version 4 UUID in its canonical text form, from 16 random bytes.
pub fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|byte| format!("{byte:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn is_uuid(raw: &str) -> bool {
    raw.len() == 36
        && raw.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// Tenant ids are our UUIDs, or a short slug for tenants made by migrations (`default`).
fn is_tenant_id(raw: &str) -> bool {
    is_uuid(raw)
        || (!raw.is_empty()
            && raw.len() <= 64
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $shape:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
        pub struct $name(String);

        impl $name {
            /// Untrusted text: anything not shaped like an id is "not found".
            pub fn parse(raw: &str) -> Result<Self, AppError> {
                if $shape(raw) {
                    Ok($name(raw.to_ascii_lowercase()))
                } else {
                    Err(AppError::not_found($what))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// A new id from 16 random bytes (the caller's CSPRNG).
            pub fn from_random(bytes: [u8; 16]) -> Self {
                $name(uuid_v4(bytes))
            }
        }

        impl PathParam for $name {
            fn from_path(raw: &str) -> Result<Self, AppError> {
                $name::parse(raw)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        /// Deserialising parses: an id read from a row or a hop's body is checked like one
        /// from a path.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                $name::parse(&raw).map_err(|_| serde::de::Error::custom(concat!("not a ", $what, " id")))
            }
        }
    };
}

id_type!(
    /// A tenant: the organisation every user and every piece of course data belongs to.
    TenantId, "Tenant", is_tenant_id
);
id_type!(
    /// A user account.
    UserId, "User", is_uuid
);
id_type!(
    /// A blueprint (the resource a designer works on, versions included).
    BlueprintId, "Blueprint", is_uuid
);
id_type!(
    /// A rendered export file of one blueprint version.
    ExportId, "Export", is_uuid
);
id_type!(
    /// A syllabus derived from one blueprint version (with its review state).
    SyllabusId, "Syllabus", is_uuid
);
id_type!(
    /// A job writing content for some slots of an approved syllabus.
    GenerationJobId, "Generation job", is_uuid
);
id_type!(
    /// One slot of a generation job.
    JobItemId, "Job item", is_uuid
);
id_type!(
    /// One version of one slot's content (a lesson, a quiz, a project).
    ContentItemId, "Content item", is_uuid
);

impl TenantId {
    /// The tenant migrations create and every account belongs to until tenants are administered.
    pub fn default_tenant() -> Self {
        TenantId("default".to_string())
    }
}

/// A version number in a path: 1, 2, 3… Anything else names no version (404).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS), ts(type = "number"))]
pub struct VersionNumber(i64);

impl VersionNumber {
    /// A version number from a trusted count (a stored row, a resolved default); none below 1.
    pub fn new(number: i64) -> Option<Self> {
        (number >= 1).then_some(VersionNumber(number))
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl PathParam for VersionNumber {
    fn from_path(raw: &str) -> Result<Self, AppError> {
        let plain_digits =
            !raw.is_empty() && raw.len() <= 12 && raw.bytes().all(|b| b.is_ascii_digit());
        raw.parse::<i64>()
            .ok()
            .filter(|n| plain_digits && *n >= 1)
            .map(VersionNumber)
            .ok_or_else(|| AppError::not_found("Version"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_once_and_anything_else_is_not_found() {
        let id = BlueprintId::parse("0F8FAD5B-D9CB-469F-A165-70867728950E").unwrap();
        assert_eq!(
            id.as_str(),
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "one spelling per id"
        );
        for bad in [
            "",
            "x",
            "0f8fad5b-d9cb-469f-a165-70867728950",
            "0f8fad5b_d9cb-469f-a165-70867728950e",
            "../etc/passwd",
        ] {
            let refused = BlueprintId::parse(bad).unwrap_err();
            assert_eq!(refused.status(), 404, "{bad}");
        }
        assert!(TenantId::parse("default").is_ok());
        assert!(TenantId::parse("Default ").is_err());
        assert!(UserId::parse("default").is_err(), "a user id is a UUID");
    }

    #[test]
    fn ids_crossing_a_hop_are_parsed_again() {
        let id: UserId = serde_json::from_str("\"0f8fad5b-d9cb-469f-a165-70867728950e\"").unwrap();
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"0f8fad5b-d9cb-469f-a165-70867728950e\""
        );
        assert!(serde_json::from_str::<UserId>("\"robert'); DROP TABLE users;--\"").is_err());
    }

    #[test]
    fn new_ids_are_version_4_uuids_that_parse() {
        let id = BlueprintId::from_random([0xff; 16]);
        assert_eq!(id.as_str(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(BlueprintId::parse(id.as_str()).unwrap(), id);
        assert_eq!(
            TenantId::parse(TenantId::from_random([0; 16]).as_str())
                .unwrap()
                .as_str(),
            "00000000-0000-4000-8000-000000000000"
        );
    }

    #[test]
    fn version_numbers_are_plain_positive_integers() {
        assert_eq!(VersionNumber::from_path("3").unwrap().get(), 3);
        for bad in [
            "0",
            "-1",
            "+1",
            "1.0",
            "",
            "1e3",
            " 1",
            "99999999999999999999",
        ] {
            assert_eq!(
                VersionNumber::from_path(bad).unwrap_err().status(),
                404,
                "{bad}"
            );
        }
    }
}
