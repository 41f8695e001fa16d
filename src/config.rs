//! Configuration: a TOML file whose every key has the seed's default. Unknown keys and bad
//! values are errors that name the key and its line. Paths follow the platform's
//! conventions and can be overridden by flags and environment variables.

use crate::domain::Policy;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const ENV_CONFIG: &str = "PHONEDESK_CONFIG";
pub const ENV_DB: &str = "PHONEDESK_DB";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "cannot read the configuration {path}: {}",
        crate::text::plain_io(source)
    )]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the configuration {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("the configuration {path}, line {line}: `{key}` {message}")]
    Invalid {
        path: PathBuf,
        key: String,
        line: usize,
        message: String,
    },
    #[error("no data directory is known for this user; pass --db or set PHONEDESK_DB")]
    NoDataDir,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub database: DatabaseConfig,
    pub inventory: InventoryConfig,
    pub durations: Durations,
    pub carrier: CarrierConfig,
    pub tui: TuiConfig,
    pub ssh: SshConfig,
    /// Commands run for chosen notices, by name: `[hooks.mail]`.
    pub hooks: BTreeMap<String, HookConfig>,
    pub audit: AuditConfig,
    /// What differs for one organisation of a PostgreSQL database: `[organisations.acme]`.
    pub organisations: BTreeMap<String, OrganisationConfig>,
}

/// One organisation's own settings (`[organisations.NAME]`): the keys of `[carrier]` and
/// `[inventory]` it sets otherwise (the rest come from those sections), and its hooks
/// (the top-level `[hooks]` run for the default organisation only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OrganisationConfig {
    pub carrier: toml::Table,
    pub inventory: toml::Table,
    pub hooks: BTreeMap<String, HookConfig>,
}

/// The audit log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// How long entries are kept; none: everything is kept.
    #[serde(with = "humantime_serde")]
    pub keep: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// Where the sled database lives; default: the platform's data directory.
    pub path: Option<PathBuf>,
    /// A PostgreSQL database to use instead (`postgres://USER@HOST:PORT/DATABASE`).
    pub url: Option<String>,
    /// sled's page cache in MiB (sled's own default is 1 GiB).
    pub cache_mb: u64,
    /// The organisation commands and the console work on in a PostgreSQL database
    /// (default: `default`; `--org` and `PHONEDESK_ORG` choose another).
    pub organisation: Option<String>,
}

