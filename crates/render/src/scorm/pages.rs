//! The SCO pages: the course overview and one page per module. Every piece of user or model
//! text is escaped, and the only script is `scorm.js`, loaded from the package: an LMS that
//! serves packages under a strict Content-Security-Policy (no inline script, no inline style)
//! shows them unchanged.

use super::text::{escape, one_line, paragraphs};
use domain::blueprint::document::{Blueprint, Module};
use domain::blueprint::duration::format_duration;

/// The overview SCO: title, overview, learning objectives, the modules with their durations,
/// the total, and the timeline and resources when the blueprint has them.
pub(super) fn overview(blueprint: &Blueprint, course_title: &str) -> String {
    let mut body = format!("<header>\n<h1>{}</h1>\n", escape(course_title));
    body.push_str(&format!("<p class=\"meta\">Total duration: {}</p>\n</header>\n", format_duration(blueprint.total_minutes())));
    body.push_str(&paragraphs_html(&blueprint.overview));
    body.extend(list_section("Learning objectives", &blueprint.learning_objectives));
    body.extend(module_list(&blueprint.modules));
    if let Some(timeline) = blueprint.timeline.as_deref().map(paragraphs_html).filter(|p| !p.is_empty()) {
        body.push_str(&format!("<section>\n<h2>Timeline</h2>\n{timeline}</section>\n"));
    }
    body.extend(blueprint.resources.as_deref().and_then(|resources| list_section("Resources", resources)));
    page(course_title, &body)
}

/// One module's SCO: its heading, duration, objectives, activities and assessments.
pub(super) fn module(number: usize, module: &Module, course_title: &str) -> String {
    let heading = module_heading(number, module);
    let mut body = format!("<header>\n<p class=\"course\">{}</p>\n<h1>{}</h1>\n", escape(course_title), escape(&heading));
    body.push_str(&format!("<p class=\"meta\">Duration: {}</p>\n</header>\n", format_duration(u64::from(module.duration_minutes))));
    for (label, items) in [("Objectives", &module.objectives), ("Activities", &module.activities), ("Assessments", &module.assessments)] {
        body.extend(list_section(label, items));
    }
    page(&format!("{heading} – {course_title}"), &body)
}

/// `Module 3: Title`, or `Module 3` when the title is blank; the manifest uses it too, so the
/// LMS's table of contents and the page agree.
pub(super) fn module_heading(number: usize, module: &Module) -> String {
    match one_line(&module.title) {
        title if title.is_empty() => format!("Module {number}"),
        title => format!("Module {number}: {title}"),
    }
}

/// The document around a page's content. The completion footer ends every page: the button is
/// always there (no IntersectionObserver, or a learner who prefers to click), and the empty
/// marker after it is what `scorm.js` watches to complete the page once scrolled into view.
/// No `lang` attribute: the blueprint may be in any language and nothing here says which.
fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>
<html>
<head>
<meta charset=\"utf-8\">
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<title>{}</title>
<link rel=\"stylesheet\" href=\"style.css\">
<script src=\"scorm.js\" defer></script>
</head>
<body>
<main>
{body}<footer class=\"completion\">
<p id=\"scorm-status\" class=\"status\" role=\"status\"></p>
<button type=\"button\" id=\"scorm-complete\">Mark as complete</button>
</footer>
<div id=\"scorm-end\" class=\"end-marker\"></div>
</main>
</body>
</html>
",
        escape(&one_line(title))
    )
}

/// The modules in order with their durations. Not links: each module is its own SCO, and only
/// the LMS may move between SCOs (a link would load one inside another's session).
fn module_list(modules: &[Module]) -> Option<String> {
    if modules.is_empty() {
        return None;
    }
    let items: String = modules
        .iter()
        .enumerate()
        .map(|(index, module)| {
            let duration = format_duration(u64::from(module.duration_minutes));
            format!("<li>{} <span class=\"duration\">({duration})</span></li>\n", escape(&module_heading(index + 1, module)))
        })
        .collect();
    Some(format!("<section>\n<h2>Modules</h2>\n<ul class=\"modules\">\n{items}</ul>\n</section>\n"))
}

/// `<section>` with a heading and a bullet list; `None` when no item has any text.
fn list_section(heading: &str, items: &[String]) -> Option<String> {
    let items: String = items.iter().map(|item| one_line(item)).filter(|item| !item.is_empty()).map(|item| format!("<li>{}</li>\n", escape(&item))).collect();
    (!items.is_empty()).then(|| format!("<section>\n<h2>{heading}</h2>\n<ul>\n{items}</ul>\n</section>\n"))
}

fn paragraphs_html(text: &str) -> String {
    paragraphs(text).iter().map(|paragraph| format!("<p>{}</p>\n", escape(paragraph))).collect()
}
