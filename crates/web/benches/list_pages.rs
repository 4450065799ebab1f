//! Dashboard list pages end to end on a creditor with N customers and N
//! mandates (default one million), SQLite: the real server on loopback, a
//! logged-in session, one keep-alive connection sending page requests back
//! to back (as a person clicking does), the whole HTML page read. Prints a
//! Markdown table for docs/PERFORMANCE.md with issue 5's target (p99 ≤
//! 10 ms per page).
//!
//! ```text
//! cargo bench -p prelevo-web --bench list_pages
//! ROWS=100000 PAGES=500 cargo bench -p prelevo-web --bench list_pages
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a bench fails by panicking"
)]

/// The allocator of the `prelevo` binary, so that the server runs as shipped.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{Request, header};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use prelevo_app::access::create_admin;
use prelevo_domain::{Clock, SystemClock};
use prelevo_store::{PoolOptions, Store};
use prelevo_testkit::bulk::{BulkKeys, bulk_iban, p50_p99, populate};
use prelevo_web::AppState;
use sha2::{Digest, Sha256};

/// The issue's target for a list page, end to end.
const TARGET_P99: Duration = Duration::from_millis(10);

/// The page to ask for a random key.
type PathOfKey = fn(u32) -> String;

/// A logged-in dashboard session on one connection.
struct Session {
    address: SocketAddr,
    cookie: String,
    sender: SendRequest<Empty<Bytes>>,
}

impl Session {
    /// The page at `path`: its HTML and how long it took, start of the
    /// request to the last byte of the answer.
    async fn get(&mut self, path: &str) -> (String, Duration) {
        let request = Request::get(path)
            .header(header::HOST, self.address.to_string())
            .header(header::COOKIE, &self.cookie)
            .header(header::ACCEPT_LANGUAGE, "fr")
            .body(Empty::<Bytes>::new())
            .unwrap();
        self.sender.ready().await.unwrap();
        let started = Instant::now();
        let response = self.sender.send_request(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let took = started.elapsed();
        assert!(status.is_success(), "{path} answered {status}");
        (String::from_utf8(body.to_vec()).unwrap(), took)
    }
}

/// The list's "next page" link in `html`, unescaped.
fn next_href(html: &str) -> Option<String> {
    let at = html.find(r#"rel="next" href=""#)? + r#"rel="next" href=""#.len();
    let href = html[at..].split('"').next()?;
    Some(href.replace("&amp;", "&").replace("&#38;", "&"))
}

fn millis(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e3)
}

fn main() {
    let rows: u32 = std::env::var("ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let pages: usize = std::env::var("PAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let directory = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", directory.path().join("bench.db").display());
    let store = Store::open(&url, &PoolOptions::default()).unwrap();
    let (tenant, loaded) = populate(&store, rows);
    eprintln!("SQLite: {rows} customers and mandates loaded in {loaded:.1?}");

    // A session opened directly in the store (the login form's argon2 is
    // not what is measured here).
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let creditor = tenant.creditor_id().clone();
    let admin = create_admin(&store, clock.as_ref(), &creditor, "bench@acme.example").unwrap();
    let session_id = "bench-session-0123456789abcdef";
    let id_hash = hex::encode(Sha256::digest(session_id.as_bytes()));
    store
        .platform_write(|tx| {
            tx.create_session(&id_hash, &admin.user.id, &creditor, "csrf", clock.now())
        })
        .unwrap();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let state = AppState::new(store, clock);
    let mut session = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(prelevo_web::serve(listener, state, std::future::pending()));
        let stream = tokio::net::TcpStream::connect(address).await.unwrap();
        stream.set_nodelay(true).unwrap();
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Session {
            address,
            cookie: format!("prelevo_session={session_id}"),
            sender,
        }
    });

    let searches: [(&str, PathOfKey); 4] = [
        ("mandates by customer reference", |k| {
            format!("/mandates?customer_reference=C-{k:07}")
        }),
        ("mandates by UMR (prefix)", |k| {
            format!("/mandates?reference=RUM-{k:08}")
        }),
        ("mandates by IBAN last 4", |k| {
            let iban = bulk_iban(k).to_string();
            format!("/mandates?iban_last4={}", &iban[iban.len() - 4..])
        }),
        ("subscribers whose method is healthy, first page", |_| {
            "/subscribers?health=active".to_owned()
        }),
    ];
    println!("| page (SQLite, {rows} rows) | p50 (ms) | p99 (ms) | target p99 |");
    println!("|---|---|---|---|");
    let verdict = |p99: Duration| {
        if p99 <= TARGET_P99 {
            "≤ 10 ms (met)"
        } else {
            "≤ 10 ms (missed)"
        }
    };
    for (label, path_of) in searches {
        let mut keys = BulkKeys::default();
        let times = runtime.block_on(async {
            for _ in 0..pages / 10 {
                session.get(&path_of(keys.next(rows))).await;
            }
            let mut times = Vec::with_capacity(pages);
            for _ in 0..pages {
                let (html, took) = session.get(&path_of(keys.next(rows))).await;
                assert!(html.contains("<table"), "{label}: no list");
                times.push(took);
            }
            times
        });
        let (p50, p99) = p50_p99(times);
        println!(
            "| {label} | {} | {} | {} |",
            millis(p50),
            millis(p99),
            verdict(p99)
        );
    }

    // Active mandates, page after page through the "next" links: each page
    // after the first is read after a cursor, with the capped total.
    let times = runtime.block_on(async {
        let first = "/mandates?status=active".to_owned();
        let mut path = first.clone();
        let mut times = Vec::with_capacity(pages);
        let mut warm_up = pages / 10;
        while times.len() < pages {
            let (html, took) = session.get(&path).await;
            if warm_up > 0 {
                warm_up -= 1;
            } else {
                times.push(took);
            }
            path = next_href(&html).unwrap_or_else(|| first.clone());
        }
        times
    });
    let (p50, p99) = p50_p99(times);
    println!(
        "| active mandates, next page after next page | {} | {} | {} |",
        millis(p50),
        millis(p99),
        verdict(p99)
    );
}