impl DatabaseConfig {
    /// The organisation this configuration opens.
    pub fn organisation(&self) -> &str {
        self.organisation
            .as_deref()
            .unwrap_or(crate::organisation::DEFAULT)
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            path: None,
            url: None,
            cache_mb: 16,
            organisation: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InventoryConfig {
    /// Numbers held at most (pending and in the inventory).
    pub limit: usize,
    /// Results of one available-number search, at most (the API allows 500).
    pub search_limit: usize,
}

impl Default for InventoryConfig {
    fn default() -> Self {
        let p = Policy::default();
        InventoryConfig {
            limit: p.inventory_limit,
            search_limit: p.search_limit,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Durations {
    #[serde(with = "humantime_serde")]
    pub provisioning_delay: Duration,
    #[serde(with = "humantime_serde")]
    pub name_update: Duration,
    #[serde(with = "humantime_serde")]
    pub default_name_cooldown: Duration,
    #[serde(with = "humantime_serde")]
    pub deletion_retention: Duration,
    #[serde(with = "humantime_serde")]
    pub support_response: Duration,
    #[serde(with = "humantime_serde")]
    pub porting_min: Duration,
    #[serde(with = "humantime_serde")]
    pub porting_max: Duration,
    /// How long after an action its author may undo it.
    #[serde(with = "humantime_serde")]
    pub undo_window: Duration,
    /// How long a number marked in the provisioning wizard stays held for its marker.
    #[serde(with = "humantime_serde")]
    pub hold_for: Duration,
}

impl Default for Durations {
    fn default() -> Self {
        let p = Policy::default();
        Durations {
            provisioning_delay: p.provisioning_delay,
            name_update: p.name_update,
            default_name_cooldown: p.default_name_cooldown,
            deletion_retention: p.deletion_retention,
            support_response: p.support_response,
            porting_min: p.porting_min,
            porting_max: p.porting_max,
            undo_window: p.undo_window,
            hold_for: p.hold_for,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CarrierConfig {
    /// `simulated` (the embedded sandbox) or `chime-sdk-voice` (real numbers).
    pub kind: CarrierKind,
    /// Seed of the simulated carrier: the same seed offers the same numbers.
    pub seed: u64,
    /// Share of ordered numbers the carrier fails to deliver, 0.0 to 1.0.
    pub failure_rate: f64,
    /// The AWS Region of the Chime SDK Voice API (default: the profile's or environment's).
    pub region: Option<String>,
    /// The AWS profile to use (default: the environment's or `default`).
    pub profile: Option<String>,
    /// Another endpoint for the API: a private endpoint, or `phonedesk fake-chime`'s.
    pub endpoint_url: Option<String>,
    /// How often the console and `serve` read the carrier's state.
    #[serde(with = "humantime_serde")]
    pub sync_interval: Duration,
    /// One call to the carrier, at most.
    #[serde(with = "humantime_serde")]
    pub call_timeout: Duration,
    /// AWS Support's service code for port cases (default: the service `DescribeServices`
    /// names "Chime SDK (Number Management)").
    pub support_service_code: Option<String>,
    /// AWS Support's category codes for port-in and port-out cases (default: the
    /// categories named "Phone Number Port In" / "Phone Number Port Out").
    pub port_in_category: Option<String>,
    pub port_out_category: Option<String>,
}

impl CarrierConfig {
    /// The port cases' codes this config sets.
    pub fn port_codes(&self) -> crate::carrier::support::PortCodeOverrides {
        crate::carrier::support::PortCodeOverrides {
            service_code: self.support_service_code.clone(),
            port_in_category: self.port_in_category.clone(),
            port_out_category: self.port_out_category.clone(),
        }
    }
}

/// Which carrier phonedesk manages numbers at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CarrierKind {
    /// The simulated carrier, embedded in the database: the default and the sandbox.
    #[default]
    Simulated,
    /// The Amazon Chime SDK Voice API: real numbers of an AWS account.
    ChimeSdkVoice,
}

impl Default for CarrierConfig {
    fn default() -> Self {
        CarrierConfig {
            kind: CarrierKind::Simulated,
            seed: 2026,
            failure_rate: 0.05,
            region: None,
            profile: None,
            endpoint_url: None,
            sync_interval: Duration::from_secs(300),
            call_timeout: Duration::from_secs(30),
            support_service_code: None,
            port_in_category: None,
            port_out_category: None,
        }
    }
}

/// A key binding: one key (`"d"`) or several (`["d", "Delete"]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    pub fn keys(&self) -> Vec<&str> {
        match self {
            KeyList::One(k) => vec![k.as_str()],
            KeyList::Many(ks) => ks.iter().map(|k| k.as_str()).collect(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TuiConfig {
    /// Draw borders with + - | instead of box-drawing characters.
    pub ascii_borders: bool,
    /// A theme file (TOML) overriding the 16-colour palette.
    pub theme: Option<PathBuf>,
    /// Key bindings by action name, e.g. `delete = ["d", "Delete"]`.
    pub keys: BTreeMap<String, KeyList>,
    /// Saved views (`[[tui.views]]`): a filter, a sort and columns for a screen, by name.
    pub views: Vec<ViewConfig>,
    /// The columns each list screen shows, in order: `inventory = ["number", "status"]`.
    pub columns: BTreeMap<String, Vec<String>>,
}

/// One saved view, reached with `:view NAME` (or `:NAME`) in the console.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewConfig {
    pub name: String,
    /// The list screen: `inventory`, `orders`, `pending`, `deletion-queue`, ...
    pub screen: String,
    /// A `/` filter, as typed: `status:unassigned state:WA`.
    #[serde(default)]
    pub filter: String,
    /// A column, then `desc` for the other way round: `number`, `status desc`.
    #[serde(default)]
    pub sort: Option<String>,
    /// The columns shown while the view is on, in order (default: `[tui.columns]`).
    #[serde(default)]
    pub columns: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SshConfig {
    /// Address `phonedesk serve` listens on.
    pub listen: String,
    /// The server's host key; created on first start (mode 0600). Default: data directory.
    pub host_key: Option<PathBuf>,
    /// Authorized keys with a name and a role each. Default: config directory.
    pub authorized_keys: Option<PathBuf>,
    pub max_sessions: usize,
    #[serde(with = "humantime_serde")]
    pub idle_timeout: Duration,
    /// Authentication attempts per connection.
    pub auth_attempts: usize,
    /// A connection that has not signed in within this time is closed.
    #[serde(with = "humantime_serde")]
    pub login_grace_time: Duration,
    /// Connections waiting to sign in, in total; more are refused at once.
    pub max_startups: usize,
    /// Connections waiting to sign in from one address (an IPv6 /64); more are refused.
    pub max_startups_per_source: usize,
}

impl Default for SshConfig {
    fn default() -> Self {
        SshConfig {
            listen: "127.0.0.1:2222".into(),
            host_key: None,
            authorized_keys: None,
            max_sessions: 16,
            idle_timeout: Duration::from_secs(30 * 60),
            auth_attempts: 3,
            login_grace_time: Duration::from_secs(120),
            max_startups: 64,
            max_startups_per_source: 10,
        }
    }
}

/// A command run for chosen notices, with the notice as JSON on its standard input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HookConfig {
    /// The notice kinds it runs for (`order-failed`, `port-date`, ...), or `["all"]`.
    pub on: Vec<String>,
    /// The program and its arguments, as a list; one text when `shell = true`.
    pub command: CommandLine,
    /// Run `command` with `/bin/sh -c` (for pipes and redirections).
    #[serde(default)]
    pub shell: bool,
    /// One run, at most; then it is stopped (with whatever it started).
    #[serde(default = "HookConfig::default_timeout", with = "humantime_serde")]
    pub timeout: Duration,
    /// Runs again after a failure, at most.
    #[serde(default = "HookConfig::default_retries")]
    pub retries: u32,
    /// The wait before the first retry; each next one waits twice as long.
    #[serde(default = "HookConfig::default_retry_delay", with = "humantime_serde")]
    pub retry_delay: Duration,
    /// Notices waiting for this hook, at most; more are dropped (and counted).
    #[serde(default = "HookConfig::default_queue")]
    pub queue: usize,
}

impl HookConfig {
    fn default_timeout() -> Duration {
        Duration::from_secs(10)
    }
    fn default_retries() -> u32 {
        2
    }
    fn default_retry_delay() -> Duration {
        Duration::from_secs(1)
    }
    fn default_queue() -> usize {
        100
    }

    /// The notice kinds it runs for.
    pub fn kinds(&self) -> Vec<crate::domain::NoticeKind> {
        use crate::domain::NoticeKind;
        if self.on.iter().any(|k| k.trim() == "all") {
            return NoticeKind::ALL.to_vec();
        }
        self.on
            .iter()
            .filter_map(|k| NoticeKind::parse(k))
            .collect()
    }

    /// The program and its arguments to start: `sh -c TEXT` with `shell`.
    pub fn argv(&self) -> Vec<String> {
        match (&self.command, self.shell) {
            (CommandLine::Text(t), true) => vec!["/bin/sh".into(), "-c".into(), t.clone()],
            (CommandLine::Text(t), false) => vec![t.clone()],
            (CommandLine::Words(w), _) => w.clone(),
        }
    }
}

/// A hook's command: a list of words (run as they are), or one text (for the shell).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CommandLine {
    Text(String),
    Words(Vec<String>),
}

/// Hook limits that keep a configuration from holding the server hostage.
const HOOK_RETRIES_MAX: u32 = 10;
const HOOK_QUEUE_MAX: usize = 10_000;

impl Config {
    /// Reads a configuration file; a missing file at the default path means defaults.
    pub fn load(path: &Path, must_exist: bool) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
                return Ok(Config::default())
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        Config::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config =
            toml::from_str(text).map_err(|e| describe_toml_error(text, &e, path))?;
        config.validate(text, path)?;
        Ok(config)
    }

    fn validate(&self, text: &str, path: &Path) -> Result<(), ConfigError> {
        let bad = |section: &str, key: &str| {
            let line = line_of(text, key);
            ConfigError::Invalid {
                path: path.to_path_buf(),
                key: key.to_string(),
                line,
                message: must_be(section, key, None, value_on_line(text, line)),
            }
        };
        if self.inventory.limit == 0 {
            return Err(bad("inventory", "limit"));
        }
        if !(1..=500).contains(&self.inventory.search_limit) {
            return Err(bad("inventory", "search_limit"));
        }
        if !(0.0..=1.0).contains(&self.carrier.failure_rate) || self.carrier.failure_rate.is_nan() {
            return Err(bad("carrier", "failure_rate"));
        }
        if self.durations.porting_min > self.durations.porting_max {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                key: "porting_min".into(),
                line: line_of(text, "porting_min"),
                message: "must not be longer than porting_max".into(),
            });
        }
        if self.database.cache_mb == 0 {
            return Err(bad("database", "cache_mb"));
        }
        if let Some(url) = &self.database.url {
            if crate::store::postgres_url(Path::new(url)).is_none() {
                return Err(bad("database", "url"));
            }
            if self.database.path.is_some() {
                return Err(ConfigError::Invalid {
                    path: path.to_path_buf(),
                    key: "url".into(),
                    line: line_of(text, "url"),
                    message: "and `path` name two databases: keep one (url for PostgreSQL, path for a local directory)".into(),
                });
            }
        }
        if self.ssh.listen.parse::<std::net::SocketAddr>().is_err() {
            return Err(bad("ssh", "listen"));
        }
        if self.ssh.max_sessions == 0 {
            return Err(bad("ssh", "max_sessions"));
        }
        if self.ssh.auth_attempts == 0 {
            return Err(bad("ssh", "auth_attempts"));
        }
        if self
            .audit
            .keep
            .is_some_and(|k| k < Duration::from_secs(3600))
        {
            return Err(bad("audit", "keep"));
        }
        if !(Duration::from_secs(1)..=HOLD_FOR_MAX).contains(&self.durations.hold_for) {
            return Err(bad("durations", "hold_for"));
        }
        if self.ssh.login_grace_time.is_zero() {
            return Err(bad("ssh", "login_grace_time"));
        }
        if self.ssh.max_startups == 0 {
            return Err(bad("ssh", "max_startups"));
        }
        if !(1..=self.ssh.max_startups).contains(&self.ssh.max_startups_per_source) {
            return Err(bad("ssh", "max_startups_per_source"));
        }
        for (name, hook) in &self.hooks {
            hook.validate(&format!("hooks.{name}"), text, path)?;
        }
        if let Some(org) = &self.database.organisation {
            crate::organisation::check_name(org).map_err(|_| ConfigError::Invalid {
                path: path.to_path_buf(),
                key: "organisation".into(),
                line: line_in_section(text, "database", "organisation"),
                message: organisation_rule(org),
            })?;
        }
        for name in self.organisations.keys() {
            self.organisation_config(name, text, path)?;
        }
        Ok(())
    }

    /// The configuration an organisation's engine runs with: its `[organisations.NAME]`
    /// keys over `[carrier]` and `[inventory]`, its own hooks, and the organisation named
    /// in `[database]`. The file was checked when it was read, so this cannot fail then.
    pub fn for_organisation(&self, name: &str) -> Config {
        self.organisation_config(name, "", Path::new(""))
            .unwrap_or_else(|_| self.clone())
    }

    fn organisation_config(
        &self,
        name: &str,
        text: &str,
        path: &Path,
    ) -> Result<Config, ConfigError> {
        let mut config = self.clone();
        config.database.organisation = Some(name.to_string());
        config.organisations.clear();
        let section = format!("organisations.{name}");
        let invalid = |key: String, line: usize, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            key,
            line,
            message,
        };
        if name != crate::organisation::DEFAULT {
            config.hooks.clear();
        }
        let Some(own) = self.organisations.get(name) else {
            return Ok(config);
        };
        if crate::organisation::check_name(name).is_err() {
            let line = text
                .lines()
                .position(|l| l.contains("organisations.") && l.contains(name))
                .map_or(0, |i| i + 1);
            return Err(invalid(
                "organisations".into(),
                line,
                organisation_rule(name),
            ));
        }
        config.carrier =
            overlay(&self.carrier, &own.carrier, "carrier").map_err(|(key, message)| {
                invalid(
                    format!("{section}.carrier.{key}"),
                    line_in_section(text, &format!("{section}.carrier"), &key),
                    message,
                )
            })?;
        config.inventory =
            overlay(&self.inventory, &own.inventory, "inventory").map_err(|(key, message)| {
                invalid(
                    format!("{section}.inventory.{key}"),
                    line_in_section(text, &format!("{section}.inventory"), &key),
                    message,
                )
            })?;
        let range = |table: &str, key: &str, ok: bool| {
            if ok {
                return Ok(());
            }
            let value = own_value(own, table, key);
            Err(invalid(
                format!("{section}.{table}.{key}"),
                line_in_section(text, &format!("{section}.{table}"), key),
                must_be(table, key, None, value.as_deref()),
            ))
        };
        range("inventory", "limit", config.inventory.limit > 0)?;
        range(
            "inventory",
            "search_limit",
            (1..=500).contains(&config.inventory.search_limit),
        )?;
        range(
            "carrier",
            "failure_rate",
            (0.0..=1.0).contains(&config.carrier.failure_rate),
        )?;
        for (hook_name, hook) in &own.hooks {
            hook.validate(&format!("{section}.hooks.{hook_name}"), text, path)?;
        }
        config.hooks.extend(own.hooks.clone());
        Ok(config)
    }

    pub fn policy(&self) -> Policy {
        let d = &self.durations;
        Policy {
            inventory_limit: self.inventory.limit,
            provisioning_delay: d.provisioning_delay,
            name_update: d.name_update,
            default_name_cooldown: d.default_name_cooldown,
            deletion_retention: d.deletion_retention,
            support_response: d.support_response,
            porting_min: d.porting_min,
            porting_max: d.porting_max,
            search_limit: self.inventory.search_limit,
            carrier_remote: self.carrier.kind == CarrierKind::ChimeSdkVoice,
            undo_window: d.undo_window,
            hold_for: d.hold_for,
        }
    }
}

impl HookConfig {
    /// Checks one `[hooks.NAME]`: its kinds exist, its command can be started as written,
    /// its limits are sensible. Errors name the key (`hooks.mail.on`) and its line.
    fn validate(&self, section: &str, text: &str, path: &Path) -> Result<(), ConfigError> {
        use crate::domain::NoticeKind;
        let invalid = |key: &str, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            key: format!("{section}.{key}"),
            line: line_in_section(text, section, key),
            message,
        };
        let kinds = || format!("{} (or \"all\")", NoticeKind::names());
        if self.on.is_empty() {
            return Err(invalid(
                "on",
                format!("must list the notices to run for: {}", kinds()),
            ));
        }
        if let Some(k) = self
            .on
            .iter()
            .find(|k| k.trim() != "all" && NoticeKind::parse(k).is_none())
        {
            return Err(invalid(
                "on",
                format!(
                    "has “{}”, which is no notice; the notices are {}",
                    printable(k),
                    kinds()
                ),
            ));
        }
        match (&self.command, self.shell) {
            (CommandLine::Words(w), _) if w.is_empty() || w[0].trim().is_empty() => {
                return Err(invalid(
                    "command",
                    "must name a program, e.g. [\"/usr/local/bin/notify\", \"--to\", \"ops\"]".into(),
                ))
            }
            (CommandLine::Text(t), _) if t.trim().is_empty() => {
                return Err(invalid("command", "must not be empty".into()))
            }
            (CommandLine::Text(t), false) if t.trim().contains(char::is_whitespace) => {
                return Err(invalid(
                    "command",
                    "is one text with spaces, and no shell runs it: write it as a list of words, e.g. [\"curl\", \"-d\", \"@-\", \"https://chat.example.com/hook\"], or set shell = true".into(),
                ))
            }
            (CommandLine::Words(_), true) => {
                return Err(invalid(
                    "command",
                    "is a list of words, but shell = true runs one text: write it as one text in quotes, or remove shell = true".into(),
                ))
            }
            _ => {}
        }
        if self.timeout.is_zero() {
            return Err(invalid(
                "timeout",
                "must be a duration longer than 0 s in quotes, e.g. \"10s\"".into(),
            ));
        }
        if self.retries > HOOK_RETRIES_MAX {
            return Err(invalid(
                "retries",
                format!(
                    "must be a whole number from 0 to {HOOK_RETRIES_MAX}, not {}",
                    self.retries
                ),
            ));
        }
        if !(1..=HOOK_QUEUE_MAX).contains(&self.queue) {
            return Err(invalid(
                "queue",
                format!(
                    "must be a whole number from 1 to {HOOK_QUEUE_MAX}, not {}",
                    self.queue
                ),
            ));
        }
        Ok(())
    }
}

/// "must name an organisation in 1 to 32 letters, ..., not “a b”".
fn organisation_rule(name: &str) -> String {
    format!(
        "must name an organisation in {}, not “{}”",
        crate::organisation::NAME_RULE,
        crate::organisation::shown(name)
    )
}

/// `base` with the keys `own` sets over it (an organisation's `[organisations.NAME.carrier]`
/// over `[carrier]`); else the first key whose value does not fit, and why, in words.
fn overlay<T: Serialize + serde::de::DeserializeOwned>(
    base: &T,
    own: &toml::Table,
    section: &str,
) -> Result<T, (String, String)> {
    let mut merged = match toml::Value::try_from(base) {
        Ok(toml::Value::Table(t)) => t,
        _ => toml::Table::new(),
    };
    for (key, value) in own {
        merged.insert(key.clone(), value.clone());
        if let Err(e) = toml::Value::Table(merged.clone()).try_into::<T>() {
            let msg = e.message().trim().to_string();
            let message = match msg.split_once("expected one of ") {
                Some((_, keys)) if msg.starts_with("unknown field") => {
                    format!("is not a key of [{section}]; its keys are {keys}")
                }
                _ => must_be(section, key, serde_expected(&msg), Some(&value.to_string())),
            };
            return Err((key.clone(), message));
        }
    }
    toml::Value::Table(merged)
        .try_into::<T>()
        .map_err(|e| (String::new(), e.message().to_string()))
}

/// The value an organisation's table gives `table.key`, as written, for messages.
fn own_value(own: &OrganisationConfig, table: &str, key: &str) -> Option<String> {
    let t = match table {
        "carrier" => &own.carrier,
        _ => &own.inventory,
    };
    t.get(key).map(toml::Value::to_string)
}

/// The line on which `key` is set inside `[section]`, for messages; 0 when not found.
fn line_in_section(text: &str, section: &str, key: &str) -> usize {
    let mut inside = false;
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if t.starts_with('[') {
            inside = t
                .trim_start_matches('[')
                .split(']')
                .next()
                .map(|s| s.trim() == section)
                .unwrap_or(false);
            continue;
        }
        if inside
            && t.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        {
            return i + 1;
        }
    }
    0
}

/// The longest a mark in the provisioning wizard may keep a number from the others.
const HOLD_FOR_MAX: Duration = Duration::from_secs(24 * 3600);

/// What a key's value must be, in plain words: "a whole number of at least 1". The keys
/// whose values are checked beyond their type say their range; any other key is described
/// by the type serde expected (`expected`, from its message), so a new key reads plainly
/// too.
fn expectation(section: &str, key: &str, expected: Option<&str>) -> String {
    let known = match (section, key) {
        ("inventory", "limit")
        | ("database", "cache_mb")
        | ("ssh", "max_sessions")
        | ("ssh", "auth_attempts") => Some("a whole number of at least 1"),
        ("inventory", "search_limit") => Some("a whole number from 1 to 500"),
        ("database", "url") => {
            Some("a PostgreSQL address in quotes, e.g. \"postgres://phonedesk@db.example:5432/phonedesk\"")
        }
        ("ssh", "max_startups") => Some("a whole number of at least 1"),
        ("ssh", "max_startups_per_source") => {
            Some("a whole number of at least 1 and at most max_startups")
        }
        ("audit", "keep") => Some("a duration of at least 1 hour in quotes, e.g. \"365days\""),
        ("durations", "hold_for") => Some("a duration from 1 s to 24 h in quotes, e.g. \"10m\""),
        ("ssh", "login_grace_time") => Some("a duration longer than 0 s in quotes, e.g. \"2m\""),
        ("carrier", "failure_rate") => Some("a number from 0.0 to 1.0, such as 0.05"),
        ("carrier", "seed") => Some("a whole number of at least 0"),
        ("carrier", "kind") => Some("\"simulated\" or \"chime-sdk-voice\""),
        ("ssh", "listen") => Some("an address and port in quotes, e.g. \"127.0.0.1:2222\""),
        ("tui.columns", _) | ("tui.views", "columns") => {
            Some("a list of column names in quotes, e.g. [\"number\", \"status\"]")
        }
        ("tui.keys", _) => {
            Some("a key in quotes, e.g. \"d\", or a list of keys, e.g. [\"d\", \"Delete\"]")
        }
        _ => None,
    };
    if let Some(words) = known {
        return words.into();
    }
    let expected = expected.unwrap_or("");
    let words = if expected.contains("duration") {
        "a duration in quotes, e.g. \"30s\", \"72h\" or \"7days\""
    } else if ["usize", "u64", "u32", "u16", "u8"].contains(&expected) {
        "a whole number of at least 0"
    } else if ["isize", "i64", "i32", "i16", "i8"].contains(&expected) {
        "a whole number"
    } else if ["f64", "f32"].contains(&expected) {
        "a number, e.g. 0.5"
    } else if expected.contains("boolean") {
        "true or false"
    } else if expected.contains("path") {
        "a path in quotes"
    } else if expected.contains("string") {
        "text in quotes"
    } else if expected.starts_with("struct") || expected.starts_with("a map") {
        return format!(
            "a section: write [{}] on a line of its own, with its keys below it",
            join_key(section, key)
        );
    } else {
        "a valid value (see config.example.toml)"
    };
    words.into()
}

fn join_key(section: &str, key: &str) -> String {
    if section.is_empty() {
        key.to_string()
    } else {
        format!("{section}.{key}")
    }
}

/// "must be a whole number of at least 1, not -1".
fn must_be(section: &str, key: &str, expected: Option<&str>, value: Option<&str>) -> String {
    let words = expectation(section, key, expected);
    match value {
        Some(v) if !v.is_empty() => format!("must be {words}, not {}", printable(v)),
        _ => format!("must be {words}"),
    }
}

/// The value written on a line (`limit = -1` gives `-1`), for messages.
fn value_on_line(text: &str, line: usize) -> Option<&str> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    Some(l.split_once('=')?.1.trim())
}

