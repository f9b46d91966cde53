//! Group-robot messages in the formats of DingTalk (钉钉), WeCom (企业微信)
//! and Feishu (飞书), their signing, and how each platform says "done".
//! Pure functions: the worker does the sending.

use super::Message;
use crate::storage::RobotKind;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

/// What to POST, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub url: String,
    pub body: Value,
}

/// The request for one robot. `now_ms` is the signing time (milliseconds
/// since the epoch): robots refuse a signature more than an hour old.
pub fn request(kind: RobotKind, url: &str, secret: &str, m: &Message, now_ms: i64) -> Request {
    match kind {
        RobotKind::Dingtalk => {
            let url = if secret.is_empty() {
                url.to_string()
            } else {
                let sign = dingtalk_sign(secret, now_ms);
                let sign: String = form_urlencoded::byte_serialize(sign.as_bytes()).collect();
                let joiner = if url.contains('?') { '&' } else { '?' };
                format!("{url}{joiner}timestamp={now_ms}&sign={sign}")
            };
            Request { url, body: dingtalk(m) }
        }
        RobotKind::Wecom => Request { url: url.to_string(), body: wecom(m) },
        RobotKind::Feishu => {
            let mut body = feishu(m);
            if !secret.is_empty() {
                let seconds = now_ms.div_euclid(1000);
                body["timestamp"] = json!(seconds.to_string());
                body["sign"] = json!(feishu_sign(secret, seconds));
            }
            Request { url: url.to_string(), body }
        }
    }
}

/// DingTalk: `{"msgtype":"markdown","markdown":{"title","text"}}`; the
/// title is what the chat list previews. Its Markdown needs a blank line
/// to break a line.
pub fn dingtalk(m: &Message) -> Value {
    let mut text = format!("#### {}", m.title);
    for line in m.body.lines() {
        text.push_str("\n\n");
        text.push_str(line);
    }
    if let Some(url) = &m.url {
        text.push_str(&format!("\n\n[{}]({url})", super::LINK_LABEL));
    }
    json!({"msgtype": "markdown", "markdown": {"title": m.title, "text": text}})
}

/// WeCom: `{"msgtype":"markdown","markdown":{"content"}}`, the title bold;
/// at most 4,096 bytes, so a long body is cut (the link is kept).
pub fn wecom(m: &Message) -> Value {
    let link = m.url.as_ref().map(|url| format!("\n[{}]({url})", super::LINK_LABEL)).unwrap_or_default();
    let mut content = format!("**{}**", m.title);
    if !m.body.is_empty() {
        content.push('\n');
        content.push_str(&m.body);
    }
    let content = format!("{}{link}", cut(&content, 4096 - link.len()));
    json!({"msgtype": "markdown", "markdown": {"content": content}})
}

/// Feishu: a rich-text post, its title bold in the chat, then the body and
/// the link.
pub fn feishu(m: &Message) -> Value {
    let mut lines: Vec<Value> = m.body.lines().map(|l| json!([{"tag": "text", "text": l}])).collect();
    if let Some(url) = &m.url {
        lines.push(json!([{"tag": "a", "text": super::LINK_LABEL, "href": url}]));
    }
    json!({"msg_type": "post", "content": {"post": {"zh_cn": {"title": m.title, "content": lines}}}})
}

