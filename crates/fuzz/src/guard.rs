//! What the runner cannot catch itself: an execution that never returns (a watchdog
//! thread) and one that aborts the process (stack overflow, a refused allocation, a
//! panic while panicking), which a `SIGABRT` handler turns into a saved input.
//!
//! Both need the input of the execution in progress from outside the thread running it,
//! so [`begin`] copies it into a fixed buffer of atomics: readable from any thread and
//! from a signal handler without locks, allocation or data races.

// Allowed here only: a signal handler and the state it reads are `unsafe` by nature.
#![allow(unsafe_code)]

use crate::alloc;
use bitcoin::hashes::{sha256, Hash, HashEngine};
use std::ffi::{c_int, CString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Largest input the buffer holds; every target's `max_len` is below it.
pub const MAX_INPUT: usize = 1 << 20;

const WORDS: usize = MAX_INPUT / 8;
static INPUT: [AtomicU64; WORDS] = [const { AtomicU64::new(0) }; WORDS];
static INPUT_LEN: AtomicUsize = AtomicUsize::new(0);
/// Nanoseconds since [`epoch`] at which the current execution began, plus one; 0 idle.
static STARTED: AtomicU64 = AtomicU64::new(0);
/// Counts executions, so the watchdog can tell that the one it copied is still running.
static SEQUENCE: AtomicU64 = AtomicU64::new(0);
/// `<crash dir>/<target>/` as a C string, leaked: the signal handler reads it.
static CRASH_PREFIX: AtomicPtr<libc::c_char> = AtomicPtr::new(std::ptr::null_mut());
static INSTALLED: AtomicBool = AtomicBool::new(false);
static KILL_AFTER_NANOS: AtomicU64 = AtomicU64::new(0);

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

/// Points crash files at `dir/<target>/` (created here, so the handler need not).
pub fn set_crash_dir(dir: &Path, target: &str) -> std::io::Result<()> {
    let dir = dir.join(target);
    std::fs::create_dir_all(&dir)?;
    let mut bytes = dir.as_os_str().as_bytes().to_vec();
    bytes.push(b'/');
    let prefix = CString::new(bytes).map_err(std::io::Error::other)?;
    // Leaked on purpose: a handler may run at any moment and must never see it freed.
    CRASH_PREFIX.store(prefix.into_raw(), Ordering::SeqCst);
    Ok(())
}

/// Installs the abort handler and, when `kill_after` is set, the watchdog that ends an
/// execution running longer than that. Idempotent; the latest `kill_after` wins.
pub fn install(kill_after: Option<Duration>) {
    let nanos = kill_after.map_or(0, |d| d.as_nanos().min(u64::MAX as u128) as u64);
    KILL_AFTER_NANOS.store(nanos, Ordering::SeqCst);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    epoch();
    // SAFETY: `on_abort` only uses async-signal-safe calls (open, write, close, _exit)
    // and reads atomics; the sigaction struct is fully initialised before use.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_abort as *const () as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGABRT, &action, std::ptr::null_mut());
    }
    // Allocated here, before any execution, so it never counts against one.
    let buffer = vec![0u8; MAX_INPUT];
    let spawned = std::thread::Builder::new()
        .name("fuzz-watchdog".into())
        .spawn(move || watchdog(buffer));
    if let Err(e) = spawned {
        eprintln!("warning: no watchdog thread ({e}); a hanging input would not be caught");
    }
}

/// Records `input` as the execution in progress.
pub fn begin(input: &[u8]) {
    let len = input.len().min(MAX_INPUT);
    for (word, chunk) in INPUT.iter().zip(input[..len].chunks(8)) {
        let mut bytes = [0u8; 8];
        bytes[..chunk.len()].copy_from_slice(chunk);
        word.store(u64::from_ne_bytes(bytes), Ordering::Relaxed);
    }
    INPUT_LEN.store(len, Ordering::Relaxed);
    SEQUENCE.fetch_add(1, Ordering::Release);
    let now = epoch().elapsed().as_nanos() as u64;
    STARTED.store(now + 1, Ordering::Release);
}

/// Marks the execution in progress as finished.
pub fn end() {
    STARTED.store(0, Ordering::Release);
}

