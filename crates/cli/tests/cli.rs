//! The `hearth` binary as an administrator uses it: clear one-line errors, exit codes.
use std::process::Command;

fn hearth() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hearth"));
    c.env_remove("HEARTH_DATABASE_URL").env_remove("HEARTH_CONFIG").env("HEARTH_LOG", "error");
    c
}

fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("hearth-cli-{}-{name}", std::process::id()))
}

#[test]
fn help_is_available_for_every_command() {
    for args in [vec!["--help"], vec!["serve", "--help"], vec!["demo", "--help"], vec!["migrate", "--help"], vec!["user", "add", "--help"], vec!["audit", "verify", "--help"], vec!["audit", "anchor", "--help"], vec!["bench", "--help"], vec!["deadlines", "recalculate", "--help"], vec!["returns", "cin", "--help"], vec!["returns", "cin-validate", "--help"], vec!["import", "cin", "--help"], vec!["postcodes", "import", "--help"], vec!["leaving-care", "status", "--help"]] {
        let out = hearth().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"), "{args:?}");
    }
}

#[test]
fn a_corrupt_database_is_a_one_line_error() {
    let db = temp("corrupt.db");
    std::fs::write(&db, b"this is not a SQLite database, it is a text file that happens to be long enough").unwrap();
    let out = hearth().args(["--database", &format!("sqlite://{}", db.display()), "migrate"]).output().unwrap();
    let _ = std::fs::remove_file(&db);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.starts_with("hearth: cannot open the database") || err.starts_with("hearth: cannot migrate the database"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn an_unreachable_postgres_is_a_one_line_error() {
    let out = hearth().args(["--database", "postgres://nobody:secret@127.0.0.1:1/hearth", "migrate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!err.contains("secret"), "the password is not printed: {err}");
}

#[test]
fn users_are_added_and_the_audit_log_verifies() {
    let db = temp("users.db");
    let url = format!("sqlite://{}", db.display());
    let out = hearth().args(["--database", &url, "user", "add", "pat.admin", "--name", "Pat Admin", "--role", "administrator", "--team", "Systems"]).env("HEARTH_NEW_PASSWORD", "a long enough password").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = hearth().args(["--database", &url, "user", "add", "x", "--name", "X", "--role", "wizard"]).env("HEARTH_NEW_PASSWORD", "a long enough password").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown role wizard"));
    let out = hearth().args(["--database", &url, "user", "add", "pat.admin", "--name", "Again", "--role", "auditor"]).env("HEARTH_NEW_PASSWORD", "a long enough password").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already taken"));
    let out = hearth().args(["--database", &url, "user", "add", "short", "--name", "Short", "--role", "auditor"]).env("HEARTH_NEW_PASSWORD", "short").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = hearth().args(["--database", &url, "audit", "verify"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("audit log intact"));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
}

#[test]
fn bad_configuration_is_a_usage_error() {
    let out = hearth().args(["--config", "/nonexistent/hearth.toml", "migrate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

#[test]
fn audit_verify_names_the_first_tampered_entry() {
    let db = temp("tamper.db");
    let url = format!("sqlite://{}", db.display());
    for name in ["a", "b", "c"] {
        let out = hearth().args(["--database", &url, "user", "add", name, "--name", name, "--role", "auditor"]).env("HEARTH_NEW_PASSWORD", "a long enough password").output().unwrap();
        assert!(out.status.success());
    }
    let verify = || hearth().args(["--database", &url, "audit", "verify"]).output().unwrap();
    assert!(verify().status.success());
    // Someone with access to the database file rewrites an entry.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = hearth_store_sql::SqlStore::connect(&url).await.unwrap();
        store.drop_audit_guards_for_tests().await.unwrap();
        store.execute_unchecked_for_tests("UPDATE audit_log SET action = 'nothing.to.see' WHERE seq = 2").await.unwrap();
        store.close().await;
    });
    let out = verify();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("audit entry 2 was changed"), "{err}");
    // And one that removes an entry from the middle.
    rt.block_on(async {
        let store = hearth_store_sql::SqlStore::connect(&url).await.unwrap();
        store.execute_unchecked_for_tests("DELETE FROM audit_log WHERE seq IN (1, 2)").await.unwrap();
        store.close().await;
    });
    let err = String::from_utf8_lossy(&verify().stderr).to_string();
    assert!(err.contains("audit entry 3 does not follow"), "{err}");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
}

#[test]
fn serve_refuses_to_start_with_an_invalid_policy_pack() {
    let pack = temp("bad-pack.toml");
    std::fs::write(&pack, "name = \"local\"\nversion = \"1\"\nextends = \"national\"\nwibble = 3\n").unwrap();
    let db = temp("never.db");
    let out = hearth()
        .args(["--database", &format!("sqlite://{}", db.display()), "serve", "--bind", "127.0.0.1:0"])
        .env("HEARTH_POLICY_PACK", &pack)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&pack);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad-pack.toml:4:1: wibble"), "{err}");
    assert!(err.contains("the pack is not loaded"), "{err}");
    assert!(!db.exists(), "nothing was opened or created");
}

#[test]
fn deadlines_recalculate_reports_and_refuses_a_bad_pack() {
    let db = temp("deadlines.db");
    let url = format!("sqlite://{}", db.display());
    let out = hearth().args(["--database", &url, "deadlines", "recalculate"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Every open deadline already matches national 2026.1.");
    let pack = temp("deadlines-pack.toml");
    std::fs::write(&pack, "name = \"local\"\nversion = \"1\"\nextends = \"national\"\n[timescale.single_assessment]\ntitle = \"x\"\nfrom = \"referral\"\nwithin = \"60 working days\"\nsource = \"x\"\n").unwrap();
    let out = hearth().args(["--database", &url, "deadlines", "recalculate", "--apply"]).env("HEARTH_POLICY_PACK", &pack).output().unwrap();
    let _ = std::fs::remove_file(&pack);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    assert_eq!(out.status.code(), Some(1), "a loosened statutory timescale stops it");
    assert!(String::from_utf8_lossy(&out.stderr).contains("single_assessment"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn returns_cin_writes_the_census_and_refuses_bad_arguments() {
    let db = temp("returns.db");
    let url = format!("sqlite://{}", db.display());
    let xml = temp("cin.xml");
    let path = xml.display().to_string();
    for (args, what) in [(["--year", "2024-25", "--la", "800"], "2024-25"), (["--year", "2025-26", "--la", "80A"], "80A")] {
        let out = hearth().args(["--database", &url, "returns", "cin"]).args(args).args(["--out", &path]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{what}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(what) && err.trim().lines().count() == 1, "a one-line message naming {what}: {err}");
    }
    let out = hearth().args(["--database", &url, "returns", "cin", "--year", "2025-26", "--la", "800", "--out", &path]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("for 0 children"));
    let written = std::fs::read_to_string(&xml).unwrap();
    let _ = std::fs::remove_file(&xml);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    assert!(written.contains("<Collection>CIN</Collection>") && written.contains("<LEA>800</LEA>") && written.contains("<Children>"), "{written}");
}

/// A census file of one child, valid but for what `edit` changes.
fn census_file(edit: impl Fn(String) -> String) -> std::path::PathBuf {
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>2026</Year><ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>201</LEA><SoftwareCode>X</SoftwareCode><Release>1</Release><SerialNo>1</SerialNo><DateTime>2026-04-20T09:00:00</DateTime></Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>C1</LAchildID><UPN>Z201150000011</UPN><PersonBirthDate>2015-06-01</PersonBirthDate><Sex>M</Sex></ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2025-05-06</CINreferralDate><ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>
        <CINclosureDate>2026-01-15</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure><ReferralNFA>false</ReferralNFA>
        <Assessments><AssessmentActualStartDate>2025-05-07</AssessmentActualStartDate><AssessmentAuthorisationDate>2025-06-20</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment><AssessmentFactors>2A</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>
        <CINPlanDates><CINPlanStartDate>2025-06-23</CINPlanStartDate><CINPlanEndDate>2026-01-15</CINPlanEndDate></CINPlanDates>
      </CINdetails>
    </Child>
  </Children>
</Message>
"#;
    // Tests run side by side: each file its own name.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let path = temp(&format!("census-{}.xml", NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
    std::fs::write(&path, edit(xml.to_string())).unwrap();
    path
}

#[test]
fn import_cin_brings_a_census_in_once_and_reports_what_it_refused() {
    let db = temp("import.db");
    let url = format!("sqlite://{}", db.display());
    for (name, role) in [("data.team", "business_support"), ("sam.worker", "social_worker")] {
        let out = hearth().args(["--database", &url, "user", "add", name, "--name", name, "--role", role]).env("HEARTH_NEW_PASSWORD", "a long enough password").output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let run = |file: std::path::PathBuf, extra: &[&str]| {
        let out = hearth().args(["--database", &url, "import", "cin"]).arg(&file).args(extra).output().unwrap();
        let _ = std::fs::remove_file(&file);
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let as_data = ["--user", "data.team", "--la", "201"];
    let (code, out, err) = run(census_file(|x| x), &["--dry-run", "--user", "data.team", "--la", "201"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("Dry run, nothing kept: would have 1 created"), "{out}");
    let (code, out, err) = run(census_file(|x| x), &as_data);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("CIN census 2025-26 from LA 201: 1 children.") && out.contains("Imported: 1 created, 0 merged, 0 unchanged, 0 rejected."), "{out}");
    let (code, out, _) = run(census_file(|x| x), &as_data);
    assert!(code == Some(0) && out.contains("0 created, 0 merged, 1 unchanged"), "the same file again changes nothing: {out}");
    // A child Hearth cannot hold: listed with its reasons, exit 1; the rest comes in.
    let two = |x: String| {
        let child = &x[x.find("<Child>").unwrap()..x.find("</Children>").unwrap()];
        let bad = child.replace("<LAchildID>C1</LAchildID>", "<LAchildID>C2</LAchildID>").replace("WBRI", "ZZZZ");
        x.replace("</Children>", &format!("{bad}</Children>"))
    };
    let json = temp("import-report.json");
    let mut with_json = as_data.to_vec();
    let json_arg = json.display().to_string();
    with_json.extend(["--json", &json_arg]);
    let (code, out, err) = run(census_file(two), &with_json);
    assert_eq!(code, Some(1), "{out}");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let _ = std::fs::remove_file(&json);
    assert_eq!((report["unchanged"][0].as_str(), report["rejected"][0]["la_child_id"].as_str()), (Some("C1"), Some("C2")), "child by child: {report}");
    assert!(out.contains("Rejected C2 (line") && out.contains("Ethnicity \"ZZZZ\": is not a DfE ethnicity code"), "{out}");
    assert!(err.contains("1 children were rejected") && err.trim().lines().count() == 1, "{err}");
    // Files and arguments that cannot be used: exit 2, one line, nothing imported.
    type Edit = Box<dyn Fn(String) -> String>;
    let cases: [(Edit, Vec<&str>, &str); 6] = [
        (Box::new(|x: String| x), vec!["--user", "data.team", "--la", "201", "--team", "Nowhere"], "no team called Nowhere"),
        (Box::new(|x: String| x), vec!["--user", "data.team", "--la", "999"], "from local authority \"201\""),
        (Box::new(|x: String| x[..x.find("<CINPlanDates>").unwrap()].to_string()), as_data.to_vec(), "truncated"),
        (Box::new(|x: String| x), vec!["--user", "nobody", "--la", "201"], "no active user called nobody"),
        (Box::new(|x: String| x), vec!["--user", "sam.worker", "--la", "201"], "may not import"),
        (Box::new(|x: String| x), vec!["--user", "data.team"], "--la"),
    ];
    for (edit, args, what) in cases {
        let (code, _, err) = run(census_file(edit), &args);
        assert_eq!(code, Some(2), "{what}: {err}");
        assert!(err.contains(what) && err.trim().lines().count() == 1, "{what}: {err}");
    }
    let (code, _, err) = run(std::path::PathBuf::from("/nonexistent/census.xml"), &as_data);
    assert!(code == Some(2) && err.contains("cannot open"), "{err}");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
}

#[test]
fn returns_cin_validate_reports_by_rule_child_and_field() {
    let run = |path: &std::path::Path, extra: &[&str]| {
        let out = hearth().args(["returns", "cin-validate"]).arg(path).args(extra).output().unwrap();
        let _ = std::fs::remove_file(path);
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    // Valid (one query: fewer than 8 children have no disability, 2887Q): exit 0.
    let (code, out, _) = run(&census_file(|x| x), &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.trim_end().ends_with("cin-validate: 0 errors, 1 queries"), "{out}");
    // An error: exit 1, named by rule, child and field, and in the JSON.
    let json = temp("failures.json");
    let (code, out, _) = run(&census_file(|x| x.replace("<Sex>M</Sex>", "<Sex>X</Sex>")), &["--json", &json.display().to_string()]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("4180 ERROR x1: Sex must be provided and equal M, F, or U") && out.contains("child C1: ChildIdentifiers: Sex = \"X\""), "{out}");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let _ = std::fs::remove_file(&json);
    assert_eq!((report["errors"].as_u64(), report["failures"][0]["code"].as_str()), (Some(1), Some("4180")));
    // Only the rules asked for.
    let (code, out, _) = run(&census_file(|x| x.replace("<Sex>M</Sex>", "<Sex>X</Sex>")), &["--rules", "8500,8510"]);
    assert_eq!(code, Some(0), "{out}");
    // Files that cannot be read: exit 2 with a one-line reason.
    type Edit = Box<dyn Fn(String) -> String>;
    let cases: [(Edit, &str); 4] = [
        (Box::new(|x: String| x[..x.find("<CINPlanDates>").unwrap()].to_string()), "truncated"),
        (Box::new(|x: String| x.replace("<Message>", "<Message xmlns=\"http://www.dcsf.gov.uk/schemas/cbds\">")), "namespace"),
        (Box::new(|x: String| x.replace("</Sex>", "</Sx>")), "not well-formed"),
        (Box::new(|x: String| x.replace("<Year>2026</Year><ReferenceDate>2026-03-31</ReferenceDate>", "")), "collection year is unknown"),
    ];
    for (edit, what) in cases {
        let (code, _, err) = run(&census_file(edit), &[]);
        assert_eq!(code, Some(2), "{what}: {err}");
        assert!(err.contains(what) && err.trim().lines().count() == 1, "{what}: {err}");
    }
    let (code, _, err) = run(&census_file(|x| x), &["--rules", "9999"]);
    assert!(code == Some(2) && err.contains("no CIN census rule 9999"), "{err}");
    let (code, _, err) = run(std::path::Path::new("/nonexistent/census.xml"), &[]);
    assert!(code == Some(2) && err.contains("cannot open"), "{err}");
}

/// Someone with the database file removes the last entries and rewrites the head: the chain
/// of what is left verifies, but not against an anchor kept elsewhere.
#[test]
fn an_anchor_catches_a_rewound_audit_log() {
    let db = temp("anchor.db");
    let url = format!("sqlite://{}", db.display());
    for name in ["a", "b", "c"] {
        let out = hearth().args(["--database", &url, "user", "add", name, "--name", name, "--role", "auditor"]).env("HEARTH_NEW_PASSWORD", "a long enough password").output().unwrap();
        assert!(out.status.success());
    }
    let out = hearth().args(["--database", &url, "audit", "anchor"]).output().unwrap();
    assert!(out.status.success());
    let anchor = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(anchor.starts_with("hearth-audit-anchor v1 "), "{anchor}");
    let seq: i64 = anchor.split_whitespace().nth(2).unwrap().parse().unwrap();
    let verify = |anchor: Option<&str>| {
        let mut c = hearth();
        c.args(["--database", &url, "audit", "verify"]);
        if let Some(a) = anchor {
            c.args(["--anchor", a]);
        }
        c.output().unwrap()
    };
    let out = verify(Some(&anchor));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("entry {seq} is the anchored one")));
    // Later entries do not disturb an earlier anchor.
    hearth().args(["--database", &url, "user", "add", "d", "--name", "d", "--role", "auditor"]).env("HEARTH_NEW_PASSWORD", "a long enough password").output().unwrap();
    assert!(verify(Some(&anchor)).status.success());
    // The rewind: the last two entries gone, the head moved back to match.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = hearth_store_sql::SqlStore::connect(&url).await.unwrap();
        store.drop_audit_guards_for_tests().await.unwrap();
        let keep = seq - 1;
        store.execute_unchecked_for_tests(&format!("DELETE FROM audit_log WHERE seq > {keep}")).await.unwrap();
        store
            .execute_unchecked_for_tests(&format!("UPDATE audit_head SET seq = {keep}, hash = (SELECT hash FROM audit_log WHERE seq = {keep}) WHERE id = 1"))
            .await
            .unwrap();
        store.close().await;
    });
    assert!(verify(None).status.success(), "without the anchor the shortened log looks intact");
    let out = verify(Some(&anchor));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("the anchor names entry {seq}")), "{err}");
    assert_eq!(err.trim().lines().count(), 1);
    // A mangled anchor is a usage error.
    let out = verify(Some("hearth-audit-anchor v1 nonsense"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("as `hearth audit anchor` prints it"));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
}

#[test]
fn a_user_added_without_a_password_gets_a_set_up_link() {
    let db = temp("setup.db");
    let url = format!("sqlite://{}", db.display());
    let out = hearth().args(["--database", &url, "user", "add", "pat.admin", "--name", "Pat Admin", "--role", "administrator"]).env("HEARTH_PUBLIC_URL", "https://hearth.example.gov.uk/").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let link = text.lines().find(|l| l.starts_with("https://hearth.example.gov.uk/setup/")).unwrap_or_else(|| panic!("{text}"));
    assert_eq!(link.len(), "https://hearth.example.gov.uk/setup/".len() + 64, "{link}");
    assert!(text.contains("72 hours"));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
}

/// The locations `hearth postcodes import` left in the database, for `keys`.
fn stored_locations(url: &str, keys: &[&str]) -> Vec<(String, (i64, i64))> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use hearth_store::Store;
        let store = hearth_store_sql::SqlStore::connect(url).await.unwrap();
        let mut tx = store.begin_read().await.unwrap();
        let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        let mut found: Vec<(String, (i64, i64))> = tx.postcode_locations(&keys).await.unwrap().into_iter().map(|(k, l)| (k, l.micro_degrees())).collect();
        tx.commit().await.unwrap();
        store.close().await;
        found.sort();
        found
    })
}

#[test]
fn postcodes_import_loads_the_directory_with_district_centres_and_refuses_a_bad_file() {
    let db = temp("postcodes.db");
    let url = format!("sqlite://{}", db.display());
    let good = temp("onspd.csv");
    // The ONSPD's own columns among others, a row that is not a postcode, and a postcode
    // the directory has no location for.
    std::fs::write(
        &good,
        "pcd,pcds,dointr,doterm,lat,long,ctry\n\
         \"BA1 1AA\",\"BA1 1AA\",198001,,51.380000,-2.360000,E92000001\n\
         \"BA1 1AB\",\"BA1 1AB\",198001,,51.390000,-2.380000,E92000001\n\
         \"RG1 1AA\",\"RG1 1AA\",198001,,51.456000,-0.971000,E92000001\n\
         \"ZZ99\",\"ZZ99 BAD\",198001,,51.0,-2.0,E92000001\n\
         \"BA1 9ZZ\",\"BA1 9ZZ\",198001,200012,99.999999,0.000000,E92000001\n",
    )
    .unwrap();
    let out = hearth().args(["--database", &url, "postcodes", "import", good.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    assert!(said.contains("Loaded 3 postcodes and 2 districts") && said.contains("skipped 1 without a location and 1 that are not postcodes"), "{said}");
    let keys = ["BA1", "BA1 1AA", "BA1 1AB", "RG1", "RG1 1AA", "BA1 9ZZ"];
    let loaded = stored_locations(&url, &keys);
    assert_eq!(
        loaded,
        [("BA1".into(), (51_385_000, -2_370_000)), ("BA1 1AA".into(), (51_380_000, -2_360_000)), ("BA1 1AB".into(), (51_390_000, -2_380_000)), ("RG1".into(), (51_456_000, -971_000)), ("RG1 1AA".into(), (51_456_000, -971_000))],
        "each district at the centre of its postcodes; no row for the postcode without a location"
    );
    // A file without a longitude column, one that is not CSV and one missing: one line each,
    // exit 1, and the postcodes loaded before are still there.
    let missing = temp("no-long.csv");
    std::fs::write(&missing, "pcds,lat\nTA1 1AA,51.0\n").unwrap();
    let garbage = temp("garbage.csv");
    std::fs::write(&garbage, [0u8, 159, 146, 150, 10, 255, 0, 1, 2, 10]).unwrap();
    for (file, expect) in [(&missing, "no long column"), (&garbage, "not a CSV file"), (&temp("absent.csv"), "cannot read")] {
        let out = hearth().args(["--database", &url, "postcodes", "import", file.to_str().unwrap()]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", file.display());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(expect), "{expect}: {err}");
        assert!(!err.contains("panicked"));
    }
    assert_eq!(stored_locations(&url, &keys), loaded, "nothing changed");
    let out = hearth().args(["--database", &url, "audit", "verify"]).output().unwrap();
    assert!(out.status.success(), "the import is audited in the chain");
    for f in [&good, &missing, &garbage] {
        let _ = std::fs::remove_file(f);
    }
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
}

#[test]
fn leaving_care_status_prints_why_then_the_status_alone_and_refuses_bad_histories() {
    let status = |args: &[&str]| {
        let out = hearth().args(["leaving-care", "status"]).args(args).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let (code, out, _) = status(&["--born", "2008-01-10", "--care", "2024-03-01..2024-07-15", "--on", "2024-09-01"]);
    assert_eq!(code, Some(0));
    assert!(out.starts_with("relevant: looked after 19 weeks since 14 (1 Mar – 15 Jul 2024), left care at 16 on 15 July 2024"), "{out}");
    assert!(out.contains("A personal adviser (Children Act 1989, section 23B(2))"), "{out}");
    assert_eq!(out.trim_end().lines().last(), Some("relevant"));
    // An open period, and short breaks that do not count.
    let (_, out, _) = status(&["--born", "2006-04-02", "--care", "2021-01-04..", "--short-breaks", "2020-01-01..2020-01-20", "--on", "2024-01-01"]);
    assert_eq!(out.trim_end().lines().last(), Some("eligible"), "{out}");
    let (_, out, _) = status(&["--born", "2006-04-02", "--care", "2021-01-04..2024-04-02", "--on", "2025-01-01"]);
    assert_eq!(out.trim_end().lines().last(), Some("former relevant"), "{out}");
    let (_, out, _) = status(&["--born", "2006-04-02", "--care", "2023-09-01..2023-09-29", "--in-education", "--on", "2028-01-01"]);
    assert_eq!(out.trim_end().lines().last(), Some("qualifying"), "{out}");
    // Bad dates and overlapping periods: one line, exit 2.
    for (args, says) in [
        (vec!["--born", "2008-13-01", "--on", "2024-01-01"], "--born: not a date"),
        (vec!["--born", "2008-01-10", "--care", "2023-01-01..2023-06-01,2023-05-01..", "--on", "2024-01-01"], "overlap"),
        (vec!["--born", "2008-01-10", "--care", "2023-01-01", "--on", "2024-01-01"], "not FROM..TO"),
        (vec!["--born", "2008-01-10", "--on", "2007-01-01"], "before the young person was born"),
    ] {
        let (code, _, err) = status(&args);
        assert_eq!(code, Some(2), "{args:?}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
