//! Analytics (issue 19, seed 002 phase 10): what learners do, observed — never written back to
//! content or packages. `events`: the closed set of event types, who may report which (a browser
//! only what only a browser knows; the server records the facts it already knows), and the
//! parsing of a client's batch; `items`: quiz item analysis (difficulty, discrimination, option
//! shares) and its flags.

pub mod events;
pub mod items;
