//! The curriculum a course is taught from once its blueprint is approved: the content each slot of the syllabus holds (`content`).

pub mod content;