/// DingTalk 加签: Base64(HMAC-SHA256(key = secret, message = "{timestamp_ms}\n{secret}")).
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Feishu 签名校验: Base64(HMAC-SHA256(key = "{timestamp_s}\n{secret}", message = empty)).
/// (The key and the message are the other way round from DingTalk's.)
pub fn feishu_sign(secret: &str, timestamp_s: i64) -> String {
    let key = format!("{timestamp_s}\n{secret}");
    let mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether the robot took the message. All three answer HTTP 200 with a
/// JSON code, and a refusal (bad signature, missing keyword, rate limit)
/// comes as 200 too: DingTalk and WeCom say `errcode`, Feishu `code` (older
/// robots `StatusCode`); 0 is success.
pub fn check_answer(status: u16, body: &str) -> Result<(), String> {
    let short = cut(body.trim(), 300);
    if !(200..300).contains(&status) {
        return Err(format!("HTTP {status}: {short}"));
    }
    let value: Value =
        serde_json::from_str(body).map_err(|_| format!("HTTP {status}, not a robot's answer: {short}"))?;
    let code = ["errcode", "code", "StatusCode"].iter().find_map(|k| value.get(*k));
    match code {
        None => Err(format!("HTTP {status}, no result code: {short}")),
        Some(c) if c.as_i64() == Some(0) => Ok(()),
        Some(c) => {
            let msg = ["errmsg", "msg", "StatusMessage"].iter().find_map(|k| value.get(*k)).and_then(Value::as_str);
            Err(format!("robot error {c}: {}", msg.unwrap_or(short)))
        }
    }
}

/// At most `max` bytes of `s`, cut at a character boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> Message {
        Message {
            title: "进展填报逾期：道路有机更新".into(),
            body: "区住建局：本周进展尚未填报。\n请于今日12:00前补报。".into(),
            url: Some("http://tuijin.zq.gov/tasks/12".into()),
        }
    }

    #[test]
    fn dingtalk_sends_markdown_with_the_title_and_the_link() {
        let v = dingtalk(&message());
        assert_eq!(v["msgtype"], "markdown");
        assert_eq!(v["markdown"]["title"], "进展填报逾期：道路有机更新");
        assert_eq!(
            v["markdown"]["text"],
            "#### 进展填报逾期：道路有机更新\n\n区住建局：本周进展尚未填报。\n\n请于今日12:00前补报。\n\n[查看详情](http://tuijin.zq.gov/tasks/12)"
        );
    }

    #[test]
    fn wecom_sends_markdown_content_with_a_bold_title() {
        let v = wecom(&message());
        assert_eq!(v["msgtype"], "markdown");
        assert_eq!(
            v["markdown"]["content"],
            "**进展填报逾期：道路有机更新**\n区住建局：本周进展尚未填报。\n请于今日12:00前补报。\n[查看详情](http://tuijin.zq.gov/tasks/12)"
        );
        let bare = wecom(&Message { body: String::new(), url: None, ..message() });
        assert_eq!(bare["markdown"]["content"], "**进展填报逾期：道路有机更新**");
        let long = wecom(&Message { body: "很长".repeat(2000), ..message() });
        let long = long["markdown"]["content"].as_str().unwrap();
        assert!(long.len() <= 4096 && long.ends_with("[查看详情](http://tuijin.zq.gov/tasks/12)"));
    }

    #[test]
    fn feishu_sends_a_post_with_a_link_line() {
        let v = feishu(&message());
        assert_eq!(v["msg_type"], "post");
        let post = &v["content"]["post"]["zh_cn"];
        assert_eq!(post["title"], "进展填报逾期：道路有机更新");
        assert_eq!(post["content"][0][0], json!({"tag": "text", "text": "区住建局：本周进展尚未填报。"}));
        assert_eq!(
            post["content"][2][0],
            json!({"tag": "a", "text": "查看详情", "href": "http://tuijin.zq.gov/tasks/12"})
        );
        assert!(v.get("sign").is_none());
    }

    /// HMAC-SHA256 written out from RFC 2104 (not the `hmac` crate), so the
    /// signatures below are checked against an independent computation.
    fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        let mut k = [0u8; 64];
        if key.len() > 64 {
            k[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        let inner: Vec<u8> = k.iter().map(|b| b ^ 0x36).chain(msg.iter().copied()).collect();
        let inner = Sha256::digest(&inner);
        let outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).chain(inner.iter().copied()).collect();
        Sha256::digest(&outer).to_vec()
    }

    #[test]
    fn the_handmade_hmac_matches_rfc_4231() {
        // RFC 4231, test case 2.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn dingtalk_signs_the_url_with_timestamp_and_sign() {
        let secret = "SEC1a2b3c4d5e6f";
        let ts = 1_767_225_600_123_i64;
        let expected = base64::engine::general_purpose::STANDARD
            .encode(hmac_sha256(secret.as_bytes(), format!("{ts}\n{secret}").as_bytes()));
        assert_eq!(dingtalk_sign(secret, ts), expected);
        let r = request(RobotKind::Dingtalk, "http://dd.local/robot/send?access_token=T", secret, &message(), ts);
        let (base, query) = r.url.split_once("&timestamp=").unwrap();
        assert_eq!(base, "http://dd.local/robot/send?access_token=T");
        let (ts_text, sign) = query.split_once("&sign=").unwrap();
        assert_eq!(ts_text, ts.to_string());
        // The signature is URL-encoded: Base64's + / = must not reach the query as they are.
        let decoded: String = form_urlencoded::parse(format!("s={sign}").as_bytes()).next().unwrap().1.into_owned();
        assert_eq!(decoded, expected);
        assert!(!sign.contains(['+', '/', '=']), "{sign}");
        // Without a secret the URL stays as it is.
        let plain = request(RobotKind::Dingtalk, "http://dd.local/robot/send?access_token=T", "", &message(), ts);
        assert_eq!(plain.url, "http://dd.local/robot/send?access_token=T");
    }

    #[test]
    fn feishu_signs_the_body_with_seconds() {
        let secret = "fs-secret-9";
        let ts_ms = 1_767_225_600_999_i64;
        let seconds = 1_767_225_600_i64;
        let expected = base64::engine::general_purpose::STANDARD
            .encode(hmac_sha256(format!("{seconds}\n{secret}").as_bytes(), b""));
        assert_eq!(feishu_sign(secret, seconds), expected);
        let r = request(RobotKind::Feishu, "http://fs.local/open-apis/bot/v2/hook/x", secret, &message(), ts_ms);
        assert_eq!(r.url, "http://fs.local/open-apis/bot/v2/hook/x");
        assert_eq!(r.body["timestamp"], "1767225600");
        assert_eq!(r.body["sign"], expected);
    }

    #[test]
    fn wecom_is_not_signed() {
        let r = request(RobotKind::Wecom, "http://wx.local/cgi-bin/webhook/send?key=K", "ignored", &message(), 1);
        assert_eq!(r.url, "http://wx.local/cgi-bin/webhook/send?key=K");
        assert_eq!(r.body, wecom(&message()));
    }

    #[test]
    fn a_robot_refusal_with_http_200_is_a_failure() {
        assert_eq!(check_answer(200, r#"{"errcode":0,"errmsg":"ok"}"#), Ok(()));
        assert_eq!(check_answer(200, r#"{"code":0,"msg":"success","data":{}}"#), Ok(()));
        assert_eq!(check_answer(200, r#"{"StatusCode":0,"StatusMessage":"success"}"#), Ok(()));
        assert_eq!(
            check_answer(200, r#"{"errcode":310000,"errmsg":"keywords not in content"}"#),
            Err("robot error 310000: keywords not in content".into())
        );
        assert_eq!(
            check_answer(200, r#"{"code":19021,"msg":"sign match fail"}"#),
            Err("robot error 19021: sign match fail".into())
        );
        assert!(check_answer(500, "oops").unwrap_err().starts_with("HTTP 500"));
        assert!(check_answer(200, "<html>proxy</html>").is_err());
        assert!(check_answer(200, "{}").is_err());
    }
}
