//! Browser tests: real headless Chromium driven through chromedriver
//! (Debian `chromium`, `chromium-driver`; scripts/test installs them).
//! The server runs in-process on port 0 with the demo district loaded.
//! A failing test saves a screenshot under target/browser-failures/.

mod common;

use fantoccini::{Client, ClientBuilder, Locator};
use std::future::Future;
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

type Step<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + 'a>>;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// chromedriver on a free port, or None outside CI when it is not installed.
async fn start_driver() -> Option<(Driver, u16)> {
    if std::process::Command::new("chromedriver").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "CI must have chromedriver (scripts/test installs chromium-driver)");
        eprintln!("chromedriver not installed: browser tests skipped (scripts/test installs it)");
        return None;
    }
    let port = free_port();
    let driver = Driver(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some((driver, port));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not start");
}

async fn browser(port: u16, profile: &std::path::Path) -> Client {
    let caps = serde_json::json!({"goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900",
        format!("--user-data-dir={}", profile.display())]}});
    let caps = match caps {
        serde_json::Value::Object(m) => m,
        _ => unreachable!(),
    };
    ClientBuilder::rustls()
        .expect("tls")
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("chromium session")
}

/// The demo district on a fresh database, served on port 0.
async fn demo_server(dir: &std::path::Path) -> String {
    let store = tuijin::storage::connect(dir.join("browser.db").to_str().unwrap()).await.unwrap();
    tuijin::demo::load(store.as_ref(), tuijin::http::today()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let app = tuijin::http::router(tuijin::http::AppState::new(store));
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap()
    });
    addr
}

/// Runs the steps; on failure saves a screenshot and fails the test.
async fn run(name: &str, steps: impl for<'c> FnOnce(&'c Client, &'c str) -> Step<'c>) {
    let Some((_driver, port)) = start_driver().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let addr = demo_server(dir.path()).await;
    let c = browser(port, &dir.path().join("profile")).await;
    let result = steps(&c, &addr).await;
    if let Err(e) = result {
        let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("../browser-failures");
        std::fs::create_dir_all(&shots).ok();
        let file = shots.join(format!("{name}.png"));
        if let Ok(png) = c.screenshot().await {
            std::fs::write(&file, png).ok();
        }
        let _ = c.close().await;
        panic!("{name}: {e} (screenshot: {})", file.display());
    }
    let _ = c.close().await;
}

fn err<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> String + '_ {
    move |e| format!("{what}: {e}")
}

async fn sign_in(c: &Client, addr: &str, user: &str) -> Result<(), String> {
    c.goto(&format!("{addr}/login")).await.map_err(err("open sign-in"))?;
    c.find(Locator::Id("username")).await.map_err(err("username field"))?.send_keys(user).await.map_err(err("type"))?;
    c.find(Locator::Id("password"))
        .await
        .map_err(err("password field"))?
        .send_keys(tuijin::demo::PASSWORD)
        .await
        .map_err(err("type"))?;
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .map_err(err("submit"))?
        .click()
        .await
        .map_err(err("click"))?;
    wait_for_text(c, "h1", "工作台账").await
}

async fn wait_for_text(c: &Client, css: &str, text: &str) -> Result<(), String> {
    for _ in 0..50 {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if e.text().await.is_ok_and(|t| t.contains(text)) {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("no {css} with text {text:?}"))
}

#[tokio::test]
async fn sign_in_filter_open_a_task_switch_language_and_sign_out() {
    run("walk", |c, addr| {
        Box::pin(async move {
            sign_in(c, addr, "supervisor").await?;
            // Filter the ledger to tasks already done.
            let status = c.find(Locator::Css("select[name=status]")).await.map_err(err("status filter"))?;
            status.select_by_value("done").await.map_err(err("choose done"))?;
            c.find(Locator::Css(".filters button[type=submit]"))
                .await
                .map_err(err("filter"))?
                .click()
                .await
                .map_err(err("click"))?;
            wait_for_text(c, ".count", "项").await?;
            let url = c.current_url().await.map_err(err("url"))?;
            if !url.as_str().contains("status=done") {
                return Err(format!("the filter is not in the URL: {url}"));
            }
            let badges = c.find_all(Locator::Css("td .badge")).await.map_err(err("badges"))?;
            for b in &badges {
                let text = b.text().await.map_err(err("badge"))?;
                if text != "已完成" {
                    return Err(format!("a row that is not done: {text}"));
                }
            }
            if badges.is_empty() {
                return Err("no done task in the demo ledger".into());
            }
            // Open the first task.
            c.find(Locator::Css("table.ledger tbody a"))
                .await
                .map_err(err("task link"))?
                .click()
                .await
                .map_err(err("click"))?;
            wait_for_text(c, "main", "变更历史").await?;
            // Switch to English; the choice sticks.
            c.find(Locator::XPath("//button[text()='English']"))
                .await
                .map_err(err("language"))?
                .click()
                .await
                .map_err(err("click"))?;
            wait_for_text(c, "main", "History").await?;
            c.goto(&format!("{addr}/ledger")).await.map_err(err("ledger"))?;
            wait_for_text(c, "h1", "Ledger").await?;
            // Sign out: the sign-in page keeps the language chosen.
            c.find(Locator::XPath("//button[text()='Sign out']"))
                .await
                .map_err(err("sign out"))?
                .click()
                .await
                .map_err(err("click"))?;
            wait_for_text(c, "h1", "Sign in").await?;
            c.goto(&format!("{addr}/ledger")).await.map_err(err("ledger again"))?;
            wait_for_text(c, "h1", "Sign in").await
        })
    })
    .await;
}
