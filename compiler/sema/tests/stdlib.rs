//! The standard library modules check clean and carry their capabilities.
mod common;
use common::*;

const KV: &str = include_str!("../../../stdlib/std/kv.jan");
const CACHE: &str = include_str!("../../../stdlib/std/cache.jan");
const NET: &str = include_str!("../../../stdlib/std/net.jan");
const STRINGS: &str = include_str!("../../../stdlib/std/strings.jan");
const TIME: &str = include_str!("../../../stdlib/std/time.jan");

fn with_std(main: &str) -> Vec<(usize, usize, &'static str)> {
    check_modules(
        &[
            ("", main),
            ("std.kv", KV),
            ("std.cache", CACHE),
            ("std.net", NET),
            ("std.strings", STRINGS),
            ("std.time", TIME),
        ],
        &[],
    )
}

#[test]
fn std_modules_check_clean() {
    let main = "import std.kv\nimport std.cache\nimport std.net\nimport std.strings\nimport std.time\nfunc main() with Storage, Caching, Net, Clock do\n    kv.put(\"a\", \"x\".to_bytes())\n    let b: ?Bytes = cache.get(\"a\")\n    let hosts = net.resolve(\"localhost\")?\n    println(strings.join(hosts, \",\"))\n    println(time.unix_millis())\nend\n";
    assert_eq!(with_std(main), vec![]);
}

#[test]
fn std_functions_need_their_capabilities() {
    let main = "import std.kv\nimport std.time\nimport std.strings\nfunc main() do\n    kv.put(\"a\", \"x\".to_bytes())\n    println(time.unix_millis())\n    println(strings.repeat(\"a\", 2))\nend\n";
    assert_eq!(with_std(main), vec![(0, 5, "E0901"), (0, 6, "E0901")]);
}
