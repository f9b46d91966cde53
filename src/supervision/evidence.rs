//! Evidence files (photos, PDFs) attached to reports: what is accepted.
//! The type is read from the file's first bytes, never from its name or
//! the browser's word, so a script renamed to .jpg is refused and nothing
//! served back can be run by a browser.

use sha2::{Digest, Sha256};
use tuijin_domain::error::{Invalid, Problem};

/// Largest file accepted: a phone photo or a scanned document.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Files per report.
pub const MAX_FILES: usize = 10;

/// The accepted types, by their leading bytes.
const KINDS: &[(&[u8], &str)] =
    &[(b"\xFF\xD8\xFF", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"%PDF-", "application/pdf")];

/// The content type of an accepted file, or `None`.
pub fn sniff(content: &[u8]) -> Option<&'static str> {
    KINDS.iter().find(|(magic, _)| content.starts_with(magic)).map(|(_, t)| *t)
}

/// A file name safe to store and to send back in a header: no path, no
/// control characters, at most 100 characters; empty becomes "file".
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(100).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

/// Checks a file; returns its content type and SHA-256 (hex).
pub fn check(content: &[u8], files_already: usize) -> Result<(&'static str, String), Invalid> {
    if content.is_empty() {
        return Err(Invalid::one("file", Problem::Required));
    }
    if content.len() > MAX_BYTES {
        return Err(Invalid::one("file", Problem::TooLong { max: MAX_BYTES }));
    }
    if files_already >= MAX_FILES {
        return Err(Invalid::one("file", Problem::OutOfRange { min: "0".into(), max: MAX_FILES.to_string() }));
    }
    let kind = sniff(content).ok_or_else(|| Invalid::one("file", Problem::Malformed { expected: "evidence" }))?;
    Ok((kind, hex(&Sha256::digest(content))))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The Content-Disposition value for a stored name (RFC 6266 / 5987), so
/// Chinese names survive and nothing breaks out of the header.
pub fn disposition(kind: &str, name: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20");
    let how = if kind == "application/pdf" { "attachment" } else { "inline" };
    format!("{how}; filename=\"file\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_content_not_the_name() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(b"<script>alert(1)</script>"), None);
        assert_eq!(sniff(b"MZ\x90\x00"), None);
    }

    #[test]
    fn refusals_name_the_file_field() {
        assert_eq!(check(b"", 0).unwrap_err().0[0].problem, Problem::Required);
        assert_eq!(check(b"GIF89a", 0).unwrap_err().0[0].field, "file");
        let big = vec![0xFFu8; MAX_BYTES + 1];
        assert_eq!(check(&big, 0).unwrap_err().0[0].problem, Problem::TooLong { max: MAX_BYTES });
        assert!(check(b"%PDF-1.4", MAX_FILES).is_err());
        let (kind, sha) = check(b"%PDF-1.4", 0).unwrap();
        assert_eq!(kind, "application/pdf");
        assert_eq!(sha.len(), 64);
    }

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\王\\现场照片.jpg"), "现场照片.jpg");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\"b\r\nc.png"), "abc.png");
        assert_eq!(clean_name(".hidden"), "hidden");
        assert_eq!(clean_name(""), "file");
    }

    #[test]
    fn the_header_carries_chinese_names_encoded() {
        let d = disposition("image/jpeg", "现场 照片.jpg");
        assert!(d.starts_with("inline; filename=\"file\"; filename*=UTF-8''"));
        assert!(d.ends_with("%E7%85%A7%E7%89%87.jpg") && d.contains("%20"), "{d}");
        assert!(disposition("application/pdf", "x.pdf").starts_with("attachment"));
    }
}
