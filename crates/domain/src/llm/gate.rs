//! The model gate: one fair gate in front of every model call (questions, dynamic questions,
//! blueprint generations), shared by every user of the deployment.
//!
//! - At most `slots` model calls run at once, globally; one user holds at most `per_user` of
//!   them, so one account can never hold every slot.
//! - Who gets the next free slot ([`next_in_line`]): the waiting user with the fewest calls in
//!   flight; among equals, the one whose request has waited longest. A user who floods the gate
//!   therefore waits behind everyone else's first request, instead of in front of it.
//! - A waiter is told its place in line and when to ask again; one that stops asking (its
//!   caller died) is dropped after `ticket_ttl_ms`. A waiter that has waited past its own
//!   deadline is refused (503 with `Retry-After`), and so is a new one when the line is full
//!   (503) or the user already has `max_waiting_per_user` requests waiting (429).
//! - A granted slot is a lease: the holder renews it while its call runs and releases it when
//!   the call ends, however it ends; a lease that is neither renewed nor released expires after
//!   `lease_ttl_ms` (a grant the waiter never collected, after `ticket_ttl_ms`), so a crashed
//!   holder blocks nobody for long; and no lease is renewed past `max_hold_ms` (15 minutes).
//!
//! Everything here is pure: the Durable Object that keeps [`GateState`] only stores it.

use crate::platform::error::{AppError, ErrorKind};
use serde::{Deserialize, Serialize};

/// The gate's numbers. `slots` and `per_user` come from configuration
/// (`MODEL_GATE_SLOTS`, `MODEL_GATE_SLOTS_PER_USER`); the rest are fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GateRules {
    pub slots: usize,
    pub per_user: usize,
    /// Requests waiting at once, all users together; a new one past this is 503.
    pub max_waiting: usize,
    /// Requests of one user waiting at once; a new one past this is 429.
    pub max_waiting_per_user: usize,
    /// A lease not renewed for this long is free again.
    pub lease_ttl_ms: i64,
    /// A waiter that has not asked for this long is dropped (also: a grant not collected).
    pub ticket_ttl_ms: i64,
    /// No call holds a slot longer, renewed or not (a holder stuck without ending its call
    /// cannot keep renewing forever): past it a renewal is refused and the slot freed.
    pub max_hold_ms: i64,
}

impl GateRules {
    pub const DEFAULT_SLOTS: usize = 3;
    pub const DEFAULT_PER_USER: usize = 2;

    /// The rules from the configured numbers (unset or invalid values take the defaults; the
    /// per-user share is at least 1 and never above the slots).
    pub fn configured(slots: Option<&str>, per_user: Option<&str>) -> Self {
        let number = |value: Option<&str>| value.and_then(|v| v.trim().parse::<usize>().ok()).filter(|n| (1..=1_000).contains(n));
        let slots = number(slots).unwrap_or(Self::DEFAULT_SLOTS);
        let per_user = number(per_user).unwrap_or(Self::DEFAULT_PER_USER).min(slots);
        GateRules { slots, per_user, max_waiting: (slots * 16).max(48), max_waiting_per_user: 8, lease_ttl_ms: 60_000, ticket_ttl_ms: 10_000, max_hold_ms: 15 * 60_000 }
    }

    /// How often a holder renews its lease.
    pub fn renew_every_ms(&self) -> i64 {
        (self.lease_ttl_ms / 4).max(1)
    }
}

impl Default for GateRules {
    fn default() -> Self {
        GateRules::configured(None, None)
    }
}

/// A granted slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lease {
    pub id: String,
    pub user: String,
    pub granted_at: i64,
    pub expires_at: i64,
    /// The waiter has collected its grant (until then it expires after `ticket_ttl_ms`).
    pub collected: bool,
}

/// A request waiting for a slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    pub id: String,
    pub user: String,
    /// Arrival order.
    pub seq: u64,
    /// Past this instant it is refused rather than served.
    pub deadline: i64,
    /// When its holder last asked.
    pub seen_at: i64,
}

