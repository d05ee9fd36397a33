//! Plants every rule's violation into a valid census file, runs the DfE's validator and ours
//! on the planted files, and prints where they disagree (exit 1 if anywhere).
//!
//! cargo run -p hearth-cin-census --example agree -- --base valid.xml --out DIR
//!     [--rules 8500,4180] [--per-rule 2] [--validator ../shared/tools/cin-validate]
use hearth_cin_census::agreement::{self, Verdict};
use hearth_cin_census::rules::{self, Ctx};
use hearth_cin_census::{read, write};
use std::path::PathBuf;
use std::process::{Command, ExitCode};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("agree: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, String> {
    let args: Vec<String> = std::env::args().collect();
    let base = arg(&args, "--base").ok_or("--base FILE is required")?;
    let out = PathBuf::from(arg(&args, "--out").ok_or("--out DIR is required")?);
    let validator = arg(&args, "--validator").unwrap_or_else(|| "../shared/tools/cin-validate".into());
    let per_rule: usize = arg(&args, "--per-rule").map(|s| s.parse().map_err(|_| "--per-rule must be a number")).transpose()?.unwrap_or(2);
    let wanted: Vec<String> = arg(&args, "--rules").map(|s| s.split(',').map(|c| c.trim().to_string()).collect()).unwrap_or_default();
    let rules: Vec<_> = if wanted.is_empty() {
        rules::all()
    } else {
        wanted.iter().map(|c| rules::find(c).ok_or(format!("no rule {c}"))).collect::<Result<_, _>>()?
    };
    let file = std::fs::File::open(&base).map_err(|e| format!("{base}: {e}"))?;
    let base = read::read_all(std::io::BufReader::new(file)).map_err(|e| e.to_string())?;
    let calendar = hearth_domain::calendar::shipped();
    let ctx = Ctx::from_header(&base.header, calendar).ok_or("the base file has no readable ReferenceDate or Year")?;
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let mut agreed = true;
    for planted in agreement::plant(&base, &ctx, &rules, per_rule) {
        let xml = out.join(format!("planted-{}.xml", planted.name));
        let json = out.join(format!("planted-{}.json", planted.name));
        std::fs::write(&xml, write::to_string(&planted.file)).map_err(|e| e.to_string())?;
        let status = Command::new(&validator).arg(&xml).arg("--json").arg(&json).arg("--max-lines").arg("0").output().map_err(|e| format!("{validator}: {e}"))?;
        if !json.exists() {
            return Err(format!("{validator} wrote no JSON for {}: {}", xml.display(), String::from_utf8_lossy(&status.stderr)));
        }
        let official: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        let official = Verdict::from_official_json(&official);
        let ours = Verdict::of(&rules::validate(&planted.file, ctx));
        let (official, ours) = if planted.compare_all {
            (official, ours)
        } else {
            let codes: Vec<&str> = planted.planted.keys().copied().collect();
            (official.only(&codes), ours.only(&codes))
        };
        let diff = agreement::compare(&official, &ours);
        println!("{}: planted {:?}; not planted {:?}", planted.name, planted.planted, planted.not_planted);
        for (code, child) in &diff.only_official {
            println!("  only the DfE validator: {code} for child {child:?}");
        }
        for (code, child) in &diff.only_ours {
            println!("  only Hearth: {code} for child {child:?}");
        }
        for (code, ids) in &planted.planted {
            if agreement::KNOWN_DIVERGENCES.iter().any(|(c, _)| c == code) {
                continue;
            }
            if !ids.iter().all(|id| official.pairs.contains(&(code.to_string(), id.clone()))) && !official.crashed.contains(*code) {
                println!("  planted {code} on {ids:?} but the DfE validator did not report it on all of them (a planter to fix)");
            }
        }
        agreed &= diff.is_empty();
    }
    for (code, why) in agreement::KNOWN_DIVERGENCES {
        println!("not compared: {code}: {why}");
    }
    println!("{}", if agreed { "agree" } else { "DISAGREE" });
    Ok(agreed)
}
