//! Generator of a large, realistic Janus program that checks clean: many independent units,
//! each with an enum, a struct, an error set, message protocols, an actor and a grain with
//! `receive`, a supervisor, and functions with loops, matches, error handling and string
//! interpolation; `main` uses them all. [`Features`] leaves out the parts a compiler cannot
//! build yet (grains and supervisors for `janusc build`; actors too before they compile), so the
//! same program times both `janusc check` (check-speed) and `janusc build` (benches/suite).

use std::fmt::Write;

/// Which parts of each unit the program contains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    /// A message protocol and an actor per unit, spawned and asked by the unit's `run`.
    pub actors: bool,
    /// A persistent grain per unit, messaged by `run`.
    pub grains: bool,
    /// A supervisor per unit over the unit's actor (needs `actors`).
    pub supervisors: bool,
}

impl Features {
    /// Everything: the program check-speed times `janusc check` on.
    pub const ALL: Features = Features {
        actors: true,
        grains: true,
        supervisors: true,
    };

    /// What `janusc build` compiles: no grains and no supervisors; actors when `actors`.
    pub const fn build(actors: bool) -> Features {
        Features {
            actors,
            grains: false,
            supervisors: false,
        }
    }

    /// Whether a template line with this tag belongs in the program.
    fn keeps(self, tag: &str) -> bool {
        match tag {
            "A" => self.actors,
            "-A" => !self.actors,
            "G" => self.grains,
            "-G" => !self.grains,
            // A supervisor supervises the unit's actor, so it needs one.
            "S" => self.supervisors && self.actors,
            _ => true,
        }
    }
}

/// One unit of the program; `{k}` is replaced by the unit's number so every name is unique.
/// Each line starts with a tag and `|`: no tag is always kept; `A`, `G`, `S` only with actors,
/// grains, supervisors; `-A`, `-G` stand in for what `run` gets from the actor or the grain when
/// that part is left out. With every feature the text is the original check-speed unit.
const UNIT: &str = r#"|// ---- unit {k} ----
|
|enum Shape{k} { Circle { radius: f64 }, Rect { w: f64, h: f64 }, Dot }
|
|struct Point{k} { x: i64, y: i64, label: String }
|
|error Math{k}Error { BadLuck, Overflow { at: i64 } }
|
A|message Counter{k}Msg {
A|    Increment,
A|    Add { amount: i64 },
A|    Get { reply: Reply[i64] },
A|    Stop,
A|}
A|
A|actor Counter{k}(start: i64) implements Counter{k}Msg do
A|    var count: i64 = start
A|    var seen: i64 = 0
A|
A|    on start do
A|        println($"counter {k} starts at {count}")
A|    end
A|
A|    receive do
A|        | Increment => count += 1
A|        | Add { amount } => do
A|            count = count + amount
A|            seen += 1
A|          end
A|        | Get { reply } => reply.send(count)
A|        | Stop => stop()
A|    end
A|end
A|
G|message Account{k}Msg {
G|    Deposit { amount: i64 },
G|    Balance { reply: Reply[i64] },
G|}
G|
G|@mailbox(capacity: 64)
G|grain Account{k}(id: String) implements Account{k}Msg with Storage do
G|    var balance: i64 = 0
G|    @Volatile.Ephemeral var hits: i64 = 0
G|
G|    receive do
G|        | Deposit { amount } => do
G|            balance += amount
G|            hits += 1
G|          end
G|        | Balance { reply } => reply.send(balance)
G|    end
G|end
G|
S|supervisor Tree{k} do
S|    strategy: one_for_one
S|    intensity: 5 within 10s
S|    child counter: Counter{k}(1)
S|end
S|
|func area{k}(s: Shape{k}) -> f64 do
|    return match s {
|        Shape{k}.Circle { radius } => 3.14159 * radius * radius,
|        .Rect { w, h } when w == h => w * w,
|        .Rect { w, h } => w * h,
|        .Dot => 0.0,
|    }
|end
|
|func checked{k}(n: i64) -> i64 ! Math{k}Error do
|    if n == 13 do
|        fail Math{k}Error.BadLuck
|    end
|    if n > 1000000 do
|        fail Math{k}Error.Overflow { at: n }
|    end
|    return n * 2
|end
|
|func sum_points{k}(ps: [Point{k}]) -> i64 do
|    var total = 0
|    for p in ps do
|        total += p.x + p.y
|    end
|    var i = 0
|    while i < 10 do
|        total = total + i
|        i += 1
|    end
|    for j in 0..<3 do
|        total -= j
|    end
|    return total
|end
|
|func describe{k}(p: Point{k}, flag: ?bool) -> String do
|    let kind = match flag {
|        null => "unknown",
|        true => "yes",
|        false => "no",
|    }
|    return $"{p.label} at ({p.x}, {p.y}) is {kind}"
|end
|
|func run{k}() -> i64 ! AskError do
A|    let c = spawn Counter{k}(10)
A|    c.send(Increment)
A|    c.send(Add { amount: 5 })
A|    let n = c.ask(Get)?
A|    c.send(Stop)
-A|    let n = 15
G|    let acct = Account{k}("alice")
G|    acct.send(Deposit { amount: 100 })
G|    let balance = acct.ask(Balance)?
-G|    let balance = 100
S|    let tree = spawn Tree{k}()
S|    tree.counter.send(Increment)
|    let a = checked{k}(12) catch |e| do
|        println($"failed: {e}")
|        0
|    end
|    let shapes: [Shape{k}] = [Shape{k}.Circle { radius: 1.0 }, Shape{k}.Rect { w: 2.0, h: 3.0 }, Shape{k}.Dot]
|    var total_area = 0.0
|    for s in shapes do
|        total_area += area{k}(s)
|    end
|    let ps = [Point{k} { x: 1, y: 2, label: "a" }, Point{k} { x: 3, y: 4, label: "b" }]
|    println(describe{k}(ps[0], true))
|    println($"unit {k}: area {total_area}")
|    return n + a + balance + sum_points{k}(ps)
|end
|
"#;

