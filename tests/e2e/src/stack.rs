//! The whole product, started for real: one `wrangler dev` running all four workers (api first,
//! so it owns the port), a fresh state directory with the migrations applied, and the fake LLM
//! as the model endpoint. Cron schedules are fired through the api's "run now" endpoint with
//! the scheduler token, which reaches the cron worker over its service binding.

use crate::fake_llm::FakeLlm;
use std::fs;
use std::io::Read;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The suite's admin: signed up and made an admin with [`BOOTSTRAP_TOKEN`] once per run.
pub const ADMIN_EMAIL: &str = "admin@e2e.test";
pub const ADMIN_PASSWORD: &str = "admin password for tests";
/// Listed in `ADMIN_EMAILS`, which the stack still sets although the api no longer reads it (an
/// old deployment's leftover): a sign-up with it must get no privilege (security review, issue 17).
pub const FORMER_ADMIN_EMAIL: &str = "former-admin@e2e.test";
/// The test stack's `ADMIN_BOOTSTRAP_TOKEN`: a signed-in user who presents it becomes an admin.
pub const BOOTSTRAP_TOKEN: &str = "e2e-bootstrap-token-e2e-bootstrap-token-0123";
/// The test stack's `SIGNUP_LIMIT_PER_HOUR`: sign-up attempts per client network. Above what the
/// whole suite (about 150 sign-ups from 127.0.0.1) and the bench need, low enough that a test
/// can reach it from a network of its own in a second or two.
pub const SIGNUP_LIMIT_PER_HOUR: u32 = 300;
/// The local scheduler's credential in the test stack (`CRON_TRIGGER_TOKEN`).
pub const SCHEDULER_TOKEN: &str = "e2e-scheduler-token-e2e-scheduler-token";
/// The per-attempt model timeout in the test stack.
pub const LLM_TIMEOUT_MS: u64 = 1500;
/// The one cross-origin caller the test stack allows (`CORS_ALLOWLIST`).
pub const PARTNER_ORIGIN: &str = "https://partner.e2e.test";

