//! The `tuijin` binary: parse the command line, run it.

/// mimalloc for the server and the command line: the import and export
/// allocate millions of small strings, and glibc's malloc spent about a
/// tenth of their time freeing and consolidating (see README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tuijin::cli::run().await
}
