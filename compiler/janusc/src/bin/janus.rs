//! `janus`: builds a Janus :cluster program when needed and runs it (see `janusc::run`).

fn main() {
    std::process::exit(janusc::run::main_entry());
}
