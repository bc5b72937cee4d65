//! The `/metrics` endpoint over a real socket: each scrape refreshes, then answers in
//! the OpenMetrics text format.

use futures::FutureExt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use venture_metrics::{serve, NodeMetrics, NodeSnapshot, Refresh, Registry};

#[tokio::test]
async fn each_scrape_refreshes_the_values_it_serves() {
    let mut registry = Registry::default();
    let metrics = NodeMetrics::register(&mut registry, false);
    let scrapes = Arc::new(AtomicU32::new(0));
    let refresh: Refresh = {
        let scrapes = scrapes.clone();
        Arc::new(move || {
            let n = scrapes.fetch_add(1, Ordering::SeqCst) + 1;
            let metrics = metrics.clone();
            async move {
                metrics.update(&NodeSnapshot {
                    height: n * 10,
                    ..NodeSnapshot::default()
                });
            }
            .boxed()
        })
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/metrics", listener.local_addr().unwrap());
    let server = tokio::spawn(serve(listener, Arc::new(registry), refresh));

    for expected in ["venture_chain_height 10", "venture_chain_height 20"] {
        let url = url.clone();
        let (content_type, body) = tokio::task::spawn_blocking(move || {
            let mut response = ureq::get(&url).call().unwrap();
            let content_type = response
                .headers()
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            (content_type, response.body_mut().read_to_string().unwrap())
        })
        .await
        .unwrap();
        assert!(content_type.starts_with("application/openmetrics-text"));
        assert!(body.lines().any(|l| l == expected), "{body}");
        assert!(body.ends_with("# EOF\n"), "{body}");
    }
    assert_eq!(scrapes.load(Ordering::SeqCst), 2);
    server.abort();
}
