//! PostgreSQL's failures in words: the server's own message for what it refused, the
//! operating system's for a connection that failed, never a debug struct.

use crate::store::StoreError;
use crate::text::plain_io;
use std::error::Error as _;
use std::path::Path;

/// Why a call to the server failed.
#[derive(Debug)]
pub(super) enum Failure {
    Pg(tokio_postgres::Error),
    /// `COMMIT` was sent and no answer came: the change may or may not be written.
    AtCommit(tokio_postgres::Error),
    /// The database was written by a newer phonedesk.
    NewerSchema {
        found: u32,
        supported: u32,
    },
    /// The backend is shutting down.
    Closed,
}

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Self {
        Failure::Pg(e)
    }
}

impl Failure {
    pub(super) fn into_store_error(self, server: &Path) -> StoreError {
        let server = server.display().to_string();
        match self {
            Failure::Pg(e)
                if e.as_db_error().is_none() && (e.is_closed() || io_source(&e).is_some()) =>
            {
                StoreError::Unreachable {
                    server,
                    detail: detail(&e),
                }
            }
            Failure::Pg(e) => StoreError::Postgres {
                server,
                detail: detail(&e),
            },
            Failure::AtCommit(e) if e.as_db_error().is_some() => StoreError::Postgres {
                server,
                detail: detail(&e),
            },
            Failure::AtCommit(_) => StoreError::CommitUnknown { server },
            Failure::NewerSchema { found, supported } => StoreError::NewerSchema {
                path: server.into(),
                found,
                supported,
            },
            Failure::Closed => StoreError::Unreachable {
                server,
                detail: "phonedesk is shutting down".into(),
            },
        }
    }

    /// A failure while connecting: the server could not be reached or refused us.
    pub(super) fn into_unreachable(self, server: &Path) -> StoreError {
        match self {
            Failure::Pg(e) => StoreError::Unreachable {
                server: server.display().to_string(),
                detail: detail(&e),
            },
            other => other.into_store_error(server),
        }
    }
}

fn io_source(e: &tokio_postgres::Error) -> Option<&std::io::Error> {
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        source = s.source();
    }
    None
}

/// The failure in words.
fn detail(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_string();
    }
    if let Some(io) = io_source(e) {
        return plain_io(io);
    }
    if e.is_closed() {
        return "the connection was closed".into();
    }
    // tokio-postgres says these in words of its own ("error connecting to server", "invalid
    // configuration", "timeout waiting for server"): plain, without a debug struct.
    match e.source() {
        Some(s) => format!("{e}: {s}"),
        None => e.to_string(),
    }
}

/// `host:port/database` (or the socket directory) of a connection string, for messages.
pub fn describe_server(config: &tokio_postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or("postgres");
    format!("postgres://{host}:{port}/{db}")
}

/// A connection string as it may be shown: any password replaced.
pub(super) fn without_password(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((user, host)) => {
                let user = user.split(':').next().unwrap_or("");
                format!("{scheme}://{user}@{host}")
            }
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shown_address_never_carries_the_password() {
        assert_eq!(
            without_password("postgres://desk:s3cret@db.example:5433/phonedesk"),
            "postgres://desk@db.example:5433/phonedesk"
        );
        let config: tokio_postgres::Config = "postgres://desk:s3cret@db.example:5433/phonedesk"
            .parse()
            .unwrap();
        assert_eq!(
            describe_server(&config),
            "postgres://db.example:5433/phonedesk"
        );
    }
}