/// The unit template with the lines of left-out features removed and the tags stripped.
fn unit_for(features: Features) -> String {
    let mut out = String::with_capacity(UNIT.len());
    for line in UNIT.lines() {
        let (tag, text) = line.split_once('|').unwrap_or(("", line));
        if features.keeps(tag) {
            out.push_str(text);
            out.push('\n');
        }
    }
    out
}

/// A program of exactly `lines` lines (at least a few hundred) with every feature: as many units
/// as fit, `main` calling each unit's `run`, and comment lines to make up the count.
pub fn program(lines: usize) -> String {
    program_with(lines, Features::ALL)
}

/// A program of exactly `lines` lines (at least a few hundred) whose units have `features`.
pub fn program_with(lines: usize, features: Features) -> String {
    let unit = unit_for(features);
    let unit_lines = unit.lines().count();
    // `main` costs one line per unit plus four.
    let units = lines.saturating_sub(8) / (unit_lines + 1);
    let mut out = String::with_capacity(lines * 40);
    let command = if features == Features::ALL {
        "check"
    } else {
        "build"
    };
    let _ = writeln!(
        out,
        "// Generated by benches/check-speed: a large program for timing `janusc {command}`.\n"
    );
    for k in 0..units {
        out.push_str(&unit.replace("{k}", &k.to_string()));
    }
    out.push_str("func main() do\n");
    for k in 0..units {
        let _ = writeln!(out, "    println(run{k}()?)");
    }
    out.push_str("end\n");
    let mut have = out.lines().count();
    while have < lines {
        let _ = writeln!(out, "// padding line {have}");
        have += 1;
    }
    out
}

/// The manifest written beside the program, so that `janusc check DIR` has nothing to warn about.
pub const MANIFEST: &str = r#"[package]
name = "check_speed"
version = "0.1.0"
entry = "main.jan"
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use janus_sema::{Program, SourceModule, check_program};
    use janus_syntax::{FileId, parse_module};

    const VARIANTS: [Features; 3] = [Features::ALL, Features::build(true), Features::build(false)];

    #[test]
    fn program_has_exactly_the_requested_lines() {
        for features in VARIANTS {
            for n in [300, 1000, 4321] {
                assert_eq!(program_with(n, features).lines().count(), n, "{features:?}");
            }
        }
    }

    #[test]
    fn left_out_features_leave_no_trace() {
        let none = program_with(1000, Features::build(false));
        for word in ["actor ", "spawn ", "grain ", "supervisor ", ".ask("] {
            assert!(!none.contains(word), "`{word}` in the actor-free program");
        }
        let actors = program_with(1000, Features::build(true));
        assert!(actors.contains("spawn Counter0(10)") && actors.contains("c.ask(Get)?"));
        for word in ["grain ", "supervisor ", "Account0"] {
            assert!(
                !actors.contains(word),
                "`{word}` in the program for `janusc build`"
            );
        }
        assert!(!program(1000).contains("let n = 15"));
    }

    #[test]
    fn generated_programs_check_clean() {
        for features in VARIANTS {
            let src = program_with(1000, features);
            let (module, parse_diags) = parse_module(FileId(0), &src);
            assert!(
                parse_diags.is_empty(),
                "{features:?} syntax diagnostics: {parse_diags:#?}"
            );
            let (manifest, manifest_diags) = janus_manifest::parse(FileId(1), MANIFEST);
            assert!(manifest_diags.is_empty(), "{manifest_diags:#?}");
            let program = Program {
                modules: vec![SourceModule {
                    path: Vec::new(),
                    module,
                }],
                missing_modules: Vec::new(),
            };
            let checked = check_program(&program, manifest.as_ref());
            assert!(
                checked.diagnostics.is_empty(),
                "{features:?} check diagnostics: {:#?}",
                checked.diagnostics
            );
        }
    }
}
