//! The web pages at full size: signs in like a browser (the sign-in page's
//! CSRF cookie, then the session cookie) and times the HTML pages people
//! open all day — the ledger filtered and sorted, a task page with its
//! history, and the overview — through the same server as the API phases.

use super::{failures, run_sequentially, Latencies, Refs, Reply, Rng, Server, PRIORITIES, STATUSES};
use std::time::{Duration, Instant};

const LEDGER_PAGES: usize = 500;
const TASK_PAGES: usize = 500;
const OVERVIEWS: usize = 50;
const STREAM_PAGES: u64 = 5;
/// A little longer than the overview's snapshot may get before a request
/// starts recomputing it (30 s in the server).
pub const SNAPSHOT_AGE: Duration = Duration::from_secs(31);

/// A client signed in like a browser (session cookie).
pub async fn signed_in(server: &Server) -> reqwest::Client {
    Browser::sign_in(server).await.http
}

pub struct PageResult {
    pub label: String,
    pub latencies: Latencies,
    pub failed: Vec<(u16, usize)>,
    pub mean_kb: f64,
}

struct Browser {
    http: reqwest::Client,
    base: String,
}

impl Browser {
    async fn sign_in(server: &Server) -> Browser {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(60))
            .build()
            .expect("cannot build the browser client");
        let base = server.base_url.clone();
        let login = http.get(format!("{base}/login")).send().await.expect("sign-in page").text().await.unwrap();
        let key = "name=\"csrf\" value=\"";
        let start = login.find(key).expect("the sign-in page has a CSRF field") + key.len();
        let csrf = &login[start..start + login[start..].find('"').expect("closing quote")];
        let res = http
            .post(format!("{base}/login"))
            .form(&[("username", "bench"), ("password", super::BENCH_PASSWORD), ("csrf", csrf), ("next", "/")])
            .send()
            .await
            .expect("sign-in");
        assert_eq!(res.status().as_u16(), 303, "sign-in refused: {}", res.text().await.unwrap_or_default());
        Browser { http, base }
    }

    async fn get(&self, path: &str) -> Reply {
        let started = Instant::now();
        let (status, bytes) = match self.http.get(format!("{}{path}", self.base)).send().await {
            Ok(r) => (r.status().as_u16(), r.bytes().await.unwrap_or_default()),
            Err(e) => {
                eprintln!("page request failed: {e}");
                (0, Default::default())
            }
        };
        Reply { status, body: serde_json::Value::from(bytes.len()), elapsed: started.elapsed() }
    }
}

fn result(label: String, replies: Vec<Reply>) -> PageResult {
    let kb: Vec<f64> = replies.iter().filter_map(|r| r.body.as_f64()).map(|b| b / 1024.0).collect();
    PageResult {
        label,
        failed: failures(&replies, 200),
        latencies: Latencies::from(&replies),
        mean_kb: kb.iter().sum::<f64>() / kb.len().max(1) as f64,
    }
}

pub async fn measure(server: &Server, refs: &Refs, task_ids: &[i64]) -> Vec<PageResult> {
    let b = Browser::sign_in(server).await;
    let mut rng = Rng::for_item(STREAM_PAGES, 0);
    let ledger = run_sequentially(LEDGER_PAGES, |i| {
        // Half by unit and status, half by key work and priority, both sorted by due date.
        let path = if i % 2 == 0 {
            format!("/ledger?lead_unit={}&status={}&sort=due_date", rng.pick(&refs.units), rng.pick(&STATUSES))
        } else {
            format!("/ledger?key_work={}&priority={}&sort=-due_date", rng.pick(&refs.key_works), rng.pick(&PRIORITIES))
        };
        let b = &b;
        async move { b.get(&path).await }
    })
    .await;
    let tasks = run_sequentially(TASK_PAGES, |_| {
        let path = format!("/tasks/{}", rng.pick(task_ids));
        let b = &b;
        async move { b.get(&path).await }
    })
    .await;
    let overview = run_sequentially(OVERVIEWS, |_| b.get("/")).await;
    vec![
        result(format!("HTML ledger page, 50 rows, filtered+sorted ({LEDGER_PAGES})"), ledger),
        result(format!("HTML task page with history ({TASK_PAGES})"), tasks),
        result(format!("HTML overview, every key work summed ({OVERVIEWS})"), overview),
    ]
}
