//! Parsing what a benchmark program prints: its `RESULT name=... count=N elapsed=D check=C`
//! line (the elapsed time is a Janus `Duration` as `println` writes it, e.g. `1234567ns` or
//! `2s`, since Janus has no conversion from durations to integers) and the `IDLE phase=...`
//! markers of the idle-memory program.

use std::time::Duration;

/// The figures one run of a benchmark program reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunResult {
    pub name: String,
    /// How many units of work (messages, asks, actors, leaves) the elapsed time covers.
    pub count: u64,
    pub elapsed: Duration,
    /// The program's own correctness check value (a sum or a count), for the record.
    pub check: String,
}

/// Finds and parses the `RESULT` line in a program's stdout.
pub fn parse_result(stdout: &str) -> Result<RunResult, String> {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("RESULT "))
        .ok_or_else(|| format!("no `RESULT` line in the output:\n{stdout}"))?;
    let field = |key: &str| -> Result<&str, String> {
        fields(line)
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
            .ok_or_else(|| format!("`{key}=` missing in `{line}`"))
    };
    let count = field("count")?;
    Ok(RunResult {
        name: field("name")?.to_string(),
        count: count
            .parse()
            .map_err(|_| format!("count is not a number in `{line}`"))?,
        elapsed: parse_duration(field("elapsed")?)?,
        check: field("check")?.to_string(),
    })
}

/// The `key=value` words of a line.
pub fn fields(line: &str) -> impl Iterator<Item = (&str, &str)> {
    line.split_whitespace().filter_map(|w| w.split_once('='))
}

/// Parses a Janus `Duration` as printed: an integer and one unit of `h m s ms us ns`
/// (dialect §10: the largest exact unit). Negative durations are refused: no benchmark takes
/// negative time.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("not a duration: `{text}`"))?;
    let nanos_per: u64 = match unit {
        "ns" => 1,
        "us" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => return Err(format!("not a duration: `{text}`")),
    };
    n.checked_mul(nanos_per)
        .map(Duration::from_nanos)
        .ok_or_else(|| format!("duration out of range: `{text}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_every_unit() {
        assert_eq!(
            parse_duration("1234567ns"),
            Ok(Duration::from_nanos(1_234_567))
        );
        assert_eq!(parse_duration("1500us"), Ok(Duration::from_micros(1500)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        for bad in [
            "",
            "ms",
            "-250ms",
            "1.5s",
            "10 ms",
            "3d",
            "99999999999999999999ns",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn result_line_among_other_output() {
        let out = "hello\nRESULT name=ring count=10000000 elapsed=2345ms check=10000000\n";
        let r = parse_result(out).expect("parses");
        assert_eq!(r.name, "ring");
        assert_eq!(r.count, 10_000_000);
        assert_eq!(r.elapsed, Duration::from_millis(2345));
        assert_eq!(r.check, "10000000");
        assert!(parse_result("RESULT name=x count=1 check=1\n").is_err());
        assert!(parse_result("nothing\n").is_err());
    }
}
