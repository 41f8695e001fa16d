//! The PostgreSQL backend: every tree is rows of one table, `kv (tenant, tree, key, value)`,
//! whose primary key orders `bytea` keys as sled does (bytes, then length), so ranges,
//! prefixes and reverse scans keep their meaning. A writer transaction holds its
//! organisation's row in `tenant` (`SELECT … FOR UPDATE`), so one writer per organisation
//! runs across every node, and each of its reads sees every earlier commit (READ COMMITTED:
//! a statement sees what was committed before it began). Writes are kept until `commit`,
//! then sent as one `INSERT … ON CONFLICT` and one `DELETE`, and `COMMIT` returns once the
//! server has made them durable.
//!
//! The client is `tokio-postgres` on a small runtime of the backend's own: the synchronous
//! `postgres` client panics when called inside a tokio runtime, and the store is called from
//! the console's thread, from blocking tasks and from the SSH server's runtime alike.

mod error;
mod schema;

pub use error::describe_server;

use super::backend::{Backend, ChangeSignal, Changed, Claim, Kv, Scan, Tree, WriteTx, LEAD_CLAIM};
use super::StoreError;
use error::Failure;
use std::collections::HashMap;
use std::future::Future;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio_postgres::{Client, NoTls, Statement};

/// The organisation a database holds when none is named.
pub const DEFAULT_TENANT: &str = "default";

pub struct PostgresBackend {
    config: tokio_postgres::Config,
    /// `host:port/database`, for messages (never the password).
    server: PathBuf,
    tenant: i64,
    runtime: Option<tokio::runtime::Runtime>,
    /// Reads share one connection (tokio-postgres pipelines them).
    reader: Mutex<Option<Arc<Conn>>>,
    /// The writer transaction's connection; held from `begin` to `commit`.
    writer: Mutex<Option<Arc<Conn>>>,
    /// The connection holding this process's claims (`Backend::claim`): session-level
    /// advisory locks, freed by the server at once when the connection ends.
    claims: Mutex<Option<Arc<Conn>>>,
    /// The claims connection on which this process took the lead (`Backend::lead`): the
    /// lead is this process's while that connection lives.
    lead: Mutex<Option<Arc<Conn>>>,
    /// Other nodes' hints, once something follows them (`Backend::changes`).
    signal: std::sync::OnceLock<Arc<ChangeSignal>>,
}

/// The channel every node listens on; a hint's payload is the organisation's id, then
/// ` holds` for a change to the holds.
const CHANNEL: &str = "phonedesk";

/// One connection and its prepared statements.
struct Conn {
    client: Client,
    statements: Mutex<HashMap<String, Statement>>,
}

impl Conn {
    async fn statement(&self, sql: &str) -> Result<Statement, tokio_postgres::Error> {
        if let Some(s) = self.statements.lock().unwrap().get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).await?;
        self.statements
            .lock()
            .unwrap()
            .insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

impl PostgresBackend {
    /// Connects to the database at `url` (`postgres://user@host:port/db`), creates or checks
    /// phonedesk's schema, and opens the organisation `tenant` (made when new).
    pub fn open(url: &str, tenant: &str) -> Result<PostgresBackend, StoreError> {
        let config: tokio_postgres::Config = url.parse().map_err(|_| StoreError::BadUrl {
            url: error::without_password(url),
        })?;
        let server = PathBuf::from(describe_server(&config));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("phonedesk-postgres")
            .enable_all()
            .build()
            .map_err(|source| StoreError::Io {
                path: server.clone(),
                source,
            })?;
        let mut backend = PostgresBackend {
            config,
            server,
            tenant: 0,
            runtime: Some(runtime),
            reader: Mutex::new(None),
            writer: Mutex::new(None),
            claims: Mutex::new(None),
            lead: Mutex::new(None),
            signal: std::sync::OnceLock::new(),
        };
        let conn = backend.connect()?;
        let tenant_name = tenant.to_string();
        backend.tenant = backend
            .run(async move { schema::prepare(&conn.client, &tenant_name).await })
            .map_err(|f| backend.error(f))?;
        Ok(backend)
    }

    /// The organisation's id in this database.
    pub fn tenant(&self) -> i64 {
        self.tenant
    }

