//! Importing a previous system's CIN census (issue 6): a generated LA's census imported into
//! an empty Hearth gives the same census back; importing it again changes nothing; the next
//! year's file merges into the same children; and bad files are refused whole or child by
//! child, with messages naming the child and the element, and nothing half-imported.
mod support;

use hearth_app::clock::SystemClock;
use hearth_app::import::{ImportOptions, ImportReport};
use hearth_app::local_time::uk_local;
use hearth_app::{Actor, App, AppConfig, AppError, NewUser};
use hearth_cin_census::read::read_all;
use hearth_cin_census::CensusFile;
use hearth_domain::returns::cin::CollectionYear;
use hearth_domain::user::Role;
use hearth_store::Store;
use hearth_testkit::{generate, previous_collection_year, DemoOptions};
use std::sync::Arc;
use support::TempDb;

const LA: &str = "999";

async fn app_on(db: &TempDb) -> App {
    let store: Arc<dyn Store> = Arc::new(db.store.clone());
    App::new(store, AppConfig::default(), Arc::new(SystemClock))
}

async fn user(app: &App, name: &str, role: Role) -> Actor {
    let new = NewUser { username: name.into(), display_name: name.into(), role, team: None, manager: None, password: "a long enough password 42".into() };
    app.add_user(new).await.unwrap();
    app.local_actor(name).await.unwrap()
}

async fn export(app: &App, year: CollectionYear) -> String {
    hearth_cin_census::write::to_string(&app.cin_census_file(year, LA).await.unwrap())
}

/// A census compared canonically: the header without the time it was made, the children in
/// LA child id order.
fn canonical(xml: &str) -> CensusFile {
    let mut f = read_all(xml.as_bytes()).unwrap();
    f.header.date_time = None;
    f.header.software_code = None;
    f.header.release = None;
    f.children.sort_by(|a, b| a.la_child_id.cmp(&b.la_child_id));
    f
}

/// Asserts two censuses are the same, showing the first child that differs.
fn same(got: &str, want: &str, what: &str) {
    let (a, b) = (canonical(got), canonical(want));
    assert_eq!(a.header, b.header, "{what}");
    for (x, y) in a.children.iter().zip(&b.children) {
        assert_eq!(x, y, "{what}");
    }
    assert_eq!(a.children.len(), b.children.len(), "{what}");
}

async fn import(app: &App, actor: &Actor, xml: &str, dry_run: bool) -> Result<ImportReport, AppError> {
    app.import_cin_census(actor, xml.as_bytes(), &ImportOptions { la_number: LA.into(), team: None, dry_run }).await
}

/// Everything Hearth holds of the census, as a snapshot to compare.
async fn snapshot(app: &App) -> String {
    let mut tx = app.store.begin().await.unwrap();
    let r = tx.census_records(None).await.unwrap();
    let mut parts: Vec<String> = r.children.iter().map(|p| format!("{p:?}")).collect();
    parts.extend(r.referrals.iter().map(|x| format!("{x:?}")));
    parts.extend(r.assessments.iter().map(|x| format!("{x:?}")));
    parts.extend(r.episodes.iter().map(|x| format!("{x:?}")));
    parts.sort();
    parts.join("\n")
}

/// The `n`th `<Child>` block of a file, changed by `f`.
fn edit_child(xml: &str, n: usize, f: impl Fn(&str) -> String) -> String {
    let start = xml.match_indices("<Child>").nth(n).unwrap().0;
    let end = start + xml[start..].find("</Child>").unwrap() + "</Child>".len();
    format!("{}{}{}", &xml[..start], f(&xml[start..end]), &xml[end..])
}

fn child_id(block: &str) -> String {
    let s = block.find("<LAchildID>").unwrap() + "<LAchildID>".len();
    block[s..s + block[s..].find('<').unwrap()].to_string()
}

