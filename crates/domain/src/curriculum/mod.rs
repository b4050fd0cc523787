//! The curriculum built from an approved course blueprint: the syllabus a model (or the curated
//! fallback) derives from one completed blueprint version — modules, lessons, their objectives,
//! effort and assessment hooks (`syllabus`) —, the review every syllabus and content item passes
//! before it is used: draft → in review → approved, with the four-eyes rule (`review`), and the
//! content each slot of an approved syllabus holds: lessons, quizzes, projects, their schemas and
//! their quality gate (`content`).

pub mod content;
pub mod review;
pub mod syllabus;
