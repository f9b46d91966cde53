//! Real receivers on loopback for the delivery tests: an SMTP server that
//! speaks enough of RFC 5321 to take mail (and decodes it again, MIME and
//! all), and an HTTP server standing in for a group robot, which can be
//! told to refuse the first requests.

use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use base64::Engine;
use serde_json::Value;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as the SMTP server received it.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// The DATA, dot-unstuffed, lines joined with "\n".
    pub data: String,
}

impl Mail {
    /// A header's value, unfolded, with RFC 2047 encoded words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\n\n").next().unwrap_or_default();
        let mut unfolded: Vec<String> = Vec::new();
        for line in head.lines() {
            match (line.starts_with([' ', '\t']), unfolded.last_mut()) {
                (true, Some(last)) => last.push_str(line),
                _ => unfolded.push(line.to_string()),
            }
        }
        let prefix = format!("{}:", name.to_ascii_lowercase());
        unfolded
            .iter()
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| decode_words(l[prefix.len()..].trim()))
    }

    /// The body decoded from its Content-Transfer-Encoding.
    pub fn body(&self) -> String {
        let raw = self.data.split_once("\n\n").map(|(_, b)| b).unwrap_or_default();
        match self.header("Content-Transfer-Encoding").map(|e| e.to_ascii_lowercase()).as_deref() {
            Some("base64") => {
                let joined: String = raw.split_whitespace().collect();
                String::from_utf8(base64::engine::general_purpose::STANDARD.decode(joined).unwrap()).unwrap()
            }
            Some("quoted-printable") => String::from_utf8(quoted_printable(raw)).unwrap(),
            _ => raw.to_string(),
        }
    }
}

/// `=?utf-8?b?…?= =?utf-8?b?…?=` → text; the space between two encoded
/// words is not part of the text (RFC 2047 §6.2).
fn decode_words(value: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = value;
    let mut after_word = false;
    while !rest.is_empty() {
        if let Some(start) = rest.find("=?") {
            let (plain, tail) = rest.split_at(start);
            if !(after_word && plain.trim().is_empty()) {
                bytes.extend_from_slice(plain.as_bytes());
            }
            let inner = &tail[2..];
            let end = inner.find("?=").expect("encoded word closes");
            let mut parts = inner[..end].splitn(3, '?');
            let (_charset, enc, text) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
            match enc.to_ascii_lowercase().as_str() {
                "b" => bytes.extend(base64::engine::general_purpose::STANDARD.decode(text).unwrap()),
                _ => bytes.extend(quoted_printable(&text.replace('_', " "))),
            }
            rest = &inner[end + 2..];
            after_word = true;
        } else {
            bytes.extend_from_slice(rest.as_bytes());
            rest = "";
        }
    }
    String::from_utf8(bytes).unwrap()
}

fn quoted_printable(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'=' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'=' if i + 2 < b.len() => {
                out.push(u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16).unwrap());
                i += 3;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// An SMTP server on a free loopback port, keeping every message.
pub struct SmtpReceiver {
    pub addr: SocketAddr,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpReceiver {
    pub async fn start() -> SmtpReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let kept = mails.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    if let Err(e) = smtp_session(stream, kept).await {
                        eprintln!("test SMTP session ended: {e}");
                    }
                });
            }
        });
        SmtpReceiver { addr, mails }
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}

/// `<a@b>` (and any parameters after it) → `a@b`.
fn angle(arg: &str) -> String {
    let start = arg.find('<').map_or(0, |i| i + 1);
    let end = arg[start..].find('>').map_or(arg.len(), |i| start + i);
    arg[start..end].to_string()
}

async fn smtp_session(stream: TcpStream, mails: Arc<Mutex<Vec<Mail>>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 receiver.test ESMTP\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-receiver.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if upper.starts_with("HELO") {
            b"250 receiver.test\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = angle(&line[10..]);
            to.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            to.push(angle(&line[8..]));
            b"250 OK\r\n"
        } else if upper == "DATA" {
            write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            let mut data = Vec::new();
            while let Some(l) = lines.next_line().await? {
                if l == "." {
                    break;
                }
                data.push(l.strip_prefix('.').map(str::to_string).unwrap_or(l));
            }
            let mail = Mail { from: from.clone(), to: to.clone(), data: data.join("\n") };
            mails.lock().unwrap().push(mail);
            b"250 OK queued\r\n"
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else if upper == "RSET" || upper == "NOOP" {
            b"250 OK\r\n"
        } else {
            b"502 not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
    Ok(())
}

/// One request a robot received.
#[derive(Debug, Clone)]
pub struct RobotRequest {
    /// Path and query, e.g. `/robot/send?access_token=T&timestamp=…&sign=…`.
    pub uri: String,
    pub body: Value,
}

#[derive(Default)]
struct RobotState {
    requests: Vec<RobotRequest>,
    /// Answers to give first, in order; then `{"errcode":0,"errmsg":"ok"}`.
    script: VecDeque<(u16, String)>,
}

/// A group robot on a free loopback port.
pub struct RobotReceiver {
    pub addr: SocketAddr,
    state: Arc<Mutex<RobotState>>,
}

impl RobotReceiver {
    /// `script`: the answers to the first requests (status, body); `delay`:
    /// how long each answer takes.
    pub async fn start(script: &[(u16, &str)], delay: Duration) -> RobotReceiver {
        let state = Arc::new(Mutex::new(RobotState {
            requests: Vec::new(),
            script: script.iter().map(|(s, b)| (*s, b.to_string())).collect(),
        }));
        let app = Router::new().fallback(post(robot)).with_state((state.clone(), delay));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        RobotReceiver { addr, state }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<RobotRequest> {
        self.state.lock().unwrap().requests.clone()
    }
}

async fn robot(
    State((state, delay)): State<(Arc<Mutex<RobotState>>, Duration)>,
    OriginalUri(uri): OriginalUri,
    body: String,
) -> (StatusCode, String) {
    let answer = {
        let mut s = state.lock().unwrap();
        let body = serde_json::from_str(&body).unwrap_or(Value::String(body));
        s.requests.push(RobotRequest { uri: uri.to_string(), body });
        s.script.pop_front()
    };
    tokio::time::sleep(delay).await;
    let (status, body) = answer.unwrap_or((200, r#"{"errcode":0,"errmsg":"ok"}"#.into()));
    (StatusCode::from_u16(status).unwrap(), body)
}
