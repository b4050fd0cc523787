//! End-to-end tests against the real stack. One stack (one `wrangler dev` running the four
//! workers, a fresh state directory, the fake LLM) is started for the whole run and torn down at
//! the end, even when tests fail; tests isolate themselves by creating their own accounts. The
//! stack is supervised: a wrangler that exits mid-run is reported at once and restarted, and a
//! test that failed while it was down runs again (see `e2e::supervisor`).
//!
//! `cargo test -p e2e --test e2e -- <filter>` runs a subset; `E2E_KEEP_STATE=1` keeps the
//! state directory and the wrangler logs (target/e2e-state/) for a post-mortem.

mod suites;

use e2e::stack::Stack;
use libtest_mimic::{Arguments, Trial};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

type TestFn = fn(&Stack);

fn main() {
    let mut args = Arguments::from_args();
    // The tests wait on I/O far more than they compute: run more of them than there are cores.
    args.test_threads = args.test_threads.or(Some(6));
    let all: Vec<(&str, TestFn)> = suites::all();
    let exclusive: Vec<(&str, TestFn)> = suites::exclusive();
    if args.list {
        let trials = all.into_iter().chain(exclusive).map(|(name, _)| Trial::test(name, || Ok(()))).collect();
        libtest_mimic::run(&args, trials).exit();
    }
    let stack = match Stack::start() {
        Ok(stack) => Arc::new(stack),
        Err(error) => {
            eprintln!("could not start the stack: {error}");
            std::process::exit(1);
        }
    };
    suites::prepare(&stack);
    let trials = |tests: Vec<(&'static str, TestFn)>| -> Vec<Trial> {
        tests
            .into_iter()
            .map(|(name, test)| {
                let stack = Arc::clone(&stack);
                Trial::test(name, move || run_surviving_a_crash(&stack, name, test))
            })
            .collect()
    };
    let concurrent = libtest_mimic::run(&args, trials(all));
    // Tests that set the scene from outside the stack run alone, one at a time.
    let mut alone = args.clone();
    alone.test_threads = Some(1);
    let sequential = libtest_mimic::run(&alone, trials(exclusive));
    let conclusion = if concurrent.has_failed() { concurrent } else { sequential };
    if conclusion.has_failed() {
        eprintln!("--- wrangler log tail ---\n{}", stack.log_tail("main"));
    }
    if let Some(summary) = stack.supervisor().summary() {
        eprintln!("\n{summary}");
    }
    let resent = e2e::client::DEV_PROXY_RESENDS.load(std::sync::atomic::Ordering::SeqCst);
    if resent > 0 {
        eprintln!("\ne2e client: {resent} request(s) lost by wrangler dev's proxy were sent again (cloudflare/workers-sdk#14641)");
    }
    // Tear down before exiting: `exit` skips destructors.
    drop(stack);
    conclusion.exit();
}

/// Runs a test; when it fails because the stack's wrangler died under it (the supervisor saw
/// the exit and brought the stack back), runs it once more on the restarted stack and says so.
/// A failure with the stack up is the test's own and is reported as it is.
fn run_surviving_a_crash(stack: &Stack, name: &str, test: TestFn) -> Result<(), libtest_mimic::Failed> {
    let supervisor = stack.supervisor();
    // A test that starts while the stack is being restarted waits for it (the check takes the
    // process list, which a restart holds), instead of failing against a closed port without
    // having seen the crash.
    supervisor.check();
    if let Some(down) = supervisor.down_note() {
        return Err(down.into());
    }
    let generation = supervisor.generation();
    let Err(panic) = catch_unwind(AssertUnwindSafe(|| test(stack))) else {
        return Ok(());
    };
    if supervisor.recovered_since(generation) {
        eprintln!("!! e2e harness: {name} failed while the stack was down; running it again on the restarted stack");
        supervisor.note_rerun(name);
        return catch_unwind(AssertUnwindSafe(|| test(stack))).map_err(|panic| panic_message(&panic).into());
    }
    let message = panic_message(&panic);
    Err(match supervisor.down_note() {
        Some(down) => format!("{down}\n{message}"),
        None => message,
    }
    .into())
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_else(|| "the test panicked".to_string())
}
