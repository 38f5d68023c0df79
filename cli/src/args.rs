//! The command line, read into a [`Command`]: the verbs PAM's cmdlets had (`New-PAMUser`,
//! `Set-PAMUser`, `New-PAMRole`, `Set-PAMRole`, adding a member), as `elevate <noun> <verb>`.
//! Values are parsed into the domain's types here, so a typo fails before anything is sent.

use elevate_shared::domain::scope::Scope;
use elevate_shared::domain::text::RoleName;
use elevate_shared::domain::{AssignmentKind, RoleId};
use elevate_shared::ids::{DisplayName, Username};

pub const USAGE: &str = "\
elevate: administer a running Elevate with an API token

  elevate [--url URL] [--token TOKEN] <command>
  (better: ELEVATE_URL and ELEVATE_TOKEN in the environment, so the token stays out of shell
  history and process lists; https:// only, except to localhost)

Commands:
  users list
  users new  <username> --name <display name> [--admin]
  users set  <username> [--name <display name>] [--admin | --no-admin] [--disable | --enable]
  roles list
  roles new  <role id> --name <name> [--scope /path] [--privileged]
  roles set  <role id> [--mfa off|any|phishing-resistant] [--max-hours N]
             [--approval yes|no] [--justification yes|no]
  assign     <username> <role id> [--scope /path] [--active] [--days N]
             (eligible, until N days from now, or as long as the role allows without --days)
";

/// Options that take no value.
const FLAGS: &[&str] = &["--admin", "--no-admin", "--disable", "--enable", "--privileged", "--active"];

/// Whether activating a role needs MFA, and of which kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MfaChoice {
    Off,
    Any,
    PhishingResistant,
}

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    ListUsers,
    NewUser {
        username: Username,
        name: DisplayName,
        admin: bool,
    },
    SetUser {
        username: Username,
        name: Option<DisplayName>,
        admin: Option<bool>,
        disabled: Option<bool>,
    },
    ListRoles,
    NewRole {
        id: RoleId,
        name: RoleName,
        scope: Scope,
        privileged: bool,
    },
    SetRole {
        id: RoleId,
        mfa: Option<MfaChoice>,
        max_hours: Option<u64>,
        approval: Option<bool>,
        justification: Option<bool>,
    },
    Assign {
        username: Username,
        role: RoleId,
        scope: Scope,
        kind: AssignmentKind,
        days: Option<u64>,
    },
}

/// Where to send it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    pub url: Option<String>,
    pub token: Option<String>,
    pub command: Command,
}

/// Reads the arguments (without the program name).
///
/// # Errors
/// A sentence about the first thing that does not read.
pub fn parse(args: &[String]) -> Result<Invocation, String> {
    let mut url = None;
    let mut token = None;
    let mut positional = Vec::new();
    let mut options: Vec<(String, Option<String>)> = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--url" => url = Some(value(&mut it, "--url")?),
            "--token" => token = Some(value(&mut it, "--token")?),
            "--help" | "-h" => return Ok(Invocation { url, token, command: Command::Help }),
            a if FLAGS.contains(&a) => options.push((arg.clone(), None)),
            a if a.starts_with("--") => options.push((a.to_owned(), Some(value(&mut it, a)?))),
            _ => positional.push(arg.clone()),
        }
    }
    let opts = Options(options);
    let words: Vec<&str> = positional.iter().map(String::as_str).collect();
    let command = match words.as_slice() {
        [] | ["help"] => Command::Help,
        ["users", "list"] => opts.done(Command::ListUsers)?,
        ["users", "new", username] => {
            let c = Command::NewUser {
                username: username_of(username)?,
                name: display_name(&opts.required("--name")?)?,
                admin: opts.flag("--admin"),
            };
            opts.done(c)?
        }
        ["users", "set", username] => {
            let c = Command::SetUser {
                username: username_of(username)?,
                name: opts.get("--name").map(|n| display_name(&n)).transpose()?,
                admin: opts.either("--admin", "--no-admin")?,
                disabled: opts.either("--disable", "--enable")?,
            };
            opts.done(c)?
        }
        ["roles", "list"] => opts.done(Command::ListRoles)?,
        ["roles", "new", id] => {
            let c = Command::NewRole {
                id: role_id(id)?,
                name: RoleName::parse(opts.required("--name")?.as_str())
                    .map_err(|e| format!("--name: {e}"))?,
                scope: scope(opts.get("--scope"))?,
                privileged: opts.flag("--privileged"),
            };
            opts.done(c)?
        }
        ["roles", "set", id] => {
            let mfa = match opts.get("--mfa").as_deref() {
                None => None,
                Some("off") => Some(MfaChoice::Off),
                Some("any") => Some(MfaChoice::Any),
                Some("phishing-resistant") => Some(MfaChoice::PhishingResistant),
                Some(other) => {
                    return Err(format!("--mfa must be off, any or phishing-resistant, not {other:?}"));
                }
            };
            let c = Command::SetRole {
                id: role_id(id)?,
                mfa,
                max_hours: opts.get("--max-hours").map(|h| number("--max-hours", &h)).transpose()?,
                approval: opts.get("--approval").map(|v| yes_no("--approval", &v)).transpose()?,
                justification: opts
                    .get("--justification")
                    .map(|v| yes_no("--justification", &v))
                    .transpose()?,
            };
            opts.done(c)?
        }
        ["assign", username, role] => {
            let c = Command::Assign {
                username: username_of(username)?,
                role: role_id(role)?,
                scope: scope(opts.get("--scope"))?,
                kind: if opts.flag("--active") { AssignmentKind::Active } else { AssignmentKind::Eligible },
                days: opts.get("--days").map(|d| number("--days", &d)).transpose()?,
            };
            opts.done(c)?
        }
        other => return Err(format!("unknown command: {}", other.join(" "))),
    };
    Ok(Invocation { url, token, command })
}

