//! Did-you-mean: the one rule every "unknown X" diagnostic of the toolchain uses to propose a
//! near name (the checker, the manifest validator and the driver all call [`did_you_mean`]),
//! so that a suggestion is always close enough to be a likely typo rather than noise.
//!
//! The rule:
//! - a candidate that differs from the name only in case always qualifies;
//! - names of one or two characters get no other suggestion (`y` is not a typo of `c`);
//! - otherwise the Damerau-Levenshtein distance, ignoring case, must be at most
//!   `max(1, len / 3)` (`len` in characters of the longer of the two, so that a dropped
//!   vowel or two still count: `amnt` -> `amount`), or one name must be a prefix
//!   of the other with the shorter at least 3 characters and half the longer (`length` ->
//!   `len`, `contains_key` -> `contains`);
//! - among qualifying candidates the smallest distance wins, then the longest common prefix,
//!   then the alphabetically first, so the answer never depends on hash order.

/// The closest candidate to `name`, if one is close enough to be a likely typo.
pub fn did_you_mean<'s>(
    name: &str,
    candidates: impl IntoIterator<Item = &'s str>,
) -> Option<&'s str> {
    let lower = name.to_lowercase();
    let len = lower.chars().count();
    let mut best: Option<((usize, usize), &str)> = None;
    for c in candidates {
        if c == name || c.is_empty() {
            continue;
        }
        let c_lower = c.to_lowercase();
        let dist = if c_lower == lower {
            0
        } else if len <= 2 {
            continue;
        } else {
            let d = strsim::damerau_levenshtein(&lower, &c_lower);
            let longest = len.max(c_lower.chars().count());
            if d <= (longest / 3).max(1) || prefix_related(&lower, &c_lower) {
                d
            } else {
                continue;
            }
        };
        // Lower is better: distance, then a longer shared prefix.
        let key = (dist, usize::MAX - common_prefix(&lower, &c_lower));
        if best.is_none_or(|(k, b)| key < k || (key == k && c < b)) {
            best = Some((key, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `length`/`len`: one is a prefix of the other, and the shorter is a real word of it.
fn prefix_related(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let (s, l) = (short.chars().count(), long.chars().count());
    long.starts_with(short) && s >= 3 && s * 2 >= l
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn typos_case_and_prefixes_qualify() {
        assert_eq!(did_you_mean("amnt", ["amount", "other"]), Some("amount"));
        assert_eq!(did_you_mean("Counter", ["counter"]), Some("counter"));
        assert_eq!(did_you_mean("length", ["len", "last"]), Some("len"));
        assert_eq!(did_you_mean("strage", ["storage", "stage"]), Some("stage"));
    }

    #[test]
    fn noise_does_not() {
        assert_eq!(did_you_mean("y", ["c", "x"]), None);
        assert_eq!(did_you_mean("n9", ["n1"]), None);
        assert_eq!(did_you_mean("banana", ["storage"]), None);
        assert_eq!(did_you_mean("same", ["same"]), None);
    }

    #[test]
    fn ties_are_deterministic() {
        assert_eq!(did_you_mean("cat", ["cbt", "cas"]), Some("cas"));
        assert_eq!(did_you_mean("cat", ["cas", "cbt"]), Some("cas"));
    }
}
