use super::*;
use time::macros::date;

#[test]
fn the_demo_directory_is_valid_and_searchable() {
    let d = Directory::parse(DEMO_DIRECTORY).unwrap();
    assert_eq!(d.council, "Demo Borough Council");
    assert!(d.services.len() >= 15);
    let keys: Vec<&str> = d.search("hostel", None, None).iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, ["supported-hostel"]);
    assert!(d.search("", Some(ServiceFor::CareLeaver), Some(Category::Accommodation)).iter().all(|s| s.category == Category::Accommodation && s.open_to.contains(&ServiceFor::CareLeaver)));
    assert_eq!(d.search("CAMHS looked", None, None).len(), 1, "every word, any case");
    let staying = d.get("staying-put").unwrap();
    assert_eq!(staying.ages(), "18 to 21");
    assert_eq!(staying.refused(Seeker { age: Some(19), looked_after: false, care_leaver: true }), None);
    assert_eq!(staying.refused(Seeker { age: Some(17), looked_after: false, care_leaver: true }).as_deref(), Some("Staying put is from the age of 18"));
    assert_eq!(staying.refused(Seeker { age: Some(19), looked_after: true, care_leaver: false }).as_deref(), Some("Staying put is for care leavers"));
}

fn errors(text: &str) -> Vec<String> {
    Directory::parse(text).unwrap_err().iter().map(|e| e.to_string()).collect()
}

const ONE: &str = r#"council = "Test"
version = "1"

[[service]]
key = "hostel"
name = "Hostel"
category = "accommodation"
for = ["care_leaver"]
refer = "Ask"
contact = "01234"
"#;

#[test]
fn a_bad_file_is_refused_naming_the_line_and_the_field() {
    assert!(Directory::parse(ONE).is_ok());
    let unknown = errors(&ONE.replace("contact = \"01234\"", "contact = \"01234\"\ncolour = \"red\""));
    assert_eq!(unknown.len(), 1);
    assert!(unknown[0].starts_with("11:1: service[1].colour: unknown field `colour`"), "{unknown:?}");
    assert_eq!(errors(&ONE.replace("\"accommodation\"", "\"housing\"")), ["7:12: service[1].category: \"housing\" is not a category: use one of placements, health, education, advocacy, leisure, accommodation, contact, adoption, safety, therapy, support"]);
    assert_eq!(errors(&ONE.replace("[\"care_leaver\"]", "[\"adults\"]")), ["8:8: service[1].for: \"adults\" is not who a service is for: use looked_after, care_leaver or family"]);
    assert_eq!(errors(&ONE.replace("refer = \"Ask\"\n", "")), ["4:1: service[1].refer: missing `refer`"]);
    assert_eq!(errors(&ONE.replace("key = \"hostel\"", "key = \"Hostel Two\"")), ["5:7: service[1].key: \"Hostel Two\" is not a key: use lower-case letters, digits and hyphens"]);
    let twice = format!("{ONE}\n{}", &ONE[ONE.find("[[service]]").unwrap_or(0)..]);
    assert_eq!(errors(&twice), ["13:7: service[2].key: the key \"hostel\" is used by another service"]);
    assert_eq!(errors(&ONE.replace("refer", "min_age = 18\nmax_age = 16\nrefer")), ["10:11: service[1].max_age: max_age 16 is below min_age 18"]);
    assert_eq!(errors(&ONE.replace("refer", "min_age = 30\nrefer")), ["9:11: service[1].min_age: 30 is not an age a service can be for (0 to 25)"]);
    assert_eq!(errors("council = \"x\"\nversion = \"1\"\n"), ["1:1: service: the directory lists no `[[service]]`"]);
}

#[test]
fn a_referral_is_decided_once_and_only_an_accepted_one_ends() {
    let mut r = ServiceReferral { id: ServiceReferralId::new(), child: PersonId::new(), service: "hostel".into(), on: date!(2026 - 03 - 01), by: UserId::new(), reason: "Needs a room".into(), outcome: None, ended: None };
    let today = date!(2026 - 06 - 01);
    assert!(r.end(date!(2026 - 04 - 01), today).is_err(), "not accepted");
    assert_eq!(r.decide(Outcome { on: date!(2026 - 02 - 01), outcome: ReferralOutcome::Accepted }, today).unwrap_err().0[0].field, "on", "before the referral");
    r.decide(Outcome { on: date!(2026 - 03 - 10), outcome: ReferralOutcome::Accepted }, today).unwrap();
    assert!(r.in_use());
    assert!(r.decide(Outcome { on: date!(2026 - 03 - 11), outcome: ReferralOutcome::Declined }, today).is_err(), "once");
    r.end(date!(2026 - 05 - 01), today).unwrap();
    assert!(!r.in_use());
}
