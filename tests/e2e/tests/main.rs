//! End-to-end tests against the real stack. One stack (two `wrangler dev` processes, a fresh
//! state directory, the fake LLM) is started for the whole run and torn down at the end, even
//! when tests fail; tests isolate themselves by creating their own accounts.
//!
//! `cargo test -p e2e --test e2e -- <filter>` runs a subset; `E2E_KEEP_STATE=1` keeps the
//! state directory and the wrangler logs (target/e2e-state/) for a post-mortem.

mod suites;

use e2e::stack::Stack;
use libtest_mimic::{Arguments, Trial};
use std::sync::Arc;

type TestFn = fn(&Stack);

fn main() {
    let mut args = Arguments::from_args();
    // The tests wait on I/O far more than they compute: run more of them than there are cores.
    args.test_threads = args.test_threads.or(Some(6));
    let all: Vec<(&str, TestFn)> = suites::all();
    if args.list {
        let trials = all.into_iter().map(|(name, _)| Trial::test(name, || Ok(()))).collect();
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
    let trials = all
        .into_iter()
        .map(|(name, test)| {
            let stack = Arc::clone(&stack);
            Trial::test(name, move || {
                test(&stack);
                Ok(())
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    if conclusion.has_failed() {
        eprintln!("--- wrangler (main) log tail ---\n{}\n--- wrangler (cron) log tail ---\n{}", stack.log_tail("main"), stack.log_tail("cron"));
    }
    // Tear down before exiting: `exit` skips destructors.
    drop(stack);
    conclusion.exit();
}
