//! `janusc`: the Janus :cluster compiler command line (see the `janusc` library for the driver).

fn main() {
    std::process::exit(janusc::main_entry());
}