#[tokio::test]
async fn a_census_imported_into_an_empty_hearth_gives_the_same_census_back() {
    let source_db = TempDb::new("import-source").await;
    let summary = generate(&source_db.store, &DemoOptions { children: 500, seed: 11, notes_per_child: 0, ..Default::default() }).await.unwrap();
    let source = app_on(&source_db).await;
    let today = uk_local(source.now()).date();
    let year = previous_collection_year(today);
    let next = CollectionYear { start_year: year.start_year + 1 };
    let file = export(&source, year).await;
    let later = export(&source, next).await;
    let children = read_all(file.as_bytes()).unwrap().children.len();

    // Hearth's own census imported into the Hearth that wrote it finds every child by the id
    // it gave them: nothing is recorded twice, nothing changes.
    let returns_team = source.local_actor("bea.support").await.unwrap();
    let own = import(&source, &returns_team, &file, false).await.unwrap();
    assert_eq!((own.created.len(), own.merged.len(), own.unchanged.len()), (0, 0, children), "{:?}", own.merged.first());

    let db = TempDb::new("import-target").await;
    let app = app_on(&db).await;
    let data = user(&app, "data.team", Role::BusinessSupport).await;

    // A dry run reports what would happen and keeps nothing.
    let dry = import(&app, &data, &file, true).await.unwrap();
    assert!(children > 100, "{children} of {} children in the census", summary.children);
    assert_eq!((dry.children, dry.created.len(), dry.rejected.len()), (children, children, 0), "{:?}", dry.rejected);
    assert!(app.cin_census(year).await.unwrap().is_empty(), "a dry run keeps nothing");

    let report = import(&app, &data, &file, false).await.unwrap();
    assert_eq!((report.created.len(), report.merged.len(), report.unchanged.len(), report.rejected.len()), (children, 0, 0, 0), "{:?}", report.rejected);
    same(&export(&app, year).await, &file, "the same children and the same facts");

    // Again: nothing changes.
    let before = snapshot(&app).await;
    let again = import(&app, &data, &file, false).await.unwrap();
    assert_eq!((again.created.len(), again.merged.len(), again.unchanged.len()), (0, 0, children));
    assert_eq!(snapshot(&app).await, before, "importing the same file twice changes nothing");

    // The next year's file merges by LA child id: children continuing are not duplicated,
    // and both years come back as they were.
    let merged = import(&app, &data, &later, false).await.unwrap();
    assert!(merged.unchanged.len() + merged.merged.len() > 0 && !merged.created.is_empty(), "{} created, {} merged", merged.created.len(), merged.merged.len());
    assert!(merged.merged.iter().all(|m| m.conflicts.is_empty()), "{:?}", merged.merged.iter().find(|m| !m.conflicts.is_empty()));
    same(&export(&app, next).await, &later, "the next year");
    same(&export(&app, year).await, &file, "the first year, after the next merged");

    // Imported children keep their ids; a child's record names them for the worker to
    // complete, and the history is audited to the person who imported it.
    let mut tx = app.store.begin().await.unwrap();
    let first = &read_all(file.as_bytes()).unwrap().children[0];
    let person = tx.person_with_la_child_id(first.id()).await.unwrap().expect("kept the id");
    let record = tx.person(person).await.unwrap().unwrap();
    assert_eq!(record.details.full_name(), format!("{} {}", hearth_cin_census::to_hearth::UNNAMED, first.id()));
    let audit = tx.audit_of_person(person, 10).await.unwrap();
    assert!(audit.iter().any(|a| a.draft.action == "import.cin.child" && a.draft.actor == Some(data.user.id)), "{audit:?}");
    drop(tx);

    // Only those who produce the returns may import.
    let worker = user(&app, "sam.worker", Role::SocialWorker).await;
    assert!(matches!(import(&app, &worker, &file, false).await, Err(AppError::Forbidden)));
}

