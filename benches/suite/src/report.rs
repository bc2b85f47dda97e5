//! The report: one comparable line per figure,
//! `NAME janus=X baseline=Y unit=U base=WHICH ratio=R target=T met|MISSED`, where R > 1 always
//! means Janus is better (faster, or smaller for memory and time), whatever the unit.

use std::fmt::Write;

/// Which direction of the figure is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    /// Rates: more per second.
    Higher,
    /// Times and sizes.
    Lower,
}

/// A figure's target, as a bound on its ratio.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Target {
    /// Informative only (e.g. a second baseline).
    None,
    /// The ratio must be above this.
    Above(f64),
    /// The ratio must be at least this.
    AtLeast(f64),
}

impl Target {
    fn describe(self) -> String {
        match self {
            Target::None => "none".into(),
            Target::Above(v) => format!("ratio>{v}"),
            Target::AtLeast(v) => format!("ratio>={v}"),
        }
    }

    fn met(self, ratio: f64) -> Option<bool> {
        match self {
            Target::None => None,
            Target::Above(v) => Some(ratio > v),
            Target::AtLeast(v) => Some(ratio >= v),
        }
    }
}

/// One figure: Janus's value against a baseline (a tokio measurement or the target itself).
pub struct Figure<'a> {
    pub name: &'a str,
    pub unit: &'a str,
    pub base: &'a str,
    pub better: Better,
    pub target: Target,
}

impl Figure<'_> {
    /// The report line; `janus` is `Err(reason)` when the Janus side could not be measured
    /// (the line then says `unmeasured`, and the reason goes to stderr).
    pub fn line(&self, janus: Result<f64, &str>, baseline: f64) -> String {
        let mut out = format!("{:<22}", self.name);
        let ratio = janus.ok().map(|j| match self.better {
            Better::Higher => j / baseline,
            Better::Lower => baseline / j,
        });
        match janus {
            Ok(j) => {
                let _ = write!(out, " janus={:<10}", num(j));
            }
            Err(_) => out.push_str(" janus=-         "),
        }
        let _ = write!(
            out,
            " baseline={:<10} unit={:<9} base={:<8}",
            num(baseline),
            self.unit,
            self.base
        );
        match ratio {
            Some(r) if r.is_finite() => {
                let _ = write!(out, " ratio={r:<6.2}");
            }
            _ => out.push_str(" ratio=-     "),
        }
        let _ = write!(out, " target={}", self.target.describe());
        match (janus, ratio.and_then(|r| self.target.met(r))) {
            (Err(_), _) if self.target != Target::None => out.push_str(" unmeasured"),
            (_, Some(true)) => out.push_str(" met"),
            (_, Some(false)) => out.push_str(" MISSED"),
            _ => {}
        }
        out.trim_end().to_string()
    }
}

/// A value with four significant digits (at most nine decimals), whatever its size.
fn num(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    let magnitude = if v == 0.0 {
        0
    } else {
        v.abs().log10().floor() as i32
    };
    let decimals = (3 - magnitude).clamp(0, 9) as usize;
    format!("{v:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_favour_janus_above_one_in_both_directions() {
        let rate = Figure {
            name: "ping-pong",
            unit: "Mmsg/s",
            base: "tokio-ct",
            better: Better::Higher,
            target: Target::Above(1.0),
        };
        let l = rate.line(Ok(20.0), 10.0);
        assert!(
            l.contains("ratio=2.00") && l.ends_with("target=ratio>1 met"),
            "{l}"
        );
        assert!(rate.line(Ok(5.0), 10.0).ends_with("MISSED"));
        let time = Figure {
            name: "skynet",
            unit: "s",
            base: "target",
            better: Better::Lower,
            target: Target::Above(1.0),
        };
        let l = time.line(Ok(0.25), 0.5);
        assert!(
            l.contains("janus=0.2500") && l.contains("ratio=2.00") && l.ends_with("met"),
            "{l}"
        );
        let l = time.line(Err("no actors yet"), 0.5);
        assert!(
            l.contains("janus=-") && l.contains("ratio=-") && l.ends_with("unmeasured"),
            "{l}"
        );
        let info = Figure {
            name: "skynet",
            unit: "s",
            base: "tokio-mt",
            better: Better::Lower,
            target: Target::None,
        };
        assert!(info.line(Ok(0.25), 0.3).ends_with("target=none"));
        let ask = Figure {
            name: "ask",
            unit: "Mask/s",
            base: "tokio-mt",
            better: Better::Higher,
            target: Target::AtLeast(2.0),
        };
        assert!(ask.line(Ok(2.0), 1.0).ends_with("target=ratio>=2 met"));
        assert_eq!(
            (num(0.000842), num(4.4125), num(15.6), num(1290.4), num(0.0)),
            (
                "0.0008420".into(),
                "4.412".into(),
                "15.60".into(),
                "1290".into(),
                "0.000".into()
            )
        );
    }
}
