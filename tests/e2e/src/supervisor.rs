//! The stack's `wrangler dev` processes, watched. When one exits mid-run the run says so at
//! once — which process, how it ended, the tail of its log, the tail of wrangler's own debug
//! log and any uncaught exception node traced — instead of a cascade of connection errors in
//! every test that follows. It is then restarted on the same port and state directory (the
//! data survives: D1, R2 and Durable Objects live on disk), a bounded number of times, so the
//! tests that failed because the stack was gone can run again on the restarted one.
//!
//! Why restart at all: wrangler 4.86's node process has been seen to die mid-run on a loaded
//! 2-core machine with an empty `✘ [ERROR]` (its esbuild child then reporting a goroutine
//! deadlock, a consequence of its parent's pipes closing). The cause is outside our code; a
//! crash is reported, never hidden, and counted in the run's summary.

use std::fs;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often one run may restart its stack. Past this the stack is left down and every
/// remaining test fails at once with the reason.
pub const MAX_RESTARTS: usize = 3;

/// One `wrangler dev` and how to start it again.
struct Process {
    label: String,
    child: Child,
    args: Vec<String>,
    /// The URL that answers 200 once it serves.
    ready_url: String,
    started: Instant,
}

/// What was seen when a process exited.
#[derive(Debug, Clone)]
pub struct Crash {
    pub label: String,
    pub status: String,
    pub after: Duration,
    /// The report printed when it happened (log tails included).
    pub report: String,
    /// Whether the harness brought it back.
    pub restarted: bool,
}

pub struct Supervisor {
    /// The working directory of its processes.
    cwd: PathBuf,
    state_dir: PathBuf,
    wrangler: String,
    processes: Mutex<Vec<Process>>,
    crashes: Mutex<Vec<Crash>>,
    /// Tests that failed while the stack was down and were run again.
    reruns: Mutex<Vec<String>>,
    /// Bumped by every exit seen: a test compares it before and after it ran.
    generation: AtomicUsize,
    stopping: AtomicBool,
}

impl Supervisor {
    pub fn new(cwd: &Path, state_dir: &Path, wrangler: &str) -> Supervisor {
        Supervisor {
            cwd: cwd.to_path_buf(),
            state_dir: state_dir.to_path_buf(),
            wrangler: wrangler.to_string(),
            processes: Mutex::new(Vec::new()),
            crashes: Mutex::new(Vec::new()),
            reruns: Mutex::new(Vec::new()),
            generation: AtomicUsize::new(0),
            stopping: AtomicBool::new(false),
        }
    }

    pub fn log_path(&self, label: &str) -> PathBuf {
        self.state_dir.join(format!("{label}.log"))
    }

    /// Where wrangler writes its own debug log for this process (`WRANGLER_LOG_PATH`).
    fn debug_log_dir(&self, label: &str) -> PathBuf {
        self.state_dir.join(format!("{label}-wrangler-logs"))
    }

    /// Starts `wrangler <args>` as `label` and waits until `ready_url` answers 200.
    pub fn start(&self, label: &str, args: Vec<String>, ready_url: &str) -> Result<(), String> {
        let child = self.spawn(label, &args)?;
        let process = Process { label: label.to_string(), child, args, ready_url: ready_url.to_string(), started: Instant::now() };
        let mut processes = self.lock_processes();
        processes.push(process);
        let index = processes.len() - 1;
        wait_ready(&mut processes[index], &self.log_path(label))
    }

