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
    let trials = |tests: Vec<(&str, TestFn)>| -> Vec<Trial> {
        tests
            .into_iter()
            .map(|(name, test)| {
                let stack = Arc::clone(&stack);
                Trial::test(name, move || {
                    test(&stack);
                    Ok(())
                })
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
    // Tear down before exiting: `exit` skips destructors.
    drop(stack);
    conclusion.exit();
}
