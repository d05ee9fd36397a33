//! The CIN census: its data quality (children with something the DfE's rules would fail,
//! filterable by rule) and the return itself as a download.
use super::layout;
use crate::error::{html_error, render, WebError};
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::returns::{CensusFilter, DataQuality};
use hearth_app::AppError;
use hearth_cin_census::report::describe_loc;
use hearth_cin_census::Kind;
use hearth_domain::returns::cin::{CollectionYear, SUPPORTED};
use hearth_domain::user::Permission;

/// A line of the return-readiness panel.
pub struct CensusRow {
    pub code: &'static str,
    pub error: bool,
    pub message: &'static str,
    pub field: &'static str,
    pub value: Option<String>,
    pub href: Option<String>,
}

/// Where a census failure is fixed in Hearth.
pub fn census_href(link: hearth_cin_census::readiness::Link) -> String {
    use hearth_cin_census::readiness::Link;
    match link {
        Link::Person(id) => format!("/people/{id}/edit"),
        Link::Referral(id) => format!("/referrals/{id}"),
        Link::Episode(id) => format!("/episodes/{id}"),
        Link::Assessment(id) => format!("/assessments/{id}"),
    }
}

/// The form field a census field is entered in, on the page the link opens.
fn field_anchor(link: hearth_cin_census::readiness::Link, field: &str) -> &'static str {
    use hearth_cin_census::readiness::Link;
    match (link, field) {
        (Link::Person(_), "UPN" | "FormerUPN") => "#upn",
        (Link::Person(_), "UPNunknown") => "#upn_unknown",
        (Link::Person(_), "PersonBirthDate") => "#date_of_birth-day",
        (Link::Person(_), "ExpectedPersonBirthDate") => "#expected_date_of_birth-day",
        (Link::Person(_), "Sex") => "#sex",
        (Link::Person(_), "Ethnicity") => "#ethnicity",
        (Link::Person(_), "Disability") => "#disabilities",
        (Link::Referral(_), "PrimaryNeedCode") => "#primary_need",
        (Link::Referral(_), "ReferralNFA") => "#nfa",
        _ => "",
    }
}

/// The panel's lines: errors first, then queries.
pub fn census_rows(issues: &[hearth_cin_census::readiness::Issue]) -> Vec<CensusRow> {
    let mut rows: Vec<CensusRow> = issues
        .iter()
        .map(|i| CensusRow {
            code: i.failure.code,
            error: i.failure.kind == hearth_cin_census::Kind::Error,
            message: i.failure.message.trim(),
            field: i.field,
            value: i.value.clone(),
            href: i.link.map(|l| format!("{}{}", census_href(l), field_anchor(l, i.census_field))),
        })
        .collect();
    rows.sort_by_key(|r| (!r.error, r.code));
    rows
}

#[derive(serde::Deserialize, Default)]
pub struct QualityQuery {
    year: Option<String>,
    rule: Option<String>,
    page: Option<usize>,
    /// A team's or a worker's id: only their children.
    team: Option<String>,
    worker: Option<String>,
    /// `yes`: download even though the return has errors.
    confirm: Option<String>,
}

impl QualityQuery {
    /// The team and worker asked for; an id that is not one is ignored (any team, anyone).
    fn filter(&self) -> CensusFilter {
        CensusFilter { team: self.team.as_deref().and_then(|v| v.parse().ok()), worker: self.worker.as_deref().and_then(|v| v.parse().ok()) }
    }
}

/// Children listed per page.
pub const PER_PAGE: usize = 25;

#[derive(Template)]
#[template(path = "cin_quality.html")]
struct QualityPage {
    layout: Layout,
    q: DataQuality,
    rule: String,
    /// 1-based page of the children's list.
    page: usize,
    years: Vec<String>,
    can_download: bool,
    la_number_missing: bool,
    filter: CensusFilter,
}

/// A child's line on the page.
pub struct QualityChild {
    pub person: hearth_domain::PersonId,
    /// The queries' explanations, by rule: (text, who, when).
    pub explained: std::collections::HashMap<String, (String, String, time::OffsetDateTime)>,
    pub href: String,
    pub name: String,
    pub la_child_id: String,
    pub fixer: String,
    pub rows: Vec<CensusRow>,
}

impl QualityPage {
    fn year_label(&self) -> String {
        self.q.year.label()
    }

    fn children(&self) -> Vec<QualityChild> {
        self.q
            .children
            .iter()
            .skip((self.page - 1) * PER_PAGE)
            .take(PER_PAGE)
            .map(|c| QualityChild {
                person: c.person,
                explained: c.explained.clone(),
                href: format!("/people/{}#return-readiness", c.person),
                name: c.name.clone(),
                la_child_id: c.la_child_id.clone(),
                fixer: c.fixer.clone(),
                rows: census_rows(&c.issues),
            })
            .collect()
    }

