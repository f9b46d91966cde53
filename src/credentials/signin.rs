//! Signing in: the throttle (rules in `tuijin_domain::signin`, counts in
//! the database so every server sees them), device cookies that keep a
//! known browser out of a guesser's reach, and the client's address
//! behind a trusted reverse proxy.

use super::passwords;
use crate::http::ApiError;
use crate::storage::{Store, User};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use ipnet::IpNet;
use sha2::Sha256;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use tuijin_domain::signin::{self, Failures, Kind};

/// The name of the shared secret that signs device cookies.
const DEVICE_KEY: &str = "device_cookie";

/// How a sign-in attempt ended.
#[derive(Debug)]
pub enum Attempt {
    SignedIn(User),
    /// Too many failures lately: try again after this many seconds. The
    /// password was not looked at.
    Wait(i64),
    /// Unknown account or wrong password (which one is not said).
    Failed,
    /// The right password of a disabled account.
    Disabled,
}

/// The sign-in service of a server.
pub struct SignIn {
    trusted_proxies: Vec<IpNet>,
    device_key: tokio::sync::OnceCell<Vec<u8>>,
    warned_forwarded: AtomicBool,
}

impl Default for SignIn {
    fn default() -> Self {
        SignIn::new(Vec::new())
    }
}

impl SignIn {
    pub fn new(trusted_proxies: Vec<IpNet>) -> SignIn {
        SignIn { trusted_proxies, device_key: Default::default(), warned_forwarded: AtomicBool::new(false) }
    }

    /// Reads `--trusted-proxy` values: addresses or networks, comma- or
    /// space-separated ("10.0.0.5, 10.1.0.0/16").
    pub fn parse_proxies(list: &str) -> Result<Vec<IpNet>, String> {
        list.split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("not an address or network: {s:?}"))
            })
            .collect()
    }

    fn trusted(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|n| n.contains(&ip))
    }

    /// The client's address. A request from a trusted proxy is from the
    /// last address of `X-Forwarded-For` that is not itself a trusted proxy
    /// (the ones before it could have been written by the client); from
    /// anywhere else the header is ignored, since anyone can send it.
    pub fn client_address(&self, peer: Option<IpAddr>, forwarded_for: &[&str]) -> String {
        let Some(peer) = peer else { return "unknown".into() };
        if !self.trusted(peer) {
            if !forwarded_for.is_empty()
                && self.trusted_proxies.is_empty()
                && !self.warned_forwarded.swap(true, Ordering::Relaxed)
            {
                tracing::warn!(
                    %peer,
                    "requests carry X-Forwarded-For but no proxy is trusted (--trusted-proxy): every client behind \
                     the proxy shares its address for sign-in throttling"
                );
            }
            return peer.to_string();
        }
        let hops: Vec<IpAddr> =
            forwarded_for.iter().flat_map(|h| h.split(',')).filter_map(|a| a.trim().parse::<IpAddr>().ok()).collect();
        hops.iter().rev().find(|ip| !self.trusted(**ip)).unwrap_or(&peer).to_string()
    }

    async fn key(&self, store: &dyn Store) -> Result<&[u8], ApiError> {
        let key = self
            .device_key
            .get_or_try_init(|| async {
                let hex_key = store.shared_secret(DEVICE_KEY).await.map_err(ApiError::from)?;
                hex::decode(hex_key).map_err(|_| ApiError::Internal)
            })
            .await?;
        Ok(key)
    }

    /// What a device cookie signs: the account it was issued for and its nonce.
    fn signer(key: &[u8], username: &str, nonce: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(format!("d1|{}|{nonce}", username.trim().to_lowercase()).as_bytes());
        mac
    }

    /// A device cookie's value for a browser that just signed in to `username`.
    pub async fn device_cookie(&self, store: &dyn Store, username: &str) -> Result<String, ApiError> {
        let nonce = hex::encode(rand::random::<[u8; 16]>());
        let mac = Self::signer(self.key(store).await?, username, &nonce).finalize().into_bytes();
        Ok(format!("d1.{nonce}.{}", hex::encode(mac)))
    }

    /// The device behind a cookie, if the cookie was issued to this
    /// browser for `username` (checked in constant time, like any MAC).
    pub async fn device_of(&self, store: &dyn Store, cookie: &str, username: &str) -> Option<String> {
        let mut parts = cookie.split('.');
        let (Some("d1"), Some(nonce), Some(mac), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let sent = hex::decode(mac).ok()?;
        let key = self.key(store).await.ok()?;
        Self::signer(key, username, nonce).verify_slice(&sent).ok().map(|_| nonce.to_string())
    }

    /// One sign-in attempt, judged by the throttle first.
    pub async fn attempt(
        &self,
        store: &dyn Store,
        username: &str,
        password: String,
        address: &str,
        device: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Attempt, ApiError> {
        let keys = signin::keys(username, address, device);
        let names: Vec<String> = keys.iter().map(|(_, k)| k.clone()).collect();
        let records = store.sign_in_failures(&names).await?;
        let judged: Vec<(Kind, Failures)> = keys
            .iter()
            .filter_map(|(kind, k)| records.iter().find(|(r, _)| r == k).map(|(_, f)| (*kind, *f)))
            .collect();
        if let Some(w) = signin::wait(&judged, now) {
            return Ok(Attempt::Wait(signin::seconds_to_wait(w)));
        }
        let user = store.find_user(username).await?;
        let ok = passwords::verify(password, user.as_ref().and_then(|u| u.password_hash.clone())).await;
        match user.filter(|_| ok) {
            None => {
                store.record_sign_in_failure(&names, now).await?;
                Ok(Attempt::Failed)
            }
            // Said only to someone who knows the password: no hint to a guesser.
            Some(u) if u.disabled => Ok(Attempt::Disabled),
            Some(u) => {
                store.clear_sign_in_failures(&signin::cleared_on_success(&keys)).await?;
                Ok(Attempt::SignedIn(u))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn forwarded_addresses_count_only_from_a_trusted_proxy() {
        let s = SignIn::new(SignIn::parse_proxies("10.0.0.5, 10.1.0.0/16").unwrap());
        assert_eq!(s.client_address(ip("10.0.0.5"), &["203.0.113.7"]), "203.0.113.7");
        // The client may have written its own header first; the proxy appended the real one.
        assert_eq!(s.client_address(ip("10.0.0.5"), &["1.1.1.1, 203.0.113.7"]), "203.0.113.7");
        // Two trusted proxies in a row.
        assert_eq!(s.client_address(ip("10.0.0.5"), &["203.0.113.7, 10.1.2.3"]), "203.0.113.7");
        // Not from a trusted proxy: the header is anyone's to write.
        assert_eq!(s.client_address(ip("198.51.100.9"), &["203.0.113.7"]), "198.51.100.9");
        // A trusted proxy without the header, or with rubbish in it.
        assert_eq!(s.client_address(ip("10.0.0.5"), &[]), "10.0.0.5");
        assert_eq!(s.client_address(ip("10.0.0.5"), &["not an address"]), "10.0.0.5");
        assert_eq!(s.client_address(None, &[]), "unknown");
    }

    #[test]
    fn proxies_parse_as_addresses_or_networks() {
        assert_eq!(SignIn::parse_proxies("").unwrap(), vec![]);
        assert_eq!(SignIn::parse_proxies("::1 127.0.0.1").unwrap().len(), 2);
        assert!(SignIn::parse_proxies("10.0.0.0/33").is_err());
        assert!(SignIn::parse_proxies("proxy.local").is_err());
    }
}
