//! Cycle rules for the two graphs of the ledger: task parents (a tree) and
//! precedence (a directed acyclic graph).

use crate::Id;
use std::collections::{HashMap, HashSet, VecDeque};

/// Would making `parent` the parent of `task` create a cycle?
/// `parent_of` gives each task's current parent. The walk is bounded by the
/// number of tasks, so corrupt data cannot loop forever.
pub fn parent_creates_cycle(task: Id, parent: Id, parent_of: impl Fn(Id) -> Option<Id>) -> bool {
    let mut seen = HashSet::new();
    let mut current = Some(parent);
    while let Some(id) = current {
        if id == task || !seen.insert(id) {
            return true;
        }
        current = parent_of(id);
    }
    false
}

/// Would adding the edge `from → to` to `edges` (predecessor → successor)
/// create a cycle? True when `to` already reaches `from`.
pub fn precedence_creates_cycle(edges: &[(Id, Id)], from: Id, to: Id) -> bool {
    if from == to {
        return true;
    }
    let mut next: HashMap<Id, Vec<Id>> = HashMap::new();
    for &(a, b) in edges {
        next.entry(a).or_default().push(b);
    }
    let mut queue = VecDeque::from([to]);
    let mut seen = HashSet::from([to]);
    while let Some(n) = queue.pop_front() {
        if n == from {
            return true;
        }
        for &m in next.get(&n).into_iter().flatten() {
            if seen.insert(m) {
                queue.push_back(m);
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parents(pairs: &[(Id, Id)]) -> impl Fn(Id) -> Option<Id> + '_ {
        move |id| pairs.iter().find(|(c, _)| *c == id).map(|(_, p)| *p)
    }

    #[test]
    fn a_parent_chain_without_the_task_is_fine() {
        // 3 → 2 → 1
        let p = [(3, 2), (2, 1)];
        assert!(!parent_creates_cycle(4, 3, parents(&p)));
    }

    #[test]
    fn making_a_descendant_the_parent_is_a_cycle() {
        let p = [(3, 2), (2, 1)];
        assert!(parent_creates_cycle(1, 3, parents(&p)));
        assert!(parent_creates_cycle(2, 2, parents(&p)));
    }

    #[test]
    fn corrupt_parent_loops_are_reported_not_followed_forever() {
        let p = [(5, 6), (6, 5)];
        assert!(parent_creates_cycle(1, 5, parents(&p)));
    }

    #[test]
    fn precedence_detects_direct_and_indirect_cycles() {
        let edges = [(1, 2), (2, 3), (3, 4)];
        assert!(precedence_creates_cycle(&edges, 4, 1));
        assert!(precedence_creates_cycle(&edges, 2, 1));
        assert!(precedence_creates_cycle(&edges, 5, 5));
        assert!(!precedence_creates_cycle(&edges, 1, 4));
        assert!(!precedence_creates_cycle(&edges, 4, 5));
    }

    #[test]
    fn diamonds_are_not_cycles() {
        let edges = [(1, 2), (1, 3), (2, 4), (3, 4)];
        assert!(!precedence_creates_cycle(&edges, 1, 4));
        assert!(precedence_creates_cycle(&edges, 4, 1));
    }
}
