//! The `portcullis` binary; everything lives in the library.

/// mimalloc instead of glibc's malloc: the token and introspection paths allocate many
/// small short-lived buffers across threads, where glibc's arena locking and
/// consolidation showed up as about a tenth of the CPU profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (the same index in its v2 and v3 headers).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // Freed pages go back to the OS at once rather than 10 ms later. Under load the
    // request threads free buffers faster than the delay expires, and the retained pages
    // nearly doubled the resident memory at 16k tokens/s (89 MB peak against 62 MB with
    // this), for no measurable throughput difference (bench/README.md).
    // SAFETY: sets a plain integer option before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(portcullis::app::cli::main()),
        Err(e) => {
            eprintln!("portcullis: cannot start the async runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