    /// Tries to take the advisory lock of `what` on the claims connection: the connection,
    /// whether it was taken, and the lock's key (the organisation in the high half, so one
    /// key space serves every organisation).
    fn try_claim(&self, what: u64) -> Result<(Arc<Conn>, bool, i64), StoreError> {
        let key = (self.tenant << 32) | (what & 0xffff_ffff) as i64;
        let conn = {
            let mut slot = self.claims.lock().unwrap_or_else(PoisonError::into_inner);
            self.conn_in(&mut slot)?
        };
        let claimer = conn.clone();
        let claimed = self
            .run(async move {
                let row = claimer
                    .client
                    .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
                    .await?;
                Ok(row.get::<_, bool>(0))
            })
            .map_err(|f| self.error(f))?;
        Ok((conn, claimed, key))
    }

    /// Runs `f` on the backend's runtime and waits for it, from any thread or runtime.
    fn run<T: Send + 'static>(
        &self,
        f: impl Future<Output = Result<T, Failure>> + Send + 'static,
    ) -> Result<T, Failure> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let Some(runtime) = self.runtime.as_ref() else {
            return Err(Failure::Closed);
        };
        runtime.spawn(async move {
            let _ = tx.send(f.await);
        });
        rx.recv().unwrap_or(Err(Failure::Closed))
    }

    fn connect(&self) -> Result<Arc<Conn>, StoreError> {
        let config = self.config.clone();
        self.run(async move {
            let (client, connection) = config.connect(NoTls).await?;
            tokio::spawn(connection);
            Ok(Arc::new(Conn {
                client,
                statements: Mutex::new(HashMap::new()),
            }))
        })
        .map_err(|f| self.unreachable(f))
    }

    /// The live connection in `slot`, connecting again when it was lost.
    fn conn_in(&self, slot: &mut Option<Arc<Conn>>) -> Result<Arc<Conn>, StoreError> {
        match slot {
            Some(conn) if !conn.client.is_closed() => Ok(conn.clone()),
            _ => {
                let conn = self.connect()?;
                *slot = Some(conn.clone());
                Ok(conn)
            }
        }
    }

    fn reader(&self) -> Result<Arc<Conn>, StoreError> {
        let mut slot = self.reader.lock().unwrap_or_else(PoisonError::into_inner);
        self.conn_in(&mut slot)
    }

    /// A read on the shared connection, asked once more on a new connection when the old
    /// one turns out to be dead (the server restarted): a read is safe to repeat.
    fn read<T>(
        &self,
        read: impl Fn(&Self, Arc<Conn>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self.reader()?;
        match read(self, conn.clone()) {
            Err(StoreError::Unreachable { .. }) if conn.client.is_closed() => {
                read(self, self.reader()?)
            }
            other => other,
        }
    }

    fn error(&self, f: Failure) -> StoreError {
        f.into_store_error(&self.server)
    }

    fn unreachable(&self, f: Failure) -> StoreError {
        f.into_unreachable(&self.server)
    }

    fn query_get(
        &self,
        conn: Arc<Conn>,
        tree: Tree,
        key: &[u8],
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let (tenant, key) = (self.tenant, key.to_vec());
        self.run(async move {
            let sql = "SELECT value FROM kv WHERE tenant = $1 AND tree = $2 AND key = $3";
            let statement = conn.statement(sql).await?;
            let row = conn
                .client
                .query_opt(&statement, &[&tenant, &tree_id(tree), &key])
                .await?;
            Ok(row.map(|r| r.get::<_, Vec<u8>>(0)))
        })
        .map_err(|f| self.error(f))
    }

    fn query_scan(&self, conn: Arc<Conn>, tree: Tree, scan: &Scan) -> Result<Vec<Kv>, StoreError> {
        if scan.limit == 0 {
            return Ok(Vec::new());
        }
        let (sql, bounds) = range_sql("key, value", scan, 4);
        let order = if scan.rev { "DESC" } else { "ASC" };
        let sql = format!("{sql} ORDER BY key {order} LIMIT $3");
        let limit: Option<i64> = i64::try_from(scan.limit).ok();
        let tenant = self.tenant;
        self.run(async move {
            let statement = conn.statement(&sql).await?;
            let tree = tree_id(tree);
            let mut params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
                vec![&tenant, &tree, &limit];
            params.extend(
                bounds
                    .iter()
                    .map(|b| b as &(dyn tokio_postgres::types::ToSql + Sync)),
            );
            let rows = conn.client.query(&statement, &params).await?;
            Ok(rows
                .into_iter()
                .map(|r| (r.get::<_, Vec<u8>>(0), r.get::<_, Vec<u8>>(1)))
                .collect())
        })
        .map_err(|f| self.error(f))
    }

    fn query_count(&self, conn: Arc<Conn>, tree: Tree, scan: &Scan) -> Result<usize, StoreError> {
        let (sql, bounds) = range_sql("count(*)", scan, 3);
        let tenant = self.tenant;
        self.run(async move {
            let statement = conn.statement(&sql).await?;
            let tree = tree_id(tree);
            let mut params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = vec![&tenant, &tree];
            params.extend(
                bounds
                    .iter()
                    .map(|b| b as &(dyn tokio_postgres::types::ToSql + Sync)),
            );
            let row = conn.client.query_one(&statement, &params).await?;
            Ok(row.get::<_, i64>(0).max(0) as usize)
        })
        .map_err(|f| self.error(f))
    }

    fn try_begin(&self) -> Result<Box<dyn WriteTx + '_>, StoreError> {
        let mut guard = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let conn = self.conn_in(&mut guard)?;
        let tenant = self.tenant;
        let started = {
            let conn = conn.clone();
            self.run(async move {
                conn.client
                    .batch_execute("BEGIN ISOLATION LEVEL READ COMMITTED")
                    .await?;
                // The organisation's one writer, across every node, until COMMIT.
                let lock = conn
                    .statement("SELECT id FROM tenant WHERE id = $1 FOR UPDATE")
                    .await?;
                conn.client.query_one(&lock, &[&tenant]).await?;
                Ok(())
            })
        };
        if let Err(f) = started {
            guard.take();
            return Err(self.error(f));
        }
        Ok(Box::new(PostgresTx {
            backend: self,
            conn,
            guard,
            writes: Vec::new(),
            told: Vec::new(),
            open: true,
        }))
    }
}

