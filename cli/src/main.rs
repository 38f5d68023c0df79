//! `elevate`: the command line for administrators and their scripts, against a running Elevate.
//! It authenticates with an API token (created on the portal's Security info page, after MFA),
//! so it can do only what that token's scopes allow, and never activate a role.

mod args;
mod client;
mod commands;

use elevate_shared::time::UnixMillis;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let invocation = match args::parse(&argv) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("elevate: {e}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    if invocation.command == args::Command::Help {
        print!("{}", args::USAGE);
        return ExitCode::SUCCESS;
    }
    let url = invocation.url.or_else(|| std::env::var("ELEVATE_URL").ok());
    let token = invocation.token.or_else(|| std::env::var("ELEVATE_TOKEN").ok());
    let (Some(url), Some(token)) = (url, token) else {
        eprintln!("elevate: give --url and --token (or ELEVATE_URL and ELEVATE_TOKEN)");
        return ExitCode::from(2);
    };
    // The clock is read here, at the edge, for "N days from now".
    let now = UnixMillis(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64));
    let result = client::Client::new(&url, &token)
        .and_then(|client| commands::run(&client, &url, invocation.command, now));
    match result {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("elevate: {e}");
            ExitCode::FAILURE
        }
    }
}
