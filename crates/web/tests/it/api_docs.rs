//! docs/API.md's examples, run as written against a real server (SQLite):
//! each ```sh block holds one `curl` command, must exit 0 and print JSON; a
//! block announced by `<!-- expect problem -->` must print a problem (a
//! `type`), any other must not.

use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::Duration;

use prelevo_app::access::create_api_key;
use prelevo_app::creditors::{CreditorInput, create_creditor};
use prelevo_domain::{ApiScope, Environment};
use prelevo_store::Actor;
use prelevo_testkit::sqlite_store;

use crate::TestApp;

const EXPECT_PROBLEM: &str = "<!-- expect problem -->";
/// Longest a single example may take.
const EXAMPLE_TIMEOUT: Duration = Duration::from_secs(30);

/// One ```sh block of the document.
struct Example {
    /// 1-based line of its opening fence.
    line: usize,
    script: String,
    expect_problem: bool,
}

/// Every ```sh block of `markdown`, in order.
fn sh_examples(markdown: &str) -> Vec<Example> {
    let mut examples = Vec::new();
    let mut previous = "";
    let mut lines = markdown.lines().enumerate();
    while let Some((index, line)) = lines.next() {
        if line.trim_end() == "```sh" {
            let mut script = String::new();
            let mut closed = false;
            for (_, body) in lines.by_ref() {
                if body.trim_end() == "```" {
                    closed = true;
                    break;
                }
                script.push_str(body);
                script.push('\n');
            }
            assert!(closed, "docs/API.md:{}: unclosed ```sh block", index + 1);
            examples.push(Example {
                line: index + 1,
                script,
                expect_problem: previous.contains(EXPECT_PROBLEM),
            });
            previous = "";
        } else if !line.trim().is_empty() {
            previous = line;
        }
    }
    examples
}

fn curl_is_installed() -> bool {
    Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Runs `script` with `sh -c`, giving up after [`EXAMPLE_TIMEOUT`].
fn run(script: &str, url: &str, key: &str) -> Output {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(script)
        .env("PRELEVO_URL", url)
        .env("PRELEVO_KEY", key)
        // The server is on loopback: never through a proxy.
        .env("no_proxy", "*")
        .env("NO_PROXY", "*");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || sender.send(command.output()));
    receiver
        .recv_timeout(EXAMPLE_TIMEOUT)
        .unwrap_or_else(|_| panic!("no answer within {EXAMPLE_TIMEOUT:?}:\n{script}"))
        .unwrap()
}

#[test]
fn the_curl_examples_of_api_md_work() {
    assert!(
        curl_is_installed(),
        "`curl` is not on PATH: docs/API.md's examples need it \
         (scripts/test installs it; or `apt-get install curl`)"
    );
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/API.md");
    let markdown = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let examples = sh_examples(&markdown);
    assert!(examples.len() >= 10, "only {} examples", examples.len());
    assert!(
        examples.iter().any(|e| e.expect_problem) && examples.iter().any(|e| !e.expect_problem),
        "the examples show successes and problems"
    );

    let store = sqlite_store();
    let app = TestApp::spawn(&store);
    let input = CreditorInput {
        name: "Acme Abonnements".into(),
        ics: "FR69ZZZ651190".into(),
        iban: "FR7630006000011234567890189".into(),
        bic: Some("AGRIFRPP".into()),
        ..CreditorInput::default()
    };
    let creditor = create_creditor(&store, app.clock.as_ref(), &Actor::Cli, &input)
        .unwrap()
        .id;
    let key = create_api_key(
        &store,
        app.clock.as_ref(),
        &Actor::Cli,
        &creditor,
        Environment::PreProduction,
        "docs",
        ApiScope::Write,
        None,
    )
    .unwrap()
    .secret;
    let url = app.url("");

    for example in &examples {
        let at = format!("docs/API.md:{}", example.line);
        let script = &example.script;
        assert_eq!(
            script.matches("curl ").count(),
            1,
            "{at}: one curl command per example:\n{script}"
        );
        assert!(
            script.contains("$PRELEVO_URL"),
            "{at}: the example must call $PRELEVO_URL:\n{script}"
        );
        let output = run(script, &url, &key);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "{at}: {}\n{script}\nstdout: {stdout}\nstderr: {stderr}",
            output.status
        );
        let json: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{at}: not JSON ({e}):\n{script}\n{stdout}"));
        if example.expect_problem {
            assert!(
                json["type"].is_string() && json["status"].is_u64(),
                "{at}: a problem was expected:\n{script}\n{json}"
            );
        } else {
            assert!(
                json.get("type").is_none(),
                "{at}: unexpected problem:\n{script}\n{json}"
            );
        }
    }
}
