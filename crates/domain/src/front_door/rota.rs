//! The duty rota (seed 001 §7.1.3: "a minimum of 2 QSWs per session"): who is on duty in
//! each morning and afternoon session, and a warning for a session under the pack's minimum.
use crate::calendar::Calendar;
use crate::policy::Pack;
use crate::UserId;
use serde::{Deserialize, Serialize};
use time::Date;

/// The pack threshold for the rota's minimum of qualified social workers per session.
pub const DUTY_MINIMUM_THRESHOLD: &str = "duty_rota_qualified_social_workers_per_session";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HalfDay {
    Am,
    Pm,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Session {
    pub date: Date,
    pub half: HalfDay,
}

/// One worker on duty in one session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutySlot {
    pub session: Session,
    pub worker: UserId,
    /// A qualified social worker (counts towards the minimum).
    pub qualified: bool,
}

/// A session of the rota as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SessionCover {
    pub session: Session,
    /// Workers on duty, each once, with their `qualified` flag.
    pub workers: Vec<(UserId, bool)>,
    pub qualified: u32,
    pub minimum: Option<u32>,
    /// Fewer qualified social workers than the minimum: the page warns.
    pub under_minimum: bool,
}

/// The morning and afternoon sessions of the working days from `from` to `to` inclusive
/// (the duty service runs on working days; out of hours is the Emergency Duty Service).
pub fn sessions(cal: &Calendar, from: Date, to: Date) -> Vec<Session> {
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        if cal.is_working_day(d) {
            out.push(Session { date: d, half: HalfDay::Am });
            out.push(Session { date: d, half: HalfDay::Pm });
        }
        match d.next_day() {
            Some(n) => d = n,
            None => break,
        }
    }
    out
}

/// The cover of each of `sessions` (in the order given) from the rota's `slots`. A worker
/// entered twice in a session counts once.
pub fn cover(sessions: &[Session], slots: &[DutySlot], pack: &Pack) -> Vec<SessionCover> {
    let minimum = pack.threshold(DUTY_MINIMUM_THRESHOLD).and_then(|t| t.min);
    sessions
        .iter()
        .map(|&session| {
            let mut workers: Vec<(UserId, bool)> = Vec::new();
            for s in slots.iter().filter(|s| s.session == session) {
                match workers.iter_mut().find(|(w, _)| *w == s.worker) {
                    Some(entry) => entry.1 |= s.qualified,
                    None => workers.push((s.worker, s.qualified)),
                }
            }
            let qualified = workers.iter().filter(|(_, q)| *q).count() as u32;
            SessionCover { session, workers, qualified, minimum, under_minimum: minimum.is_some_and(|m| qualified < m) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar;
    use crate::policy::BATH_NE_SOMERSET_PACK;
    use time::macros::date;

    #[test]
    fn sessions_skip_weekends_and_bank_holidays() {
        let s = sessions(calendar::shipped(), date!(2023 - 12 - 22), date!(2023 - 12 - 27));
        let days: Vec<Date> = s.iter().map(|x| x.date).collect();
        assert_eq!(days, [date!(2023 - 12 - 22), date!(2023 - 12 - 22), date!(2023 - 12 - 27), date!(2023 - 12 - 27)]);
        assert_eq!(s[1].half, HalfDay::Pm);
    }

    #[test]
    fn warns_under_two_qualified_workers() {
        let pack = Pack::national().with_layer(BATH_NE_SOMERSET_PACK).unwrap();
        let am = Session { date: date!(2024 - 03 - 04), half: HalfDay::Am };
        let pm = Session { half: HalfDay::Pm, ..am };
        let (a, b, c) = (UserId::new(), UserId::new(), UserId::new());
        let slots = [
            DutySlot { session: am, worker: a, qualified: true },
            DutySlot { session: am, worker: b, qualified: true },
            DutySlot { session: pm, worker: a, qualified: true },
            DutySlot { session: pm, worker: a, qualified: true },
            DutySlot { session: pm, worker: c, qualified: false },
        ];
        let v = cover(&[am, pm], &slots, &pack);
        assert_eq!((v[0].qualified, v[0].under_minimum, v[0].minimum), (2, false, Some(2)));
        assert_eq!((v[1].qualified, v[1].under_minimum, v[1].workers.len()), (1, true, 2));
        // The national pack sets no minimum: no warning.
        assert!(!cover(&[pm], &slots, &Pack::national())[0].under_minimum);
    }
}