/// Copies the recorded input into `out`, returning its length.
fn copy_input(out: &mut [u8; MAX_INPUT]) -> usize {
    let len = INPUT_LEN.load(Ordering::Relaxed).min(MAX_INPUT);
    for (chunk, word) in out[..len].chunks_mut(8).zip(INPUT.iter()) {
        let bytes = word.load(Ordering::Relaxed).to_ne_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
    len
}

/// The file name of an input: its SHA-256 in hex, written without allocating.
pub fn hash_name(input: &[u8]) -> [u8; 64] {
    let mut engine = sha256::Hash::engine();
    engine.input(input);
    let digest = sha256::Hash::from_engine(engine).to_byte_array();
    let mut name = [0u8; 64];
    for (i, byte) in digest.iter().enumerate() {
        name[2 * i] = HEX[usize::from(byte >> 4)];
        name[2 * i + 1] = HEX[usize::from(byte & 0xf)];
    }
    name
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Writes `input` under the crash prefix with only async-signal-safe calls; the path
/// (NUL-terminated) is left in `path`. False if nothing could be written.
fn save_raw(input: &[u8], path: &mut [u8; 4200]) -> bool {
    let prefix = CRASH_PREFIX.load(Ordering::SeqCst);
    if prefix.is_null() {
        return false;
    }
    // SAFETY: the prefix is a leaked, never freed, NUL-terminated CString.
    let prefix = unsafe { std::ffi::CStr::from_ptr(prefix) }.to_bytes();
    let name = hash_name(input);
    let len = prefix.len() + name.len();
    if len >= path.len() {
        return false;
    }
    path[..prefix.len()].copy_from_slice(prefix);
    path[prefix.len()..len].copy_from_slice(&name);
    path[len] = 0;
    // SAFETY: plain system calls on a NUL-terminated path and a live buffer.
    unsafe {
        let fd = libc::open(
            path.as_ptr().cast(),
            libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC,
            0o644,
        );
        if fd < 0 {
            return false;
        }
        let mut written = 0;
        while written < input.len() {
            let n = libc::write(fd, input[written..].as_ptr().cast(), input.len() - written);
            if n <= 0 {
                break;
            }
            written += n as usize;
        }
        libc::close(fd);
        written == input.len()
    }
}

fn write_stderr(bytes: &[u8]) {
    // SAFETY: write(2) on a live buffer; a short write only shortens the message.
    unsafe {
        libc::write(2, bytes.as_ptr().cast(), bytes.len());
    }
}

/// Formats `n` in decimal into `buf`, returning the digits.
fn decimal(mut n: usize, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

/// Static buffers for the handler: the signal stack is small, and an abort caused by a
/// stack overflow runs on it.
static mut HANDLER_INPUT: [u8; MAX_INPUT] = [0; MAX_INPUT];
static mut HANDLER_PATH: [u8; 4200] = [0; 4200];

extern "C" fn on_abort(_signal: c_int) {
    write_stderr(b"\nFINDING: the process aborted (stack overflow, refused allocation or double panic); largest allocation request ");
    let mut digits = [0u8; 20];
    write_stderr(decimal(alloc::largest_so_far(), &mut digits));
    write_stderr(b" bytes\n");
    // SAFETY: the handler is the only user of these buffers, and a second abort while
    // it runs goes to the default action (SA_RESETHAND is not needed: `_exit` follows).
    let (input, path) = unsafe {
        (
            &mut *std::ptr::addr_of_mut!(HANDLER_INPUT),
            &mut *std::ptr::addr_of_mut!(HANDLER_PATH),
        )
    };
    let len = copy_input(input);
    if save_raw(&input[..len], path) {
        write_stderr(b"  input written to ");
        let end = path.iter().position(|&b| b == 0).unwrap_or(0);
        write_stderr(&path[..end]);
        write_stderr(b"\n");
    } else {
        write_stderr(b"  (the input could not be written)\n");
    }
    // SAFETY: ends the process at once, as abort would have.
    unsafe { libc::_exit(134) }
}

fn watchdog(mut input: Vec<u8>) {
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let kill_after = KILL_AFTER_NANOS.load(Ordering::SeqCst);
        let started = STARTED.load(Ordering::Acquire);
        if kill_after == 0 || started == 0 {
            continue;
        }
        let now = epoch().elapsed().as_nanos() as u64 + 1;
        if now.saturating_sub(started) < kill_after {
            continue;
        }
        let sequence = SEQUENCE.load(Ordering::Acquire);
        let buffer: &mut [u8; MAX_INPUT] = match input.as_mut_slice().try_into() {
            Ok(buffer) => buffer,
            Err(_) => continue,
        };
        let len = copy_input(buffer);
        // The same execution still running after the copy: the copy is its input.
        if SEQUENCE.load(Ordering::Acquire) != sequence
            || STARTED.load(Ordering::Acquire) != started
        {
            continue;
        }
        let mut path = [0u8; 4200];
        let saved = save_raw(&buffer[..len], &mut path);
        let end = path.iter().position(|&b| b == 0).unwrap_or(0);
        eprintln!(
            "\nFINDING: an execution has run for more than {:?} (hang)",
            Duration::from_nanos(kill_after)
        );
        if saved {
            eprintln!(
                "  input written to {}",
                String::from_utf8_lossy(&path[..end])
            );
        }
        std::process::exit(1);
    }
}