    /// The rule filter's options: (code, label, selected).
    fn rule_options(&self) -> Vec<(String, String, bool)> {
        let mut out = vec![(String::new(), "Every rule".to_string(), self.rule.is_empty())];
        for (code, kind, message, n) in &self.q.by_rule {
            let kind = if *kind == Kind::Error { "error" } else { "query" };
            out.push((code.to_string(), format!("{code} ({kind}, {n}): {}", message.trim()), self.rule.eq_ignore_ascii_case(code)));
        }
        out
    }

    fn pages(&self) -> usize {
        self.q.children.len().div_ceil(PER_PAGE).max(1)
    }

    /// The page's address with the year, team and worker kept, and `rule`.
    fn href_with(&self, rule: &str) -> String {
        let mut href = format!("/returns/cin?year={}", self.q.year.label());
        if !rule.is_empty() {
            href.push_str(&format!("&rule={rule}"));
        }
        if let Some(t) = self.filter.team {
            href.push_str(&format!("&team={t}"));
        }
        if let Some(w) = self.filter.worker {
            href.push_str(&format!("&worker={w}"));
        }
        href
    }

    /// The link to another page of the list, keeping the filters.
    fn page_href(&self, page: usize) -> String {
        format!("{}&page={page}", self.href_with(&self.rule))
    }

    /// The numbered pages to link: the first, the last and two either side of this one;
    /// `None` where pages are skipped.
    fn page_numbers(&self) -> Vec<Option<usize>> {
        let (page, pages) = (self.page, self.pages());
        let mut out = Vec::new();
        for n in 1..=pages {
            if n == 1 || n == pages || n.abs_diff(page) <= 2 {
                out.push(Some(n));
            } else if out.last().is_some_and(|x| x.is_some()) {
                out.push(None);
            }
        }
        out
    }

    fn team_options(&self) -> Vec<(String, String, bool)> {
        let mut out = vec![(String::new(), "Every team".to_string(), self.filter.team.is_none())];
        out.extend(self.q.teams.iter().map(|(id, name)| (id.to_string(), name.clone(), self.filter.team == Some(*id))));
        out
    }

    fn worker_options(&self) -> Vec<(String, String, bool)> {
        let mut out = vec![(String::new(), "Everyone".to_string(), self.filter.worker.is_none())];
        out.extend(self.q.workers.iter().map(|(id, name)| (id.to_string(), name.clone(), self.filter.worker == Some(*id))));
        out
    }

    /// Failing rules with their counts and the link that lists their children.
    fn rule_rows(&self) -> Vec<(String, bool, String, usize, String)> {
        self.q
            .by_rule
            .iter()
            .map(|(code, kind, message, n)| (code.to_string(), *kind == Kind::Error, message.trim().to_string(), *n, self.href_with(code)))
            .collect()
    }

    /// The explanation recorded for a child's query: (text, who, when).
    fn explanation<'a>(&self, c: &'a QualityChild, code: &str) -> Option<&'a (String, String, time::OffsetDateTime)> {
        c.explained.get(code)
    }

    /// The link to explain a child's query.
    fn explain_href(&self, c: &QualityChild, code: &str) -> String {
        format!("/returns/cin/explain/{}?year={}&rule={code}", c.person, self.q.year.label())
    }

    /// How many of the queries listed have an explanation.
    fn explained(&self) -> usize {
        self.q.children.iter().flat_map(|c| c.issues.iter().filter(|i| i.failure.kind == Kind::Query && c.explained.contains_key(i.failure.code))).count()
    }

    fn errors(&self) -> usize {
        self.q.by_rule.iter().filter(|r| r.1 == Kind::Error).map(|r| r.3).sum()
    }

    fn queries(&self) -> usize {
        self.q.by_rule.iter().filter(|r| r.1 == Kind::Query).map(|r| r.3).sum()
    }

    fn return_level(&self) -> Vec<(String, String, String)> {
        self.q.return_level.iter().map(|f| (f.code.to_string(), f.message.trim().to_string(), f.child_id.clone().map_or_else(|| f.locs.iter().map(describe_loc).collect::<Vec<_>>().join("; "), |id| format!("child {id}")))).collect()
    }
}

/// The year asked for (the year under way when none); `None` when it is not one Hearth
/// produces.
fn year_of(s: &AppState, asked: Option<&str>) -> Option<CollectionYear> {
    match asked.filter(|y| !y.is_empty()) {
        None => Some(s.app.current_collection_year()),
        Some(y) => CollectionYear::parse(y),
    }
}

