//! One set of settings over another: the command line's over the file's.

use crate::config::{AuxNodeSettings, LimitsSettings, MmSettings, ParentSettings, VardiffSettings};

impl MmSettings {
    /// These settings where given, `lower`'s elsewhere. A few settings go together and
    /// are taken from one side only: the parent node (`url` or `datadir`), the parent
    /// payout (`address_script` or `address`), and the list of aux nodes (any `--aux`
    /// replaces the file's whole list).
    pub fn over(self, lower: MmSettings) -> MmSettings {
        MmSettings {
            stratum_listen: self.stratum_listen.or(lower.stratum_listen),
            status_file: self.status_file.or(lower.status_file),
            metrics: self.metrics.or(lower.metrics),
            share_log: self.share_log.or(lower.share_log),
            aux_poll_ms: self.aux_poll_ms.or(lower.aux_poll_ms),
            version_rolling_mask: self.version_rolling_mask.or(lower.version_rolling_mask),
            parent: self.parent.over(lower.parent),
            aux: pick_aux(self.aux, lower.aux),
            vardiff: self.vardiff.over(lower.vardiff),
            limits: self.limits.over(lower.limits),
        }
    }
}

fn pick_aux(upper: Vec<AuxNodeSettings>, lower: Vec<AuxNodeSettings>) -> Vec<AuxNodeSettings> {
    if upper.is_empty() {
        lower
    } else {
        upper
    }
}

impl ParentSettings {
    fn over(self, lower: ParentSettings) -> ParentSettings {
        // A datadir in the file must not beat a `--parent-url`: the node is chosen whole.
        let (url, datadir) = if self.url.is_some() || self.datadir.is_some() {
            (self.url, self.datadir)
        } else {
            (lower.url, lower.datadir)
        };
        // Likewise a file's `address_script` must not beat a `--parent-address`.
        let (address_script, address) = if self.address_script.is_some() || self.address.is_some() {
            (self.address_script, self.address)
        } else {
            (lower.address_script, lower.address)
        };
        ParentSettings {
            url,
            datadir,
            cookie: self.cookie.or(lower.cookie),
            user: self.user.or(lower.user),
            password: self.password.or(lower.password),
            pow: self.pow.or(lower.pow),
            rules: self.rules.or(lower.rules),
            address_script,
            address,
            longpoll: self.longpoll.or(lower.longpoll),
            poll_ms: self.poll_ms.or(lower.poll_ms),
        }
    }
}

impl VardiffSettings {
    fn over(self, lower: VardiffSettings) -> VardiffSettings {
        VardiffSettings {
            start: self.start.or(lower.start),
            min: self.min.or(lower.min),
            max: self.max.or(lower.max),
            share_interval_s: self.share_interval_s.or(lower.share_interval_s),
        }
    }
}

impl LimitsSettings {
    fn over(self, lower: LimitsSettings) -> LimitsSettings {
        LimitsSettings {
            max_connections: self.max_connections.or(lower.max_connections),
            handshake_timeout_s: self.handshake_timeout_s.or(lower.handshake_timeout_s),
            max_workers_per_connection: self
                .max_workers_per_connection
                .or(lower.max_workers_per_connection),
            max_shares_per_block: self.max_shares_per_block.or(lower.max_shares_per_block),
        }
    }
}
