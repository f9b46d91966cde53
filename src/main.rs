//! The `tuijin` binary: parse the command line, run it.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tuijin::cli::run().await
}
