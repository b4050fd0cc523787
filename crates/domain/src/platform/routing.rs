//! Path patterns of the route table (`/api/blueprints/:id/versions/:version`): matching a
//! request path, choosing among patterns that match, and finding two routes that would answer
//! the same request. The table itself (handlers, access rules) lives in the api worker.

/// The parameters a pattern captured, by name, in order.
pub type Captures<'p> = Vec<(&'static str, &'p str)>;

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.trim_end_matches('/').split('/').skip(1)
}

/// The captures of `path` if it matches `pattern` (`:name` matches one non-empty segment).
/// A trailing slash is ignored.
pub fn match_path<'p>(pattern: &'static str, path: &'p str) -> Option<Captures<'p>> {
    let mut captures = Vec::new();
    let mut wanted = segments(pattern);
    let mut given = segments(path);
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return Some(captures),
            (Some(want), Some(got)) => match want.strip_prefix(':') {
                Some(name) if !got.is_empty() => captures.push((name, got)),
                Some(_) => return None,
                None if want == got => {}
                None => return None,
            },
            _ => return None,
        }
    }
}

/// How specific a pattern is: its literal segments. When several patterns match a path, the
/// most specific one answers (`/api/users/me` before `/api/users/:id`).
pub fn specificity(pattern: &str) -> usize {
    segments(pattern)
        .filter(|segment| !segment.starts_with(':'))
        .count()
}

/// The pattern with its parameter names erased: two patterns with the same shape match
/// exactly the same paths.
fn shape(pattern: &str) -> Vec<&str> {
    segments(pattern)
        .map(|segment| {
            if segment.starts_with(':') {
                ":"
            } else {
                segment
            }
        })
        .collect()
}

/// Pairs of `(method, pattern)` that would answer the same requests: a table with one is
/// refused (the api answers nothing until it is fixed), so a copy-pasted route cannot shadow
/// another in silence. Also refused: a pattern that does not start with `/`, or has an empty
/// segment or an unnamed parameter.
pub fn conflicts(routes: &[(&str, &'static str)]) -> Vec<String> {
    let mut found = Vec::new();
    for (index, (method, pattern)) in routes.iter().enumerate() {
        let well_formed = pattern.starts_with('/')
            && segments(pattern).all(|segment| !segment.is_empty() && segment != ":");
        if !well_formed {
            found.push(format!("{method} {pattern}: malformed pattern"));
        }
        for (other_method, other) in &routes[index + 1..] {
            if method == other_method && shape(pattern) == shape(other) {
                found.push(format!(
                    "{method} {pattern} and {other_method} {other} answer the same requests"
                ));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_capture_named_segments() {
        let captured = match_path(
            "/api/blueprints/:id/versions/:version",
            "/api/blueprints/abc/versions/3",
        )
        .unwrap();
        assert_eq!(captured, vec![("id", "abc"), ("version", "3")]);
        assert_eq!(
            match_path("/api/blueprints", "/api/blueprints/"),
            Some(vec![]),
            "a trailing slash is the same path"
        );
        for (pattern, path) in [
            ("/api/blueprints/:id", "/api/blueprints"),
            ("/api/blueprints/:id", "/api/blueprints/a/b"),
            ("/api/blueprints/:id", "/api/blueprints//"),
            ("/api/blueprints", "/api/blueprint"),
            ("/api/blueprints/:id/versions", "/api/blueprints/a/version"),
        ] {
            assert_eq!(match_path(pattern, path), None, "{pattern} {path}");
        }
    }

    #[test]
    fn literal_segments_make_a_pattern_more_specific() {
        assert!(specificity("/api/users/me") > specificity("/api/users/:id"));
    }

    #[test]
    fn two_routes_for_the_same_requests_are_a_conflict() {
        let table = [
            ("GET", "/api/blueprints/:id"),
            ("PATCH", "/api/blueprints/:id"),
            ("GET", "/api/blueprints/:blueprint"),
            ("GET", "/api/users/me"),
        ];
        let found = conflicts(&table);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("/api/blueprints/:id")
                && found[0].contains("/api/blueprints/:blueprint")
        );
        assert_eq!(
            conflicts(&[("GET", "api/x"), ("GET", "/api//x"), ("GET", "/api/:")]).len(),
            3
        );
        assert!(
            conflicts(&[("GET", "/api/users/me"), ("GET", "/api/users/:id")]).is_empty(),
            "specificity decides"
        );
    }
}
