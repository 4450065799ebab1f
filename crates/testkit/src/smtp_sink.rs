//! A tiny SMTP server that accepts every message and keeps it, so tests go
//! through the real SMTP path (lettre → TCP → server) without a mail system.
//! Some addresses get the refusals of a real server instead: a recipient
//! whose address starts with `unknown` is refused for good (`550`), one
//! starting with `busy` for now (`451`), and a sender starting with
//! `locked` must first log in (`530`).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One received message.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// `RCPT TO` addresses.
    pub recipients: Vec<String>,
    /// The raw message (headers and body) as sent after `DATA`.
    pub data: String,
}

/// A running sink on a free loopback port; it stops with the process.
#[derive(Clone)]
pub struct SmtpSink {
    port: u16,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl SmtpSink {
    /// Starts listening.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the SMTP sink");
        let port = listener.local_addr().expect("sink address").port();
        let received: Arc<Mutex<Vec<ReceivedMail>>> = Arc::default();
        let store = Arc::clone(&received);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let store = Arc::clone(&store);
                std::thread::spawn(move || {
                    // A client that hangs up mid-dialogue is simply dropped.
                    let _ = serve(stream, &store);
                });
            }
        });
        Self { port, received }
    }

    /// `smtp://127.0.0.1:<port>` for the mailer under test.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.received.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Waits up to `timeout` for at least `n` messages.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if messages.len() >= n || Instant::now() > deadline {
                return messages;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn serve(stream: TcpStream, store: &Mutex<Vec<ReceivedMail>>) -> std::io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    writer.write_all(b"220 prelevo-sink ESMTP\r\n")?;
    let mut recipients = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") {
            writer.write_all(b"250-prelevo-sink\r\n250 8BITMIME\r\n")?;
        } else if command.starts_with("RCPT TO:") {
            let address = line.trim_end()[8..]
                .trim()
                .trim_matches(['<', '>'])
                .to_owned();
            if address.starts_with("unknown") {
                writer.write_all(b"550 5.1.1 no such mailbox\r\n")?;
            } else if address.starts_with("busy") {
                writer.write_all(b"451 4.3.0 mailbox busy, try again later\r\n")?;
            } else {
                recipients.push(address);
                writer.write_all(b"250 OK\r\n")?;
            }
        } else if command.starts_with("MAIL FROM:<LOCKED") {
            writer.write_all(b"530 5.7.0 authentication required\r\n")?;
        } else if command == "DATA" {
            writer.write_all(b"354 end with .\r\n")?;
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 || line == ".\r\n" {
                    break;
                }
                data.push_str(&line);
            }
            if let Ok(mut all) = store.lock() {
                all.push(ReceivedMail {
                    recipients: std::mem::take(&mut recipients),
                    data,
                });
            }
            writer.write_all(b"250 queued\r\n")?;
        } else if command == "QUIT" {
            writer.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            // HELO, MAIL FROM, RSET, NOOP…
            writer.write_all(b"250 OK\r\n")?;
        }
    }
}
