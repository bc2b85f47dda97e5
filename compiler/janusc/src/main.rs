//! `janusc`: the Janus :cluster compiler command line.
fn main() {
    eprintln!("janusc: not built yet");
    std::process::exit(2);
}
