//! The Grafana dashboard in `docs/grafana/` charts only metrics the node exports: every
//! `venture_` name its queries use is one the registry encodes.

use prometheus_client::encoding::text::encode;
use std::collections::BTreeSet;
use venture_metrics::{NodeMetrics, NodeSnapshot, Registry};

const DASHBOARD: &str = include_str!("../../../docs/grafana/venture-node.json");

/// The metric families of an exposition: `# TYPE name kind` lines.
fn families(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// Every `venture_…` identifier in the dashboard, with the suffixes Prometheus adds to
/// a family's samples removed.
fn used_names(dashboard: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = dashboard;
    while let Some(start) = rest.find("venture_") {
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        let name = &tail[..end];
        let family = ["_total", "_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| name.strip_suffix(suffix))
            .unwrap_or(name);
        names.insert(family.to_string());
        rest = &tail[end..];
    }
    names
}

#[test]
fn every_venture_metric_the_dashboard_charts_is_exported() {
    let dashboard: serde_json::Value = serde_json::from_str(DASHBOARD).expect("valid JSON");
    assert!(dashboard["panels"]
        .as_array()
        .is_some_and(|p| !p.is_empty()));
    let mut registry = Registry::default();
    // As on a scrape: values are refreshed before the registry is encoded.
    NodeMetrics::register(&mut registry, true).update(&NodeSnapshot::default());
    let mut text = String::new();
    encode(&mut text, &registry).unwrap();
    let exported = families(&text);
    let used = used_names(DASHBOARD);
    assert!(used.len() >= 10, "{used:?}");
    let missing: Vec<_> = used.difference(&exported).collect();
    assert!(missing.is_empty(), "charted but not exported: {missing:?}");
}