#[tokio::test]
async fn bad_files_are_refused_whole_and_bad_children_alone() {
    let source_db = TempDb::new("import-bad-source").await;
    generate(&source_db.store, &DemoOptions { children: 120, seed: 12, notes_per_child: 0, ..Default::default() }).await.unwrap();
    let source = app_on(&source_db).await;
    let year = previous_collection_year(uk_local(source.now()).date());
    let file = export(&source, year).await;
    let db = TempDb::new("import-bad").await;
    let app = app_on(&db).await;
    let data = user(&app, "data.team", Role::BusinessSupport).await;

    // Whole-file problems: a message, and nothing imported (even when the problem is found
    // after many children were read).
    // Cut after a child two thirds of the way in: well-formed so far, but it stops.
    let cut = &file[..file[..file.len() * 2 / 3].rfind("</Child>").unwrap() + "</Child>".len()];
    let header_year = format!("<Year>{}</Year>", year.header_year());
    let cases: Vec<(&str, String, &str)> = vec![
        ("truncated", cut.to_string(), "truncated"),
        ("malformed", file.replacen("</Child>", "</Chlid>", 3), "not well-formed"),
        ("namespace", file.replacen("<Message>", "<Message xmlns=\"http://www.example.org/cin\">", 1), "namespace"),
        ("not a census", file.replace("<Collection>CIN</Collection>", "<Collection>SSDA903</Collection>"), "not a Children in Need census"),
        ("year and census date disagree", file.replace(&header_year, "<Year>2031</Year>"), "ReferenceDate"),
        ("a year not begun", file.replace(&header_year, "<Year>2031</Year>").replace(&year.reference_date().to_string(), "2031-03-31"), "has not begun"),
        ("another LA", file.replace("<LEA>999</LEA>", "<LEA>123</LEA>"), "local authority \"123\""),
    ];
    for (what, xml, says) in cases {
        match import(&app, &data, &xml, false).await {
            Err(AppError::File(m)) => assert!(m.contains(says) && m.contains("nothing was imported"), "{what}: {m}"),
            other => panic!("{what}: {other:?}"),
        }
        assert!(app.cin_census(year).await.unwrap().is_empty(), "{what}: nothing imported");
    }

    // Child problems: that child is rejected whole, with the element and value named; the
    // others come in.
    let first = child_id(&file[file.find("<Child>").unwrap()..]);
    let second_block = &file[file.match_indices("<Child>").nth(1).unwrap().0..];
    let second = child_id(second_block);
    let third = child_id(&file[file.match_indices("<Child>").nth(2).unwrap().0..]);
    let mut bad = edit_child(&file, 0, |b| {
        let date = b.find("<CINreferralDate>").map(|i| &b[i..i + "<CINreferralDate>".len() + 10]).unwrap().to_string();
        b.replacen(&date, "<CINreferralDate>2025-02-30", 1).replacen("<Ethnicity>", "<Ethnicity>ZZ", 1)
    });
    bad = edit_child(&bad, 1, |b| b.replacen("<ReferralSource>", "<ReferralSource>99", 1));
    // A duplicate of the third child.
    let dup_start = bad.match_indices("<Child>").nth(2).unwrap().0;
    let dup = bad[dup_start..dup_start + bad[dup_start..].find("</Child>").unwrap() + 8].to_string();
    bad = bad.replacen("</Children>", &format!("{dup}</Children>"), 1);
    let total = read_all(file.as_bytes()).unwrap().children.len();
    let report = import(&app, &data, &bad, false).await.unwrap();
    assert_eq!((report.children, report.created.len(), report.rejected.len()), (total + 1, total - 2, 3), "{:?}", report.rejected);
    let reasons = |id: &str| report.rejected.iter().filter(|r| r.la_child_id == id).flat_map(|r| r.problems.clone()).collect::<Vec<_>>().join(" | ");
    let r1 = reasons(&first);
    assert!(r1.contains("CINdetails 1 > CINreferralDate \"2025-02-30\": is not a real date") && r1.contains("Ethnicity \"ZZ"), "{r1}");
    assert!(reasons(&second).contains("ReferralSource \"99"), "{}", reasons(&second));
    assert!(reasons(&third).contains("same id as the child ending on line"), "{}", reasons(&third));
    let mut tx = app.store.begin().await.unwrap();
    assert_eq!(tx.person_with_la_child_id(&first).await.unwrap(), None, "a rejected child never half-imports");
    assert_eq!(tx.person_with_la_child_id(&second).await.unwrap(), None);
    assert!(tx.person_with_la_child_id(&third).await.unwrap().is_some(), "the first of the duplicates came in");
    drop(tx);

    // Fixed, the file comes in: the children already imported are unchanged.
    let fixed = import(&app, &data, &file, false).await.unwrap();
    assert_eq!((fixed.created.len(), fixed.unchanged.len(), fixed.rejected.len()), (2, total - 2, 0));
    same(&export(&app, year).await, &file, "after the fix");
}

