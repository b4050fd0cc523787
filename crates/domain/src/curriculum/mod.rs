//! The curriculum built from an approved course blueprint: the syllabus a model (or the curated
//! fallback) derives from one completed blueprint version — modules, lessons, their objectives,
//! effort and assessment hooks (`syllabus`) — and the review every syllabus passes before content
//! is written for it: draft → in review → approved, with the four-eyes rule shared by syllabi and
//! content items (`review`).

pub mod review;
pub mod syllabus;
