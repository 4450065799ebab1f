//! A real headless Chromium, driven through chromedriver (WebDriver), for
//! tests that look at the dashboard the way a person does.
//!
//! Both come from Debian (`apt-get install chromium chromium-driver`;
//! `scripts/test` installs them when missing). A machine without them fails
//! the browser tests with a message saying so, unless
//! `PRELEVO_SKIP_BROWSER=1`, which skips them.
//!
//! Every screenshot goes to `target/browser-artifacts/<name>.png`, and also
//! to `docs/screenshots/<name>.png` when `PRELEVO_UPDATE_SCREENSHOTS=1`. A
//! failed step leaves `failure-<step>.png` and `failure-<step>.html` (the
//! page source) in `target/browser-artifacts/` before the test panics.

use std::fmt;
use std::fs::File;
use std::future::Future;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

/// The window of every session: a laptop screen.
pub const DESKTOP: (u32, u32) = (1280, 900);

/// Chromium's flags: headless, no sandbox (tests may run as root), and no
/// background traffic (the test machines reach no network: Chromium's own
/// connections would be refused and slow every page down).
const CHROMIUM_FLAGS: [&str; 10] = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-crash-reporter",
];

/// How long chromedriver may take to answer after it starts.
const DRIVER_START: Duration = Duration::from_secs(15);

/// Why a browser step failed: a WebDriver error or a check that did not hold.
#[derive(Debug)]
pub struct BrowserError(pub String);

impl fmt::Display for BrowserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BrowserError {}

impl From<fantoccini::error::CmdError> for BrowserError {
    fn from(e: fantoccini::error::CmdError) -> Self {
        Self(format!("WebDriver: {e}"))
    }
}

impl From<std::io::Error> for BrowserError {
    fn from(e: std::io::Error) -> Self {
        Self(format!("I/O: {e}"))
    }
}

impl From<String> for BrowserError {
    fn from(message: String) -> Self {
        Self(message)
    }
}

/// `Ok(())` when `holds`, else the failure `message` describes.
pub fn check(holds: bool, message: impl FnOnce() -> String) -> Result<(), BrowserError> {
    if holds {
        Ok(())
    } else {
        Err(BrowserError(message()))
    }
}

/// Whether `PRELEVO_SKIP_BROWSER=1` asks to skip the browser tests.
pub fn browser_skipped() -> bool {
    std::env::var("PRELEVO_SKIP_BROWSER").is_ok_and(|v| v == "1")
}

/// The workspace root (where `target/` and `docs/` are).
fn workspace_root() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir
        .ancestors()
        .nth(2)
        .unwrap_or(crate_dir)
        .to_path_buf()
}

/// `target/browser-artifacts` (under `CARGO_TARGET_DIR` when set).
pub fn artefacts_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from)
        .join("browser-artifacts")
}

/// `docs/screenshots`, the user guide's pictures.
pub fn docs_screenshots_dir() -> PathBuf {
    workspace_root().join("docs").join("screenshots")
}