#[tokio::test]
async fn history_with_retired_codes_and_facts_hearth_does_not_keep() {
    let db = TempDb::new("import-history").await;
    let app = app_on(&db).await;
    let data = user(&app, "data.team", Role::BusinessSupport).await;
    let year = previous_collection_year(uk_local(app.now()).date());
    let y = year.header_year();
    let s = year.start_year;
    let xml = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>{y}</Year><ReferenceDate>{y}-03-31</ReferenceDate></CollectionDetails>
<Source><SourceLevel>L</SourceLevel><LEA>999</LEA><SoftwareCode>Old</SoftwareCode><Release>1</Release><SerialNo>1</SerialNo><DateTime>{y}-04-02T10:00:00</DateTime></Source></Header>
<Children><Child><ChildIdentifiers><LAchildID>OLD0001</LAchildID><UPNunknown>UN2</UPNunknown><PersonBirthDate>2012-05-05</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>
<ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
<CINdetails><CINreferralDate>{s}-05-01</CINreferralDate><ReferralSource>1A</ReferralSource><PrimaryNeedCode>N0</PrimaryNeedCode><ReferralNFA>false</ReferralNFA>
<Assessments><AssessmentActualStartDate>{s}-05-02</AssessmentActualStartDate><AssessmentAuthorisationDate>{s}-06-01</AssessmentAuthorisationDate><FactorsIdentifiedAtAssessment><AssessmentFactors>18A</AssessmentFactors><AssessmentFactors>19A</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
<Section47><S47ActualStartDate>{s}-05-03</S47ActualStartDate><InitialCPCtarget>{s}-05-24</InitialCPCtarget><DateOfInitialCPC>{s}-05-20</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47>
<ChildProtectionPlans><CPPstartDate>{s}-05-20</CPPstartDate><InitialCategoryOfAbuse>PHY</InitialCategoryOfAbuse><LatestCategoryOfAbuse>MUL</LatestCategoryOfAbuse><NumberOfPreviousCPP>2</NumberOfPreviousCPP><Reviews><CPPreviewDate>{s}-08-15</CPPreviewDate></Reviews></ChildProtectionPlans>
</CINdetails></Child></Children></Message>"#
    );
    // An open case goes to the team named, awaiting a worker; an unknown team is refused.
    let team = app.add_team(None, "Children in need").await.unwrap();
    let with_team = |team| ImportOptions { la_number: LA.into(), team: Some(team), dry_run: false };
    assert!(matches!(app.import_cin_census(&data, xml.as_bytes(), &with_team(hearth_domain::TeamId::new())).await, Err(AppError::Invalid(_))));
    let report = app.import_cin_census(&data, xml.as_bytes(), &with_team(team.id)).await.unwrap();
    assert_eq!(report.created, vec!["OLD0001".to_string()], "{:?}", report.rejected);
    let mut tx = app.store.begin().await.unwrap();
    let person = tx.person_with_la_child_id("OLD0001").await.unwrap().unwrap();
    let allocation = tx.person(person).await.unwrap().unwrap().allocation;
    assert_eq!((allocation.team, allocation.worker), (Some(team.id), None));
    drop(tx);
    assert!(report.not_kept.is_empty(), "{:?}", report.not_kept);
    let back = read_all(export(&app, year).await.as_bytes()).unwrap();
    assert_eq!(back.children[0].upn_unknown.as_deref(), Some("UN2"), "why there is no UPN");
    let e = &back.children[0].episodes[0];
    assert_eq!(e.primary_need.as_deref(), Some("N0"), "retired codes are kept for history");
    let factors: Vec<_> = e.assessments[0].factors.iter().flatten().flatten().cloned().collect();
    assert_eq!(factors, ["18A", "19A"]);
    let s47 = &e.section47s[0];
    assert_eq!((s47.icpc_target.as_deref(), s47.icpc_date.as_deref()), (Some(&*format!("{s}-05-24")), Some(&*format!("{s}-05-20"))), "the target the previous system gave");
    let plan = &e.cp_plans[0];
    assert_eq!(plan.previous_plans.as_deref(), Some("2"), "the earlier plans Hearth does not hold still count");
    assert_eq!((plan.latest_category.as_deref(), plan.reviews.clone()), (Some("MUL"), vec![Some(format!("{s}-08-15"))]));
}
