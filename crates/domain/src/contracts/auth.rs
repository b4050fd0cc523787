//! Sign-up, login, refresh and "who am I".

use crate::platform::auth::Role;
use crate::platform::ids::{TenantId, UserId};
use serde::{Deserialize, Serialize};

/// `201`/`200` of sign-up, login and refresh (the tokens are also set as cookies).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SessionAnswer {
    pub user: UserSummary,
    pub access_token: String,
    /// Seconds the access token lives.
    pub expires_in: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct UserSummary {
    pub id: UserId,
    pub email: String,
    /// The account's role in its tenant.
    pub role: Role,
    /// Runs the platform (the operations plane, tenants); always also its tenant's admin.
    pub platform_admin: bool,
}

/// `GET /api/auth/me`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MeAnswer {
    pub user: Account,
    pub profile: Profile,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: UserId,
    pub email: String,
    pub role: Role,
    pub platform_admin: bool,
    pub tenant_id: TenantId,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "contracts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub full_name: Option<String>,
    pub avatar_url: Option<String>,
    pub preferences: serde_json::Value,
}
