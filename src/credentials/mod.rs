//! Credentials as application services, shared by the API, the pages and
//! the command line: API tokens (made, listed, revoked, expiring; looked
//! up with a cache that every server invalidates at once), passwords (the
//! policy, hashing in constant work whether or not the account exists,
//! changes that end the other sessions) and signing in (the throttle that
//! slows guessing down without locking the right password out, device
//! cookies, the client's address behind a trusted proxy).

pub mod passwords;
pub mod signin;
pub mod tokens;
