//! A short-lived cache of token → actor, so that a busy client does not
//! cost a database query per request. An entry lives `TTL`; a change to an
//! account (role, unit, disabling) reaches the API within that time.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tuijin_domain::access::Actor;

const TTL: Duration = Duration::from_secs(30);
/// Beyond this many entries the cache starts over, bounding memory.
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub struct TokenCache {
    entries: Mutex<HashMap<String, (Actor, Instant)>>,
}

impl TokenCache {
    pub fn get(&self, token_hash: &str) -> Option<Actor> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(token_hash).filter(|(_, at)| at.elapsed() < TTL).map(|(a, _)| a.clone())
    }

    pub fn put(&self, token_hash: String, actor: Actor) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(token_hash, (actor, Instant::now()));
    }

    /// Drops every cached token of an account, so a change to it applies
    /// at once.
    pub fn forget_user(&self, user_id: tuijin_domain::Id) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|_, (actor, _)| actor.user_id != user_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tuijin_domain::access::Role;

    #[test]
    fn cached_actors_come_back() {
        let c = TokenCache::default();
        assert!(c.get("h").is_none());
        let a = Actor { user_id: 1, username: "u".into(), display_name: "U".into(), role: Role::Leader, unit_id: None };
        c.put("h".into(), a.clone());
        assert_eq!(c.get("h"), Some(a));
        assert!(c.get("other").is_none());
        c.forget_user(1);
        assert!(c.get("h").is_none());
    }
}
