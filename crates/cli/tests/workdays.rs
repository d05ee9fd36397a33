//! `hearth workdays`, `hearth calendar` and `hearth policy` as an administrator uses them.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SETTINGS_ENV: &[&str] = &["HEARTH_CONFIG", "HEARTH_CALENDAR_FILE", "HEARTH_CLOSURE_DAYS_FILE", "HEARTH_POLICY_PACK", "HEARTH_POLICY_BASE"];

/// A scratch directory per test, used as the working directory so that no `hearth.toml` or
/// `bank-holidays.json` from elsewhere is picked up.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hearth-workdays-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn hearth(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    for v in SETTINGS_ENV {
        c.env_remove(v);
    }
    c.env_remove("HEARTH_DATABASE_URL").env("HEARTH_LOG", "error").current_dir(dir);
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    hearth(dir).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn repo_file(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel).display().to_string()
}

#[test]
fn help_is_available() {
    let d = scratch("help");
    for args in [
        vec!["workdays", "--help"],
        vec!["workdays", "add", "--help"],
        vec!["workdays", "between", "--help"],
        vec!["workdays", "explain", "--help"],
        vec!["calendar", "import", "--help"],
        vec!["calendar", "show", "--help"],
        vec!["policy", "check", "--help"],
        vec!["policy", "show", "--help"],
    ] {
        let out = run(&d, &args);
        assert!(out.status.success(), "{args:?}");
        assert!(stdout(&out).contains("Usage"), "{args:?}");
    }
}

#[test]
fn add_and_between() {
    let d = scratch("add");
    let out = run(&d, &["workdays", "add", "2023-12-22", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "2023-12-27\n");
    assert_eq!(stderr(&out), "");
    assert_eq!(stdout(&run(&d, &["workdays", "add", "2023-12-04", "45"])), "2024-02-08\n");
    assert_eq!(stdout(&run(&d, &["workdays", "add", "2024-01-02", "-1"])), "2023-12-29\n");
    assert_eq!(stdout(&run(&d, &["workdays", "add", "2024-03-09", "0"])), "2024-03-09\n");
    let out = run(&d, &["workdays", "between", "2023-12-22", "2023-12-27"]);
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("1\n", Some(0)));
    assert_eq!(stdout(&run(&d, &["workdays", "between", "2023-12-27", "2023-12-22"])), "-1\n");
    assert_eq!(stdout(&run(&d, &["workdays", "between", "2023-12-31", "2024-12-31"])), "254\n");
    let out = run(&d, &["workdays", "explain", "2023-12-22", "1", "--event", "contact"]);
    assert!(stdout(&out).starts_with("due Wed 27 Dec 2023 — 1 working day after the contact on Fri 22 Dec (25 and 26 Dec are bank holidays)\n"), "{}", stdout(&out));
    assert!(stdout(&out).contains("2023-12-25 bank holiday: Christmas Day"));
}

#[test]
fn bad_input_is_a_one_line_error_with_exit_2() {
    let d = scratch("bad");
    for args in [
        vec!["workdays", "add", "2023-02-30", "1"],
        vec!["workdays", "add", "22/12/2023", "1"],
        vec!["workdays", "add", "2023-12-22", "one"],
        vec!["workdays", "add", "2023-12-22", "1.5"],
        vec!["workdays", "between", "2023-12-22", "tomorrow"],
        vec!["workdays", "between", "", "2023-12-22"],
        vec!["workdays", "explain", "2023-13-01", "1"],
        vec!["workdays", "add", "2023-12-22", "99999999"],
    ] {
        let out = run(&d, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("hearth: "), "{err}");
        assert!(!err.contains("panicked"));
        assert_eq!(stdout(&out), "");
    }
    assert!(stderr(&run(&d, &["workdays", "add", "2023-02-30", "1"])).contains("not a date: \"2023-02-30\""));
}

