//! Node control: `uptime`, `stop`, `help`.

use super::Methods;
use serde_json::json;

pub fn register(methods: &mut Methods) {
    methods.register("uptime", &[], |ctx, params| async move {
        params.at_most(0, "uptime")?;
        Ok(json!(ctx.started.elapsed().as_secs()))
    });
    methods.register("stop", &[], |ctx, params| async move {
        params.at_most(1, "stop")?;
        ctx.stopping
            .store(true, std::sync::atomic::Ordering::Relaxed);
        // Answer first; the node shuts the server down gracefully after the reply.
        let _ = ctx.shutdown.send(true);
        Ok(json!("Venture server stopping"))
    });
}
