//! One form for each recorded step about a child (or about a record of its own, a provider) (a conference, a move into care): what it is
//! called, what it is about and its inputs, drawn by one template so every step's page looks
//! and behaves the same. Errors about something the form has no input for point at its
//! first input, so the error summary always links somewhere.
use crate::forms::FormData;
use crate::layout::Layout;
use askama::Template;
use hearth_domain::{FieldErrors, PersonId};

/// Rows of participants a meeting form offers.
pub const PEOPLE_ROWS: usize = 8;
/// Rows of actions a plan form offers.
pub const ACTION_ROWS: usize = 5;

/// One input of a step's form.
pub enum Field {
    Date { name: &'static str, label: &'static str, hint: &'static str },
    /// A 24-hour time, read with the date input of the same name.
    Time { name: &'static str, label: &'static str },
    Text { name: &'static str, label: &'static str, hint: &'static str, width: &'static str },
    Textarea { name: &'static str, label: &'static str, hint: &'static str, rows: u8 },
    Radios { name: &'static str, legend: &'static str, options: Vec<(String, String)> },
    Select { name: &'static str, label: &'static str, options: Vec<(String, String)> },
    /// Rows of name, agency and role (`{name}-{n}-name`, …).
    People { name: &'static str, legend: &'static str },
    /// Rows of a plan's actions: what, who, by when.
    Actions,
}

impl Field {
    fn name(&self) -> &'static str {
        match self {
            Field::Date { name, .. } | Field::Text { name, .. } | Field::Textarea { name, .. } | Field::Radios { name, .. } | Field::Select { name, .. } | Field::People { name, .. } => name,
            Field::Time { name, .. } => name,
            Field::Actions => "actions",
        }
    }
}

/// A step's form: what it is called, what it is about, its inputs.
pub struct FormSpec {
    pub title: String,
    /// What the step is about (a plan, a placement), as summary rows.
    pub context: Vec<(String, String)>,
    pub intro: Option<&'static str>,
    pub fields: Vec<Field>,
    pub button: &'static str,
}

pub fn date_field(name: &'static str, label: &'static str) -> Field {
    Field::Date { name, label, hint: "For example, 27 3 2024" }
}

/// Where the form is sent, and where Cancel goes.
pub struct StepTarget {
    pub action: String,
    pub back: String,
}

#[derive(Template)]
#[template(path = "step_form.html")]
pub struct StepForm {
    layout: Layout,
    /// The child the step is about, linked above the title; `None` for a form about no one.
    child: Option<(PersonId, String)>,
    target: StepTarget,
    version: i64,
    spec: FormSpec,
    form: FormData,
    errors: FieldErrors,
}

impl StepForm {
    pub fn new(layout: Layout, child: Option<(PersonId, String)>, target: StepTarget, version: i64, spec: FormSpec, form: FormData, errors: FieldErrors) -> Self {
        let first = spec.fields.first().map(Field::name).unwrap_or("form");
        let known = |field: &str| spec.fields.iter().any(|x| field == x.name() || field.starts_with(&format!("{}-", x.name())) || field == format!("{}_time", x.name()));
        let errors = FieldErrors(
            errors
                .0
                .into_iter()
                .map(|mut e| {
                    if !known(&e.field) {
                        e.field = first.to_string();
                    }
                    e
                })
                .collect(),
        );
        StepForm { layout, child, target, version, spec, form, errors }
    }

    fn rows(&self) -> std::ops::RangeInclusive<usize> {
        1..=PEOPLE_ROWS
    }

    fn action_rows(&self) -> std::ops::RangeInclusive<usize> {
        1..=ACTION_ROWS
    }

    fn cell(&self, table: &str, n: &usize, part: &str) -> String {
        format!("{table}-{n}-{part}")
    }

    fn value(&self, table: &str, n: &usize, part: &str) -> &str {
        self.form.get(&format!("{table}-{n}-{part}"))
    }

    fn error(&self, table: &str, n: &usize, part: &str) -> Option<&str> {
        self.errors.get(&format!("{table}-{n}-{part}"))
    }

    fn time_name(&self, name: &str) -> String {
        format!("{name}_time")
    }

    fn checked(&self, name: &str, value: &str) -> bool {
        self.form.get(name) == value
    }

    fn due_name(&self, n: &usize) -> String {
        format!("actions-{n}-due")
    }
}
