//! The whole product, started for real: one `wrangler dev` running all four workers (api first,
//! so it owns the port), a fresh state directory with the migrations applied, and the fake LLM
//! as the model endpoint. Cron schedules are fired through the api's "run now" endpoint with
//! the scheduler token, which reaches the cron worker over its service binding.

use crate::fake_llm::FakeLlm;
use crate::supervisor::{self, Supervisor};
use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

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
/// The test stack's `DASHBOARD_READS_PER_MINUTE` (production: 120): the limit is tested with a
/// burst of this many reads, and 120 in a burst loaded the local toolchain more than the test
/// needs (every D1 query is relayed through wrangler's inspector).
pub const DASHBOARD_READS_PER_MINUTE: u32 = 20;
/// The local scheduler's credential in the test stack (`CRON_TRIGGER_TOKEN`).
pub const SCHEDULER_TOKEN: &str = "e2e-scheduler-token-e2e-scheduler-token";
/// The per-attempt model timeout in the test stack.
pub const LLM_TIMEOUT_MS: u64 = 1500;
/// The wall-clock budget of one streamed attempt in the test stack (`LLM_ATTEMPT_BUDGET_MS`):
/// well over the slowest scripted stream that must finish (about 4 s), short enough that a
/// runaway test takes seconds.
pub const LLM_ATTEMPT_BUDGET_MS: u64 = 10_000;
/// The one cross-origin caller the test stack allows (`CORS_ALLOWLIST`).
pub const PARTNER_ORIGIN: &str = "https://partner.e2e.test";

pub struct Stack {
    pub base_url: String,
    pub state_dir: PathBuf,
    pub llm: FakeLlm,
    root: PathBuf,
    supervisor: Arc<Supervisor>,
    watchdog: Option<std::thread::JoinHandle<()>>,
    /// Opt-in extra workers (see [`Stack::start_with`]): name and base URL.
    side_workers: Vec<(String, String)>,
}

/// The four workers' configs as `make dev` runs them, from the repository root: api first (only
/// the first config of a multi-config `wrangler dev` is reachable on the port).
const CONFIGS: [&str; 4] = [API_CONFIG, "workers/stream/wrangler.toml", "workers/queue-consumer/wrangler.toml", "workers/cron/wrangler.toml"];
/// The api's config, which also names the D1 migrations (for `wrangler d1 …` and `r2 …` calls).
const API_CONFIG: &str = "workers/api/wrangler.toml";

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

