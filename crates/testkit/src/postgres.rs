//! A throwaway PostgreSQL server, started once per test binary with
//! `initdb` + `pg_ctl` in a temporary directory on a free port, and stopped
//! by a watchdog when the test process ends (however it ends).
//!
//! PostgreSQL refuses to run as root: when the tests run as root (CI, these
//! machines), the server runs as the `postgres` system user through
//! `runuser`, in a directory that user owns.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use diesel::{Connection, PgConnection, RunQueryDsl};

/// A running server for this test process.
#[derive(Debug)]
pub struct PostgresServer {
    port: u16,
    _dir: PathBuf,
}

impl PostgresServer {
    /// URL of database `name` on this server. The server has neither TLS
    /// nor Kerberos, so libpq is told not to try them: no refused handshake
    /// per connection, and no Kerberos library to tear down at the process's
    /// exit while a pool thread still connects (its `k5_mutex_lock`
    /// assertion aborted test processes now and then).
    pub fn url(&self, name: &str) -> String {
        format!(
            "postgres://prelevo@127.0.0.1:{}/{name}?sslmode=disable&gssencmode=disable",
            self.port
        )
    }

    /// Runs one SQL statement as the server's superuser.
    pub fn execute(&self, sql: &str) {
        let mut conn = PgConnection::establish(&self.url("postgres"))
            .expect("connect to the throwaway server");
        diesel::sql_query(sql)
            .execute(&mut conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Creates an empty database and returns its URL.
    pub fn create_database(&self, name: &str) -> String {
        self.execute(&format!("CREATE DATABASE {name}"));
        self.url(name)
    }
}

static SERVER: OnceLock<PostgresServer> = OnceLock::new();

/// The server of this test process, started on first use, tuned for speed
/// (no fsync): a crash loses nothing a test needs.
pub fn postgres_server() -> &'static PostgresServer {
    SERVER.get_or_init(|| start_postgres(Durability::Fast))
}

/// Whether the throwaway server syncs to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// fsync off: for tests.
    Fast,
    /// PostgreSQL's defaults (fsync, synchronous commit): for benchmarks
    /// whose figures must mean something in production.
    Durable,
}

/// Starts a server of its own (benchmarks); it stops when the process ends.
pub fn start_postgres(durability: Durability) -> PostgresServer {
    match start(durability) {
        Ok(server) => server,
        Err(why) => panic!(
            "cannot start a throwaway PostgreSQL: {why}\n\
             Install the server binaries (scripts/test does: apt-get install postgresql)."
        ),
    }
}

fn start(durability: Durability) -> Result<PostgresServer, String> {
    let bin = find_bin_dir()
        .ok_or("initdb and pg_ctl not found on PATH or in /usr/lib/postgresql/*/bin")?;
    let as_root = running_as_root();
    let dir = tempfile::Builder::new()
        .prefix("prelevo-pg-")
        .tempdir()
        .map_err(|e| e.to_string())?
        .keep();
    let data = dir.join("data");
    if as_root {
        run(Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir))?;
    }
    let user_cmd = |program: &str| {
        let path = bin.join(program);
        if as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    };
    run(user_cmd("initdb").arg("-D").arg(&data).args([
        "-A",
        "trust",
        "-U",
        "prelevo",
        "-E",
        "UTF8",
        "--no-sync",
        "--no-instructions",
    ]))?;
    let mut last_error = String::new();
    for _ in 0..5 {
        let port = free_port()?;
        let speed = match durability {
            Durability::Fast => "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            Durability::Durable => "",
        };
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300 {speed}",
            dir.display()
        );
        let started = run(user_cmd("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(dir.join("server.log"))
            .args(["-o", &options, "-w", "-t", "60", "start"]));
        match started {
            Ok(()) => {
                spawn_watchdog(&bin, &data, &dir, as_root)?;
                return Ok(PostgresServer { port, _dir: dir });
            }
            Err(e) => last_error = e,
        }
    }
    let log = fs::read_to_string(dir.join("server.log")).unwrap_or_default();
    Err(format!("pg_ctl start failed: {last_error}\n{log}"))
}

/// Stops the server and removes its directory once this process is gone.
fn spawn_watchdog(bin: &Path, data: &Path, dir: &Path, as_root: bool) -> Result<(), String> {
    let stop = format!(
        "{} {} -D {} stop -m immediate",
        if as_root {
            "runuser -u postgres --"
        } else {
            ""
        },
        bin.join("pg_ctl").display(),
        data.display()
    );
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {stop}; rm -rf {dir}",
        pid = std::process::id(),
        dir = dir.display()
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| format!("cannot start the watchdog: {e}"))
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{command:?}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} exited with {}: {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

fn running_as_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|euid| euid == "0"))
        })
        .unwrap_or(false)
}

/// The directory holding `initdb` and `pg_ctl`: on PATH, or the newest
/// Debian `/usr/lib/postgresql/<version>/bin`.
fn find_bin_dir() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .find(|p| p.join("initdb").is_file() && p.join("pg_ctl").is_file())
    });
    // A symlink on PATH may point to a Debian versioned dir; resolve it so
    // that runuser finds the real binaries.
    if let Some(dir) = on_path {
        return fs::canonicalize(dir.join("initdb"))
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .or(Some(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}
