//! The `portcullis` binary; everything lives in the library.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    portcullis::cli::main().await
}
