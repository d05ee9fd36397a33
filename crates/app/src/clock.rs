//! Time as a dependency, so tests can move it (session timeouts, lockouts, break-glass).
use std::sync::atomic::{AtomicI64, Ordering};
use time::{Duration, OffsetDateTime};

pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

/// The system's clock, to the microsecond: the precision both databases keep, so a time
/// Hearth answers with is the time it reads back later.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        let t = OffsetDateTime::now_utc();
        t.replace_nanosecond(t.nanosecond() / 1_000 * 1_000).unwrap_or(t)
    }
}

/// A clock that stands still until moved; for tests.
pub struct TestClock(AtomicI64);

impl TestClock {
    pub fn new(at: OffsetDateTime) -> Self {
        Self(AtomicI64::new((at.unix_timestamp_nanos() / 1000) as i64))
    }

    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(by.whole_microseconds() as i64, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        let micros = self.0.load(Ordering::SeqCst);
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_clock_keeps_microseconds() {
        for _ in 0..100 {
            assert_eq!(SystemClock.now().nanosecond() % 1_000, 0);
        }
    }
}
