//! `hearth postcodes import FILE`: loads where postcodes are from the ONS Postcode Directory
//! (ONSPD, a CSV file of about 2.7 million postcodes), for the distance from home of each
//! looked-after child on the children-in-care dashboard. The file is read and checked whole
//! before anything is written; the table is then replaced in one transaction.
use crate::Failure;
use clap::Subcommand;
use hearth_app::App;
use hearth_domain::care::distance::{with_district_centres, Location};
use hearth_domain::care::postcode::Postcode;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum PostcodesCommand {
    /// Load the ONS Postcode Directory (or any CSV file with a header naming the columns
    /// pcds, lat and long — or postcode, latitude and longitude), replacing the postcode
    /// locations in one transaction, with each district's centre computed from its
    /// postcodes. Rows without a location (the directory's latitude 99.999999) and rows that
    /// are not postcodes are skipped and counted.
    Import {
        /// The CSV file (ONSPD_*_UK.csv, from the ONS Open Geography Portal).
        file: PathBuf,
    },
}

/// The ONSPD's latitude for a postcode without a grid reference.
const NO_LOCATION_LAT: f64 = 99.999_999;

/// What a directory file held.
#[derive(Debug, Default)]
pub struct Directory {
    pub postcodes: BTreeMap<Postcode, Location>,
    /// Rows whose coordinates are the directory's "no location", blank or out of range.
    pub no_location: usize,
    /// Rows whose postcode column is not a postcode.
    pub not_postcodes: usize,
}

/// The first of `names` among the header's columns (case and spaces aside).
fn column(header: &csv::StringRecord, names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| header.iter().position(|h| h.trim().eq_ignore_ascii_case(n)))
}

/// Reads a postcode directory; the error is one line for the operator.
pub fn read_directory(r: impl Read) -> Result<Directory, String> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(r);
    let header = rdr.headers().map_err(|e| format!("not a CSV file with a header: {e}"))?.clone();
    let wanted = [("pcds", &["pcds", "postcode"][..]), ("lat", &["lat", "latitude"][..]), ("long", &["long", "longitude"][..])];
    let mut at = [0usize; 3];
    for (i, (name, names)) in wanted.iter().enumerate() {
        at[i] = column(&header, names).ok_or_else(|| {
            let seen: Vec<&str> = header.iter().take(8).collect();
            format!("no {} column in the header (looked for {}; found {}{})", name, names.join(" or "), seen.join(","), if header.len() > 8 { ",…" } else { "" })
        })?;
    }
    let mut out = Directory::default();
    let mut row = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(format!("not a postcode directory CSV: {e}")),
        }
        let field = |i: usize| row.get(i).and_then(|f| std::str::from_utf8(f).ok()).unwrap_or("").trim();
        let Ok(postcode) = Postcode::parse(field(at[0])) else {
            out.not_postcodes += 1;
            continue;
        };
        let (lat, lon) = (field(at[1]).parse::<f64>(), field(at[2]).parse::<f64>());
        let location = match (lat, lon) {
            (Ok(lat), _) if (lat - NO_LOCATION_LAT).abs() < 1e-9 => None,
            (Ok(lat), Ok(lon)) => Location::new(lat, lon).ok(),
            _ => None,
        };
        match location {
            Some(l) => {
                out.postcodes.insert(postcode, l);
            }
            None => out.no_location += 1,
        }
    }
    Ok(out)
}

/// 2651234 → "2,651,234".
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub async fn run(app: &App, command: PostcodesCommand) -> Result<(), Failure> {
    let PostcodesCommand::Import { file } = command;
    let name = file.display().to_string();
    let f = std::fs::File::open(&file).map_err(|e| Failure(format!("cannot read {name}: {e}"), 1))?;
    let dir = read_directory(std::io::BufReader::with_capacity(1 << 20, f)).map_err(|e| Failure(format!("{name}: {e}; nothing changed"), 1))?;
    if dir.postcodes.is_empty() {
        return Err(Failure(format!("{name}: no postcode with a location; nothing changed"), 1));
    }
    let postcodes = dir.postcodes.len();
    let (rows, districts) = with_district_centres(dir.postcodes);
    app.replace_postcode_locations(&rows, &name).await.map_err(|e| Failure(format!("cannot load the postcodes: {e}; nothing changed"), 1))?;
    println!(
        "Loaded {} postcodes and {} districts from {name}; skipped {} without a location and {} that are not postcodes.",
        thousands(postcodes),
        thousands(districts),
        thousands(dir.no_location),
        thousands(dir.not_postcodes)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_onspds_columns_are_found_among_many_and_bad_rows_counted() {
        let csv = "pcd,pcd2,pcds,dointr,lat,long,ctry\n\
                   \"BA1 1AA\",\"BA1  1AA\",\"BA1 1AA\",198001,51.381234,-2.359001,E92000001\n\
                   \"BA11AB\",\"BA1  1AB\",\"ba11ab\",198001,51.382,-2.36,E92000001\n\
                   \"XX\",\"XX\",\"NOT A PC\",198001,51.0,-2.0,E92000001\n\
                   \"BA1 9ZZ\",\"BA1  9ZZ\",\"BA1 9ZZ\",198001,99.999999,0.000000,E92000001\n\
                   \"BA1 9ZY\",\"BA1  9ZY\",\"BA1 9ZY\",198001,,,E92000001\n";
        let d = read_directory(csv.as_bytes()).unwrap();
        assert_eq!(d.postcodes.keys().map(Postcode::as_str).collect::<Vec<_>>(), ["BA1 1AA", "BA1 1AB"], "kept as Hearth writes them");
        assert_eq!((d.no_location, d.not_postcodes), (2, 1));
        assert_eq!(d.postcodes[&Postcode::parse("BA1 1AA").unwrap()].micro_degrees(), (51_381_234, -2_359_001));
    }

    #[test]
    fn the_plain_column_names_are_accepted_and_missing_ones_named() {
        let d = read_directory("Postcode,Latitude,Longitude\nRG1 1AA,51.456,-0.971\n".as_bytes()).unwrap();
        assert_eq!(d.postcodes.len(), 1);
        let e = read_directory("pcds,lat\nRG1 1AA,51.456\n".as_bytes()).unwrap_err();
        assert!(e.contains("no long column") && e.contains("long or longitude"), "{e}");
        assert!(read_directory("pcds,lat,long\nRG1 1AA,51.456\n".as_bytes()).unwrap_err().starts_with("not a postcode directory CSV"));
    }

    #[test]
    fn counts_are_written_with_commas() {
        assert_eq!([thousands(0), thousands(999), thousands(1000), thousands(2_651_234)], ["0", "999", "1,000", "2,651,234"]);
    }
}
