//! The timescales in force, so practitioners and managers can see what Hearth measures them
//! against and why each date falls where it does.
use super::layout;
use crate::error::render;
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use hearth_domain::policy::{describe_range, humanise, Start, Unit};

struct Row {
    title: String,
    within: String,
    from: String,
    statutory: bool,
    set_by: String,
    /// What the first deadline would be if the clock started today.
    example: Option<String>,
    note: Option<String>,
}

struct ThresholdRow {
    title: String,
    range: String,
    set_by: String,
}

#[derive(Template)]
#[template(path = "timescales.html")]
struct TimescalesPage {
    layout: Layout,
    pack: String,
    description: Option<String>,
    rows: Vec<Row>,
    thresholds: Vec<ThresholdRow>,
    calendar: String,
}

pub async fn page(State(s): State<AppState>, Signed { .. }: Signed, v: Visitor) -> Response {
    let ts = s.app.config.timescales.clone();
    let (pack, cal) = (&ts.pack, &ts.calendar);
    let today = s.app.today();
    let rows = pack
        .timescales
        .values()
        .map(|t| {
            let mut within: Vec<String> = t.within.iter().map(|w| w.to_string()).collect();
            within.extend(t.then.iter().map(|w| format!("then {w}")));
            if let Some(r) = t.repeat {
                within.push(format!("then every {r}"));
            }
            if let Some(e) = t.extension {
                within.push(format!("(one extension of up to {e})"));
            }
            let example = t
                .interval(1)
                .filter(|i| i.unit != Unit::Hours)
                .and_then(|_| pack.deadline(&t.key, 1, Start::Date(today), cal).ok())
                .map(|d| d.explain(cal));
            Row {
                title: t.title.clone(),
                within: within.join(", "),
                from: humanise(&t.from),
                statutory: t.statutory,
                set_by: t.defined_by.to_string(),
                example,
                note: t.note.clone(),
            }
        })
        .collect();
    let thresholds = pack
        .thresholds
        .values()
        .map(|t| ThresholdRow {
            title: t.title.clone(),
            range: describe_range(t.min, t.max),
            set_by: t.defined_by.to_string(),
        })
        .collect();
    let (first, last) = cal.bank_holidays().years();
    let page = TimescalesPage {
        layout: layout(&v, "Timescales"),
        pack: match &pack.base {
            Some(b) => format!("{} {} (on {b})", pack.name, pack.version),
            None => format!("{} {}", pack.name, pack.version),
        },
        description: pack.description.as_deref().map(|d| d.trim_end_matches('.').to_string()),
        rows,
        thresholds,
        calendar: format!("England and Wales bank holidays {first} to {last}, with the council's closure days"),
    };
    render(StatusCode::OK, &page)
}
