//! Reading forms as typed, so a form with errors is shown again exactly as the user left it.
use hearth_domain::FieldErrors;
use time::{Date, Month, Time};

/// A submitted form's fields in order; repeated names (checkboxes) are kept.
#[derive(Clone, Debug, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> Self {
        FormData(crate::session::form_urlencoded_pairs(body))
    }

    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    pub fn checked(&self, name: &str) -> bool {
        matches!(self.get(name), "yes" | "on" | "true")
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.to_string(), value.into()));
    }
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for FormData {
    type Rejection = axum::response::Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(axum::response::IntoResponse::into_response)?;
        Ok(FormData::parse(&bytes))
    }
}

/// Reads a GOV.UK date input (`{name}-day`, `{name}-month`, `{name}-year`). Empty is `None`.
pub fn date_input(f: &FormData, name: &str, label: &str, errs: &mut FieldErrors) -> Option<Date> {
    let (d, m, y) = (f.get(&format!("{name}-day")).trim(), f.get(&format!("{name}-month")).trim(), f.get(&format!("{name}-year")).trim());
    if d.is_empty() && m.is_empty() && y.is_empty() {
        return None;
    }
    let parsed = (|| {
        let day: u8 = d.parse().ok()?;
        let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
        let year: i32 = y.parse().ok()?;
        if y.len() != 4 {
            return None;
        }
        Date::from_calendar_date(year, month, day).ok()
    })();
    if parsed.is_none() {
        errs.add(name, format!("{label} must be a real date, like 27 3 2015"));
    }
    parsed
}

/// Writes a date into a form's three date fields, for showing a stored value.
/// A yes/no radio's answer; neither is the error `message` on `name`.
pub fn yes_no(f: &FormData, name: &str, message: &str, errs: &mut FieldErrors) -> Option<bool> {
    match f.get(name) {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errs.add(name, message);
            None
        }
    }
}

pub fn set_date(f: &mut FormData, name: &str, d: Option<Date>) {
    if let Some(d) = d {
        f.set(&format!("{name}-day"), d.day().to_string());
        f.set(&format!("{name}-month"), (d.month() as u8).to_string());
        f.set(&format!("{name}-year"), d.year().to_string());
    }
}

/// Reads "HH:MM" (24-hour); also accepts "9.30" and "0930".
pub fn time_input(s: &str) -> Option<Time> {
    let s = s.trim();
    let (h, m) = if let Some((h, m)) = s.split_once([':', '.']) {
        (h, m)
    } else if s.len() == 4 {
        s.split_at(2)
    } else {
        return None;
    };
    Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times() {
        let f = FormData(vec![("d-day".into(), "29".into()), ("d-month".into(), "2".into()), ("d-year".into(), "2024".into())]);
        let mut e = FieldErrors::new();
        assert!(date_input(&f, "d", "Date", &mut e).is_some());
        let f = FormData(vec![("d-day".into(), "30".into()), ("d-month".into(), "2".into()), ("d-year".into(), "2024".into())]);
        assert!(date_input(&f, "d", "Date", &mut e).is_none());
        assert!(!e.is_empty());
        assert_eq!(time_input("09:30"), Time::from_hms(9, 30, 0).ok());
        assert_eq!(time_input("0930"), Time::from_hms(9, 30, 0).ok());
        assert_eq!(time_input("25:00"), None);
    }
}