    fn spawn(&self, label: &str, args: &[String]) -> Result<Child, String> {
        // Appended to: a restarted process continues the same log, so log readers see one story.
        let log = fs::OpenOptions::new().create(true).append(true).open(self.log_path(label)).map_err(|e| e.to_string())?;
        let debug_logs = self.debug_log_dir(label);
        fs::create_dir_all(&debug_logs).map_err(|e| e.to_string())?;
        let mut command = Command::new(&self.wrangler);
        command
            .args(args)
            .current_dir(&self.cwd)
            .env("WRANGLER_SEND_METRICS", "false")
            // wrangler's own debug log, kept with the run (its default is a folder in $HOME):
            // when wrangler dies it is the only record of what it was doing.
            .env("WRANGLER_LOG_PATH", &debug_logs)
            // An uncaught exception that wrangler reports as an empty `✘ [ERROR]` gets its
            // stack printed to the log.
            .env("NODE_OPTIONS", "--trace-uncaught --trace-warnings")
            // A dev registry of this stack's own. Stacks run the same worker names (the shared
            // one, one without a model, one as `make dev` runs it, a developer's own): sharing
            // the machine-wide registry, a second one registering them reloaded the first
            // mid-request ("Your worker restarted mid-request").
            .env("WRANGLER_REGISTRY_PATH", self.state_dir.join("dev-registry"))
            .env("CI", "true")
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log);
        // Its own process group, so tear-down reaches wrangler's workerd children too; and
        // SIGTERM from the kernel if the test process dies without tearing down.
        command.process_group(0);
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
        command.spawn().map_err(|e| format!("starting wrangler ({label}): {e}"))
    }

    fn lock_processes(&self) -> std::sync::MutexGuard<'_, Vec<Process>> {
        self.processes.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Each process by label with its process group id (the group holds wrangler and workerd).
    pub fn process_groups(&self) -> Vec<(String, i32)> {
        self.lock_processes().iter().map(|p| (p.label.clone(), p.child.id() as i32)).collect()
    }

    pub fn generation(&self) -> usize {
        self.generation.load(Ordering::SeqCst)
    }

    pub fn crashes(&self) -> Vec<Crash> {
        self.crashes.lock().map(|c| c.clone()).unwrap_or_default()
    }

    pub fn note_rerun(&self, test: &str) {
        if let Ok(mut reruns) = self.reruns.lock() {
            reruns.push(test.to_string());
        }
    }

    /// Looks at every process; one that exited is reported at once and restarted (while
    /// restarts are left). Answers whether everything is up afterwards. Callers serialise on
    /// the process list, so a caller arriving during a restart waits for its outcome.
    pub fn check(&self) -> bool {
        if self.stopping.load(Ordering::SeqCst) {
            return false;
        }
        let mut processes = self.lock_processes();
        let mut all_up = true;
        for process in processes.iter_mut() {
            let Ok(Some(status)) = process.child.try_wait() else { continue };
            self.generation.fetch_add(1, Ordering::SeqCst);
            let restarts_so_far = self.crashes().iter().filter(|c| c.restarted).count();
            let report = self.report(process, &status.to_string());
            eprintln!("{report}");
            let debug_log = newest_file(&self.debug_log_dir(&process.label));
            keep_for_post_mortem(&self.state_dir, &process.label, restarts_so_far + 1, &self.log_path(&process.label), debug_log.as_deref());
            // Its last debug entries (the error's stack, which wrangler logs only at debug level
            // after printing the message, often empty) are flushed as it exits: read them again
            // once the restart has given it time.
            let restart = restarts_so_far < MAX_RESTARTS;
            let mut crash = Crash { label: process.label.clone(), status: status.to_string(), after: process.started.elapsed(), report, restarted: false };
            if restart {
                // Whatever is left of its group (workerd) must free the port first.
                kill_group(process.child.id(), libc::SIGKILL);
                let _ = process.child.wait();
                let _ = append(&self.log_path(&process.label), "\n--- the e2e harness restarted this wrangler after it exited ---\n");
                match self.spawn(&process.label, &process.args) {
                    Ok(child) => {
                        process.child = child;
                        process.started = Instant::now();
                        crash.restarted = wait_ready(process, &self.log_path(&process.label)).is_ok();
                    }
                    Err(error) => eprintln!("!! could not restart wrangler ({}): {error}", process.label),
                }
                eprintln!("!! e2e harness: wrangler ({}) {}", process.label, if crash.restarted { "restarted; tests that failed meanwhile run again" } else { "did not come back" });
            }
            if let Some(debug_log) = debug_log {
                let stack = error_stack(&tail(&debug_log, 400));
                if !stack.is_empty() {
                    eprintln!("!! the error wrangler logged at debug level as it exited:\n{stack}");
                    crash.report.push_str(&format!("\n!! the error wrangler logged at debug level as it exited:\n{stack}\n"));
                }
                keep_for_post_mortem(&self.state_dir, &process.label, restarts_so_far + 1, &self.log_path(&process.label), Some(&debug_log));
            }
            all_up &= crash.restarted;
            if let Ok(mut crashes) = self.crashes.lock() {
                crashes.push(crash);
            }
        }
        all_up && processes.iter_mut().all(|p| matches!(p.child.try_wait(), Ok(None)))
    }

    /// After a test failed: whether the stack went down since `generation` (the failure may
    /// be the crash's) and is up again, so the test is worth running again.
    pub fn recovered_since(&self, generation: usize) -> bool {
        // A test can fail against a dying stack (a reset connection) a moment before its
        // wrangler's exit shows: give the exit two seconds to show before judging.
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let up = self.check();
            if self.generation() != generation || Instant::now() >= deadline {
                return up && self.generation() != generation;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A line for a failure message when the stack is down for good.
    pub fn down_note(&self) -> Option<String> {
        let crashes = self.crashes();
        let down = crashes.last().is_some_and(|c| !c.restarted);
        down.then(|| format!("the stack is down: wrangler exited {} time(s) this run and was not restarted again (reports above)", crashes.len()))
    }

    /// What happened to the stack during the run, when anything did.
    pub fn summary(&self) -> Option<String> {
        let crashes = self.crashes();
        if crashes.is_empty() {
            return None;
        }
        let reruns = self.reruns.lock().map(|r| r.clone()).unwrap_or_default();
        let mut text = format!("e2e harness: the stack's wrangler exited {} time(s) during this run:\n", crashes.len());
        for crash in &crashes {
            text.push_str(&format!("  - {} {} after {:.0?}; {}\n", crash.label, crash.status, crash.after, if crash.restarted { "restarted" } else { "not restarted" }));
        }
        if !reruns.is_empty() {
            text.push_str(&format!("  tests run again on the restarted stack: {}\n", reruns.join(", ")));
        }
        text.push_str(&format!("  logs kept under {}\n", post_mortem_root(&self.state_dir).display()));
        Some(text)
    }

    fn report(&self, process: &Process, status: &str) -> String {
        let log = tail(&self.log_path(&process.label), 40);
        let traced: Vec<&str> = log.lines().filter(|l| l.contains("Uncaught") || l.contains("ERROR") || l.contains("Error") || l.trim_start().starts_with("at ")).collect();
        let debug = newest_file(&self.debug_log_dir(&process.label)).map(|f| tail(&f, 25)).unwrap_or_else(|| "(none written)".to_string());
        format!(
            "\n!! e2e harness: the stack's wrangler ({label}) exited with {status} after {after:.1?} — every request to it fails until it is back.\n\
             !! what it printed last:\n{log}\n\
             !! errors and traces among that:\n{traced}\n\
             !! wrangler's debug log, last lines:\n{debug}\n",
            label = process.label,
            after = process.started.elapsed(),
            traced = if traced.is_empty() { "(none)".to_string() } else { traced.join("\n") },
        )
    }

    /// SIGKILLs a process's whole group, as a crash would (for the test of this supervisor).
    pub fn kill_for_test(&self, label: &str) -> bool {
        let processes = self.lock_processes();
        match processes.iter().find(|p| p.label == label) {
            Some(process) => {
                kill_group(process.child.id(), libc::SIGKILL);
                true
            }
            None => false,
        }
    }

    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        let mut processes = self.lock_processes();
        for process in processes.iter() {
            kill_group(process.child.id(), libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        for process in processes.iter_mut() {
            while Instant::now() < deadline {
                if let Ok(Some(_)) = process.child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            // Whatever is left in the group (wrangler or workerd) does not outlive the run.
            kill_group(process.child.id(), libc::SIGKILL);
            let _ = process.child.wait();
        }
        processes.clear();
    }

    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }
}

fn kill_group(pid: u32, signal: i32) {
    unsafe {
        libc::kill(-(pid as i32), signal);
    }
}

fn wait_ready(process: &mut Process, log: &Path) -> Result<(), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(5))).build().into();
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = process.child.try_wait() {
            return Err(format!("wrangler ({}) exited with {status}:\n{}", process.label, tail(log, 40)));
        }
        if let Ok(response) = agent.get(&process.ready_url).call() {
            if response.status().as_u16() == 200 {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    Err(format!("{} not ready after 120 s:\n{}", process.ready_url, tail(log, 40)))
}

/// The last `lines` lines of a file (read from its end: logs grow large).
pub fn tail(path: &Path, lines: usize) -> String {
    let Ok(mut file) = fs::File::open(path) else { return String::new() };
    let length = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(length.saturating_sub(64 * 1024)));
    let mut bytes = Vec::new();
    let _ = file.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes);
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The debug-log entries that carry an error's stack (`    at …` lines and the line before).
fn error_stack(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("at ") {
            if kept.is_empty() || !lines[index - 1].trim_start().starts_with("at ") {
                if let Some(previous) = index.checked_sub(1).map(|i| lines[i]) {
                    kept.push(previous);
                }
            }
            kept.push(line);
        }
    }
    kept[kept.len().saturating_sub(40)..].join("\n")
}

fn newest_file(dir: &Path) -> Option<PathBuf> {
    fs::read_dir(dir).ok()?.filter_map(Result::ok).filter(|e| e.path().is_file()).max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok()).map(|e| e.path())
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    fs::OpenOptions::new().append(true).open(path)?.write_all(text.as_bytes())
}

/// Crash logs outlive the state directory (removed at the end of a run) under
/// `target/e2e-crashes/`.
fn post_mortem_root(state_dir: &Path) -> PathBuf {
    state_dir.parent().and_then(Path::parent).unwrap_or(state_dir).join("e2e-crashes")
}

fn keep_for_post_mortem(state_dir: &Path, label: &str, number: usize, log: &Path, debug_log: Option<&Path>) {
    let run = state_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = post_mortem_root(state_dir).join(format!("{run}-{label}-{number}"));
    if fs::create_dir_all(&dir).is_err() {
        return;
    }
    let _ = fs::copy(log, dir.join(format!("{label}.log")));
    if let Some(debug) = debug_log {
        let _ = fs::copy(debug, dir.join("wrangler-debug.log"));
    }
}
