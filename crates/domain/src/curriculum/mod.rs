//! The curriculum built from an approved course blueprint: the syllabus a model (or the curated
//! fallback) derives from one completed blueprint version — modules, lessons, their objectives,
//! effort and assessment hooks (`syllabus`) —, the review every syllabus and content item passes
//! before it is used: draft → in review → approved, with the four-eyes rule (`review`), and the
//! content each slot of an approved syllabus holds: lessons, quizzes, projects, their schemas and
//! their quality gate (`content`); and the generation jobs that write content on the queue
//! (`jobs`).

pub mod content;
pub mod jobs;
pub mod review;
pub mod syllabus;
