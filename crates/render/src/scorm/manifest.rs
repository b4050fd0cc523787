//! `imsmanifest.xml`: the IMS Content Packaging 1.1.2 manifest with the ADL SCORM 1.2
//! extensions, as ADL's own SCORM 1.2 templates write it. One organization lists the SCOs in
//! teaching order; each SCO is one resource naming its page and the shared files it loads.

use super::text::escape;
use super::{PackageMeta, Sco, SHARED_FILES};

/// The one organization; `default` on `<organizations>` must name it.
const ORGANIZATION: &str = "ORG-1";

/// The root element's namespaces and where their schemas are found: a conforming LMS validates
/// against these, so the pairs are ADL's, word for word.
const ROOT_ATTRIBUTES: &str = concat!(
    r#"xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" "#,
    r#"xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2" "#,
    r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" "#,
    r#"xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd "#,
    r#"http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "#,
    r#"http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd""#,
);

/// The manifest of a package whose organization is titled `course_title` and holds `scos` in
/// order. The identifier was checked by the caller; it is escaped all the same.
pub(super) fn render(meta: &PackageMeta, course_title: &str, scos: &[Sco]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!("<manifest identifier=\"{}\" version=\"{}\" {ROOT_ATTRIBUTES}>\n", escape(meta.identifier), meta.version));
    xml.push_str("  <metadata>\n    <schema>ADL SCORM</schema>\n    <schemaversion>1.2</schemaversion>\n  </metadata>\n");
    xml.push_str(&organizations(course_title, scos));
    xml.push_str(&resources(scos));
    xml.push_str("</manifest>\n");
    xml
}

fn organizations(course_title: &str, scos: &[Sco]) -> String {
    let mut xml = format!("  <organizations default=\"{ORGANIZATION}\">\n    <organization identifier=\"{ORGANIZATION}\">\n");
    xml.push_str(&format!("      <title>{}</title>\n", escape(course_title)));
    for sco in scos {
        xml.push_str(&format!("      <item identifier=\"{}\" identifierref=\"{}\">\n", sco.item_identifier(), sco.resource_identifier()));
        xml.push_str(&format!("        <title>{}</title>\n", escape(&sco.title)));
        xml.push_str("      </item>\n");
    }
    xml.push_str("    </organization>\n  </organizations>\n");
    xml
}

fn resources(scos: &[Sco]) -> String {
    let mut xml = String::from("  <resources>\n");
    for sco in scos {
        let page = sco.page();
        xml.push_str(&format!("    <resource identifier=\"{}\" type=\"webcontent\" adlcp:scormtype=\"sco\" href=\"{page}\">\n", sco.resource_identifier()));
        for file in std::iter::once(page.as_str()).chain(SHARED_FILES.iter().map(|(name, _)| *name)) {
            xml.push_str(&format!("      <file href=\"{file}\"/>\n"));
        }
        xml.push_str("    </resource>\n");
    }
    xml.push_str("  </resources>\n");
    xml
}
