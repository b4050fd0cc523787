//! Delivery: what learners receive. A course package (`package`) is the frozen, deterministic
//! assembly of an approved syllabus and the approved version of every one of its slots — the
//! publish of the OLI Torus / Open edX vocabulary: immutable, numbered, what enrollments pin.

pub mod learner;
pub mod package;