/// Text from the file made safe to echo: no control characters, at most 40 characters.
fn printable(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(40).collect()
}

/// The `[section]` in force at `line` (1-based): `tui.keys`, or "" before any header.
fn section_at(text: &str, line: usize) -> String {
    text.lines()
        .take(line.saturating_sub(1))
        .filter_map(|l| {
            let l = l.trim();
            l.strip_prefix('[')
                .and_then(|r| r.split_once(']'))
                .map(|(name, _)| name.trim().trim_matches('[').trim().to_string())
        })
        .last()
        .unwrap_or_default()
}

/// The type serde expected, from its message: "... expected usize" gives "usize".
fn serde_expected(msg: &str) -> Option<&str> {
    if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
        return msg.rsplit_once("expected ").map(|(_, e)| e.trim());
    }
    msg.starts_with("data did not match any variant")
        .then_some("")
}

/// A configuration that toml cannot read into the settings. A value of the wrong type or
/// range names its key and line and says what the value must be (serde's own words, such
/// as "invalid value: integer `-1`, expected usize", never reach the administrator); a
/// syntax error keeps toml's message, which names the line.
fn describe_toml_error(text: &str, e: &toml::de::Error, path: &Path) -> ConfigError {
    let msg = e.message().trim().to_string();
    let parse_error = |message: String| ConfigError::Parse {
        path: path.to_path_buf(),
        message,
    };
    let Some(span) = e.span() else {
        return parse_error(msg);
    };
    let before = &text[..span.start.min(text.len())];
    let line = before.lines().count().max(1) + usize::from(before.ends_with('\n'));
    // Type errors point at the value; name the key set on that line too.
    let key = text
        .lines()
        .nth(line - 1)
        .and_then(|l| l.split_once('='))
        .map(|(k, _)| k.trim().trim_matches('"'))
        .filter(|k| !k.is_empty());
    if let Some(field) = msg
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        let section = text
            .lines()
            .nth(line - 1)
            .map(|l| l.trim().trim_matches(['[', ']']).trim().to_string())
            .unwrap_or_default();
        return parse_error(format!("line {line}: [{section}] needs `{field}`"));
    }
    match (key, serde_expected(&msg)) {
        (Some(k), Some(expected)) => ConfigError::Invalid {
            path: path.to_path_buf(),
            key: k.to_string(),
            line,
            message: must_be(
                &section_at(text, line),
                k,
                Some(expected),
                value_on_line(text, line),
            ),
        },
        (Some(k), None) if !msg.contains(&format!("`{k}`")) => {
            parse_error(format!("line {line}: `{k}`: {msg}"))
        }
        _ => parse_error(format!("line {line}: {msg}")),
    }
}

