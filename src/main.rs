use std::process::ExitCode;

fn main() -> ExitCode {
    sixr::cli::main()
}