/// Where a worker's crate lives: the deployables under `workers/`, the bench-only floor worker
/// under `bench/`.
pub fn worker_dir(name: &str) -> PathBuf {
    let root = repo_root();
    let deployable = root.join("workers").join(name);
    if deployable.is_dir() {
        deployable
    } else {
        root.join("bench").join(name)
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// The four configs as the test stack runs them: copies in the state directory with absolute
/// paths, no `[build]` (the harness has built; no rebuilds mid-run), and the test settings in
/// every worker's `[vars]` (`--var` only reaches the first config of a multi-config dev, and a
/// developer's `.dev.vars` must not leak in: copies elsewhere have none beside them).
fn test_configs(root: &Path, state_dir: &Path, vars: &[String]) -> Result<Vec<String>, String> {
    CONFIGS
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

/// How a stack is started.
#[derive(Default)]
pub struct Options<'a> {
    /// Extra workers that only the bench runs (see [`Stack::start_with`]).
    pub side_workers: &'a [&'a str],
    /// A newcomer's first run: nothing listens at `OLLAMA_BASE_URL` and no OpenRouter key is set.
    pub no_model: bool,
    /// Another stack of this run has built the workers and the UI already.
    pub already_built: bool,
    /// Run the repository's own configs exactly as `make dev` does (serving `web/dist`, with
    /// their `[build]` sections and `.dev.vars`), on a state directory and port of its own.
    pub as_make_dev: bool,
}

impl Stack {
    pub fn start() -> Result<Stack, String> {
        Stack::start_with(&[])
    }

    /// The stack plus extra workers that only the bench runs (e.g. `floor`, the static-200
    /// worker): each `bench/<name>` is built and served by a `wrangler dev` of its own on its
    /// own port (see [`Stack::side_url`]). Not in the main process because wrangler 4's local dev
    /// serves only the first config on the port; the others are reachable only through service
    /// bindings, which would put the api (or another hop) in front of them.
    pub fn start_with(side_workers: &[&str]) -> Result<Stack, String> {
        Stack::start_configured(Options { side_workers, ..Options::default() })
    }

    /// A second, smaller stack beside the shared one, as a newcomer without a model runs it:
    /// its own state directory and port, Ollama's address answering nothing, no OpenRouter.
    pub fn start_without_model() -> Result<Stack, String> {
        Stack::start_configured(Options { no_model: true, already_built: true, ..Options::default() })
    }

    /// The product as `make dev` runs it (see [`Options::as_make_dev`]), beside the shared stack.
    pub fn start_as_make_dev() -> Result<Stack, String> {
        Stack::start_configured(Options { as_make_dev: true, already_built: true, ..Options::default() })
    }

    pub fn start_configured(options: Options<'_>) -> Result<Stack, String> {
        let root = repo_root();
        if !options.already_built {
            for worker in ["api", "stream", "cron", "queue-consumer"] {
                run(&root, "bash", &["scripts/build-worker.sh", worker])?;
            }
            run(&root, "bash", &["scripts/build-web.sh"])?;
        }

        static STACKS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let number = STACKS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let name = if number == 0 { format!("run-{}", std::process::id()) } else { format!("run-{}-{number}", std::process::id()) };
        let state_dir = root.join("target/e2e-state").join(name);
        let _ = fs::remove_dir_all(&state_dir);
        fs::create_dir_all(&state_dir).map_err(|e| e.to_string())?;
        let state = state_dir.to_string_lossy().to_string();
        let wrangler = root.join("node_modules/.bin/wrangler").to_string_lossy().to_string();
        run(&root, &wrangler, &["d1", "migrations", "apply", "DB", "--local", "--persist-to", &state, "-c", API_CONFIG])?;

        let llm = FakeLlm::start().map_err(|e| e.to_string())?;
        let port = free_port();
        let mut vars = vec![
            "JWT_SECRET:e2e-secret-e2e-secret-e2e-secret-0123".to_string(),
            format!("ADMIN_EMAILS:{FORMER_ADMIN_EMAIL}"),
            format!("ADMIN_BOOTSTRAP_TOKEN:{BOOTSTRAP_TOKEN}"),
            format!("SIGNUP_LIMIT_PER_HOUR:{SIGNUP_LIMIT_PER_HOUR}"),
            format!("DASHBOARD_READS_PER_MINUTE:{DASHBOARD_READS_PER_MINUTE}"),
            format!("CORS_ALLOWLIST:{PARTNER_ORIGIN}"),
            format!("CRON_TRIGGER_TOKEN:{SCHEDULER_TOKEN}"),
            // Short, so that hang → timeout → next tier tests take seconds, not minutes.
            format!("LLM_TIMEOUT_MS:{LLM_TIMEOUT_MS}"),
            format!("LLM_ATTEMPT_BUDGET_MS:{LLM_ATTEMPT_BUDGET_MS}"),
            "SSE_HEARTBEAT_MS:200".to_string(),
            // Six tests run at once, each with its own users: room for them all at the model
            // gate (two slots per user, as in production).
            "MODEL_GATE_SLOTS:6".to_string(),
        ];
        if options.no_model {
            // A port nothing listens on (taken and released): connections are refused at once.
            vars.push(format!("OLLAMA_BASE_URL:http://127.0.0.1:{}", free_port()));
        } else {
            vars.extend(["OPENROUTER_API_KEY:sk-e2e-fake-key".to_string(), format!("OLLAMA_BASE_URL:{}", llm.ollama_url()), format!("OPENROUTER_BASE_URL:{}", llm.openrouter_url())]);
        }
        // Each stack runs in a directory of its own (its configs name every path absolutely):
        // wrangler keeps its bundles in `<cwd>/.wrangler/tmp` and clears that folder as it exits,
        // so a second stack sharing the repository root as its working directory made the
        // first one reload mid-request when it stopped ("Your worker restarted mid-request").
        // The stack run as `make dev` runs it needs the root (its configs are relative).
        let cwd = if options.as_make_dev { root.clone() } else { state_dir.clone() };
        let supervisor = Arc::new(Supervisor::new(&cwd, &state_dir, &wrangler));
        let base_url = format!("http://127.0.0.1:{port}");
        let configs = if options.as_make_dev {
            CONFIGS.map(String::from).to_vec()
        } else {
            test_configs(&root, &state_dir, &vars)?
        };
        let mut args = vec!["dev".to_string()];
        args.extend(configs.iter().flat_map(|c| ["-c".to_string(), c.clone()]));
        args.extend(dev_args(&state_dir, port));
        supervisor.start("main", args, &format!("{base_url}/api/health"))?;
        let mut stack = Stack { base_url, state_dir, llm, root, supervisor: Arc::clone(&supervisor), watchdog: None, side_workers: Vec::new() };
        for name in options.side_workers {
            stack.start_side_worker(name)?;
        }
        stack.watchdog = Some(watch(supervisor));
        Ok(stack)
    }

    fn start_side_worker(&mut self, name: &str) -> Result<(), String> {
        run(&self.root, "bash", &["scripts/build-worker.sh", name])?;
        let source = worker_dir(name).join("wrangler.toml");
        let text = fs::read_to_string(&source).map_err(|e| format!("{}: {e}", source.display()))?;
        let mut config: toml::Table = text.parse().map_err(|e| format!("{}: {e}", source.display()))?;
        // The same treatment as the main configs: absolute paths, no rebuilds mid-run.
        let main = config.get("main").and_then(toml::Value::as_str).unwrap_or("build/index.js").to_string();
        let main = worker_dir(name).join(main);
        config.insert("main".into(), toml::Value::String(main.to_string_lossy().into_owned()));
        config.remove("build");
        let copy = self.state_dir.join(format!("wrangler-{name}.toml"));
        fs::write(&copy, toml::to_string(&config).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        let port = free_port();
        let mut args = vec!["dev".to_string(), "-c".to_string(), copy.to_string_lossy().into_owned()];
        args.extend(dev_args(&self.state_dir, port));
        let url = format!("http://127.0.0.1:{port}");
        self.supervisor.start(name, args, &format!("{url}/"))?;
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
        self.supervisor.process_groups()
    }

    /// The supervisor of the stack's processes: crashes seen, restarts, the run's summary.
    pub fn supervisor(&self) -> &Supervisor {
        &self.supervisor
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
        supervisor::tail(&self.supervisor.log_path(label), 40)
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
        run(&self.root, &wrangler, &["d1", "migrations", "apply", "DB", "--local", "--persist-to", &state, "-c", API_CONFIG])?;
        let port = free_port();
        // Not watched: it lives for this one call. Its first 200 is the scheduled event firing.
        let cron = Supervisor::new(&self.root, &dir, &wrangler);
        let url = format!("http://127.0.0.1:{port}/cdn-cgi/handler/scheduled?cron={}&time={time_ms}", schedule.replace(' ', "+"));
        let mut args: Vec<String> = ["dev", "-c", "workers/cron/wrangler.toml", "--test-scheduled", "--var", &format!("CRON_TRIGGER_TOKEN:{SCHEDULER_TOKEN}")].map(String::from).to_vec();
        args.extend(dev_args(&dir, port));
        let fired = cron.start("cron", args, &url).map_err(|e| format!("the scheduled handler never answered: {e}"));
        cron.stop();
        fired?;
        let output = Command::new(&wrangler)
            .args(["d1", "execute", "DB", "--local", "--json", "-c", API_CONFIG, "--persist-to", &state, "--command", "SELECT job_name, run_key, status, trigger FROM job_runs"])
            .current_dir(&self.root)
            .env("WRANGLER_SEND_METRICS", "false")
            .output()
            .map_err(|e| e.to_string())?;
        let _ = fs::remove_dir_all(&dir);
        serde_json::from_slice(&output.stdout).map_err(|e| format!("d1 execute output: {e}: {}", String::from_utf8_lossy(&output.stdout)))
    }

    /// Whether the local R2 bucket holds `key`, read from a second process (exclusive tests
    /// only, like [`Stack::d1_execute`]).
    pub fn r2_object_exists(&self, key: &str) -> Result<bool, String> {
        let wrangler = self.root.join("node_modules/.bin/wrangler");
        let target = self.state_dir.join("r2-object");
        let output = Command::new(wrangler)
            .args(["r2", "object", "get", &format!("blueprint-outputs/{key}"), "--local", "-c", API_CONFIG, "--persist-to"])
            .arg(&self.state_dir)
            .arg("--file")
            .arg(&target)
            .current_dir(&self.root)
            .env("WRANGLER_SEND_METRICS", "false")
            .output()
            .map_err(|e| e.to_string())?;
        let _ = fs::remove_file(&target);
        let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        match output.status.success() {
            true => Ok(true),
            false if said.contains("does not exist") || said.contains("not found") || said.contains("NoSuchKey") => Ok(false),
            false => Err(format!("r2 object get failed: {said}")),
        }
    }

    /// Runs SQL against the local D1 database from a second process (test set-up only;
    /// assertions go through the API). Only for exclusive tests: a second writer on the SQLite
    /// file makes concurrent writes in the stack fail with "database is locked".
    pub fn d1_execute(&self, sql: &str) -> Result<serde_json::Value, String> {
        let wrangler = self.root.join("node_modules/.bin/wrangler");
        let output = Command::new(wrangler)
            .args(["d1", "execute", "DB", "--local", "--json", "-c", API_CONFIG, "--persist-to"])
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
        self.supervisor.stop();
        if let Some(watchdog) = self.watchdog.take() {
            let _ = watchdog.join();
        }
    }
}

/// The options of every `wrangler dev` the harness runs, after `dev` and its configs. No inspector is
/// asked for: nothing here attaches a debugger, and a fixed port would collide between runs.
fn dev_args(state_dir: &Path, port: u16) -> Vec<String> {
    let state = state_dir.to_string_lossy().into_owned();
    ["--ip", "127.0.0.1", "--port", &port.to_string(), "--inspector-port", &free_port().to_string(), "--persist-to", &state, "--show-interactive-dev-session=false", "--log-level", "log"]
        .map(String::from)
        .to_vec()
}

/// Checks the stack's processes every quarter second until it stops, so a crash is reported
/// when it happens (and restarted), not when the next test trips over it.
fn watch(supervisor: Arc<Supervisor>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !supervisor.is_stopping() {
            supervisor.check();
            std::thread::sleep(Duration::from_millis(250));
        }
    })
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.stop();
        if std::env::var_os("E2E_KEEP_STATE").is_none() {
            let _ = fs::remove_dir_all(&self.state_dir);
        }
    }
}