/// The line on which `key` is set, for messages; 0 when it cannot be found.
fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .map(|rest| rest.trim_start().starts_with('='))
                .unwrap_or(false)
        })
        .map(|i| i + 1)
        .unwrap_or(0)
}

/// Where things live: flags first, then environment variables, then the platform's
/// configuration and data directories.
#[derive(Debug, Clone)]
pub struct Paths {
    pub config: PathBuf,
    /// True when the configuration was named explicitly (so it must exist).
    pub config_explicit: bool,
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "phonedesk")
}

impl Paths {
    pub fn resolve(config_flag: Option<&Path>) -> Result<Paths, ConfigError> {
        let dirs = project_dirs();
        let explicit = config_flag
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os(ENV_CONFIG).map(PathBuf::from));
        let config_dir = match (&explicit, &dirs) {
            (Some(p), _) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            (None, Some(d)) => d.config_dir().to_path_buf(),
            (None, None) => return Err(ConfigError::NoDataDir),
        };
        let data_dir = dirs
            .map(|d| d.data_dir().to_path_buf())
            .unwrap_or_else(|| config_dir.clone());
        Ok(Paths {
            config: explicit
                .clone()
                .unwrap_or_else(|| config_dir.join("config.toml")),
            config_explicit: explicit.is_some(),
            config_dir,
            data_dir,
        })
    }

    /// The database: the flag, else PHONEDESK_DB, else the config's `database.url` or
    /// `database.path`, else `db` in the data directory. A PostgreSQL address stands where a
    /// directory would (`crate::store::postgres_url`).
    pub fn database(&self, flag: Option<&Path>, config: &Config) -> PathBuf {
        flag.map(Path::to_path_buf)
            .or_else(|| std::env::var_os(ENV_DB).map(PathBuf::from))
            .or_else(|| config.database.url.clone().map(PathBuf::from))
            .or_else(|| config.database.path.clone())
            .unwrap_or_else(|| self.data_dir.join("db"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("test.toml"))
    }

    #[test]
    fn empty_file_gives_the_seed_defaults() {
        let c = parse("").unwrap();
        let p = c.policy();
        assert_eq!(p.inventory_limit, 25);
        assert_eq!(p.name_update, Duration::from_secs(72 * 3600));
        assert_eq!(p.default_name_cooldown, Duration::from_secs(7 * 86_400));
        assert_eq!(p.deletion_retention, Duration::from_secs(7 * 86_400));
        assert_eq!(p.porting_min, Duration::from_secs(14 * 86_400));
        assert_eq!(p.porting_max, Duration::from_secs(28 * 86_400));
    }

    #[test]
    fn an_organisation_sets_its_own_carrier_and_limit_over_the_sections() {
        let c = parse(
            "[carrier]\nkind = \"chime-sdk-voice\"\nregion = \"us-east-1\"\nprofile = \"main\"\n\
             [inventory]\nlimit = 40\n\
             [hooks.mail]\non = [\"all\"]\ncommand = [\"true\"]\n\
             [organisations.acme.carrier]\nprofile = \"acme\"\n\
             [organisations.acme.inventory]\nlimit = 7\n\
             [organisations.acme.hooks.chat]\non = [\"near-limit\"]\ncommand = [\"true\"]\n\
             [organisations.sandbox.carrier]\nkind = \"simulated\"\nseed = 7\n",
        )
        .unwrap();
        let acme = c.for_organisation("acme");
        assert_eq!(acme.database.organisation(), "acme");
        assert_eq!(acme.carrier.profile.as_deref(), Some("acme"));
        assert_eq!(acme.carrier.region.as_deref(), Some("us-east-1"));
        assert_eq!(acme.carrier.kind, CarrierKind::ChimeSdkVoice);
        assert_eq!(acme.policy().inventory_limit, 7);
        assert!(acme.policy().carrier_remote);
        assert_eq!(acme.hooks.keys().collect::<Vec<_>>(), ["chat"]);
        let sandbox = c.for_organisation("sandbox");
        assert_eq!(sandbox.carrier.kind, CarrierKind::Simulated);
        assert_eq!(sandbox.carrier.seed, 7);
        assert!(!sandbox.policy().carrier_remote);
        assert_eq!(sandbox.policy().inventory_limit, 40);
        assert!(
            sandbox.hooks.is_empty(),
            "the top-level hooks are the default's"
        );
        // An organisation without a table of its own takes the sections as they are.
        let other = c.for_organisation("other");
        assert_eq!(other.carrier, c.carrier);
        assert_eq!(other.database.organisation(), "other");
        let default = c.for_organisation("default");
        assert_eq!(default.hooks.keys().collect::<Vec<_>>(), ["mail"]);
        assert_eq!(c.database.organisation(), "default");
    }

    #[test]
    fn a_bad_organisation_setting_names_its_key_and_line() {
        let e = parse("[organisations.acme.inventory]\nlimit = 0\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 2")
                && e.contains("`organisations.acme.inventory.limit`")
                && e.contains("a whole number of at least 1, not 0"),
            "{e}"
        );
        let e = parse("[organisations.acme.carrier]\nfailure_rate = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 2") && e.contains("failure_rate") && e.contains("from 0.0 to 1.0"),
            "{e}"
        );
        let e = parse("[organisations.acme.carrier]\n\nprofle = \"a\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 3") && e.contains("profle") && e.contains("not a key of [carrier]"),
            "{e}"
        );
        let e = parse("[organisations.acme.carrier]\nkind = \"chime\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 2")
                && e.contains("`organisations.acme.carrier.kind` must be \"simulated\" or \"chime-sdk-voice\", not \"chime\""),
            "{e}"
        );
        let e = parse("[organisations.\"ac me\".inventory]\nlimit = 3\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 1")
                && e.contains("`organisations` must name an organisation in 1 to 32 letters, digits, `-` or `_`, not “ac me”"),
            "{e}"
        );
        let e = parse("[organisations.acme]\nlimit = 3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("limit"), "{e}");
        let e = parse("[database]\norganisation = \"a.b\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 2")
                && e.contains("`organisation` must name an organisation in 1 to 32"),
            "{e}"
        );
        let e = parse("[organisations.acme.hooks.x]\non = [\"nothing\"]\ncommand = [\"true\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 2") && e.contains("organisations.acme.hooks.x.on"),
            "{e}"
        );
    }

    #[test]
    fn the_example_file_is_valid_and_matches_the_defaults() {
        let text = include_str!("../config.example.toml");
        let c = parse(text).unwrap();
        assert_eq!(c, Config::default());
    }

    #[test]
    fn a_postgres_url_is_checked_and_never_beside_a_path() {
        let c = parse("[database]\nurl = \"postgres://desk@db:5432/phonedesk\"\n").unwrap();
        assert_eq!(
            c.database.url.as_deref(),
            Some("postgres://desk@db:5432/phonedesk")
        );
        let e = parse("[database]\nurl = \"mysql://db/x\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`url`") && e.contains("a PostgreSQL address"),
            "{e}"
        );
        let e = parse("[database]\npath = \"/srv/db\"\nurl = \"postgres://db/x\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("keep one"), "{e}");
    }

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let e = parse("[inventory]\nlimit = 25\nlimmit = 3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("limmit") && e.contains("line 3"), "{e}");
    }

    #[test]
    fn the_audit_log_is_kept_whole_unless_a_retention_is_set() {
        assert_eq!(parse("").unwrap().audit.keep, None);
        let c = parse("[audit]\nkeep = \"90days\"\n").unwrap();
        assert_eq!(c.audit.keep, Some(Duration::from_secs(90 * 86_400)));
        let e = parse("[audit]\nkeep = \"1m\"\n").unwrap_err().to_string();
        assert!(e.contains("`keep`") && e.contains("at least 1 hour"), "{e}");
    }

    #[test]
    fn bad_values_are_named_with_their_line() {
        let e = parse("[carrier]\nfailure_rate = 1.5\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("failure_rate") && e.contains("line 2"), "{e}");
        let e = parse("[durations]\nname_update = \"soon\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains("`name_update`"), "{e}");
        let e = parse("[inventory]\nlimit = -3\n").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("`limit`"), "{e}");
        assert!(
            e.ends_with("`limit` must be a whole number of at least 1, not -3"),
            "{e}"
        );
        let e = parse("[inventory]\nlimit = 0\n").unwrap_err().to_string();
        assert!(e.contains("`limit`"), "{e}");
        let e = parse("[ssh]\nlisten = \"everywhere\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("listen"), "{e}");
        let e = parse("[ssh]\nlogin_grace_time = \"0s\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`login_grace_time`") && e.contains("line 2"),
            "{e}"
        );
        let e = parse("[ssh]\nmax_startups = 4\nmax_startups_per_source = 5\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("at most max_startups"), "{e}");
        let c = parse("[ssh]\nlogin_grace_time = \"30s\"\n").unwrap();
        assert_eq!(c.ssh.login_grace_time, Duration::from_secs(30));
        assert_eq!(c.ssh.max_startups, 64);
    }

    #[test]
    fn wrong_types_are_said_in_plain_words() {
        let say = |text: &str| parse(text).unwrap_err().to_string();
        let cases = [
            ("[inventory]\nlimit = \"x\"\n", "`limit` must be a whole number of at least 1, not \"x\""),
            ("[inventory]\nsearch_limit = 2.5\n", "`search_limit` must be a whole number from 1 to 500, not 2.5"),
            ("[durations]\nname_update = \"soon\"\n", "`name_update` must be a duration in quotes, e.g. \"30s\", \"72h\" or \"7days\", not \"soon\""),
            ("[durations]\nname_update = 5\n", "`name_update` must be a duration in quotes"),
            ("[durations]\nhold_for = \"0s\"\n", "line 2: `hold_for` must be a duration from 1 s to 24 h in quotes, e.g. \"10m\", not \"0s\""),
            ("[durations]\nhold_for = \"2days\"\n", "`hold_for` must be a duration from 1 s to 24 h in quotes, e.g. \"10m\", not \"2days\""),
            ("[tui]\nascii_borders = \"yes\"\n", "`ascii_borders` must be true or false, not \"yes\""),
            ("[carrier]\nfailure_rate = \"high\"\n", "`failure_rate` must be a number from 0.0 to 1.0"),
            ("[carrier]\nfailure_rate = 1.5\n", "`failure_rate` must be a number from 0.0 to 1.0, such as 0.05, not 1.5"),
            ("[carrier]\nseed = -4\n", "`seed` must be a whole number of at least 0, not -4"),
            ("[ssh]\nlisten = 5\n", "`listen` must be an address and port in quotes"),
            ("[ssh]\nmax_sessions = 0\n", "`max_sessions` must be a whole number of at least 1, not 0"),
            ("[tui.keys]\ndelete = 5\n", "`delete` must be a key in quotes"),
            ("[database]\npath = 3\n", "`path` must be a path in quotes, not 3"),
            ("inventory = 3\n", "`inventory` must be a section: write [inventory] on a line of its own"),
        ];
        for (text, words) in cases {
            let e = say(text);
            assert!(e.contains(words), "{text:?}: {e}");
            assert!(!e.contains("expected") && !e.contains("usize"), "{e}");
        }
    }

    #[test]
    fn hooks_are_read_and_checked_in_plain_words() {
        let c = parse(
            "[hooks.mail]\non = [\"order-failed\", \"purge-soon\"]\ncommand = [\"/usr/sbin/sendmail\", \"ops@example.com\"]\n\n[hooks.chat]\non = [\"all\"]\ncommand = \"curl -s -d @- https://chat.example.com/hook | logger\"\nshell = true\ntimeout = \"5s\"\n",
        )
        .unwrap();
        let mail = &c.hooks["mail"];
        assert_eq!(mail.kinds().len(), 2);
        assert_eq!(mail.timeout, Duration::from_secs(10));
        assert_eq!((mail.retries, mail.queue), (2, 100));
        assert_eq!(mail.argv(), ["/usr/sbin/sendmail", "ops@example.com"]);
        let chat = &c.hooks["chat"];
        assert_eq!(chat.kinds().len(), crate::domain::NoticeKind::ALL.len());
        assert_eq!(chat.argv()[..2], ["/bin/sh", "-c"]);
        assert_eq!(chat.timeout, Duration::from_secs(5));

        let say = |text: &str| parse(text).unwrap_err().to_string();
        let head = "[hooks.a]\non = [\"order-failed\"]\n";
        let cases = [
            ("[hooks.a]\non = [\"order-done\"]\ncommand = [\"x\"]\n".to_string(), "line 2: `hooks.a.on` has “order-done”, which is no notice; the notices are order-completed,"),
            ("[hooks.a]\non = []\ncommand = [\"x\"]\n".to_string(), "line 2: `hooks.a.on` must list the notices to run for"),
            (format!("{head}command = \"curl -d @- https://x\"\n"), "line 3: `hooks.a.command` is one text with spaces, and no shell runs it"),
            (format!("{head}command = [\"sh\", \"-c\", \"x\"]\nshell = true\n"), "line 3: `hooks.a.command` is a list of words, but shell = true runs one text"),
            (format!("{head}command = []\n"), "`hooks.a.command` must name a program"),
            (format!("{head}command = [\"x\"]\ntimeout = \"0s\"\n"), "line 4: `hooks.a.timeout` must be a duration longer than 0 s"),
            (format!("{head}command = [\"x\"]\nretries = 99\n"), "line 4: `hooks.a.retries` must be a whole number from 0 to 10, not 99"),
            (format!("{head}command = [\"x\"]\nqueue = 0\n"), "`hooks.a.queue` must be a whole number from 1 to 10000, not 0"),
            (format!("{head}command = [\"x\"]\ntimeout = \"soon\"\n"), "`timeout` must be a duration in quotes"),
            (format!("{head}command = [\"x\"]\nretries = -1\n"), "`retries` must be a whole number of at least 0, not -1"),
            (head.to_string(), "line 1: [hooks.a] needs `command`"),
            ("[hooks.a]\ncommand = [\"x\"]\n".to_string(), "line 1: [hooks.a] needs `on`"),
        ];
        for (text, words) in cases {
            let e = say(&text);
            assert!(e.contains(words), "{text:?}: {e}");
            assert!(!e.contains("expected") && !e.contains("u32"), "{e}");
        }
        // A misspelt key is named with its line, as in every section.
        let e = say(&format!("{head}command = [\"x\"]\nshel = true\n"));
        assert!(e.contains("line 4") && e.contains("`shel`"), "{e}");
    }

    #[test]
    fn durations_read_as_humans_write_them() {
        let c = parse("[durations]\nprovisioning_delay = \"2s\"\ndeletion_retention = \"7days\"\n")
            .unwrap();
        assert_eq!(c.durations.provisioning_delay, Duration::from_secs(2));
        assert_eq!(
            c.durations.deletion_retention,
            Duration::from_secs(7 * 86_400)
        );
    }

    #[test]
    fn key_lists_take_one_or_many() {
        let c = parse("[tui.keys]\ndelete = [\"d\", \"Delete\"]\nquit = \"q\"\n").unwrap();
        assert_eq!(c.tui.keys["delete"].keys(), vec!["d", "Delete"]);
        assert_eq!(c.tui.keys["quit"].keys(), vec!["q"]);
    }
}
