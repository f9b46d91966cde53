//! The `tuijin` binary as a child process, as a user or a service manager
//! runs it: a command run to its end, and a server whose address is read
//! from what it prints (it listens on port 0, so tests never collide).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

/// The binary under test: the one cargo built for these tests, or the one
/// `TUIJIN_TEST_BIN` names — a copy, where builds from other checkouts
/// share the target directory and may replace cargo's in the middle of a run.
pub fn bin() -> String {
    std::env::var("TUIJIN_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tuijin").to_string())
}

/// `tuijin --database-url DB ARGS…`, run to its end.
pub fn tuijin(db: &str, args: &[&str]) -> Output {
    Command::new(bin())
        .arg("--database-url")
        .arg(db)
        .args(args)
        .env_remove("TUIJIN_LISTEN")
        .output()
        .expect("tuijin runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A token for an account of the database, made by the command line.
pub fn token(db: &str, user: &str) -> String {
    let o = tuijin(db, &["token", "create", "--user", user]);
    assert!(o.status.success(), "token create: {}", stderr(&o));
    stdout(&o).trim().to_string()
}

/// `tuijin serve` on a database, listening on a free port. Dropping it
/// kills the process (SIGKILL on Unix), so a failing test leaves none.
pub struct Server {
    pub child: Child,
    /// `http://127.0.0.1:PORT`, as the server printed it.
    pub addr: String,
    /// What it printed up to and including its address.
    pub printed: Vec<String>,
}

impl Server {
    /// Starts `tuijin --database-url DB serve --listen 127.0.0.1:0 ARGS…`
    /// and returns once it has printed the address it listens on.
    pub fn start(db: &str, args: &[&str]) -> Server {
        let mut child = Command::new(bin())
            .args(["--database-url", db, "serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("tuijin serve starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap());
        let mut printed = Vec::new();
        let addr = loop {
            let mut line = String::new();
            if lines.read_line(&mut line).expect("server output") == 0 {
                let _ = child.wait();
                panic!("the server stopped before printing its address: {printed:?}");
            }
            let line = line.trim_end().to_string();
            printed.push(line.clone());
            if let Some(rest) = line.strip_prefix("tuijin listening on ") {
                break rest.split_whitespace().next().unwrap().to_string();
            }
        };
        // The log goes to standard output too: it must be read on, or a
        // full pipe would stall the server in the middle of a test.
        std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
        Server { child, addr, printed }
    }

    /// `kill -9`: no destructor, rollback or checkpoint runs in the server.
    pub fn kill(&mut self) {
        self.child.kill().expect("kill the server");
        self.child.wait().expect("reap the server");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