pub struct Stack {
    pub base_url: String,
    pub state_dir: PathBuf,
    pub llm: FakeLlm,
    root: PathBuf,
    processes: Vec<(String, Child)>,
    /// Opt-in extra workers (see [`Stack::start_with`]): name and base URL.
    side_workers: Vec<(String, String)>,
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// The four configs as the test stack runs them: copies in the state directory with absolute
/// paths, no `[build]` (the harness has built; no rebuilds mid-run), and the test settings in
/// every worker's `[vars]` (`--var` only reaches the first config of a multi-config dev, and a
/// developer's `.dev.vars` must not leak in: copies elsewhere have none beside them).
fn test_configs(root: &Path, state_dir: &Path, vars: &[String]) -> Result<Vec<String>, String> {
    let sources = ["wrangler.toml", "workers/stream/wrangler.toml", "workers/queue-consumer/wrangler.toml", "workers/cron/wrangler.toml"];
    sources
        .iter()
        .enumerate()
        .map(|(index, source)| {
            let path = root.join(source);
            let dir = path.parent().ok_or("config without a directory")?.to_path_buf();
            let text = fs::read_to_string(&path).map_err(|e| format!("{source}: {e}"))?;
            let mut config: toml::Table = text.parse().map_err(|e| format!("{source}: {e}"))?;
            let absolute = |relative: &toml::Value| toml::Value::String(dir.join(relative.as_str().unwrap_or_default()).to_string_lossy().into_owned());
            if let Some(main) = config.get("main") {
                config.insert("main".into(), absolute(main));
            }
            if let Some(toml::Value::Table(assets)) = config.get_mut("assets") {
                if let Some(directory) = assets.get("directory") {
                    // A snapshot of the built UI: wrangler reloads its workers (stalling requests
                    // for most of a second) whenever the assets directory changes, and every
                    // `scripts/build-web.sh` (another test run's, a developer's) rewrites web/dist.
                    let snapshot = state_dir.join("assets");
                    let source = dir.join(directory.as_str().unwrap_or_default());
                    copy_dir(&source, &snapshot).map_err(|e| format!("copying {}: {e}", source.display()))?;
                    assets.insert("directory".into(), toml::Value::String(snapshot.to_string_lossy().into_owned()));
                }
            }
            if let Some(toml::Value::Array(databases)) = config.get_mut("d1_databases") {
                for database in databases.iter_mut().filter_map(toml::Value::as_table_mut) {
                    if let Some(migrations) = database.get("migrations_dir") {
                        let migrations = absolute(migrations);
                        database.insert("migrations_dir".into(), migrations);
                    }
                }
            }
            config.remove("build");
            let table = config.entry("vars").or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let toml::Value::Table(table) = table {
                for var in vars {
                    if let Some((name, value)) = var.split_once(':') {
                        table.insert(name.to_string(), toml::Value::String(value.to_string()));
                    }
                }
            }
            let out = state_dir.join(format!("wrangler-{index}.toml"));
            fs::write(&out, toml::to_string(&config).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
            Ok(out.to_string_lossy().into_owned())
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

fn run(root: &Path, program: &str, args: &[&str]) -> Result<(), String> {
    let output = Command::new(program).args(args).current_dir(root).env("WRANGLER_SEND_METRICS", "false").output().map_err(|e| format!("{program}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("{program} {args:?} failed:\n{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
    }
}

impl Stack {
    pub fn start() -> Result<Stack, String> {
        Stack::start_with(&[])
    }

    /// The stack plus extra workers that only the bench runs (e.g. `floor`, the static-200
    /// worker): each `workers/<name>` is built and served by a `wrangler dev` of its own on its
    /// own port (see [`Stack::side_url`]). Not in the main process because wrangler 4's local dev
    /// serves only the first config on the port; the others are reachable only through service
    /// bindings, which would put the api (or another hop) in front of them.
    pub fn start_with(side_workers: &[&str]) -> Result<Stack, String> {
        let root = repo_root();
        for worker in ["api", "stream", "cron", "queue-consumer"] {
            run(&root, "bash", &["scripts/build-worker.sh", worker])?;
        }
        run(&root, "bash", &["scripts/build-web.sh"])?;

        let state_dir = root.join("target/e2e-state").join(format!("run-{}", std::process::id()));
        let _ = fs::remove_dir_all(&state_dir);
        fs::create_dir_all(&state_dir).map_err(|e| e.to_string())?;
        let state = state_dir.to_string_lossy().to_string();
        let wrangler = root.join("node_modules/.bin/wrangler").to_string_lossy().to_string();
        run(&root, &wrangler, &["d1", "migrations", "apply", "DB", "--local", "--persist-to", &state, "-c", "wrangler.toml"])?;

        let llm = FakeLlm::start().map_err(|e| e.to_string())?;
        let port = free_port();
        let vars = [
            "JWT_SECRET:e2e-secret-e2e-secret-e2e-secret-0123".to_string(),
            format!("ADMIN_EMAILS:{FORMER_ADMIN_EMAIL}"),
            format!("ADMIN_BOOTSTRAP_TOKEN:{BOOTSTRAP_TOKEN}"),
            format!("SIGNUP_LIMIT_PER_HOUR:{SIGNUP_LIMIT_PER_HOUR}"),
            format!("CORS_ALLOWLIST:{PARTNER_ORIGIN}"),
            format!("CRON_TRIGGER_TOKEN:{SCHEDULER_TOKEN}"),
            "OPENROUTER_API_KEY:sk-e2e-fake-key".to_string(),
            // Short, so that hang → timeout → next tier tests take seconds, not minutes.
            format!("LLM_TIMEOUT_MS:{LLM_TIMEOUT_MS}"),
            "SSE_HEARTBEAT_MS:200".to_string(),
            format!("OLLAMA_BASE_URL:{}", llm.ollama_url()),
            format!("OPENROUTER_BASE_URL:{}", llm.openrouter_url()),
        ];
        let mut stack = Stack {
            base_url: format!("http://127.0.0.1:{port}"),
            state_dir: state_dir.clone(),
            llm,
            root: root.clone(),
            processes: Vec::new(),
            side_workers: Vec::new(),
        };
        let configs = test_configs(&root, &state_dir, &vars)?;
        let configs: Vec<&str> = configs.iter().flat_map(|c| ["-c", c.as_str()]).collect();
        stack.spawn("main", &wrangler, &configs, port, &[])?;
        stack.wait_ready(&format!("{}/api/health", stack.base_url))?;
        for name in side_workers {
            stack.start_side_worker(name, &wrangler)?;
        }
        Ok(stack)
    }

    fn start_side_worker(&mut self, name: &str, wrangler: &str) -> Result<(), String> {
        run(&self.root, "bash", &["scripts/build-worker.sh", name])?;
        let source = self.root.join("workers").join(name).join("wrangler.toml");
        let text = fs::read_to_string(&source).map_err(|e| format!("{}: {e}", source.display()))?;
        let mut config: toml::Table = text.parse().map_err(|e| format!("{}: {e}", source.display()))?;
        // The same treatment as the main configs: absolute paths, no rebuilds mid-run.
        let main = config.get("main").and_then(toml::Value::as_str).unwrap_or("build/index.js").to_string();
        let main = self.root.join("workers").join(name).join(main);
        config.insert("main".into(), toml::Value::String(main.to_string_lossy().into_owned()));
        config.remove("build");
        let copy = self.state_dir.join(format!("wrangler-{name}.toml"));
        fs::write(&copy, toml::to_string(&config).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        let port = free_port();
        let copy = copy.to_string_lossy().into_owned();
        self.spawn(name, wrangler, &["-c", &copy], port, &[])?;
        let url = format!("http://127.0.0.1:{port}");
        self.wait_ready(&format!("{url}/"))?;
        self.side_workers.push((name.to_string(), url));
        Ok(())
    }

    /// The base URL of an extra worker started by [`Stack::start_with`].
    pub fn side_url(&self, name: &str) -> Option<&str> {
        self.side_workers.iter().find(|(n, _)| n == name).map(|(_, url)| url.as_str())
    }

    /// Each `wrangler dev` this stack runs, by label, with its process group id: the group holds
    /// wrangler and its `workerd` children (the bench reads their memory and CPU from /proc).
    pub fn process_groups(&self) -> Vec<(String, i32)> {
        self.processes.iter().map(|(label, child)| (label.clone(), child.id() as i32)).collect()
    }

    fn spawn(&mut self, label: &str, wrangler: &str, configs: &[&str], port: u16, vars: &[String]) -> Result<(), String> {
        let log = fs::File::create(self.state_dir.join(format!("{label}.log"))).map_err(|e| e.to_string())?;
        let state = self.state_dir.to_string_lossy().to_string();
        let (port, inspector) = (port.to_string(), free_port().to_string());
        let mut command = Command::new(wrangler);
        command
            .arg("dev")
            .args(configs)
            .args(["--ip", "127.0.0.1", "--port", &port, "--inspector-port", &inspector, "--persist-to", &state])
            .args(["--show-interactive-dev-session=false", "--log-level", "log"])
            .current_dir(&self.root)
            .env("WRANGLER_SEND_METRICS", "false")
            .env("CI", "true")
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log);
        for var in vars {
            command.arg("--var").arg(var);
        }
        // Its own process group, so tear-down reaches wrangler's workerd children too; and
        // SIGTERM from the kernel if this test process dies without tearing down.
        command.process_group(0);
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
        let child = command.spawn().map_err(|e| format!("starting wrangler: {e}"))?;
        self.processes.push((label.to_string(), child));
        Ok(())
    }

    fn wait_ready(&mut self, url: &str) -> Result<(), String> {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(5))).build().into();
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            let exited = self.processes.iter_mut().find_map(|(label, child)| match child.try_wait() {
                Ok(Some(status)) => Some((label.clone(), status)),
                _ => None,
            });
            if let Some((label, status)) = exited {
                return Err(format!("wrangler ({label}) exited with {status}:\n{}", self.log_tail(&label)));
            }
            if let Ok(response) = agent.get(url).call() {
                if response.status().as_u16() == 200 {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        Err(format!("{url} not ready after 120 s:\n{}", self.log_tail("main")))
    }

    /// The workers' JSON log lines (as wrangler prints them) that contain `needle`, parsed.
    pub fn log_events_containing(&self, needle: &str) -> Vec<serde_json::Value> {
        let text = fs::read_to_string(self.state_dir.join("main.log")).unwrap_or_default();
        text.lines()
            .filter(|line| line.contains(needle))
            .filter_map(|line| {
                // wrangler prefixes the worker's name or a level and may wrap it in colour codes.
                let (start, end) = (line.find('{')?, line.rfind('}')?);
                serde_json::from_str(line.get(start..=end)?).ok()
            })
            .collect()
    }

    /// The last lines of a process's log (for failure messages).
    pub fn log_tail(&self, label: &str) -> String {
        let mut text = String::new();
        if let Ok(mut file) = fs::File::open(self.state_dir.join(format!("{label}.log"))) {
            let _ = file.read_to_string(&mut text);
        }
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// Runs a cron schedule's jobs as if Cloudflare fired it at `time_ms`; answers the outcomes.
    pub fn trigger_cron(&self, cron: &str, time_ms: i64) -> Result<serde_json::Value, String> {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut response = agent
            .post(&format!("{}/api/admin/cron/run", self.base_url))
            .header("authorization", &format!("Bearer {SCHEDULER_TOKEN}"))
            .header("content-type", "application/json")
            .send(serde_json::json!({ "cron": cron, "scheduledTime": time_ms }).to_string())
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().map_err(|e| e.to_string())?;
        match status {
            200 => serde_json::from_str(&body).map_err(|e| e.to_string()),
            _ => Err(format!("cron run answered {status}: {body}\n{}", self.log_tail("main"))),
        }
    }

    /// Fires the cron worker's real `scheduled` entry point, as Cloudflare does: a cron-only
    /// `wrangler dev --test-scheduled` on a state directory of its own (so it never writes the
    /// main stack's database), `/cdn-cgi/handler/scheduled?cron=…&time=…`, then reads that
    /// database's `job_runs`.
    pub fn fire_scheduled_event(&self, schedule: &str, time_ms: i64) -> Result<serde_json::Value, String> {
        let dir = self.state_dir.join("cron-alone");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let state = dir.to_string_lossy().to_string();
        let wrangler = self.root.join("node_modules/.bin/wrangler").to_string_lossy().to_string();
        run(&self.root, &wrangler, &["d1", "migrations", "apply", "DB", "--local", "--persist-to", &state, "-c", "wrangler.toml"])?;
        let port = free_port();
        let mut cron = Stack { base_url: format!("http://127.0.0.1:{port}"), state_dir: dir.clone(), llm: self.llm.clone(), root: self.root.clone(), processes: Vec::new(), side_workers: Vec::new() };
        let vars = [format!("CRON_TRIGGER_TOKEN:{SCHEDULER_TOKEN}")];
        cron.spawn("cron", &wrangler, &["-c", "workers/cron/wrangler.toml", "--test-scheduled"], port, &vars)?;
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(30))).build().into();
        let url = format!("{}/cdn-cgi/handler/scheduled?cron={}&time={time_ms}", cron.base_url, schedule.replace(' ', "+"));
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            match agent.get(&url).call() {
                Ok(response) if response.status().as_u16() == 200 => break,
                _ if Instant::now() > deadline => return Err(format!("the scheduled handler never answered:\n{}", cron.log_tail("cron"))),
                _ => std::thread::sleep(Duration::from_millis(250)),
            }
        }
        cron.stop();
        let output = Command::new(&wrangler)
            .args(["d1", "execute", "DB", "--local", "--json", "-c", "wrangler.toml", "--persist-to", &state, "--command", "SELECT job_name, run_key, status, trigger FROM job_runs"])
            .current_dir(&self.root)
            .env("WRANGLER_SEND_METRICS", "false")
            .output()
            .map_err(|e| e.to_string())?;
        let _ = fs::remove_dir_all(&dir);
        serde_json::from_slice(&output.stdout).map_err(|e| format!("d1 execute output: {e}: {}", String::from_utf8_lossy(&output.stdout)))
    }

    /// Runs SQL against the local D1 database from a second process (test set-up only;
    /// assertions go through the API). Only for exclusive tests: a second writer on the SQLite
    /// file makes concurrent writes in the stack fail with "database is locked".
    pub fn d1_execute(&self, sql: &str) -> Result<serde_json::Value, String> {
        let wrangler = self.root.join("node_modules/.bin/wrangler");
        let output = Command::new(wrangler)
            .args(["d1", "execute", "DB", "--local", "--json", "-c", "wrangler.toml", "--persist-to"])
            .arg(&self.state_dir)
            .args(["--command", sql])
            .current_dir(&self.root)
            .env("WRANGLER_SEND_METRICS", "false")
            .output()
            .map_err(|e| e.to_string())?;
        if !output.status.success() {
            return Err(format!("d1 execute failed: {}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)));
        }
        serde_json::from_slice(&output.stdout).map_err(|e| format!("d1 execute output: {e}: {}", String::from_utf8_lossy(&output.stdout)))
    }

    fn stop(&mut self) {
        for (_, child) in self.processes.iter() {
            unsafe {
                libc::kill(-(child.id() as i32), libc::SIGTERM);
            }
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        for (_, child) in self.processes.iter_mut() {
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            // Whatever is left in the group (wrangler or workerd) does not outlive the run.
            unsafe {
                libc::kill(-(child.id() as i32), libc::SIGKILL);
            }
            let _ = child.wait();
        }
        self.processes.clear();
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.stop();
        if std::env::var_os("E2E_KEEP_STATE").is_none() {
            let _ = fs::remove_dir_all(&self.state_dir);
        }
    }
}