/// The options given, consumed as the command reads them; any left over is a mistake.
struct Options(Vec<(String, Option<String>)>);

impl Options {
    fn get(&self, name: &str) -> Option<String> {
        self.0.iter().find(|(n, _)| n == name).and_then(|(_, v)| v.clone())
    }
    fn flag(&self, name: &str) -> bool {
        self.0.iter().any(|(n, v)| n == name && v.is_none())
    }
    /// `Some(true)` for `yes`, `Some(false)` for `no`, none for neither; both is a mistake.
    fn either(&self, yes: &str, no: &str) -> Result<Option<bool>, String> {
        match (self.flag(yes), self.flag(no)) {
            (true, true) => Err(format!("{yes} and {no} contradict each other")),
            (true, false) => Ok(Some(true)),
            (false, true) => Ok(Some(false)),
            (false, false) => Ok(None),
        }
    }
    fn required(&self, name: &str) -> Result<String, String> {
        self.get(name).ok_or_else(|| format!("{name} is required"))
    }
    /// The command, if every option given is one it reads.
    fn done(&self, command: Command) -> Result<Command, String> {
        let known: &[&str] = match &command {
            Command::NewUser { .. } => &["--name", "--admin"],
            Command::SetUser { .. } => &["--name", "--admin", "--no-admin", "--disable", "--enable"],
            Command::NewRole { .. } => &["--name", "--scope", "--privileged"],
            Command::SetRole { .. } => &["--mfa", "--max-hours", "--approval", "--justification"],
            Command::Assign { .. } => &["--scope", "--active", "--days"],
            _ => &[],
        };
        match self.0.iter().find(|(n, _)| !known.contains(&n.as_str())) {
            Some((n, _)) => Err(format!("{n} does not apply to this command")),
            None => Ok(command),
        }
    }
}

fn value<'a>(it: &mut impl Iterator<Item = &'a String>, name: &str) -> Result<String, String> {
    it.next().cloned().ok_or_else(|| format!("{name} needs a value"))
}

fn yes_no(name: &str, v: &str) -> Result<bool, String> {
    match v {
        "yes" | "true" | "on" => Ok(true),
        "no" | "false" | "off" => Ok(false),
        _ => Err(format!("{name} takes yes or no, not {v:?}")),
    }
}

fn number(name: &str, v: &str) -> Result<u64, String> {
    v.parse().map_err(|_| format!("{name} takes a whole number, not {v:?}"))
}

fn username_of(v: &str) -> Result<Username, String> {
    Username::normalise(v).map_err(|e| format!("username {v:?}: {e}"))
}

fn display_name(v: &str) -> Result<DisplayName, String> {
    DisplayName::parse(v.trim()).map_err(|e| format!("--name: {e}"))
}

fn role_id(v: &str) -> Result<RoleId, String> {
    RoleId::parse(v).map_err(|e| format!("role id {v:?}: {e}"))
}

fn scope(v: Option<String>) -> Result<Scope, String> {
    let v = v.unwrap_or_else(|| "/".to_owned());
    Scope::parse(&v).map_err(|e| format!("--scope {v:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &str) -> Result<Command, String> {
        let args: Vec<String> = line.split(' ').filter(|a| !a.is_empty()).map(str::to_owned).collect();
        parse(&args).map(|i| i.command)
    }

    #[test]
    fn the_pam_verbs_read_into_typed_commands() {
        assert_eq!(
            run("users new Bob --name Bob --admin").unwrap(),
            Command::NewUser {
                username: Username::parse("bob").unwrap(),
                name: DisplayName::parse("Bob").unwrap(),
                admin: true
            }
        );
        assert_eq!(
            run("users set bob --disable --no-admin").unwrap(),
            Command::SetUser {
                username: Username::parse("bob").unwrap(),
                name: None,
                admin: Some(false),
                disabled: Some(true)
            }
        );
        assert_eq!(
            run("roles set db-reader --mfa phishing-resistant --max-hours 4").unwrap(),
            Command::SetRole {
                id: RoleId::parse("db-reader").unwrap(),
                mfa: Some(MfaChoice::PhishingResistant),
                max_hours: Some(4),
                approval: None,
                justification: None
            }
        );
        let Command::Assign { kind, days, scope, .. } = run("assign bob db-reader --days 30").unwrap() else {
            panic!("not an assignment")
        };
        assert_eq!((kind, days, scope.to_string()), (AssignmentKind::Eligible, Some(30), "/".to_owned()));
        let i = parse(&["--url".into(), "http://x".into(), "roles".into(), "list".into()]).unwrap();
        assert_eq!((i.url.as_deref(), i.command), (Some("http://x"), Command::ListRoles));
    }

    #[test]
    fn mistakes_are_named_before_anything_is_sent() {
        for (line, says) in [
            ("users new bob", "--name is required"),
            ("roles set db-reader --mfa sometimes", "--mfa must be"),
            ("roles set Not_A_Role! --mfa any", "role id"),
            ("assign bob db-reader --days soon", "--days takes a whole number"),
            ("users list --name x", "--name does not apply"),
            ("roles delete x", "unknown command"),
            ("users set bob --admin --no-admin", "contradict"),
            ("roles set db-reader --approval maybe", "--approval takes yes or no"),
        ] {
            let e = run(line).unwrap_err();
            assert!(e.contains(says), "{line}: {e}");
        }
    }
}