/// `SELECT {columns} FROM kv WHERE …` for the scan's range, and the bound values: `$1` is
/// the tenant, `$2` the tree, the bounds from `$first` on.
fn range_sql(columns: &str, scan: &Scan, first: usize) -> (String, Vec<Vec<u8>>) {
    let mut sql = format!("SELECT {columns} FROM kv WHERE tenant = $1 AND tree = $2");
    let mut values = Vec::new();
    for (bound, inclusive, exclusive) in [(&scan.from, ">=", ">"), (&scan.to, "<=", "<")] {
        let (op, value) = match bound {
            Bound::Included(v) => (inclusive, v),
            Bound::Excluded(v) => (exclusive, v),
            Bound::Unbounded => continue,
        };
        sql.push_str(&format!(" AND key {op} ${}", first + values.len()));
        values.push(value.clone());
    }
    (sql, values)
}

fn tree_id(tree: Tree) -> i16 {
    tree.index() as i16
}

impl Drop for PostgresBackend {
    fn drop(&mut self) {
        // Dropping a runtime where blocking is not allowed (inside another runtime) panics.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Backend for PostgresBackend {
    fn location(&self) -> &Path {
        &self.server
    }

    fn get(&self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.read(|b, conn| b.query_get(conn, tree, key))
    }

    fn scan(&self, tree: Tree, scan: &Scan) -> Result<Vec<Kv>, StoreError> {
        self.read(|b, conn| b.query_scan(conn, tree, scan))
    }

    fn count(&self, tree: Tree, scan: &Scan) -> Result<usize, StoreError> {
        self.read(|b, conn| b.query_count(conn, tree, scan))
    }

    fn begin(&self) -> Result<Box<dyn WriteTx + '_>, StoreError> {
        match self.try_begin() {
            // The writer's connection died since its last use: nothing was sent that
            // counts, so begin again on a new one.
            Err(StoreError::Unreachable { .. }) => self.try_begin(),
            other => other,
        }
    }

