//! What every request goes through: headers, request ids, error shapes, CSRF, CORS, body limits,
//! authentication and roles.

use e2e::client::{Client, Reply};
use e2e::stack::Stack;
use serde_json::json;

/// Tests that need the stack to themselves: streaming megabytes into it beside six other tests
/// and two side stacks starting, it was seen to reload mid-request ("Your worker restarted
/// mid-request") before the 413 could be told from the reload.
pub fn exclusive() -> Vec<super::Test> {
    vec![("security::a_chunked_body_is_refused_at_its_limit_not_read_whole", a_chunked_body_is_refused_at_its_limit_not_read_whole)]
}

pub fn tests() -> Vec<super::Test> {
    vec![
        ("security::health_is_public", health_is_public),
        ("security::every_response_has_security_headers_and_a_request_id", every_response_has_security_headers_and_a_request_id),
        ("security::unknown_routes_and_methods_are_json_404_and_405", unknown_routes_and_methods_are_json_404_and_405),
        ("security::protected_routes_are_401_json_without_a_session", protected_routes_are_401_json_without_a_session),
        ("security::admin_routes_are_403_json_for_users", admin_routes_are_403_json_for_users),
        ("security::state_changes_need_a_trusted_origin", state_changes_need_a_trusted_origin),
        ("security::origin_null_is_untrusted", origin_null_is_untrusted),
        ("security::preflight_only_for_the_allowlist", preflight_only_for_the_allowlist),
        ("security::malformed_bodies_are_400_naming_the_problem", malformed_bodies_are_400_naming_the_problem),
        ("security::oversized_bodies_are_413", oversized_bodies_are_413),
        ("security::the_web_ui_is_served_from_the_same_origin", the_web_ui_is_served_from_the_same_origin),
    ]
}

#[track_caller]
fn assert_security_headers(reply: &Reply) {
    let csp = reply.header("content-security-policy").expect("CSP");
    for directive in ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(reply.header("x-frame-options"), Some("DENY"));
    assert_eq!(reply.header("referrer-policy"), Some("strict-origin-when-cross-origin"));
    assert_eq!(reply.header("permissions-policy"), Some("camera=(), microphone=(), geolocation=()"));
    // Plain-HTTP localhost: HSTS would break development.
    assert_eq!(reply.header("strict-transport-security"), None);
    let id = reply.header("x-request-id").expect("x-request-id");
    assert_eq!(id.len(), 36, "{id}");
}

fn health_is_public(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    let reply = client.get("/api/health");
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body["status"], "ok");
    assert!(body["version"].as_str().is_some_and(|v| !v.is_empty()));
}

fn every_response_has_security_headers_and_a_request_id(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    let replies = [
        client.get("/api/health"),
        client.get("/"),
        client.get("/app.css"),
        client.get("/api/nope"),
        client.get("/api/auth/me"),
        client.post("/api/auth/login", &json!({})),
    ];
    let mut ids = std::collections::HashSet::new();
    for reply in &replies {
        assert_security_headers(reply);
        ids.insert(reply.header("x-request-id").unwrap().to_string());
    }
    assert_eq!(ids.len(), replies.len(), "request ids are unique");
}

fn unknown_routes_and_methods_are_json_404_and_405(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.get("/api/does-not-exist").expect_error(404);
    client.get("/api/auth/signup/extra").expect_error(404);
    let reply = client.get("/api/auth/login");
    reply.expect_error(405);
    assert_eq!(reply.header("allow"), Some("POST"));
    let reply = client.send("DELETE", "/api/health", &[], None);
    reply.expect_error(405);
    assert_eq!(reply.header("allow"), Some("GET"));
    // Static files are read-only.
    client.send("POST", "/index.html", &[], Some(b"x".to_vec())).expect_error(405);
}

fn protected_routes_are_401_json_without_a_session(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    for (method, path) in [("GET", "/api/auth/me"), ("POST", "/api/auth/logout"), ("GET", "/api/admin/diagnostics"), ("GET", "/api/admin/job-runs"), ("POST", "/api/admin/diagnostics/queue-probe")] {
        let reply = client.send(method, path, &[], None);
        reply.expect_error(401);
        assert_eq!(reply.header("location"), None, "never a redirect");
    }
}

