//! The `portcullis` binary; everything lives in the library.

/// mimalloc instead of glibc's malloc: the token and introspection paths allocate many
/// small short-lived buffers across threads, where glibc's arena locking and
/// consolidation showed up as about a tenth of the CPU profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    portcullis::app::cli::main().await
}
