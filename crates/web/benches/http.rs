//! HTTP throughput of the `/v1` API against a bare axum handler, measured
//! in one run on loopback: `GET /v1/creditor` (the real server: bearer key,
//! rate limit, one indexed read) versus `GET /hello` (a bare axum handler
//! answering a small JSON body), served by the same runtime.
//!
//! ```text
//! cargo bench -p prelevo-web --bench http
//! ```
//!
//! Environment: `BENCH_SECONDS` (per endpoint and round, default 10),
//! `BENCH_ROUNDS` (rounds alternating the two endpoints, default 3; the
//! verdict is on the median of the per-round ratios),
//! `BENCH_CONNECTIONS` (concurrent keep-alive connections, default 64),
//! `BENCH_CLIENT` (`wrk` or `hyper`; default `wrk` when it is on PATH —
//! Debian: `apt-get install wrk` — else an in-process hyper client, one
//! task per connection, recording every latency).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a bench fails by panicking"
)]

/// The allocator of the `prelevo` binary, so that both servers run as shipped.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::http::{Request, header};
use axum::routing::get;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use prelevo_app::access::create_api_key;
use prelevo_app::creditors::{CreditorInput, create_creditor};
use prelevo_domain::{ApiScope, Clock, Environment, SystemClock};
use prelevo_store::{Actor, PoolOptions, Store};
use prelevo_web::{AppConfig, AppState};

/// The issue's targets: at least this share of the bare throughput…
const MIN_THROUGHPUT_RATIO: f64 = 0.40;
/// …and at most this multiple of the bare p99.
const MAX_P99_RATIO: f64 = 2.0;
/// Load sent before each measurement and not counted (pools, caches).
const WARM_UP: Duration = Duration::from_secs(2);

/// An endpoint under load.
struct Target {
    label: &'static str,
    address: SocketAddr,
    path: &'static str,
    authorization: Option<String>,
}

impl Target {
    fn url(&self) -> String {
        format!("http://{}{}", self.address, self.path)
    }
}

/// What a load run measured.
struct Measure {
    requests_per_second: f64,
    p50: Duration,
    p99: Duration,
    /// Socket errors or timeouts reported by the generator, if any.
    note: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Generator {
    Wrk,
    Hyper,
}

impl Generator {
    fn name(self) -> &'static str {
        match self {
            Generator::Wrk => "wrk",
            Generator::Hyper => "in-process hyper client",
        }
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} must be a number, not {v:?}"))
        })
        .unwrap_or(default)
}

fn generator() -> Generator {
    let wrk_found = Command::new("wrk")
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("wrk"));
    match std::env::var("BENCH_CLIENT").as_deref() {
        Ok("hyper") => Generator::Hyper,
        Ok("wrk") if !wrk_found => panic!("BENCH_CLIENT=wrk but wrk is not on PATH"),
        Ok("wrk") => Generator::Wrk,
        Ok(other) => panic!("BENCH_CLIENT must be wrk or hyper, not {other:?}"),
        Err(_) if wrk_found => Generator::Wrk,
        Err(_) => Generator::Hyper,
    }
}

/// `4.80ms`, `512.00us`, `1.20s` (wrk's units) as a duration.
fn wrk_duration(text: &str) -> Option<Duration> {
    let (number, scale) = if let Some(n) = text.strip_suffix("us") {
        (n, 1e-6)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60.0)
    } else {
        return None;
    };
    number
        .parse::<f64>()
        .ok()
        .map(|n| Duration::from_secs_f64(n * scale))
}

/// The value after `label` on the first line that starts with it.
fn wrk_field<'a>(output: &'a str, label: &str) -> Option<&'a str> {
    output
        .lines()
        .map(str::trim)
        .find_map(|line| line.strip_prefix(label))
        .and_then(|rest| rest.split_whitespace().next())
}