fn admin_routes_are_403_json_for_users(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("not-admin");
    client.get("/api/admin/diagnostics").expect_error(403);
    client.get("/api/admin/job-runs").expect_error(403);
    client.post_empty("/api/admin/diagnostics/queue-probe").expect_error(403);
    let admin = super::admin(stack);
    drop(admin);
}

fn state_changes_need_a_trusted_origin(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("csrf");
    // A cross-site form post: the browser sends the cookie and the attacker's Origin.
    let reply = client.send("POST", "/api/auth/logout", &[("origin", "https://evil.example")], None);
    reply.expect_error(403);
    assert_eq!(client.get("/api/auth/me").status, 200, "the session survived the forged request");
    // No Origin at all, only a cookie: refused too.
    client.origin = None;
    client.post_empty("/api/auth/logout").expect_error(403);
    // A same-origin Referer is accepted when there is no Origin.
    let referer = format!("{}/dashboard", stack.base_url);
    let reply = client.send("POST", "/api/auth/logout", &[("referer", &referer)], None);
    assert_eq!(reply.status, 204, "{}", reply.text());
    // Reads are never blocked by the origin rule.
    client.get("/api/health");
    // Signup and login are state changes too (login CSRF).
    let mut anonymous = Client::new(&stack.base_url);
    anonymous.origin = Some("https://evil.example".into());
    anonymous.post("/api/auth/login", &json!({ "email": "a@example.test", "password": "whatever123" })).expect_error(403);
}

fn origin_null_is_untrusted(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    client.sign_up("null-origin");
    // `Origin: null` comes from sandboxed frames, `data:` pages and cross-site redirects, all of
    // which an attacker can arrange; a same-origin Referer beside it must not rescue the request.
    let own_page = format!("{}/dashboard", stack.base_url);
    let null_origin = [("origin", "null"), ("referer", own_page.as_str())];
    client.send("POST", "/api/auth/logout", &null_origin, None).expect_error(403);
    assert_eq!(client.get("/api/auth/me").status, 200, "the session survived the forged request");
    let body = json!({ "title": "Forged" }).to_string().into_bytes();
    let headers = [null_origin[0], null_origin[1], ("content-type", "application/json")];
    client.send("POST", "/api/blueprints", &headers, Some(body)).expect_error(403);
    client.send("POST", "/api/auth/logout", &[("origin", "null")], None).expect_error(403);
    assert_eq!(client.get("/api/auth/me").status, 200);
}

fn preflight_only_for_the_allowlist(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    let allowed = client.send("OPTIONS", "/api/auth/login", &[("origin", "https://partner.e2e.test"), ("access-control-request-method", "POST")], None);
    assert_eq!(allowed.status, 204, "{}", allowed.text());
    assert_eq!(allowed.header("access-control-allow-origin"), Some("https://partner.e2e.test"));
    assert_eq!(allowed.header("access-control-allow-credentials"), Some("true"));
    let refused = client.send("OPTIONS", "/api/auth/login", &[("origin", "https://evil.example"), ("access-control-request-method", "POST")], None);
    refused.expect_error(403);
    assert_eq!(refused.header("access-control-allow-origin"), None);
    // The allowlisted partner may post; the answer carries CORS headers for it.
    let mut partner = Client::new(&stack.base_url);
    partner.origin = Some("https://partner.e2e.test".into());
    let reply = partner.post("/api/auth/login", &json!({ "email": "nobody@example.test", "password": "whatever123" }));
    reply.expect_error(401);
    assert_eq!(reply.header("access-control-allow-origin"), Some("https://partner.e2e.test"));
}

fn malformed_bodies_are_400_naming_the_problem(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    let json_header = [("content-type", "application/json")];
    for raw in [&b"{"[..], b"not json", b"", b"[1,2]", b"{\"email\":\"a@b.co\"} trailing"] {
        let reply = client.send("POST", "/api/auth/login", &json_header, Some(raw.to_vec()));
        let body = reply.expect_error(400);
        assert!(body["error"].as_str().unwrap().contains("JSON") || body["details"].is_array(), "{body}");
    }
    let body = client.post("/api/auth/login", &json!({ "email": ["a@b.co"], "password": "x" })).expect_error(400);
    assert_eq!(body["details"][0]["field"], "email", "{body}");
    let body = client.post("/api/auth/login", &json!({ "email": "a@b.co" })).expect_error(400);
    assert_eq!(body["details"][0]["field"], "password", "{body}");
    let body = client.post("/api/auth/signup", &json!({ "email": "a@b.co", "password": 12345678 })).expect_error(400);
    assert_eq!(body["details"][0]["field"], "password", "{body}");
}