#[test]
fn dates_beyond_the_data_print_the_result_and_a_warning() {
    let d = scratch("beyond");
    let out = run(&d, &["workdays", "add", "2027-12-29", "5"]);
    assert!(out.status.success());
    assert_eq!(stdout(&out), "2028-01-05\n");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("hearth: warning: the bank-holiday data ends on 2027-12-31"), "{err}");
    let out = run(&d, &["workdays", "between", "2011-12-01", "2012-01-10"]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("starts on 2012-01-01"), "{}", stderr(&out));
}

#[test]
fn a_local_calendar_adds_closure_days() {
    let d = scratch("closures");
    std::fs::write(d.join("closures.toml"), "[[closure]]\ndate = 2023-12-27\nreason = \"Council closure\"\n").unwrap();
    let out = run(&d, &["workdays", "add", "2023-12-22", "1", "--calendar", "closures.toml"]);
    assert_eq!(stdout(&out), "2023-12-28\n", "{}", stderr(&out));
    let out = run(&d, &["workdays", "explain", "2023-12-22", "1", "--calendar", "closures.toml"]);
    assert!(stdout(&out).contains("27 Dec is a closure day"), "{}", stdout(&out));
    // The same through configuration.
    let out = hearth(&d).args(["workdays", "between", "2023-12-22", "2023-12-29"]).env("HEARTH_CLOSURE_DAYS_FILE", "closures.toml").output().unwrap();
    assert_eq!(stdout(&out), "2\n");
    // A broken closure file names its line.
    std::fs::write(d.join("broken.toml"), "[[closure]]\ndate = 2023-12-27\nreasn = \"typo\"\n").unwrap();
    let out = run(&d, &["workdays", "add", "2023-12-22", "1", "--calendar", "broken.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("broken.toml:3:1: closure[1].reasn: unknown field `reasn`"), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    // A bank-holiday file and a closure file together.
    let out = run(&d, &["workdays", "add", "2023-12-22", "1", "--calendar", &repo_file("data/calendar/england-and-wales.json"), "--calendar", "closures.toml"]);
    assert_eq!(stdout(&out), "2023-12-28\n", "{}", stderr(&out));
    let out = run(&d, &["workdays", "add", "2023-12-22", "1", "--calendar", "missing.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("hearth: cannot read missing.toml"), "{}", stderr(&out));
}

/// GOV.UK's file as published with 2028 added (and a division Hearth ignores).
fn newer_gov_uk_file() -> String {
    let e = |t: &str, d: &str, n: &str| format!(r#"{{"title":"{t}","date":"{d}","notes":"{n}","bunting":true}}"#);
    let events = [
        e("New Year’s Day", "2027-01-01", ""),
        e("Good Friday", "2027-03-26", ""),
        e("Easter Monday", "2027-03-29", ""),
        e("Early May bank holiday", "2027-05-03", ""),
        e("Spring bank holiday", "2027-05-31", ""),
        e("Summer bank holiday", "2027-08-30", ""),
        e("Christmas Day", "2027-12-27", "Substitute day"),
        e("Boxing Day", "2027-12-28", "Substitute day"),
        e("New Year’s Day", "2028-01-03", "Substitute day"),
        e("Good Friday", "2028-04-14", ""),
        e("Easter Monday", "2028-04-17", ""),
        e("Early May bank holiday", "2028-05-01", ""),
        e("Spring bank holiday", "2028-05-29", ""),
        e("Summer bank holiday", "2028-08-28", ""),
        e("Christmas Day", "2028-12-25", ""),
        e("Boxing Day", "2028-12-26", ""),
    ];
    format!(
        r#"{{"england-and-wales":{{"division":"england-and-wales","events":[{}]}},"scotland":{{"division":"scotland","events":[]}}}}"#,
        events.join(",")
    )
}

#[test]
fn a_newer_bank_holiday_file_is_imported_without_a_release() {
    let d = scratch("import");
    std::fs::write(d.join("new.json"), newer_gov_uk_file()).unwrap();
    let installed = d.join("installed/bank-holidays.json");
    let with_setting = |args: &[&str]| hearth(&d).args(args).env("HEARTH_CALENDAR_FILE", &installed).output().unwrap();

    let out = with_setting(&["calendar", "import", "new.json", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("now cover 2012–2028"), "{}", stdout(&out));
    assert!(stdout(&out).contains("added    2028-01-03 New Year’s Day"), "{}", stdout(&out));
    assert!(!installed.exists());

    let out = with_setting(&["calendar", "import", "new.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("installed at"), "{}", stdout(&out));
    assert!(installed.exists());

    // Used from now on: 3 January 2028 is a bank holiday, and no warning.
    let out = with_setting(&["workdays", "add", "2027-12-29", "5"]);
    assert_eq!(stdout(&out), "2028-01-06\n");
    assert_eq!(stderr(&out), "");
    // Old years are kept.
    assert_eq!(stdout(&with_setting(&["workdays", "add", "2023-12-22", "1"])), "2023-12-27\n");
    let out = with_setting(&["calendar", "show", "--year", "2028"]);
    assert!(stdout(&out).contains("2012–2028"), "{}", stdout(&out));
    assert!(stdout(&out).contains("2028-01-03 Mon bank holiday: New Year’s Day"), "{}", stdout(&out));

    // A bad file is refused and the installed one is left alone.
    let before = std::fs::read(&installed).unwrap();
    std::fs::write(d.join("bad.json"), newer_gov_uk_file().replace("2028-04-17", "2028-04-31")).unwrap();
    let out = with_setting(&["calendar", "import", "bad.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("bad.json:1:"), "{}", stderr(&out));
    assert!(stderr(&out).contains("\"2028-04-31\" is not a date"), "{}", stderr(&out));
    std::fs::write(d.join("gap.json"), newer_gov_uk_file().replace("2027-", "2025-").replace("2028-", "2030-")).unwrap();
    let out = with_setting(&["calendar", "import", "gap.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stderr(&out).contains("has 0 bank holidays"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&installed).unwrap(), before);
    // Without the setting the built-in copy is used.
    let out = run(&d, &["calendar", "show"]);
    assert!(stdout(&out).contains("built into hearth"), "{}", stdout(&out));
}

const LAYER: &str = "name = \"test-la\"\nversion = \"1\"\nextends = \"national\"\n\n";

#[test]
fn policy_check_accepts_the_shipped_packs() {
    let d = scratch("policy-ok");
    let out = run(&d, &["policy", "check", &repo_file("data/policy/bath-ne-somerset.toml")]);
    assert_eq!((stdout(&out).as_str(), out.status.code()), ("ok: bath-ne-somerset 2026.1\n", Some(0)), "{}", stderr(&out));
    let out = run(&d, &["policy", "check", &repo_file("data/policy/national.toml")]);
    assert_eq!(stdout(&out), "ok: national 2026.1\n");
}

#[test]
fn policy_check_names_file_line_and_field() {
    let d = scratch("policy-bad");
    let cases = [
        ("loosened.toml", format!("{LAYER}[timescale.single_assessment]\nwithin = \"60 working days\"\n"), "loosened.toml:6:10: timescale.single_assessment.within: loosens the statutory timescale \"single_assessment\": 60 working days is longer than the national 45 working days"),
        ("unknown.toml", format!("{LAYER}[timescale.child_seen]\nfrom = \"referral\"\nwithin = \"5 working days\"\nexplain = true\n"), "unknown.toml:8:1: timescale.child_seen.explain: unknown field `explain`"),
        ("negative.toml", format!("{LAYER}[timescale.child_seen]\nfrom = \"referral\"\nwithin = \"-5 working days\"\n"), "negative.toml:7:10: timescale.child_seen.within: negative timescale"),
        ("missing.toml", format!("{LAYER}[timescale.child_seen]\nfrom = \"referral\"\n"), "missing.toml:5:1: timescale.child_seen: missing timescale"),
        ("unit.toml", format!("{LAYER}[timescale.child_seen]\nfrom = \"referral\"\nwithin = \"5 fortnights\"\n"), "unit.toml:7:10: timescale.child_seen.within: unknown unit \"fortnights\""),
        ("extends.toml", "name = \"test-la\"\nversion = \"1\"\nextends = \"nationl\"\n".to_string(), "extends.toml:3:11: extends: extends \"nationl\", but the base pack is \"national\""),
    ];
    for (file, text, expected) in cases {
        std::fs::write(d.join(file), text).unwrap();
        let out = run(&d, &["policy", "check", file]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        let err = stderr(&out);
        assert!(err.starts_with(expected), "{file}: {err}");
        assert!(err.trim_end().lines().last().unwrap().starts_with(&format!("hearth: {file}: 1 error")), "{err}");
        assert_eq!(stdout(&out), "");
    }
    // Several errors at once, in line order.
    std::fs::write(d.join("two.toml"), format!("{LAYER}[timescale.single_assessment]\nwithin = \"50 working days\"\n[timescale.x]\nfrom = \"referral\"\nwithin = \"-1 hours\"\n")).unwrap();
    let out = run(&d, &["policy", "check", "two.toml"]);
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].starts_with("two.toml:6:10:") && lines[1].starts_with("two.toml:9:10:"), "{err}");
    assert_eq!(lines[2], "hearth: two.toml: 2 errors — the pack is not loaded");
}

#[test]
fn policy_show_prints_the_effective_pack() {
    let d = scratch("policy-show");
    let out = run(&d, &["policy", "show"]);
    assert!(out.status.success());
    assert!(stdout(&out).starts_with("# Policy pack national 2026.1.\nname = \"national\"\n"), "{}", stdout(&out));

    let seed = repo_file("data/policy/bath-ne-somerset.toml");
    let configured = hearth(&d).args(["policy", "show"]).env("HEARTH_POLICY_PACK", &seed).output().unwrap();
    let flag = run(&d, &["policy", "show", "--pack", &seed]);
    assert_eq!(stdout(&configured), stdout(&flag));
    let text = stdout(&flag);
    assert!(text.starts_with("# Effective policy pack: bath-ne-somerset 2026.1 on national 2026.1.\n"), "{text}");
    assert!(text.contains("[timescale.single_assessment]\ntitle = \"Assessment completed\"\nfrom = \"referral\"\nwithin = \"45 working days\"\nstatutory = true\n"));
    assert!(text.contains("[timescale.initial_assessment]"));
    assert!(text.contains("[threshold.caseload_per_qualified_social_worker]"));
    // The printed pack is a valid pack in its own right.
    std::fs::write(d.join("effective.toml"), &text).unwrap();
    assert_eq!(stdout(&run(&d, &["policy", "check", "effective.toml"])), "ok: bath-ne-somerset 2026.1\n");

    // A configured pack that does not validate is not loaded.
    std::fs::write(d.join("bad.toml"), format!("{LAYER}[timescale.single_assessment]\nwithin = \"60 working days\"\n")).unwrap();
    let out = hearth(&d).args(["policy", "show"]).env("HEARTH_POLICY_PACK", "bad.toml").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).starts_with("bad.toml:6:10:"), "{}", stderr(&out));
    // A configured base pack is used as the base.
    std::fs::write(d.join("base.toml"), "name = \"national\"\nversion = \"2027.1\"\n[timescale.single_assessment]\nfrom = \"referral\"\nwithin = \"40 working days\"\nstatutory = true\n").unwrap();
    let out = hearth(&d).args(["policy", "check", "bad.toml"]).env("HEARTH_POLICY_BASE", "base.toml").output().unwrap();
    assert!(stderr(&out).contains("longer than the national 40 working days"), "{}", stderr(&out));
}
