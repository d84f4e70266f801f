//! The derivation's work that needs no database (scoring workloads,
//! building targets) on every core, while the caller's thread reads what it
//! works from and writes what it gives back: the connection stays on one
//! thread, and its reads and writes overlap the work.

use std::collections::{BTreeMap, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

struct State<T, U> {
    waiting: VecDeque<(usize, T)>,
    /// Worked items by the order given; a panic of the work is kept to go
    /// on in the caller's thread, as it would without helpers.
    done: BTreeMap<usize, (T, std::thread::Result<U>)>,
    given: usize,
    taken: usize,
    closed: bool,
}

/// Items given on the caller's thread, worked on every core as soon as
/// each is given, taken back in the order given. Made by [`pipeline`].
pub(crate) struct Pipeline<'w, T, U> {
    state: Mutex<State<T, U>>,
    changed: Condvar,
    work: &'w (dyn Fn(&T) -> U + Sync),
}

impl<T, U> Pipeline<'_, T, U> {
    fn lock(&self) -> MutexGuard<'_, State<T, U>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'s>(&self, state: MutexGuard<'s, State<T, U>>) -> MutexGuard<'s, State<T, U>> {
        self.changed.wait(state).unwrap_or_else(PoisonError::into_inner)
    }

    /// Works on item `n` outside the lock and keeps the result.
    fn work_on<'s>(&'s self, n: usize, item: T, state: MutexGuard<'s, State<T, U>>) -> MutexGuard<'s, State<T, U>> {
        drop(state);
        let result = catch_unwind(AssertUnwindSafe(|| (self.work)(&item)));
        let mut state = self.lock();
        state.done.insert(n, (item, result));
        self.changed.notify_all();
        state
    }

    /// Hands `item` in; a free core starts on it at once.
    pub(crate) fn give(&self, item: T) {
        let mut state = self.lock();
        let n = state.given;
        state.given += 1;
        state.waiting.push_back((n, item));
        drop(state);
        self.changed.notify_all();
    }

    /// The next item in the order given, with what the work made of it;
    /// `None` once every item given was taken. While the next is not
    /// ready, the caller's thread works on the items still waiting.
    pub(crate) fn take(&self) -> Option<(T, U)> {
        let mut state = self.lock();
        loop {
            if state.taken == state.given {
                return None;
            }
            let next = state.taken;
            if let Some((item, result)) = state.done.remove(&next) {
                state.taken += 1;
                return Some((item, result.unwrap_or_else(|panic| resume_unwind(panic))));
            }
            state = match state.waiting.pop_front() {
                Some((n, item)) => self.work_on(n, item, state),
                None => self.wait(state),
            };
        }
    }

    /// A helper thread: works on waiting items until the pipeline closes.
    fn help(&self) {
        let mut state = self.lock();
        loop {
            state = match state.waiting.pop_front() {
                Some((n, item)) => self.work_on(n, item, state),
                None if state.closed => return,
                None => self.wait(state),
            };
        }
    }

    /// No more items: the helpers end (what still waits is dropped: the
    /// caller left early, on an error).
    fn close(&self) {
        let mut state = self.lock();
        state.closed = true;
        state.waiting.clear();
        drop(state);
        self.changed.notify_all();
    }
}

/// Runs `f` with a pipeline of about `items` items whose `work` runs on
/// every core (the caller's thread included); its helper threads end with
/// `f`, returned, failed or panicked.
pub(crate) fn pipeline<T: Send, U: Send, R>(items: usize, work: impl Fn(&T) -> U + Sync, f: impl FnOnce(&Pipeline<T, U>) -> R) -> R {
    let helpers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items).saturating_sub(1);
    let pipeline = Pipeline {
        state: Mutex::new(State { waiting: VecDeque::new(), done: BTreeMap::new(), given: 0, taken: 0, closed: false }),
        changed: Condvar::new(),
        work: &work,
    };
    if helpers == 0 {
        return f(&pipeline);
    }
    struct Closes<'p, 'w, T, U>(&'p Pipeline<'w, T, U>);
    impl<T, U> Drop for Closes<'_, '_, T, U> {
        fn drop(&mut self) {
            self.0.close();
        }
    }
    std::thread::scope(|s| {
        for _ in 0..helpers {
            s.spawn(|| pipeline.help());
        }
        let _closes = Closes(&pipeline);
        f(&pipeline)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_the_order_given_whichever_core_worked_on_them() {
        let out: Vec<(u64, u64)> = pipeline(
            200,
            |n: &u64| {
                // Uneven work, so that helpers finish out of order.
                std::thread::sleep(std::time::Duration::from_micros(((n * 7919) % 13) * 50));
                n * n
            },
            |p| {
                (0..200).for_each(|n| p.give(n));
                std::iter::from_fn(|| p.take()).collect()
            },
        );
        assert_eq!(out, (0..200).map(|n| (n, n * n)).collect::<Vec<_>>());
    }

    #[test]
    fn an_early_return_ends_the_helpers() {
        let out: Result<(), &str> = pipeline(
            50,
            |n: &u32| n + 1,
            |p| {
                (0..50).for_each(|n| p.give(n));
                p.take();
                Err("the caller stopped")
            },
        );
        assert_eq!(out, Err("the caller stopped"));
    }

    #[test]
    fn a_panic_in_the_work_goes_on_in_the_caller() {
        let caught = catch_unwind(|| {
            pipeline(
                8,
                |n: &u32| if *n == 5 { panic!("item five") } else { *n },
                |p| {
                    (0..8).for_each(|n| p.give(n));
                    std::iter::from_fn(|| p.take()).count()
                },
            )
        });
        assert!(caught.is_err());
    }
}