fn run_wrk(target: &Target, connections: u64, duration: Duration) -> Measure {
    let threads = connections.clamp(1, 2);
    let mut command = Command::new("wrk");
    command
        .arg(format!("-t{threads}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", duration.as_secs().max(1)))
        .arg("--latency");
    if let Some(authorization) = &target.authorization {
        command
            .arg("-H")
            .arg(format!("Authorization: {authorization}"));
    }
    let output = command.arg(target.url()).output().expect("run wrk");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "wrk failed: {}\n{text}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !text.contains("Non-2xx or 3xx responses"),
        "{}: some answers were not 2xx (throttled? key refused?):\n{text}",
        target.label
    );
    let parse = |label: &str| {
        wrk_field(&text, label)
            .and_then(wrk_duration)
            .unwrap_or_else(|| panic!("no `{label}` in wrk's output:\n{text}"))
    };
    let requests_per_second = wrk_field(&text, "Requests/sec:")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Requests/sec in wrk's output:\n{text}"));
    let note = text
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("Socket errors:"))
        .map(str::to_owned);
    Measure {
        requests_per_second,
        p50: parse("50%"),
        p99: parse("99%"),
        note,
    }
}

/// One keep-alive connection sending requests back to back until `until`;
/// the latency of each.
async fn one_connection(
    address: SocketAddr,
    path: &'static str,
    authorization: Option<String>,
    until: Instant,
) -> Vec<Duration> {
    let stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut latencies = Vec::new();
    while Instant::now() < until {
        let mut request = Request::get(path).header(header::HOST, address.to_string());
        if let Some(authorization) = &authorization {
            request = request.header(header::AUTHORIZATION, authorization);
        }
        let request = request.body(Empty::<Bytes>::new()).unwrap();
        sender.ready().await.unwrap();
        let started = Instant::now();
        let response = sender.send_request(request).await.unwrap();
        let status = response.status();
        response.into_body().collect().await.unwrap();
        latencies.push(started.elapsed());
        assert!(status.is_success(), "{path} answered {status}");
    }
    latencies
}

fn run_hyper(target: &Target, connections: u64, duration: Duration) -> Measure {
    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let until = started + duration;
    let mut latencies: Vec<Duration> = client.block_on(async {
        let tasks: Vec<_> = (0..connections)
            .map(|_| {
                tokio::spawn(one_connection(
                    target.address,
                    target.path,
                    target.authorization.clone(),
                    until,
                ))
            })
            .collect();
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.unwrap());
        }
        all
    });
    let elapsed = started.elapsed();
    assert!(
        !latencies.is_empty(),
        "{}: no request completed",
        target.label
    );
    latencies.sort_unstable();
    let at = |quantile: f64| {
        let rank = (quantile * latencies.len() as f64).ceil() as usize;
        latencies[rank.clamp(1, latencies.len()) - 1]
    };
    Measure {
        requests_per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
        note: None,
    }
}

fn load(generator: Generator, target: &Target, connections: u64, duration: Duration) -> Measure {
    match generator {
        Generator::Wrk => run_wrk(target, connections, duration),
        Generator::Hyper => run_hyper(target, connections, duration),
    }
}

