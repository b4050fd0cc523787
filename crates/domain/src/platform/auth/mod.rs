//! Identity rules: who someone is (email, password), what they may do (role), and the tokens
//! that carry that between requests.

pub mod email;
pub mod password;
pub mod scope;
pub mod requests;
pub mod tenancy;
pub mod tokens;

pub use email::Email;
pub use password::{KdfParams, Password, PasswordHash};
pub use scope::{Role, Scope};
pub use tokens::{AccessClaims, RefreshToken, Session, TokenError, TokenKeys};