    fn flush(&self) -> Result<(), StoreError> {
        // Every commit is durable when it returns.
        Ok(())
    }

    fn shared(&self) -> bool {
        true
    }

    fn changes(&self) -> Option<Arc<ChangeSignal>> {
        let signal = self.signal.get_or_init(|| {
            let signal = Arc::new(ChangeSignal::default());
            if let Some(runtime) = &self.runtime {
                runtime.spawn(listen(self.config.clone(), self.tenant, signal.clone()));
            }
            signal
        });
        Some(signal.clone())
    }

    fn claim(&self, what: u64) -> Result<Option<Box<dyn Claim + '_>>, StoreError> {
        let (conn, claimed, key) = self.try_claim(what)?;
        Ok(claimed.then(|| {
            Box::new(PostgresClaim {
                backend: self,
                conn,
                key,
            }) as Box<dyn Claim + '_>
        }))
    }

    fn lead(&self) -> Result<bool, StoreError> {
        let mut lead = self.lead.lock().unwrap_or_else(PoisonError::into_inner);
        if lead.as_ref().is_some_and(|c| !c.client.is_closed()) {
            return Ok(true);
        }
        // Never unlocked: the lead ends with the connection (the process, or the server).
        let (conn, claimed, _) = self.try_claim(LEAD_CLAIM)?;
        *lead = claimed.then_some(conn);
        Ok(claimed)
    }

    fn size_on_disk(&self) -> u64 {
        let Ok(conn) = self.reader() else { return 0 };
        self.run(async move {
            let row = conn
                .client
                .query_one("SELECT pg_total_relation_size('kv')", &[])
                .await?;
            Ok(row.get::<_, i64>(0).max(0) as u64)
        })
        .unwrap_or(0)
    }
}

/// A claim: a session-level advisory lock on the claims connection, freed when dropped
/// or when the connection ends (the process died, or the server restarted).
struct PostgresClaim<'a> {
    backend: &'a PostgresBackend,
    conn: Arc<Conn>,
    key: i64,
}

impl Claim for PostgresClaim<'_> {}

impl Drop for PostgresClaim<'_> {
    fn drop(&mut self) {
        if self.conn.client.is_closed() {
            return;
        }
        let (conn, key) = (self.conn.clone(), self.key);
        let _ = self.backend.run(async move {
            conn.client
                .execute("SELECT pg_advisory_unlock($1)", &[&key])
                .await?;
            Ok(())
        });
    }
}

