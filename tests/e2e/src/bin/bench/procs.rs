//! What the stack's processes cost, read from /proc: CPU time (to split a request's cost between
//! wrangler's proxy, the workers' runtime and the load generator) and resident memory.
//!
//! Each `wrangler dev` runs in its own process group: node (wrangler itself) and two `workerd`
//! processes — one holds wrangler's proxy worker and owns the public port, the other runs our
//! workers (and local D1/R2/Durable Objects). Every request crosses both.

use std::collections::BTreeMap;
use std::fs;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Process {
    pub pid: i32,
    /// `wrangler (node)`, `workerd (proxy, on the port)`, `workerd (workers)`, or the command name.
    pub role: String,
}

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: i32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may contain spaces: fields start after the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // After the name: state(0) ppid(1) pgrp(2) … utime(11) stime(12).
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

fn process_group(pid: i32) -> Option<i32> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.split_whitespace().nth(2)?.parse().ok()
}

fn command_name(pid: i32) -> String {
    fs::read_to_string(format!("/proc/{pid}/comm")).map(|c| c.trim().to_string()).unwrap_or_default()
}

pub fn rss_kib(pid: i32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| line.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next()).and_then(|v| v.parse().ok())
}

fn ticks_per_second() -> f64 {
    // SAFETY: sysconf has no preconditions; a failure answers -1, replaced by the usual 100.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 { ticks as f64 } else { 100.0 }
}