fn no_such_year() -> Response {
    html_error(StatusCode::BAD_REQUEST, "There is no such collection year", "Hearth produces the census for 2025-26 and 2026-27. Choose one of those.")
}

pub async fn quality(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Query(q): Query<QualityQuery>) -> Result<Response, WebError> {
    let Some(year) = year_of(&s, q.year.as_deref()) else { return Ok(no_such_year()) };
    let filter = q.filter();
    let rule = q.rule.unwrap_or_default().trim().to_string();
    let data = s.app.cin_data_quality(&actor, year, (!rule.is_empty()).then_some(rule.as_str()), filter).await?;
    let page = QualityPage {
        layout: layout(&v, "Children in Need census"),
        q: data,
        rule,
        page: q.page.unwrap_or(1).max(1),
        years: SUPPORTED.iter().map(|y| y.label()).collect(),
        can_download: actor.can(Permission::ProduceReturns),
        la_number_missing: s.config.la_number.is_none(),
        filter,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "cin_download_warning.html")]
struct DownloadWarning {
    layout: Layout,
    year: String,
    errors: usize,
}

pub async fn download(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Query(q): Query<QualityQuery>) -> Result<Response, WebError> {
    let Some(year) = year_of(&s, q.year.as_deref()) else { return Ok(no_such_year()) };
    if !actor.can(Permission::ProduceReturns) {
        s.app.require(&actor, Permission::ProduceReturns, "returns.cin").await?;
    }
    let Some(la) = s.config.la_number.clone() else {
        return Ok(html_error(
            StatusCode::CONFLICT,
            "The local authority number is not set",
            "The census header needs your LA's three-digit number. Ask your IT team to set la_number in Hearth's configuration.",
        ));
    };
    let file = s.app.cin_census_xml(&actor, year, &la).await?;
    // A return with errors is refused by the DfE: say so before handing it over.
    if file.errors > 0 && q.confirm.as_deref() != Some("yes") {
        let page = DownloadWarning { layout: layout(&v, "The census has errors"), year: year.label(), errors: file.errors };
        return Ok(render(StatusCode::OK, &page));
    }
    let name = format!("attachment; filename=\"cin-census-{}.xml\"", year.label());
    // How many children restricted from the downloader the file leaves out (the page says so
    // before the download; the header lets a script check).
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name), (header::HeaderName::from_static("hearth-restricted-left-out"), file.hidden.to_string())],
        file.xml,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "cin_explain.html")]
struct ExplainPage {
    layout: Layout,
    person: hearth_domain::PersonId,
    name: String,
    year: String,
    code: &'static str,
    message: &'static str,
    back: String,
    form: crate::forms::FormData,
    errors: hearth_domain::FieldErrors,
}

async fn explain_form(s: &AppState, actor: &hearth_app::Actor, v: &Visitor, person: hearth_domain::PersonId, year: CollectionYear, rule: &str, again: Option<(crate::forms::FormData, hearth_domain::FieldErrors)>) -> Result<Response, WebError> {
    let (name, rule, text) = s.app.census_query(actor, year, person, rule).await?;
    let status = if again.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let (form, errors) = again.unwrap_or_else(|| {
        let mut f = crate::forms::FormData::default();
        f.set("text", text.unwrap_or_default());
        (f, hearth_domain::FieldErrors::new())
    });
    let page = ExplainPage {
        layout: layout(v, format!("Explain query {} for {name}", rule.code)),
        person,
        name,
        year: year.label(),
        code: rule.code,
        message: rule.message.trim(),
        back: format!("/returns/cin?year={}&rule={}", year.label(), rule.code),
        form,
        errors,
    };
    Ok(render(status, &page))
}

pub async fn explain_page(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, Query(q): Query<QualityQuery>) -> Result<Response, WebError> {
    let person = super::parse_id(&id)?;
    let Some(year) = year_of(&s, q.year.as_deref()) else { return Ok(no_such_year()) };
    explain_form(&s, &actor, &v, person, year, q.rule.as_deref().unwrap_or(""), None).await
}

pub async fn explain(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor, Path(id): Path<String>, form: crate::forms::FormData) -> Result<Response, WebError> {
    let person = super::parse_id(&id)?;
    let Some(year) = year_of(&s, Some(form.get("year"))) else { return Ok(no_such_year()) };
    let rule = form.get("rule").to_string();
    match s.app.explain_census_query(&actor, year, person, &rule, form.get("text")).await {
        Ok(()) => Ok(Redirect::to(&format!("/returns/cin?year={}&rule={rule}", year.label())).into_response()),
        Err(AppError::Invalid(errors)) => explain_form(&s, &actor, &v, person, year, &rule, Some((form, errors))).await,
        Err(e) => Err(e.into()),
    }
}