/// Listens for other nodes' hints about `tenant` and raises them on `signal`, connecting
/// again whenever the connection is lost. Every (re)connect raises both hints: what was
/// said while nobody listened is lost, and the follower reads the audit log anyway.
async fn listen(config: tokio_postgres::Config, tenant: i64, signal: Arc<ChangeSignal>) {
    use std::sync::atomic::Ordering;
    let (audited, holds) = (tenant.to_string(), format!("{tenant} holds"));
    loop {
        if let Ok((client, mut connection)) = config.connect(NoTls).await {
            let (hints, mut heard) = tokio::sync::mpsc::unbounded_channel::<String>();
            let pump = tokio::spawn(async move {
                while let Some(message) =
                    std::future::poll_fn(|cx| connection.poll_message(cx)).await
                {
                    match message {
                        Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                            let _ = hints.send(n.payload().to_string());
                        }
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
            });
            if client
                .batch_execute(&format!("LISTEN {CHANNEL}"))
                .await
                .is_ok()
            {
                signal.audited.fetch_add(1, Ordering::SeqCst);
                signal.holds.fetch_add(1, Ordering::SeqCst);
                signal.notify.notify_one();
                while let Some(payload) = heard.recv().await {
                    if payload == audited {
                        signal.audited.fetch_add(1, Ordering::SeqCst);
                    } else if payload == holds {
                        signal.holds.fetch_add(1, Ordering::SeqCst);
                    } else {
                        continue;
                    }
                    signal.notify.notify_one();
                }
            }
            pump.abort();
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

struct PostgresTx<'a> {
    backend: &'a PostgresBackend,
    conn: Arc<Conn>,
    guard: MutexGuard<'a, Option<Arc<Conn>>>,
    writes: Vec<(Tree, Vec<u8>, Option<Vec<u8>>)>,
    /// The hints sent with the commit (`NOTIFY` is delivered when the transaction commits).
    told: Vec<String>,
    /// BEGIN was sent and neither COMMIT nor ROLLBACK yet.
    open: bool,
}

impl WriteTx for PostgresTx<'_> {
    fn get(&mut self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.backend.query_get(self.conn.clone(), tree, key)
    }

    fn scan(&mut self, tree: Tree, scan: &Scan) -> Result<Vec<Kv>, StoreError> {
        self.backend.query_scan(self.conn.clone(), tree, scan)
    }

    fn put(&mut self, tree: Tree, key: Vec<u8>, value: Vec<u8>) {
        self.writes.push((tree, key, Some(value)));
    }

    fn delete(&mut self, tree: Tree, key: Vec<u8>) {
        self.writes.push((tree, key, None));
    }

    fn tell(&mut self, what: Changed) {
        let hint = match what {
            Changed::Audited => self.backend.tenant.to_string(),
            Changed::Holds => format!("{} holds", self.backend.tenant),
        };
        if !self.told.contains(&hint) {
            self.told.push(hint);
        }
    }

    fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        // Writes in order = the last write of each key.
        let mut last: HashMap<(Tree, Vec<u8>), Option<Vec<u8>>> = HashMap::new();
        for (tree, key, value) in std::mem::take(&mut self.writes) {
            last.insert((tree, key), value);
        }
        let (mut put_trees, mut put_keys, mut put_values) = (Vec::new(), Vec::new(), Vec::new());
        let (mut del_trees, mut del_keys) = (Vec::new(), Vec::new());
        for ((tree, key), value) in last {
            match value {
                Some(v) => {
                    put_trees.push(tree_id(tree));
                    put_keys.push(key);
                    put_values.push(v);
                }
                None => {
                    del_trees.push(tree_id(tree));
                    del_keys.push(key);
                }
            }
        }
        let conn = self.conn.clone();
        let tenant = self.backend.tenant;
        let told = std::mem::take(&mut self.told);
        self.open = false;
        let result = self.backend.run(async move {
            for hint in &told {
                let notify = conn.statement("SELECT pg_notify($1, $2)").await?;
                conn.client.execute(&notify, &[&CHANNEL, hint]).await?;
            }
            if !put_keys.is_empty() {
                let put = conn
                    .statement(
                        "INSERT INTO kv (tenant, tree, key, value) \
                         SELECT $1, t, k, v FROM unnest($2::smallint[], $3::bytea[], $4::bytea[]) AS u(t, k, v) \
                         ON CONFLICT (tenant, tree, key) DO UPDATE SET value = EXCLUDED.value",
                    )
                    .await?;
                conn.client
                    .execute(&put, &[&tenant, &put_trees, &put_keys, &put_values])
                    .await?;
            }
            if !del_keys.is_empty() {
                let delete = conn
                    .statement(
                        "DELETE FROM kv USING unnest($2::smallint[], $3::bytea[]) AS u(t, k) \
                         WHERE kv.tenant = $1 AND kv.tree = u.t AND kv.key = u.k",
                    )
                    .await?;
                conn.client
                    .execute(&delete, &[&tenant, &del_trees, &del_keys])
                    .await?;
            }
            conn.client
                .batch_execute("COMMIT")
                .await
                .map_err(Failure::AtCommit)?;
            Ok(())
        });
        if let Err(f) = result {
            if !matches!(f, Failure::AtCommit(_)) {
                // Nothing was written: give the connection back clean.
                let conn = self.conn.clone();
                let _ = self
                    .backend
                    .run(async move { Ok(conn.client.batch_execute("ROLLBACK").await?) });
            }
            if self.conn.client.is_closed() {
                self.guard.take();
            }
            return Err(self.backend.error(f));
        }
        Ok(())
    }
}

impl Drop for PostgresTx<'_> {
    fn drop(&mut self) {
        if self.open {
            let conn = self.conn.clone();
            let rolled_back = self
                .backend
                .run(async move { Ok(conn.client.batch_execute("ROLLBACK").await?) });
            if rolled_back.is_err() {
                // A connection in an unknown state is not used again.
                self.guard.take();
            }
        }
    }
}