/// Socket inodes listening on `port` (IPv4 and IPv6).
fn listening_inodes(port: u16) -> Vec<String> {
    let wanted = format!("{port:04X}");
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|table| fs::read_to_string(table).ok())
        .flat_map(|text| {
            text.lines()
                .skip(1)
                .filter_map(|line| {
                    let columns: Vec<&str> = line.split_whitespace().collect();
                    let local_port = columns.get(1)?.rsplit_once(':')?.1;
                    // State 0A is LISTEN.
                    (local_port == wanted && *columns.get(3)? == "0A").then(|| columns.get(9).map(|inode| inode.to_string()))?
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn owns_any_socket(pid: i32, inodes: &[String]) -> bool {
    let Ok(entries) = fs::read_dir(format!("/proc/{pid}/fd")) else { return false };
    entries.flatten().filter_map(|entry| fs::read_link(entry.path()).ok()).any(|target| {
        let target = target.to_string_lossy();
        inodes.iter().any(|inode| target == format!("socket:[{inode}]"))
    })
}

/// One `wrangler dev`: its process group and the port it serves on. Its members are looked up
/// afresh each time: wrangler may replace its `workerd` (a reload) at any moment.
#[derive(Debug, Clone, Copy)]
pub struct Group {
    pub id: i32,
    pub port: Option<u16>,
}

impl Group {
    pub fn members(&self) -> Vec<Process> {
        members(self.id, self.port)
    }
}

/// The processes of a `wrangler dev` process group, each with its role; `port` is the one the
/// group serves on (its owner is wrangler's proxy).
pub fn members(group: i32, port: Option<u16>) -> Vec<Process> {
    let inodes = port.map(listening_inodes).unwrap_or_default();
    let Ok(entries) = fs::read_dir("/proc") else { return Vec::new() };
    let mut members: Vec<Process> = entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_string_lossy().parse::<i32>().ok())
        .filter(|pid| process_group(*pid) == Some(group))
        .map(|pid| {
            let name = command_name(pid);
            let role = match name.as_str() {
                "workerd" if owns_any_socket(pid, &inodes) => "workerd (wrangler's proxy, on the port)".to_string(),
                "workerd" => "workerd (the workers, D1, R2, Durable Objects)".to_string(),
                "node" | "MainThread" => "wrangler (node)".to_string(),
                "esbuild" => "esbuild (wrangler's bundler, watching)".to_string(),
                other => other.to_string(),
            };
            Process { pid, role }
        })
        .collect();
    members.sort_by_key(|p| p.pid);
    members
}

/// CPU time per role (and the bench process itself, "load generator"), to be subtracted.
#[derive(Debug, Clone, Default)]
pub struct CpuSnapshot {
    ticks: BTreeMap<String, u64>,
}

pub fn cpu_snapshot(processes: &[Process]) -> CpuSnapshot {
    let mut ticks = BTreeMap::new();
    for process in processes {
        *ticks.entry(process.role.clone()).or_insert(0) += cpu_ticks(process.pid).unwrap_or(0);
    }
    ticks.insert("load generator (this bench)".to_string(), cpu_ticks(std::process::id() as i32).unwrap_or(0));
    CpuSnapshot { ticks }
}

/// Percent of one core each role keeps busy with no traffic at all (wrangler's file watchers,
/// timers, the inspector), measured over `window`.
pub fn idle_use(group: Group, window: Duration) -> BTreeMap<String, f64> {
    let processes = group.members();
    let before = cpu_snapshot(&processes);
    std::thread::sleep(window);
    cpu_use(&before, &cpu_snapshot(&processes), 1, window, &BTreeMap::new()).into_iter().map(|(role, (_, percent))| (role, percent)).collect()
}

/// For each role between two snapshots: CPU milliseconds per request beyond what the role
/// spends idle (`idle`, percent of a core), and the share of one core it kept busy over
/// `elapsed` (percent, idle included; both cores saturated is 200 in all).
pub fn cpu_use(before: &CpuSnapshot, after: &CpuSnapshot, requests: usize, elapsed: Duration, idle: &BTreeMap<String, f64>) -> BTreeMap<String, (f64, f64)> {
    let per_tick_ms = 1000.0 / ticks_per_second();
    let elapsed_ms = (elapsed.as_secs_f64() * 1000.0).max(1.0);
    let round = |x: f64| (x * 100.0).round() / 100.0;
    after
        .ticks
        .iter()
        .map(|(role, end)| {
            let spent = end.saturating_sub(*before.ticks.get(role).unwrap_or(&0)) as f64 * per_tick_ms;
            let idle_ms = idle.get(role).copied().unwrap_or(0.0) / 100.0 * elapsed_ms;
            let per_request = (((spent - idle_ms).max(0.0) / requests.max(1) as f64) * 1000.0).round() / 1000.0;
            (role.clone(), (per_request, round(spent * 100.0 / elapsed_ms)))
        })
        .collect()
}

/// Samples the resident memory of `workerd` processes every 100 ms until stopped; answers each
/// process's peak and the peak of their sum.
pub struct RssSampler {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<(BTreeMap<String, u64>, u64)>>,
}

impl RssSampler {
    pub fn start(group: Group) -> RssSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let handle = std::thread::spawn(move || {
            let (mut peaks, mut peak_sum) = (BTreeMap::new(), 0u64);
            loop {
                let mut sum = 0;
                for process in group.members().iter().filter(|p| p.role.starts_with("workerd")) {
                    let rss = rss_kib(process.pid).unwrap_or(0);
                    sum += rss;
                    let peak = peaks.entry(process.role.clone()).or_insert(0u64);
                    *peak = (*peak).max(rss);
                }
                peak_sum = peak_sum.max(sum);
                if stopped.load(Ordering::Relaxed) {
                    return (peaks, peak_sum);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        RssSampler { stop, handle: Some(handle) }
    }

    pub fn finish(mut self) -> (BTreeMap<String, u64>, u64) {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.take().and_then(|h| h.join().ok()).unwrap_or_default()
    }
}

/// The current resident memory of each `workerd` process, by role, and their sum.
pub fn workerd_rss(group: Group) -> (BTreeMap<String, u64>, u64) {
    let mut by_role = BTreeMap::new();
    for process in group.members().iter().filter(|p| p.role.starts_with("workerd")) {
        *by_role.entry(process.role.clone()).or_insert(0) += rss_kib(process.pid).unwrap_or(0);
    }
    let sum = by_role.values().sum();
    (by_role, sum)
}

/// A shared error counter with the first few messages kept (for the report and the smoke).
#[derive(Clone, Default)]
pub struct Errors(Arc<Mutex<(usize, Vec<String>)>>);

impl Errors {
    pub fn record(&self, message: String) {
        let mut inner = self.0.lock().unwrap_or_else(|p| p.into_inner());
        inner.0 += 1;
        if inner.1.len() < 5 {
            inner.1.push(message);
        }
    }

    pub fn count(&self) -> usize {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).0
    }

    pub fn examples(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).1.clone()
    }
}
