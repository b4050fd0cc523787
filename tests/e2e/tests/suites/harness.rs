//! The harness itself: a `wrangler dev` that dies mid-run is reported at once and restarted on
//! the same state, and a test that failed because of it runs again on the restarted stack.

use e2e::client::Client;
use e2e::stack::Stack;
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub fn exclusive() -> Vec<super::Test> {
    vec![
        ("harness::rebuilding_the_ui_under_a_running_stack_never_breaks_it", rebuilding_the_ui_under_a_running_stack_never_breaks_it),("harness::a_wrangler_killed_mid_test_is_reported_restarted_and_the_test_run_again", a_wrangler_killed_mid_test_is_reported_restarted_and_the_test_run_again),
    ]
}

/// Whether the first run (the one the crash interrupts) has happened, and what it saved.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static SAVED: Mutex<Option<(Client, String)>> = Mutex::new(None);

/// First run: saves a blueprint, kills the stack's wrangler (its whole process group, as a
/// crash would) and makes requests until one fails, as any test caught by a crash does. The
/// harness must then see the exit, report it, restart the stack and run this test again.
/// Second run: the crash is on record with its report, the restart happened, and what was saved
/// before the crash is still there for the same signed-in user.
fn a_wrangler_killed_mid_test_is_reported_restarted_and_the_test_run_again(stack: &Stack) {
    let supervisor = stack.supervisor();
    if !INTERRUPTED.swap(true, Ordering::SeqCst) {
        let mut user = Client::new(&stack.base_url);
        user.sign_up("crash");
        let created = user.post("/api/blueprints", &json!({ "title": "Saved before the crash" }));
        assert_eq!(created.status, 201, "{}", created.text());
        let id = created.json()["id"].as_str().unwrap().to_string();
        *SAVED.lock().unwrap() = Some((user, id));
        assert!(supervisor.kill_for_test("main"), "the stack has a main wrangler");
        let mut probe = Client::new(&stack.base_url);
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            // Panics with a connection error once the port is gone: the crash caught this test.
            probe.get("/api/health");
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the killed wrangler kept answering for 30 s");
    }
    let crash = supervisor.crashes().into_iter().last().expect("the harness recorded the crash");
    assert_eq!(crash.label, "main");
    assert!(crash.status.contains("signal: 9"), "how it ended is reported: {}", crash.status);
    assert!(crash.restarted, "the harness restarted it");
    for part in ["the stack's wrangler (main) exited", "what it printed last", "wrangler's debug log"] {
        assert!(crash.report.contains(part), "the report says {part:?}:\n{}", crash.report);
    }
    assert!(supervisor.summary().is_some_and(|s| s.contains("main signal: 9")), "the run's summary mentions it");
    let (mut user, id) = SAVED.lock().unwrap().take().expect("the first run saved a blueprint");
    let reply = user.get(&format!("/api/blueprints/{id}"));
    assert_eq!(reply.status, 200, "saved data and sessions survive the restart: {}", reply.text());
    assert_eq!(reply.json()["title"], "Saved before the crash");
}

/// `scripts/build-web.sh` (as a `make test` runs it) while the product runs as `make dev` runs
/// it — the repository's own configs serving `web/dist` — and a visitor keeps loading the app:
/// every answer is the app, never a 500 or the "updating" page, and afterwards the shell and
/// the bundle it names load. (Replacing the directory, as the build used to, left this setup
/// answering 500 until a restart; the test stack's own snapshot of the UI is not affected.)
fn rebuilding_the_ui_under_a_running_stack_never_breaks_it(_shared: &Stack) {
    let stack = Stack::start_as_make_dev().expect("the product starts as make dev runs it");
    let stack = &stack;
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let visitor = {
        let (stop, base) = (std::sync::Arc::clone(&stop), stack.base_url.clone());
        std::thread::spawn(move || {
            let mut browser = Client::new(&base);
            let mut seen = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                let page = browser.get("/");
                seen.push((page.status, page.header("content-type").unwrap_or_default().to_string(), page.body.len()));
                if let Some(bundle) = bundle_named_in(&page.text()) {
                    let script = browser.get(&format!("/{bundle}"));
                    seen.push((script.status, script.header("content-type").unwrap_or_default().to_string(), script.body.len()));
                }
            }
            seen
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    let root = e2e::stack::repo_root();
    for _ in 0..2 {
        let build = std::process::Command::new("bash").arg("scripts/build-web.sh").current_dir(&root).output().expect("bash runs");
        assert!(build.status.success(), "build-web.sh: {}", String::from_utf8_lossy(&build.stderr));
    }
    // wrangler reloads after it notices the change: keep visiting through that.
    std::thread::sleep(Duration::from_secs(4));
    stop.store(true, Ordering::SeqCst);
    let seen = visitor.join().expect("the visitor thread");
    assert!(seen.len() > 10, "the visitor kept loading the app: {seen:?}");
    let broken: Vec<_> = seen.iter().filter(|(status, _, length)| !(*status == 200 && *length > 0)).collect();
    assert!(broken.is_empty(), "answers that were not the app: {broken:?}");
    let mut browser = Client::new(&stack.base_url);
    let page = browser.get("/");
    assert_eq!(page.status, 200, "{}", page.text());
    let bundle = bundle_named_in(&page.text()).expect("the shell names its bundle");
    assert_eq!(browser.get(&format!("/{bundle}")).status, 200);
}

/// The script the shell loads (`<script … src="/app-<hash>.js">`).
fn bundle_named_in(html: &str) -> Option<String> {
    html.split('"').find(|part| part.starts_with("/app-") && part.ends_with(".js")).map(|part| part.trim_start_matches('/').to_string())
}
