//! Resolution from the file alone, the command line alone, both, and refusals that name
//! the bad setting.

use super::*;
use crate::coordinator::{NodeAuth, DEFAULT_MAX_SHARES_PER_BLOCK};
use crate::stratum::{StratumLimits, VardiffConfig};
use std::time::Duration;
use venture_pow::PowAlgorithm;

const FILE: &str = r#"
    stratum_listen = "127.0.0.1:0"
    status_file = "/tmp/status.json"
    metrics = "127.0.0.1:9301"
    version_rolling_mask = "0000E000"
    [parent]
    url = "127.0.0.1:9"
    user = "u"
    password = "p"
    pow = "scrypt"
    address_script = "51"
    [[aux]]
    url = "127.0.0.1:10"
    cookie = "/tmp/c"
    address = "vdev1q"
    [vardiff]
    start = 0.5
    share_interval_s = 2
    [limits]
    max_connections = 7
    handshake_timeout_s = 2.5
    max_workers_per_connection = 3
    max_shares_per_block = 1000
"#;

fn file() -> MmSettings {
    MmSettings::from_toml(FILE).unwrap()
}

/// What `ventured mm --parent-url 127.0.0.1:8 --parent-user fu --parent-address-script
/// 0051 --aux url=127.0.0.1:11,user=a,address=vdev1x --start-difficulty 0.25
/// --max-connections 20` gives.
fn flags() -> MmSettings {
    MmSettings {
        parent: ParentSettings {
            url: Some("127.0.0.1:8".into()),
            user: Some("fu".into()),
            address_script: Some("0051".into()),
            ..ParentSettings::default()
        },
        aux: vec![AuxNodeSettings::from_flag("url=127.0.0.1:11,user=a,address=vdev1x").unwrap()],
        vardiff: VardiffSettings {
            start: Some(0.25),
            ..VardiffSettings::default()
        },
        limits: LimitsSettings {
            max_connections: Some(20),
            ..LimitsSettings::default()
        },
        ..MmSettings::default()
    }
}

fn refusal(settings: MmSettings) -> ConfigError {
    settings.resolve().expect_err("the settings were taken")
}

#[test]
fn the_file_alone_is_resolved_with_defaults_for_the_rest() {
    let config = file().resolve().unwrap();
    let parent = &config.coordinator.parent;
    assert_eq!(parent.endpoint.url, "127.0.0.1:9");
    assert_eq!(
        parent.endpoint.auth,
        NodeAuth::UserPassword {
            user: "u".into(),
            password: "p".into()
        }
    );
    assert_eq!(parent.pow, PowAlgorithm::Scrypt);
    assert_eq!(parent.rules, ["mweb", "segwit"]);
    assert_eq!(parent.payout_script.as_bytes(), [0x51]);
    assert!(parent.longpoll);
    assert_eq!(parent.poll_interval, Duration::from_millis(500));
    assert_eq!(config.coordinator.aux.len(), 1);
    assert_eq!(config.coordinator.aux[0].address, "vdev1q");
    assert_eq!(
        config.coordinator.aux_poll_interval,
        Duration::from_millis(100)
    );
    assert_eq!(config.coordinator.max_shares_per_block, 1000);
    assert_eq!(config.stratum.listen.port(), 0);
    assert_eq!(config.stratum.vardiff.start, 0.5);
    assert_eq!(config.stratum.vardiff.min, VardiffConfig::default().min);
    assert_eq!(
        config.stratum.vardiff.share_interval,
        Duration::from_secs(2)
    );
    assert_eq!(
        config.stratum.limits,
        StratumLimits {
            max_connections: 7,
            handshake_timeout: Duration::from_millis(2_500),
            max_workers: 3,
        }
    );
    assert_eq!(config.status_file, Some("/tmp/status.json".into()));
    assert_eq!(config.metrics, Some("127.0.0.1:9301".parse().unwrap()));
    assert_eq!(config.stratum.version_rolling_mask, 0x0000_e000);
}

