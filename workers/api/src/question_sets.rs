//! Question sets this isolate has seen, by their content-derived name (`question_set_id`): the
//! dynamic-answers autosave of a client that names its set is validated from here and written
//! in one D1 round trip instead of two. A name is a hash of the stored JSON, so an entry can
//! never go stale; the database's guard (`dynamic_questions = ?`) still decides every write.
//! Entries are kept per user and blueprint: a set is only ever found by the owner who loaded
//! it through an owner-scoped read, so naming someone else's set (the same standard questions
//! hash alike for everyone) finds nothing and cannot reveal its options or its existence.

use domain::platform::ids::{BlueprintId, UserId};
use domain::blueprint::questions::DynamicQuestion;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// The stored JSON text of a set and the questions it holds.
pub struct QuestionSet {
    pub stored: String,
    pub questions: Vec<DynamicQuestion>,
}

/// Enough for every blueprint being answered at once on one isolate; when full, it starts over.
const CAPACITY: usize = 512;

thread_local! {
    static SETS: RefCell<HashMap<String, Rc<QuestionSet>>> = RefCell::new(HashMap::new());
}

fn key(user_id: &UserId, blueprint_id: &BlueprintId, name: &str) -> String {
    format!("{user_id}/{blueprint_id}/{name}")
}

/// The set `name` of this user's blueprint, when this isolate has loaded it for them.
pub fn get(user_id: &UserId, blueprint_id: &BlueprintId, name: &str) -> Option<Rc<QuestionSet>> {
    SETS.with(|sets| sets.borrow().get(&key(user_id, blueprint_id, name)).cloned())
}

/// Keeps `set` for this user's blueprint under `name` and hands it back.
pub fn remember(user_id: &UserId, blueprint_id: &BlueprintId, name: &str, set: QuestionSet) -> Rc<QuestionSet> {
    let set = Rc::new(set);
    SETS.with(|sets| {
        let mut sets = sets.borrow_mut();
        if sets.len() >= CAPACITY {
            sets.clear();
        }
        sets.insert(key(user_id, blueprint_id, name), Rc::clone(&set));
    });
    set
}
