//! `--block-notify CMD`: runs a shell command each time the best block changes, `%s`
//! replaced by the new tip's hash, as Bitcoin Core's `-blocknotify`. Pool software uses
//! it to fetch new work at once instead of waiting for its next poll.

use std::process::{Command, Stdio};
use tracing::{debug, warn};
use venture_rpc::SharedChain;

/// Runs `command` for every tip the chain publishes until the chain goes away. Tips
/// that come faster than this task wakes (a sync) are coalesced into the latest one,
/// which is the one pools need.
pub async fn notify_new_tips(chain: SharedChain, command: String) {
    let Ok(mut tips) = chain.lock().map(|c| c.subscribe()) else {
        return;
    };
    // The tip at start is not news.
    tips.borrow_and_update();
    while tips.changed().await.is_ok() {
        let hash = tips.borrow_and_update().hash;
        run(&command.replace("%s", &hash.to_string()));
    }
}

/// Starts `line` in the shell and reaps it on its own thread: a slow command never
/// delays the next notification (Core likewise runs each in a detached thread).
fn run(line: &str) {
    let mut shell = shell(line);
    shell.stdin(Stdio::null());
    match shell.spawn() {
        Ok(mut child) => {
            let line = line.to_string();
            std::thread::spawn(move || match child.wait() {
                Ok(status) if !status.success() => {
                    warn!(%status, command = %line, "block-notify command failed")
                }
                Ok(_) => debug!(command = %line, "block-notify command done"),
                Err(e) => warn!(command = %line, "block-notify command: {e}"),
            });
        }
        Err(e) => warn!(command = %line, "cannot start the block-notify command: {e}"),
    }
}

#[cfg(unix)]
fn shell(line: &str) -> Command {
    let mut command = Command::new("/bin/sh");
    command.arg("-c").arg(line);
    command
}

#[cfg(not(unix))]
fn shell(line: &str) -> Command {
    let mut command = Command::new("cmd");
    command.arg("/C").arg(line);
    command
}
