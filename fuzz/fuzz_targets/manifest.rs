//! Fuzz target: arbitrary bytes, read as (lossy) UTF-8, through the `janus.toml` parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    janus_fuzz::parse_manifest(&src);
});
