//! SIGTERM stops the server gracefully: a request already in flight gets its
//! answer, new connections are refused, and the process exits cleanly.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sixr");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The pre-login cookie and the CSRF token the login page gives a browser.
fn cookie_and_token(addr: &str) -> (String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET /login HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut page = String::new();
    stream.read_to_string(&mut page).unwrap();
    let after = |from: &str, to: char| page.split_once(from).and_then(|(_, rest)| rest.split(to).next()).unwrap().to_string();
    (after("sixr_csrf=", ';'), after("name=\"csrf\" value=\"", '"'))
}

#[test]
fn sigterm_lets_the_request_in_flight_finish() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = Command::new(BIN)
        .args(["serve", "--db"])
        .arg(dir.path().join("s.db"))
        .args(["--addr", &addr])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut stream = loop {
        match TcpStream::connect(&addr) {
            Ok(s) => break s,
            Err(_) if started.elapsed() < Duration::from_secs(30) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("the server did not start: {e}"),
        }
    };

    let (cookie, token) = cookie_and_token(&addr);
    // A form post whose body is only half sent when the signal arrives.
    let body = format!("csrf={token}&lang=ko&back=%2Fengagements");
    let (first, rest) = body.split_at(body.len() / 2);
    write!(
        stream,
        "POST /lang HTTP/1.1\r\nHost: {addr}\r\nCookie: sixr_csrf={cookie}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let term = Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    assert!(term.success());
    std::thread::sleep(Duration::from_millis(300));

    stream.write_all(rest.as_bytes()).unwrap();
    let mut reply = String::new();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("HTTP/1.1 303"), "the in-flight request was answered: {reply}");
    assert!(reply.contains("sixr_lang=ko"));

    let status = loop {
        if let Some(s) = server.try_wait().unwrap() {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the server did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "clean exit after SIGTERM: {status:?}");
    assert!(TcpStream::connect(&addr).is_err(), "no new connections after shutdown");
}
