//! Time as a dependency, so tests can move it (session timeouts, lockouts, break-glass).
use std::sync::atomic::{AtomicI64, Ordering};
use time::{Duration, OffsetDateTime};

pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
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
