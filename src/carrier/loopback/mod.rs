//! A loopback HTTP/1.1 server that speaks the real `chime-sdk-voice` wire protocol
//! (restJson1) in front of any `CarrierApi`, so the AWS SDK client can be pointed at it
//! with `endpoint_url`: the real adapter is tested offline, and an administrator can try it
//! against the simulation (`phonedesk fake-chime`). It also speaks AWS Support's protocol
//! (awsJson1_1) when the carrier has a support desk (`CarrierApi::support`). It counts
//! requests per operation, ignores SigV4 signatures, and binds loopback addresses only.
//! Routes: `docs/carrier.md`.

mod admin;
mod routes;
mod support;
mod wire;

pub use admin::SimAdmin;

use crate::carrier::api::CarrierApi;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

#[derive(Debug, thiserror::Error)]
pub enum LoopbackError {
    #[error("the fake Chime server listens on this machine only: {0} is not a loopback address (use 127.0.0.1 or ::1)")]
    NotLoopback(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Requests per API operation (`CreatePhoneNumberOrder` → 2), shared with the server.
#[derive(Debug, Clone, Default)]
pub struct RequestCounts(Arc<Mutex<BTreeMap<String, u64>>>);

impl RequestCounts {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, u64>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, operation: &str) -> u64 {
        self.lock().get(operation).copied().unwrap_or(0)
    }

    pub fn all(&self) -> BTreeMap<String, u64> {
        self.lock().clone()
    }

    fn bump(&self, operation: &str) {
        *self.lock().entry(operation.to_string()).or_default() += 1;
    }
}

struct State {
    api: Arc<dyn CarrierApi>,
    admin: Option<SimAdmin>,
    counts: RequestCounts,
}

/// A running server; dropping it stops it.
pub struct LoopbackServer {
    addr: SocketAddr,
    counts: RequestCounts,
    task: tokio::task::JoinHandle<()>,
}

impl LoopbackServer {
    /// Listens on `addr` (a loopback address; port 0 picks a free one) and serves `api`,
    /// with the `/_sim/` controls when `admin` is given. Needs a tokio runtime.
    pub async fn start(
        addr: SocketAddr,
        api: Arc<dyn CarrierApi>,
        admin: Option<SimAdmin>,
    ) -> Result<LoopbackServer, LoopbackError> {
        if !addr.ip().is_loopback() {
            return Err(LoopbackError::NotLoopback(addr));
        }
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| LoopbackError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| LoopbackError::Bind { addr, source })?;
        let counts = RequestCounts::default();
        let state = Arc::new(State {
            api,
            admin,
            counts: counts.clone(),
        });
        let task = tokio::spawn(accept(listener, state));
        Ok(LoopbackServer { addr, counts, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, for `endpoint_url`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn counts(&self) -> RequestCounts {
        self.counts.clone()
    }

    /// Serves until the task is stopped (for `fake-chime`, which runs until a signal).
    pub async fn wait(&mut self) {
        let _ = (&mut self.task).await;
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept(listener: TcpListener, state: Arc<State>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let io = hyper_util::rt::TokioIo::new(stream);
            let service = hyper::service::service_fn(move |req| {
                let state = Arc::clone(&state);
                async move { Ok::<_, std::convert::Infallible>(serve(&state, req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, service)
                .await;
        });
    }
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

async fn serve(state: &State, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let method = req.method().as_str().to_string();
    let target = req
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let segments: Vec<String> = req
        .uri()
        .path()
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode)
        .collect();
    let query: HashMap<String, String> = req
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes().to_vec(),
        Err(_) => {
            return error(wire::WireError::bad_request(
                "the request body could not be read",
            ))
        }
    };
    if segments.first().map(String::as_str) == Some("_sim") {
        return match &state.admin {
            Some(admin) => {
                let counts = state.counts.all();
                match admin::handle(admin, &method, &segments[1..], &body, &counts) {
                    Ok((status, v)) => answer(status, v),
                    Err(e) => error(e),
                }
            }
            None => error(wire::WireError::not_found(
                "this server has no simulation controls",
            )),
        };
    }
    if let Some(target) = target.filter(|_| method == "POST" && segments.is_empty()) {
        return serve_support(state, &target, &body).await;
    }
    if method == "POST" && segments.is_empty() && body.starts_with(b"Action=GetCallerIdentity") {
        state.counts.bump("GetCallerIdentity");
        return caller_identity();
    }
    let request = routes::Request {
        method,
        segments,
        query,
        body,
    };
    state
        .counts
        .bump(routes::operation_of(&request).unwrap_or("Unknown"));
    match routes::handle(state.api.as_ref(), &request).await {
        Ok((status, v)) => answer(status, v),
        Err(e) => error(e),
    }
}

/// An AWS Support call (awsJson1_1).
async fn serve_support(state: &State, target: &str, body: &[u8]) -> Response<Full<Bytes>> {
    let result = match (support::operation(target), state.api.support()) {
        (Some(op), Some(desk)) => {
            state.counts.bump(op);
            support::handle(desk, op, body).await
        }
        (None, _) => Err(support::JsonError {
            status: 400,
            exception: "UnknownOperationException",
            message: "the X-Amz-Target names no AWS Support operation".into(),
        }),
        (Some(_), None) => Err(support::JsonError {
            status: 404,
            exception: "UnknownOperationException",
            message: "this server has no support desk".into(),
        }),
    };
    let (status, exception, value) = match result {
        Ok(v) => (200, None, without_nulls(v)),
        Err(e) => (e.status, Some(e.exception), e.body()),
    };
    let mut r = Response::builder()
        .status(status)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amzn-requestid", "00000000-0000-4000-8000-000000000000");
    if let Some(e) = exception {
        r = r.header("x-amzn-errortype", e);
    }
    r.body(Full::new(Bytes::from(
        serde_json::to_vec(&value).unwrap_or_default(),
    )))
    .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// Absent members are left out rather than written as `null`, as AWS does.
fn without_nulls(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// STS `GetCallerIdentity` (awsQuery, XML): whose credentials these are, a fixed test
/// account, so the console can say which account it manages.
fn caller_identity() -> Response<Full<Bytes>> {
    const REPLY: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::111122223333:user/phonedesk</Arn>
    <UserId>AIDAEXAMPLELOOPBACK</UserId>
    <Account>111122223333</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>loopback</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"#;
    Response::builder()
        .status(200)
        .header("content-type", "text/xml")
        .body(Full::new(Bytes::from_static(REPLY.as_bytes())))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

fn answer(status: u16, body: Option<serde_json::Value>) -> Response<Full<Bytes>> {
    let mut r = Response::builder().status(status);
    let bytes = match body {
        Some(v) => {
            r = r.header("content-type", "application/json");
            Bytes::from(serde_json::to_vec(&v).unwrap_or_default())
        }
        None => Bytes::new(),
    };
    r.header("x-amzn-requestid", "00000000-0000-4000-8000-000000000000")
        .body(Full::new(bytes))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

fn error(e: wire::WireError) -> Response<Full<Bytes>> {
    let mut r = answer(e.status, Some(e.body()));
    if let Ok(v) = hyper::header::HeaderValue::from_str(e.exception) {
        r.headers_mut().insert("x-amzn-errortype", v);
    }
    r
}

#[cfg(test)]
mod tests;