#[test]
fn flags_alone_are_resolved_with_defaults_for_the_rest() {
    let config = flags().over(MmSettings::default()).resolve().unwrap();
    let parent = &config.coordinator.parent;
    assert_eq!(
        parent.endpoint.auth,
        NodeAuth::UserPassword {
            user: "fu".into(),
            password: String::new()
        }
    );
    assert_eq!(parent.pow, PowAlgorithm::Sha256d);
    assert_eq!(parent.rules, ["segwit"]);
    assert_eq!(parent.payout_script.as_bytes(), [0x00, 0x51]);
    assert_eq!(config.coordinator.aux[0].endpoint.url, "127.0.0.1:11");
    assert_eq!(
        config.coordinator.max_shares_per_block,
        DEFAULT_MAX_SHARES_PER_BLOCK
    );
    assert_eq!(config.stratum.listen.to_string(), DEFAULT_STRATUM_LISTEN);
    assert_eq!(config.stratum.vardiff.start, 0.25);
    assert_eq!(
        config.stratum.vardiff.share_interval,
        VardiffConfig::default().share_interval
    );
    assert_eq!(config.stratum.limits.max_connections, 20);
    assert_eq!(
        config.stratum.limits.handshake_timeout,
        StratumLimits::default().handshake_timeout
    );
    assert_eq!(config.status_file, None);
    // BIP320's bits unless told otherwise.
    assert_eq!(config.stratum.version_rolling_mask, 0x1fff_e000);
}

#[test]
fn a_flag_beats_the_file_which_beats_the_default() {
    let config = flags().over(file()).resolve().unwrap();
    let parent = &config.coordinator.parent;
    assert_eq!(parent.endpoint.url, "127.0.0.1:8");
    // Credentials are taken one by one: the flag's user, the file's password.
    assert_eq!(
        parent.endpoint.auth,
        NodeAuth::UserPassword {
            user: "fu".into(),
            password: "p".into()
        }
    );
    assert_eq!(parent.pow, PowAlgorithm::Scrypt);
    assert_eq!(parent.payout_script.as_bytes(), [0x00, 0x51]);
    // `--aux` replaces the file's aux nodes rather than adding to them.
    assert_eq!(config.coordinator.aux.len(), 1);
    assert_eq!(config.coordinator.aux[0].address, "vdev1x");
    assert_eq!(config.stratum.vardiff.start, 0.25);
    assert_eq!(
        config.stratum.vardiff.share_interval,
        Duration::from_secs(2)
    );
    assert_eq!(config.stratum.limits.max_connections, 20);
    assert_eq!(config.stratum.limits.max_workers, 3);
    assert_eq!(config.coordinator.max_shares_per_block, 1000);
    assert_eq!(config.status_file, Some("/tmp/status.json".into()));
}

#[test]
fn settings_that_go_together_come_from_one_side() {
    let mut file = file();
    file.parent.user = None;
    file.parent.password = None;
    file.parent.cookie = Some("/tmp/c".into());
    file.parent.datadir = Some("/srv/parent".into());
    file.parent.address = Some("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4".into());
    // The file alone: its datadir wins over its url, its script over its address.
    let config = file.clone().resolve().unwrap();
    assert_eq!(
        config.coordinator.parent.endpoint.addr_file,
        Some("/srv/parent/rpc.addr".into())
    );
    assert_eq!(config.coordinator.parent.payout_script.as_bytes(), [0x51]);
    // `--parent-url` and `--parent-address` replace both of the file's.
    let flags = MmSettings {
        parent: ParentSettings {
            url: Some("127.0.0.1:8".into()),
            address: Some("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4".into()),
            ..ParentSettings::default()
        },
        ..MmSettings::default()
    };
    let config = flags.over(file).resolve().unwrap();
    let parent = &config.coordinator.parent;
    assert_eq!(parent.endpoint.url, "127.0.0.1:8");
    assert_eq!(parent.endpoint.auth, NodeAuth::Cookie("/tmp/c".into()));
    assert_eq!(
        hex::encode(parent.payout_script.as_bytes()),
        "0014751e76e8199196d454941c45d1b3a323f1433bd6"
    );
    // `--no-longpoll` beats `longpoll = true`.
    let mut file = self::file();
    file.parent.longpoll = Some(true);
    let flags = MmSettings {
        parent: ParentSettings {
            longpoll: Some(false),
            ..ParentSettings::default()
        },
        ..MmSettings::default()
    };
    assert!(
        !flags
            .over(file)
            .resolve()
            .unwrap()
            .coordinator
            .parent
            .longpoll
    );
}