/// Removes the `failure-*` files a previous run left, so that those in the
/// artefacts directory are this run's.
fn forget_old_failures() {
    let Ok(entries) = std::fs::read_dir(artefacts_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with("failure-") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The first executable named `name` on `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// The body of the HTTP answer `raw` once all of it has arrived.
fn complete_body(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let length = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())?
    })?;
    (body.len() >= length).then(|| body.to_owned())
}

/// A chromedriver child process on a free loopback port; dropping it quits
/// its browsers and ends it.
struct Driver {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Driver {
    fn start(chromedriver: &Path, dir: &Path) -> Self {
        let mut last_failure = String::new();
        // The free port is found by binding it, then released for
        // chromedriver: another process may take it meanwhile, so retry.
        for attempt in 0..3 {
            let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .expect("a free loopback port");
            let log = dir.join(format!("chromedriver-{attempt}.log"));
            let out = File::create(&log).expect("create the chromedriver log");
            let err = out.try_clone().expect("share the chromedriver log");
            let child = Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
            let mut driver = Self { child, port, log };
            match driver.wait_until_ready() {
                Ok(()) => return driver,
                Err(failure) => last_failure = failure,
            }
            // `driver` is dropped here: killed and reaped.
        }
        panic!("chromedriver did not start: {last_failure}");
    }

    /// Polls `/status` until chromedriver says it is ready.
    fn wait_until_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + DRIVER_START;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("it exited ({status}): {}", self.log_text()));
            }
            if let Ok(answer) = self.request("GET", "/status")
                && answer.contains("\"ready\":true")
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "no answer within {DRIVER_START:?}: {}",
                    self.log_text()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// One plain HTTP/1.1 request to chromedriver; the answer's body.
    /// (chromedriver keeps the connection open: read what
    /// `Content-Length` says.)
    fn request(&self, method: &str, path: &str) -> std::io::Result<String> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(1))?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.port
        )?;
        let mut answer = Vec::new();
        let mut chunk = [0_u8; 4096];
        loop {
            let read = stream.read(&mut chunk)?;
            if read == 0 {
                break;
            }
            answer.extend_from_slice(&chunk[..read]);
            if let Some(body) = complete_body(&answer) {
                return Ok(body);
            }
        }
        Ok(String::from_utf8_lossy(&answer).into_owned())
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // `/shutdown` closes the sessions' browsers too; a plain kill would
        // leave Chromium running.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.request("GET", "/shutdown");
            let deadline = Instant::now() + Duration::from_secs(5);
            while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium session at [`DESKTOP`] size, with its own fresh
/// profile, ended (browser and driver) on drop.
pub struct Chromium {
    client: Client,
    // Dropped after `client`, before `_dir` (declaration order).
    driver: Driver,
    _dir: tempfile::TempDir,
}

impl Chromium {
    /// Starts chromedriver and a browser session whose `Accept-Language`
    /// is `languages` (e.g. "fr-FR,fr"). `None` when
    /// `PRELEVO_SKIP_BROWSER=1`; panics with what to install when Chromium
    /// or chromedriver is missing.
    pub async fn launch(languages: &str) -> Option<Self> {
        if browser_skipped() {
            eprintln!("PRELEVO_SKIP_BROWSER=1: the headless browser test is skipped");
            return None;
        }
        let (Some(chromium), Some(chromedriver)) = (on_path("chromium"), on_path("chromedriver"))
        else {
            panic!(
                "the headless browser test needs `chromium` and `chromedriver` on PATH \
                 (Debian: `apt-get install chromium chromium-driver`; `scripts/test` installs \
                 them when missing). Set PRELEVO_SKIP_BROWSER=1 to skip it."
            );
        };
        forget_old_failures();
        let dir = tempfile::tempdir().expect("a temporary directory for the browser");
        let profile = dir.path().join("profile");
        let driver = Driver::start(&chromedriver, dir.path());

        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| (*f).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.push(format!("--window-size={},{}", DESKTOP.0, DESKTOP.1));
        args.push(format!(
            "--lang={}",
            languages.split(',').next().unwrap_or("fr")
        ));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            serde_json::json!({
                "binary": chromium,
                "args": args,
                "prefs": { "intl.accept_languages": languages },
            }),
        );
        let client = match ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await
        {
            Ok(client) => client,
            Err(e) => panic!(
                "chromedriver could not start {}: {e}\n{}",
                chromium.display(),
                driver.log_text()
            ),
        };
        Some(Self {
            client,
            driver,
            _dir: dir,
        })
    }

    /// The WebDriver client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Runs one step of a test. On failure, keeps a screenshot and the page
    /// source as `failure-<name>.png` / `.html` in the artefacts directory,
    /// then panics with where they are.
    pub async fn step<T>(
        &self,
        name: &str,
        work: impl Future<Output = Result<T, BrowserError>>,
    ) -> T {
        match work.await {
            Ok(value) => value,
            Err(error) => {
                let url = self
                    .client
                    .current_url()
                    .await
                    .map_or_else(|e| format!("(unknown: {e})"), |u| u.to_string());
                let kept = self.keep_failure(name).await;
                panic!("browser step `{name}` failed at {url}: {error}\n{kept}");
            }
        }
    }

    /// Saves what the page looks like after a failure; says where.
    async fn keep_failure(&self, name: &str) -> String {
        let dir = artefacts_dir();
        if let Err(e) = std::fs::create_dir_all(&dir) {
            return format!("(no artefacts: {e})");
        }
        let mut kept = Vec::new();
        let png = dir.join(format!("failure-{name}.png"));
        match self.client.screenshot().await {
            Ok(bytes) => match std::fs::write(&png, bytes) {
                Ok(()) => kept.push(format!("screenshot: {}", png.display())),
                Err(e) => kept.push(format!("(screenshot not written: {e})")),
            },
            Err(e) => kept.push(format!("(no screenshot: {e})")),
        }
        let html = dir.join(format!("failure-{name}.html"));
        match self.client.source().await {
            Ok(source) => match std::fs::write(&html, source) {
                Ok(()) => kept.push(format!("page source: {}", html.display())),
                Err(e) => kept.push(format!("(page source not written: {e})")),
            },
            Err(e) => kept.push(format!("(no page source: {e})")),
        }
        kept.join("\n")
    }

    /// A PNG of the window as `<name>.png` in the artefacts directory, and
    /// in `docs/screenshots/` when `PRELEVO_UPDATE_SCREENSHOTS=1`.
    pub async fn screenshot(&self, name: &str) -> Result<(), BrowserError> {
        let png = self.client.screenshot().await?;
        let mut dirs = vec![artefacts_dir()];
        if std::env::var("PRELEVO_UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") {
            dirs.push(docs_screenshots_dir());
        }
        for dir in dirs {
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join(format!("{name}.png")), &png)?;
        }
        Ok(())
    }

    /// The first element matching the CSS `selector`, waiting up to 5 s for
    /// it to appear.
    pub async fn find(
        &self,
        selector: &str,
    ) -> Result<fantoccini::elements::Element, BrowserError> {
        self.client
            .wait()
            .at_most(Duration::from_secs(5))
            .for_element(Locator::Css(selector))
            .await
            .map_err(|e| BrowserError(format!("no `{selector}`: {e}")))
    }

    /// Every element matching the CSS `selector` now (none is no error).
    pub async fn find_all(
        &self,
        selector: &str,
    ) -> Result<Vec<fantoccini::elements::Element>, BrowserError> {
        Ok(self.client.find_all(Locator::Css(selector)).await?)
    }

    /// The text content (as written, before CSS transforms) of `selector`.
    pub async fn text_of(&self, selector: &str) -> Result<String, BrowserError> {
        let element = self.find(selector).await?;
        Ok(element.prop("textContent").await?.unwrap_or_default())
    }

    /// The text of `selector` once it reads `expected`, or the last text
    /// read after 5 s: a swap (htmx) may replace the element between two
    /// reads, which is retried rather than failed.
    pub async fn text_becomes(
        &self,
        selector: &str,
        expected: &str,
    ) -> Result<String, BrowserError> {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            let seen = self.text_of(selector).await;
            match seen {
                Ok(text) if text == expected => return Ok(text),
                Ok(text) if std::time::Instant::now() >= deadline => return Ok(text),
                Err(error) if std::time::Instant::now() >= deadline => return Err(error),
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// The path (and query) of the current page.
    pub async fn path(&self) -> Result<String, BrowserError> {
        let url = self.client.current_url().await?;
        Ok(match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        })
    }

    /// The path once it starts with `prefix`, or the last path read after
    /// 5 s: a click that submits a form returns before the next page loads.
    pub async fn path_becomes(&self, prefix: &str) -> Result<String, BrowserError> {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            let path = self.path().await?;
            if path.starts_with(prefix) || std::time::Instant::now() >= deadline {
                return Ok(path);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Resizes the window so that the page is `width` × `height` CSS pixels
    /// wide, and checks it is.
    pub async fn resize(&self, width: u32, height: u32) -> Result<(), BrowserError> {
        self.client.set_window_size(width, height).await?;
        let inner = self
            .client
            .execute("return window.innerWidth;", Vec::new())
            .await?;
        check(inner.as_u64() == Some(u64::from(width)), || {
            format!("window.innerWidth is {inner} after resizing to {width}")
        })
    }

    /// Ends the session (the browser quits), then the driver.
    pub async fn close(self) {
        let Self {
            client,
            driver,
            _dir,
        } = self;
        let _ = client.close().await;
        drop(driver);
    }
}