/// The real server over a fresh SQLite database with one creditor; the
/// bearer value of a read key of it.
async fn start_prelevo(database: &std::path::Path) -> (SocketAddr, String) {
    let url = format!("sqlite://{}", database.display());
    let store = Store::open(&url, &PoolOptions::default()).unwrap();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let input = CreditorInput {
        name: "Acme Abonnements".into(),
        ics: "FR69ZZZ651190".into(),
        iban: "FR7630006000011234567890189".into(),
        bic: Some("AGRIFRPP".into()),
        ..CreditorInput::default()
    };
    let creditor = create_creditor(&store, clock.as_ref(), &Actor::Cli, &input)
        .unwrap()
        .id;
    let key = create_api_key(
        &store,
        clock.as_ref(),
        &Actor::Cli,
        &creditor,
        Environment::PreProduction,
        "bench",
        ApiScope::Read,
        None,
    )
    .unwrap()
    .secret;
    let unlimited = NonZeroU32::new(1_000_000).unwrap();
    let config = AppConfig {
        api_requests_per_second: unlimited,
        api_burst: unlimited,
        ..AppConfig::default()
    };
    let state = AppState::with_config(store, clock, config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(prelevo_web::serve(listener, state, std::future::pending()));
    (address, format!("Bearer {key}"))
}

/// A bare axum server: `GET /hello` answers a small JSON body.
async fn start_bare() -> SocketAddr {
    let router = axum::Router::new().route(
        "/hello",
        get(|| async { Json(serde_json::json!({ "hello": "world" })) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

fn millis(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let seconds = env_number("BENCH_SECONDS", 10);
    let rounds = env_number("BENCH_ROUNDS", 3).max(1);
    let connections = env_number("BENCH_CONNECTIONS", 64).max(1);
    let duration = Duration::from_secs(seconds.max(1));
    let generator = generator();

    // Both servers on one runtime with a worker per core, as `prelevo serve`.
    let servers = tokio::runtime::Runtime::new().unwrap();
    let directory = tempfile::tempdir().unwrap();
    let (prelevo, authorization) =
        servers.block_on(start_prelevo(&directory.path().join("bench.db")));
    let bare = servers.block_on(start_bare());
    let targets = [
        Target {
            label: "`GET /hello` (bare axum)",
            address: bare,
            path: "/hello",
            authorization: None,
        },
        Target {
            label: "`GET /v1/creditor` (Prelevo)",
            address: prelevo,
            path: "/v1/creditor",
            authorization: Some(authorization),
        },
    ];

    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZeroUsize::get);
    println!(
        "load: {} | {connections} keep-alive connections | {rounds} round(s) of {seconds} s per endpoint, after {} s of warm-up | {cores} cores",
        generator.name(),
        WARM_UP.as_secs()
    );
    for target in &targets {
        load(generator, target, connections, WARM_UP);
    }
    // Rounds alternate the endpoints, so that a noisy neighbour hits both;
    // each round's ratios are taken within the round.
    let rounds: Vec<[Measure; 2]> = (0..rounds)
        .map(|_| {
            targets
                .each_ref()
                .map(|t| load(generator, t, connections, duration))
        })
        .collect();

    println!();
    println!(
        "| round | bare requests/s | bare p99 | Prelevo requests/s | Prelevo p50 | Prelevo p99 | throughput vs bare | p99 vs bare |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut throughput_ratios = Vec::new();
    let mut p99_ratios = Vec::new();
    for (n, [bare, prelevo]) in rounds.iter().enumerate() {
        let throughput = prelevo.requests_per_second / bare.requests_per_second;
        let p99 = prelevo.p99.as_secs_f64() / bare.p99.as_secs_f64();
        throughput_ratios.push(throughput);
        p99_ratios.push(p99);
        println!(
            "| {} | {:.0} | {} | {:.0} | {} | {} | {throughput:.2} | {p99:.2} |",
            n + 1,
            bare.requests_per_second,
            millis(bare.p99),
            prelevo.requests_per_second,
            millis(prelevo.p50),
            millis(prelevo.p99),
        );
    }
    let (throughput, p99) = (median(&mut throughput_ratios), median(&mut p99_ratios));
    let yes = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "\nmedian over the rounds: throughput {throughput:.2} of bare (target ≥ {MIN_THROUGHPUT_RATIO:.2}: {}), p99 {p99:.2}× bare (target ≤ {MAX_P99_RATIO}×: {})",
        yes(throughput >= MIN_THROUGHPUT_RATIO),
        yes(p99 <= MAX_P99_RATIO)
    );
    for (target, measure) in rounds.iter().flat_map(|r| targets.iter().zip(r)) {
        if let Some(note) = &measure.note {
            println!("\n{}: {note}", target.label);
        }
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    }
}