#[test]
fn a_bad_value_is_refused_naming_its_flag_and_key() {
    type Spoil = fn(&mut MmSettings);
    let cases: [(Spoil, Field); 11] = [
        (
            |s| s.version_rolling_mask = Some("1fffe0".into()),
            Field::VERSION_ROLLING_MASK,
        ),
        (|s| s.parent.pow = Some("x11".into()), Field::PARENT_POW),
        (
            |s| s.parent.address_script = Some("zz".into()),
            Field::PARENT_ADDRESS_SCRIPT,
        ),
        (
            |s| {
                s.parent.address_script = None;
                s.parent.address = Some("nonsense".into())
            },
            Field::PARENT_ADDRESS,
        ),
        (|s| s.vardiff.start = Some(0.0), Field::START_DIFFICULTY),
        (|s| s.vardiff.max = Some(f64::NAN), Field::MAX_DIFFICULTY),
        (
            |s| s.vardiff.share_interval_s = Some(-1.0),
            Field::SHARE_INTERVAL,
        ),
        (
            |s| s.limits.max_connections = Some(0),
            Field::MAX_CONNECTIONS,
        ),
        (
            |s| s.limits.handshake_timeout_s = Some(0.0),
            Field::HANDSHAKE_TIMEOUT,
        ),
        (
            |s| s.limits.max_workers_per_connection = Some(0),
            Field::MAX_WORKERS_PER_CONNECTION,
        ),
        (
            |s| s.limits.max_shares_per_block = Some(0),
            Field::MAX_SHARES_PER_BLOCK,
        ),
    ];
    for (spoil, expected) in cases {
        let mut settings = file();
        spoil(&mut settings);
        let error = refusal(settings);
        let message = error.to_string();
        assert!(
            matches!(error, ConfigError::Invalid { field, .. } if field == expected),
            "{message}"
        );
        assert!(message.contains(expected.flag), "{message}");
        assert!(message.contains(expected.key), "{message}");
    }
    // The message keeps the words scripts already look for.
    let mut settings = file();
    settings.limits.max_connections = Some(0);
    assert_eq!(
        refusal(settings).to_string(),
        "--max-connections / [limits] max_connections: max_connections must be at least 1"
    );
}

#[test]
fn missing_or_doubled_nodes_and_credentials_are_refused() {
    let mut settings = file();
    settings.parent.url = None;
    assert!(matches!(refusal(settings), ConfigError::MissingParent));
    let mut settings = file();
    settings.parent.address_script = None;
    assert!(matches!(refusal(settings), ConfigError::MissingPayout));
    let mut settings = file();
    settings.parent.cookie = Some("/c".into());
    assert!(matches!(
        refusal(settings),
        ConfigError::ParentCredentials(CredentialsProblem::Both)
    ));
    let mut settings = file();
    settings.aux[0].cookie = None;
    let error = refusal(settings);
    assert_eq!(
        error.to_string(),
        "the credentials of aux node 127.0.0.1:10: give a cookie file or a user and password"
    );
    let mut settings = file();
    settings.aux[0].datadir = Some("/d".into());
    assert!(matches!(
        refusal(settings),
        ConfigError::AuxUrlAndDatadir { .. }
    ));
}

#[test]
fn unknown_keys_in_the_file_are_refused() {
    for text in [
        "stratum_lisen = \"127.0.0.1:0\"",
        "[parent]\ncolour = 1",
        "[limits]\nmax_conections = 1",
        "[[aux]]\naddress = \"a\"\nport = 1",
    ] {
        let error = MmSettings::from_toml(text).expect_err(text).to_string();
        assert!(error.contains("unknown field"), "{text}: {error}");
    }
    let error = MmSettings::load(Path::new("/nonexistent/mm.toml")).unwrap_err();
    assert!(matches!(error, ConfigError::Read { .. }));
}

#[test]
fn aux_flags_parse() {
    let node = AuxNodeSettings::from_flag("url=127.0.0.1:1,cookie=/c,address=vdev1q").unwrap();
    assert_eq!(node.url.as_deref(), Some("127.0.0.1:1"));
    assert_eq!(node.cookie, Some("/c".into()));
    assert_eq!(node.address, "vdev1q");
    let datadir = AuxNodeSettings::from_flag("datadir=/d,address=y").unwrap();
    assert_eq!(datadir.datadir, Some("/d".into()));
    for (spec, problem) in [
        ("url=x", "address= is missing"),
        ("address=y", "url= (or datadir=) is missing"),
        ("url=x,address=y,colour=red", "unknown key `colour`"),
        ("url", "`url` is not KEY=VALUE"),
    ] {
        let error = AuxNodeSettings::from_flag(spec).unwrap_err().to_string();
        assert!(error.starts_with(&format!("--aux {spec}: ")), "{error}");
        assert!(error.contains(problem), "{error}");
    }
}