fn oversized_bodies_are_413(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    let huge = json!({ "email": "a@example.test", "password": "x".repeat(100_000) });
    let body = client.post("/api/auth/signup", &huge).expect_error(413);
    assert!(body["details"]["limitBytes"].as_u64().is_some(), "{body}");
    // The server is fine afterwards.
    assert_eq!(client.get("/api/health").status, 200);
}

/// The attack: a body without `Content-Length` (chunked) was read whole before the size check
/// — a 100 MB upload to the public sign-up grew workerd by ~170 MB before the 413. Now the 413
/// comes once the limit is passed: it arrives while the client is still sending (checked after
/// each megabyte; the old code could only answer after the body's end).
fn a_chunked_body_is_refused_at_its_limit_not_read_whole(stack: &Stack) {
    use std::io::{Read, Write};
    let address = stack.base_url.trim_start_matches("http://");
    let mut socket = std::net::TcpStream::connect(address).expect("connects");
    let head = format!("POST /api/auth/signup HTTP/1.1\r\nHost: {address}\r\nOrigin: {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", stack.base_url);
    socket.write_all(head.as_bytes()).expect("headers sent");
    let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "x".repeat(64 * 1024));
    socket.set_nonblocking(true).expect("non-blocking");
    let mut answer = Vec::new();
    let mut sent_mb = 0;
    while sent_mb < 256 && answer.is_empty() {
        for _ in 0..16 {
            // A refused write means the server stopped reading: look for its answer.
            if !write_all_nonblocking(&mut socket, chunk.as_bytes()) {
                break;
            }
        }
        sent_mb += 1;
        let mut buffer = [0u8; 4096];
        if let Ok(read) = socket.read(&mut buffer) {
            answer.extend_from_slice(&buffer[..read]);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    socket.set_nonblocking(false).expect("blocking");
    socket.set_read_timeout(Some(std::time::Duration::from_secs(20))).expect("timeout");
    if answer.is_empty() {
        let _ = socket.write_all(b"0\r\n\r\n");
        let mut buffer = [0u8; 4096];
        let read = socket.read(&mut buffer).unwrap_or(0);
        panic!("no answer while 256 MB were being sent; after the body's end: {:?}", String::from_utf8_lossy(&buffer[..read]));
    }
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 413"), "refused as too large after {sent_mb} MB: {text}");
    let mut client = Client::new(&stack.base_url);
    assert_eq!(client.get("/api/health").status, 200, "the server is fine afterwards");
}

/// Writes what the socket takes now; false once it takes nothing (the peer stopped reading).
fn write_all_nonblocking(socket: &mut std::net::TcpStream, mut bytes: &[u8]) -> bool {
    use std::io::Write;
    let mut stalls = 0;
    while !bytes.is_empty() {
        match socket.write(bytes) {
            Ok(0) => return false,
            Ok(written) => bytes = &bytes[written..],
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                stalls += 1;
                if stalls > 50 {
                    return false;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(_) => return false,
        }
    }
    true
}

fn the_web_ui_is_served_from_the_same_origin(stack: &Stack) {
    let mut client = Client::new(&stack.base_url);
    let page = client.get("/");
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    let html = page.text();
    let bundle_path = html.split(r#"<script type="module" src=""#).nth(1).and_then(|rest| rest.split('"').next()).expect("the app shell loads a bundle").to_string();
    assert!(bundle_path.starts_with("/app-") && bundle_path.ends_with(".js"), "a same-origin, content-hashed bundle: {bundle_path}");
    assert_security_headers(&page);
    assert!(page.header("cache-control").is_none_or(|c| !c.contains("immutable")), "the shell is always revalidated");
    // Client-side routes get the app shell, not a 404.
    let deep = client.get("/blueprints/some-id/dashboard");
    assert_eq!(deep.status, 200);
    assert!(deep.text().contains(&bundle_path));
    let bundle = client.get(&bundle_path);
    assert_eq!(bundle.status, 200);
    assert!(bundle.header("content-type").unwrap().contains("javascript"));
    assert_eq!(bundle.header("cache-control"), Some("public, max-age=31536000, immutable"));
    assert_security_headers(&bundle);
}