/// Everything the gate remembers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GateState {
    pub leases: Vec<Lease>,
    pub waiting: Vec<Ticket>,
    pub next_seq: u64,
    /// A running average of how long a call holds its slot (for `Retry-After`).
    pub average_call_ms: i64,
}

impl Default for GateState {
    fn default() -> Self {
        GateState { leases: Vec::new(), waiting: Vec::new(), next_seq: 0, average_call_ms: INITIAL_AVERAGE_CALL_MS }
    }
}

const INITIAL_AVERAGE_CALL_MS: i64 = 20_000;

/// What a caller asks the gate. Ids are chosen by the caller (random), so the rule stays pure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum GateCommand {
    /// Would a request of this user be let into the line now? Changes nothing.
    #[serde(rename_all = "camelCase")]
    Admit { user: String },
    /// Join the line (or take a free slot at once), waiting at most `max_wait_ms`.
    #[serde(rename_all = "camelCase")]
    Enqueue { id: String, user: String, max_wait_ms: i64 },
    /// Still waiting: is it my turn?
    Poll { id: String },
    /// The call is still running: keep my slot.
    Renew { id: String },
    /// The call ended (or the waiter gave up): free the slot or leave the line.
    Release { id: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum GateReply {
    /// The slot is yours until `expiresAt`; renew every `renewEveryMs`.
    #[serde(rename_all = "camelCase")]
    Granted { expires_at: i64, renew_every_ms: i64 },
    /// `position` (1 = next) in the order slots are given out; ask again in `pollMs`.
    #[serde(rename_all = "camelCase")]
    Waiting { position: usize, poll_ms: i64 },
    /// `Admit`: there is room in the line.
    Admitted,
    /// Not let in, or waited too long: `status` 429 or 503.
    #[serde(rename_all = "camelCase")]
    Refused { status: u16, message: String, retry_after_secs: u64 },
    #[serde(rename_all = "camelCase")]
    Renewed { expires_at: i64 },
    Released,
    /// The gate holds nothing under that id (expired, or never there).
    Unknown,
}

impl GateReply {
    /// A refusal as the error the caller answers with (`Retry-After` set).
    pub fn refusal(&self) -> Option<AppError> {
        match self {
            GateReply::Refused { status, message, retry_after_secs } => {
                let kind = if *status == 429 { ErrorKind::TooManyRequests } else { ErrorKind::Unavailable };
                let mut error = AppError::new(kind, message.clone()).with_details(format!("Try again in {retry_after_secs} s"));
                error.retry_after = Some((*retry_after_secs).max(1));
                Some(error)
            }
            _ => None,
        }
    }
}

pub const LINE_FULL: &str = "The AI model is busy with other requests; try again shortly";
pub const TOO_MANY_OF_YOURS: &str = "Too many of your AI requests are waiting; try again when some have finished";
pub const WAITED_TOO_LONG: &str = "The AI model stayed busy for too long; try again shortly";

/// The fairness rule: which waiting ticket gets the next free slot, if any may have one.
/// Among tickets still within their deadline whose user holds fewer than `per_user` slots: the
/// user with the fewest slots held, then the longest-waiting ticket.
pub fn next_in_line(waiting: &[Ticket], leases: &[Lease], per_user: usize, now: i64) -> Option<usize> {
    let held = |user: &str| leases.iter().filter(|lease| lease.user == user).count();
    waiting
        .iter()
        .enumerate()
        .filter(|(_, ticket)| ticket.deadline > now && held(&ticket.user) < per_user)
        .min_by_key(|(_, ticket)| (held(&ticket.user), ticket.seq))
        .map(|(index, _)| index)
}

/// The order the waiting tickets would be served in if slots kept freeing up (each grant
/// counting as one more slot held by its user): the ids, first served first.
pub fn service_order(waiting: &[Ticket], leases: &[Lease]) -> Vec<String> {
    let mut held: Vec<(String, usize)> = Vec::new();
    let count = |held: &[(String, usize)], user: &str| held.iter().find(|(u, _)| u == user).map_or(0, |(_, n)| *n);
    for lease in leases {
        match held.iter_mut().find(|(u, _)| *u == lease.user) {
            Some((_, n)) => *n += 1,
            None => held.push((lease.user.clone(), 1)),
        }
    }
    let mut left: Vec<&Ticket> = waiting.iter().collect();
    let mut order = Vec::with_capacity(left.len());
    while let Some((index, _)) = left.iter().enumerate().min_by_key(|(_, t)| (count(&held, &t.user), t.seq)) {
        let ticket = left.remove(index);
        match held.iter_mut().find(|(u, _)| *u == ticket.user) {
            Some((_, n)) => *n += 1,
            None => held.push((ticket.user.clone(), 1)),
        }
        order.push(ticket.id.clone());
    }
    order
}

/// Applies one command at `now` (epoch ms): expired leases and abandoned waiters are dropped
/// first, free slots are given out by [`next_in_line`] after the command.
pub fn apply(mut state: GateState, command: &GateCommand, rules: &GateRules, now: i64) -> (GateState, GateReply) {
    state.leases.retain(|lease| lease.expires_at > now);
    state.waiting.retain(|ticket| ticket.seen_at + rules.ticket_ttl_ms > now);
    let reply = match command {
        GateCommand::Admit { user } => match admission(&state, user, rules) {
            Some(refused) => refused,
            None => GateReply::Admitted,
        },
        GateCommand::Enqueue { id, user, max_wait_ms } => {
            if holds(&state, id) {
                GateReply::Unknown
            } else if let Some(refused) = admission(&state, user, rules) {
                refused
            } else {
                state.waiting.push(Ticket { id: id.clone(), user: user.clone(), seq: state.next_seq, deadline: now.saturating_add((*max_wait_ms).max(0)), seen_at: now });
                state.next_seq += 1;
                GateReply::Unknown
            }
        }
        GateCommand::Poll { id } => match state.waiting.iter().position(|t| &t.id == id) {
            Some(index) if state.waiting[index].deadline <= now => {
                state.waiting.remove(index);
                refused(503, WAITED_TOO_LONG, &state, rules)
            }
            Some(index) => {
                state.waiting[index].seen_at = now;
                GateReply::Unknown
            }
            None => GateReply::Unknown,
        },
        GateCommand::Renew { id } => match state.leases.iter_mut().find(|lease| &lease.id == id) {
            Some(lease) if now - lease.granted_at >= rules.max_hold_ms => {
                state.leases.retain(|lease| &lease.id != id);
                GateReply::Unknown
            }
            Some(lease) => {
                lease.expires_at = now + rules.lease_ttl_ms;
                lease.collected = true;
                GateReply::Renewed { expires_at: lease.expires_at }
            }
            None => GateReply::Unknown,
        },
        GateCommand::Release { id } => {
            if let Some(index) = state.leases.iter().position(|lease| &lease.id == id) {
                let lease = state.leases.remove(index);
                if lease.collected {
                    let held = (now - lease.granted_at).clamp(0, 3_600_000);
                    state.average_call_ms = (state.average_call_ms * 3 + held) / 4;
                }
                GateReply::Released
            } else if let Some(index) = state.waiting.iter().position(|t| &t.id == id) {
                state.waiting.remove(index);
                GateReply::Released
            } else {
                GateReply::Unknown
            }
        }
    };
    grant_free_slots(&mut state, rules, now);
    // Enqueue and a live Poll answer with where the ticket stands after the grants.
    let reply = match (command, reply) {
        (GateCommand::Enqueue { id, .. } | GateCommand::Poll { id }, GateReply::Unknown) => standing(&mut state, id, rules, now),
        (_, reply) => reply,
    };
    (state, reply)
}

fn holds(state: &GateState, id: &str) -> bool {
    state.leases.iter().any(|lease| lease.id == id) || state.waiting.iter().any(|t| t.id == id)
}

/// Why a new request of `user` may not join the line, if it may not.
fn admission(state: &GateState, user: &str, rules: &GateRules) -> Option<GateReply> {
    let free = state.leases.len() < rules.slots && state.leases.iter().filter(|l| l.user == user).count() < rules.per_user && !state.waiting.iter().any(|t| t.user == user);
    if free {
        return None;
    }
    if state.waiting.iter().filter(|t| t.user == user).count() >= rules.max_waiting_per_user {
        return Some(refused(429, TOO_MANY_OF_YOURS, state, rules));
    }
    if state.waiting.len() >= rules.max_waiting {
        return Some(refused(503, LINE_FULL, state, rules));
    }
    None
}

fn refused(status: u16, message: &str, state: &GateState, rules: &GateRules) -> GateReply {
    GateReply::Refused { status, message: message.to_string(), retry_after_secs: retry_after_secs(state.waiting.len(), rules.slots, state.average_call_ms) }
}

/// A hint for `Retry-After`: the time for the line ahead to drain through the slots at the
/// average call length, between 1 s and 10 minutes.
pub fn retry_after_secs(waiting: usize, slots: usize, average_call_ms: i64) -> u64 {
    let rounds = (waiting as u64 + 1).div_ceil(slots.max(1) as u64);
    let ms = rounds.saturating_mul(average_call_ms.max(1) as u64);
    ms.div_ceil(1000).clamp(1, 600)
}

fn grant_free_slots(state: &mut GateState, rules: &GateRules, now: i64) {
    while state.leases.len() < rules.slots {
        let Some(index) = next_in_line(&state.waiting, &state.leases, rules.per_user, now) else { break };
        let ticket = state.waiting.remove(index);
        state.leases.push(Lease { id: ticket.id, user: ticket.user, granted_at: now, expires_at: now + rules.ticket_ttl_ms, collected: false });
    }
}

/// Where the ticket `id` stands: granted (collected now), waiting at a position, or unknown.
fn standing(state: &mut GateState, id: &str, rules: &GateRules, now: i64) -> GateReply {
    if let Some(lease) = state.leases.iter_mut().find(|lease| lease.id == id) {
        lease.collected = true;
        lease.expires_at = now + rules.lease_ttl_ms;
        return GateReply::Granted { expires_at: lease.expires_at, renew_every_ms: rules.renew_every_ms() };
    }
    match service_order(&state.waiting, &state.leases).iter().position(|t| t == id) {
        Some(index) => GateReply::Waiting { position: index + 1, poll_ms: poll_ms(index + 1) },
        None => GateReply::Unknown,
    }
}

/// How soon a waiter asks again: soon near the front, less often further back.
pub fn poll_ms(position: usize) -> i64 {
    (200 + 50 * position as i64).min(2_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(slots: usize, per_user: usize) -> GateRules {
        GateRules { slots, per_user, ..GateRules::default() }
    }

    fn enqueue(id: &str, user: &str) -> GateCommand {
        GateCommand::Enqueue { id: id.into(), user: user.into(), max_wait_ms: 60_000 }
    }

    fn run(state: GateState, commands: &[GateCommand], rules: &GateRules, now: i64) -> (GateState, Vec<GateReply>) {
        commands.iter().fold((state, Vec::new()), |(state, mut replies), command| {
            let (state, reply) = apply(state, command, rules, now);
            replies.push(reply);
            (state, replies)
        })
    }

    fn granted(reply: &GateReply) -> bool {
        matches!(reply, GateReply::Granted { .. })
    }

    /// The monopoly: one user's flood used to take every slot and stand in front of everyone
    /// who came later. Now that user holds at most `per_user` slots, and a latecomer is served
    /// at once while a slot is free, and next when none is.
    #[test]
    fn a_flooding_user_cannot_hold_every_slot_nor_starve_a_latecomer() {
        let rules = rules(3, 2);
        let flood: Vec<GateCommand> = (0..10).map(|i| enqueue(&format!("a{i}"), "alice")).collect();
        let (state, replies) = run(GateState::default(), &flood, &rules, 0);
        assert_eq!(replies.iter().filter(|r| granted(r)).count(), 2, "alice holds two slots, not three");
        let (state, reply) = apply(state, &enqueue("c0", "carol"), &rules, 10);
        assert!(granted(&reply), "carol takes the free slot at once: {reply:?}");
        // Every slot busy: bob, who arrives last, is served before alice's eight waiting ones.
        let (state, reply) = apply(state, &enqueue("b0", "bob"), &rules, 20);
        assert_eq!(reply, GateReply::Waiting { position: 1, poll_ms: poll_ms(1) }, "bob is next in line");
        let (state, _) = apply(state, &GateCommand::Release { id: "a0".into() }, &rules, 30);
        let (state, reply) = apply(state, &GateCommand::Poll { id: "b0".into() }, &rules, 40);
        assert!(granted(&reply), "the freed slot went to bob: {reply:?}");
        // And alice's line still moves.
        let (state, _) = apply(state, &GateCommand::Release { id: "c0".into() }, &rules, 50);
        assert_eq!(state.leases.iter().filter(|l| l.user == "alice").count(), 2);
    }

    #[test]
    fn two_floods_share_the_slots_in_turn() {
        let rules = rules(2, 2);
        let mut state = GateState::default();
        for i in 0..6 {
            state = apply(state, &enqueue(&format!("a{i}"), "alice"), &rules, i).0;
        }
        for i in 0..6 {
            state = apply(state, &enqueue(&format!("b{i}"), "bob"), &rules, 10 + i).0;
        }
        // Free one slot at a time and watch who gets it.
        let mut served = Vec::new();
        for step in 0..8 {
            let oldest = state.leases[0].id.clone();
            state = apply(state, &GateCommand::Release { id: oldest }, &rules, 100 + step).0;
            served.push(state.leases.last().map(|l| l.user.clone()).unwrap_or_default());
        }
        let alices = served.iter().filter(|u| *u == "alice").count();
        assert!((3..=5).contains(&alices), "turns alternate: {served:?}");
    }

    #[test]
    fn never_more_than_the_slots_at_once() {
        let rules = rules(3, 3);
        let users = ["a", "b", "c", "d", "e"];
        let commands: Vec<GateCommand> = (0..20).map(|i| enqueue(&format!("t{i}"), users[i % users.len()])).collect();
        let (state, replies) = run(GateState::default(), &commands, &rules, 0);
        assert_eq!(replies.iter().filter(|r| granted(r)).count(), 3);
        assert_eq!(state.leases.len(), 3);
        let mut state = state;
        for step in 0..30 {
            if let Some(lease) = state.leases.first().cloned() {
                state = apply(state, &GateCommand::Release { id: lease.id }, &rules, 10 + step).0;
            }
            assert!(state.leases.len() <= 3);
        }
    }

    #[test]
    fn an_abandoned_lease_expires_and_its_slot_is_given_out() {
        let rules = rules(1, 1);
        let (mut state, reply) = apply(GateState::default(), &enqueue("a", "alice"), &rules, 0);
        assert!(granted(&reply));
        state = apply(state, &GateCommand::Enqueue { id: "b".into(), user: "bob".into(), max_wait_ms: 600_000 }, &rules, 1_000).0;
        // Alice renews once, at 50 s, then her holder dies: no renewal, no release.
        let renewed_until = 50_000 + rules.lease_ttl_ms;
        let mut bob_granted_at = None;
        for now in (5_000..200_000).step_by(5_000) {
            if now == 50_000 {
                let (next, reply) = apply(state, &GateCommand::Renew { id: "a".into() }, &rules, now);
                assert!(matches!(reply, GateReply::Renewed { .. }), "{reply:?}");
                state = next;
            }
            let (next, reply) = apply(state, &GateCommand::Poll { id: "b".into() }, &rules, now);
            state = next;
            if granted(&reply) {
                bob_granted_at = Some(now);
                break;
            }
        }
        let at = bob_granted_at.expect("bob is served once alice's lease runs out");
        assert!(at >= renewed_until && at < renewed_until + 5_000, "not before her renewed lease ran out: {at}");
        let (_, reply) = apply(state, &GateCommand::Renew { id: "a".into() }, &rules, at);
        assert_eq!(reply, GateReply::Unknown, "the expired lease is gone");
    }

    #[test]
    fn a_holder_that_renews_forever_loses_its_slot_at_the_longest_hold() {
        let rules = rules(1, 1);
        let (mut state, _) = apply(GateState::default(), &enqueue("a", "alice"), &rules, 0);
        let mut now = 0;
        loop {
            now += 15_000;
            let (next, reply) = apply(state, &GateCommand::Renew { id: "a".into() }, &rules, now);
            state = next;
            if reply == GateReply::Unknown {
                break;
            }
            assert!(now < rules.max_hold_ms, "renewed past the longest hold");
        }
        assert_eq!(now, rules.max_hold_ms);
        assert!(state.leases.is_empty());
    }

    #[test]
    fn a_grant_nobody_collects_and_a_waiter_that_stops_asking_are_dropped() {
        let rules = rules(1, 1);
        let (state, _) = apply(GateState::default(), &enqueue("a", "alice"), &rules, 0);
        let (state, _) = apply(state, &enqueue("b", "bob"), &rules, 0);
        let (state, _) = apply(state, &enqueue("c", "carol"), &rules, 0);
        // Alice finishes; bob is granted but never asks again, carol keeps asking.
        let (state, _) = apply(state, &GateCommand::Release { id: "a".into() }, &rules, 1_000);
        assert_eq!(state.leases[0].id, "b");
        let (state, _) = apply(state, &GateCommand::Poll { id: "c".into() }, &rules, 5_000);
        let (state, reply) = apply(state, &GateCommand::Poll { id: "c".into() }, &rules, 1_000 + rules.ticket_ttl_ms + 1);
        assert!(granted(&reply), "bob's uncollected grant lapsed: {reply:?} {state:?}");
        // A waiter that stops asking leaves the line.
        let (state, _) = apply(state, &enqueue("d", "dave"), &rules, 20_000);
        let (state, _) = apply(state, &GateCommand::Renew { id: "c".into() }, &rules, 20_000 + rules.ticket_ttl_ms + 1);
        assert!(state.waiting.is_empty(), "{state:?}");
    }

    #[test]
    fn a_failed_or_finished_call_frees_its_slot_at_once() {
        let rules = rules(1, 1);
        let (state, _) = apply(GateState::default(), &enqueue("a", "alice"), &rules, 0);
        let (state, _) = apply(state, &enqueue("b", "bob"), &rules, 0);
        let (state, reply) = apply(state, &GateCommand::Release { id: "a".into() }, &rules, 10);
        assert_eq!(reply, GateReply::Released);
        let (state, reply) = apply(state, &GateCommand::Poll { id: "b".into() }, &rules, 20);
        assert!(granted(&reply));
        // A waiter giving up leaves the line.
        let (state, _) = apply(state, &enqueue("c", "carol"), &rules, 30);
        let (state, reply) = apply(state, &GateCommand::Release { id: "c".into() }, &rules, 40);
        assert_eq!(reply, GateReply::Released);
        assert!(state.waiting.is_empty());
        assert_eq!(apply(state, &GateCommand::Release { id: "zzz".into() }, &rules, 50).1, GateReply::Unknown);
    }

    #[test]
    fn a_full_line_is_503_and_a_users_own_overflow_is_429_with_retry_after() {
        let rules = GateRules { max_waiting: 4, max_waiting_per_user: 3, ..rules(1, 1) };
        let (state, _) = run(GateState::default(), &[enqueue("a0", "alice"), enqueue("a1", "alice"), enqueue("a2", "alice"), enqueue("a3", "alice")], &rules, 0);
        let (state, reply) = apply(state, &enqueue("a4", "alice"), &rules, 0);
        let error = reply.refusal().expect("refused");
        assert_eq!(error.status(), 429);
        assert_eq!(error.message, TOO_MANY_OF_YOURS);
        assert!(error.retry_after.is_some_and(|s| s >= 1));
        assert_eq!(apply(state.clone(), &GateCommand::Admit { user: "alice".into() }, &rules, 0).1.refusal().map(|e| e.status()), Some(429));
        let (state, reply) = apply(state, &enqueue("b0", "bob"), &rules, 0);
        assert!(matches!(reply, GateReply::Waiting { .. }));
        let (state, reply) = apply(state, &enqueue("c0", "carol"), &rules, 0);
        assert_eq!(reply.refusal().map(|e| (e.status(), e.message)), Some((503, LINE_FULL.to_string())));
        assert_eq!(apply(state, &GateCommand::Admit { user: "carol".into() }, &rules, 0).1.refusal().map(|e| e.status()), Some(503));
    }

    #[test]
    fn waiting_past_the_deadline_is_refused_with_503() {
        let rules = rules(1, 1);
        let (state, _) = apply(GateState::default(), &enqueue("a", "alice"), &rules, 0);
        let (state, _) = apply(state, &GateCommand::Enqueue { id: "b".into(), user: "bob".into(), max_wait_ms: 3_000 }, &rules, 0);
        let (state, _) = apply(state, &GateCommand::Poll { id: "b".into() }, &rules, 2_000);
        let (state, reply) = apply(state, &GateCommand::Poll { id: "b".into() }, &rules, 3_001);
        let error = reply.refusal().expect("refused");
        assert_eq!((error.status(), error.message.as_str()), (503, WAITED_TOO_LONG));
        assert!(state.waiting.is_empty());
    }

    #[test]
    fn an_expired_ticket_is_never_granted() {
        let rules = rules(1, 1);
        let (state, _) = apply(GateState::default(), &enqueue("a", "alice"), &rules, 0);
        let (state, _) = apply(state, &GateCommand::Enqueue { id: "b".into(), user: "bob".into(), max_wait_ms: 1_000 }, &rules, 0);
        let (state, _) = apply(state, &enqueue("c", "carol"), &rules, 0);
        let (state, _) = apply(state, &GateCommand::Poll { id: "b".into() }, &rules, 900);
        let (state, _) = apply(state, &GateCommand::Poll { id: "c".into() }, &rules, 900);
        let (state, _) = apply(state, &GateCommand::Release { id: "a".into() }, &rules, 1_500);
        assert_eq!(state.leases[0].id, "c", "bob's deadline passed: carol is served");
    }

    #[test]
    fn enqueue_is_idempotent_and_admit_changes_nothing() {
        let rules = rules(1, 1);
        let (state, first) = apply(GateState::default(), &enqueue("a", "alice"), &rules, 0);
        let (state, again) = apply(state, &enqueue("a", "alice"), &rules, 1);
        assert!(granted(&first) && granted(&again));
        assert_eq!(state.leases.len(), 1);
        let (after, reply) = apply(state.clone(), &GateCommand::Admit { user: "bob".into() }, &rules, 2);
        assert_eq!(reply, GateReply::Admitted);
        assert_eq!(after, state);
    }

    #[test]
    fn the_configured_numbers_are_bounded() {
        assert_eq!(GateRules::configured(None, None).slots, 3);
        assert_eq!(GateRules::configured(Some("8"), Some("2")).slots, 8);
        assert_eq!(GateRules::configured(Some("2"), Some("5")).per_user, 2, "never more than the slots");
        assert_eq!(GateRules::configured(Some("0"), Some("x")), GateRules::default());
        assert_eq!(retry_after_secs(0, 3, 20_000), 20);
        assert_eq!(retry_after_secs(5, 3, 20_000), 40);
        assert_eq!(retry_after_secs(10_000, 1, 20_000), 600);
    }

    #[test]
    fn commands_and_replies_have_a_stable_wire_form() {
        let command: GateCommand = serde_json::from_str(r#"{"op":"enqueue","id":"t","user":"u","maxWaitMs":5}"#).expect("parses");
        assert_eq!(command, GateCommand::Enqueue { id: "t".into(), user: "u".into(), max_wait_ms: 5 });
        let reply = serde_json::to_value(GateReply::Waiting { position: 2, poll_ms: 250 }).expect("serialises");
        assert_eq!(reply, serde_json::json!({ "outcome": "waiting", "position": 2, "pollMs": 250 }));
    }
}
