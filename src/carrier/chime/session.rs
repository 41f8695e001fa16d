//! Building the AWS clients: region, profile and credentials the AWS way (environment,
//! profiles, SSO, instance roles), one HTTPS stack (rustls with ring), the SDK's retries
//! off (phonedesk's job worker owns the retry policy per operation: the SDK's standard
//! mode would resend `CreatePhoneNumberOrder` after a 500 or a lost reply, a second order),
//! and the timeouts from the settings.

use super::errors::carrier_error;
use super::ops::Operation;
use super::support::AwsSupport;
use super::ChimeCarrier;
use crate::carrier::api::{CarrierError, CarrierResult};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, Region, SdkConfig};
use aws_smithy_http_client::tls;
use std::net::IpAddr;
use std::time::Duration;

/// The Support API answers in us-east-1 only.
pub const SUPPORT_REGION: &str = "us-east-1";

/// Set (to anything but empty) to refuse any endpoint that is not on this machine; the
/// tests that drive the built binary set it, and unit tests behave as if it were set.
pub const LOOPBACK_ONLY_ENV: &str = "PHONEDESK_LOOPBACK_ONLY";

/// Where and how to reach the Chime SDK Voice API (the `[carrier]` section of the config).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChimeSettings {
    /// The AWS region whose Chime SDK Voice endpoint is used, e.g. `us-east-1`.
    pub region: String,
    /// A named profile of `~/.aws/config`; otherwise the default credential chain.
    pub profile: Option<String>,
    /// Another endpoint: a private one, or the loopback server (`phonedesk fake-chime`).
    pub endpoint_url: Option<String>,
    /// The longest one call may take, attempts included (the SDK makes one attempt).
    pub timeout: Duration,
}

/// Why the AWS clients could not be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    #[error("the endpoint_url “{0}” is not an http:// or https:// address")]
    BadEndpoint(String),
    #[error("{LOOPBACK_ONLY_ENV} is set and the endpoint {0} is not on this machine")]
    NotLoopback(String),
    #[error("the region “{0}” is not an AWS region name such as us-east-1")]
    BadRegion(String),
}

/// The AWS principal the credentials belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsIdentity {
    pub account: String,
    pub arn: String,
    pub region: String,
}

impl std::fmt::Display for AwsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "AWS account {} in {}, as {}",
            self.account, self.region, self.arn
        )
    }
}

/// The loaded AWS configuration, from which the carrier and Support clients are made.
#[derive(Debug, Clone)]
pub struct AwsSession {
    sdk: SdkConfig,
    region: String,
    endpoint_url: Option<String>,
}

/// The pinned behaviour version: the SDK's defaults do not change under phonedesk when
/// the crates are updated.
pub fn behavior_version() -> BehaviorVersion {
    BehaviorVersion::v2026_11_17()
}

/// The configuration loader for `settings`, before credentials are looked up. Tests add
/// static credentials and a replaying HTTP client on top of it.
pub fn config_loader(settings: &ChimeSettings) -> Result<ConfigLoader, SetupError> {
    check_region(&settings.region)?;
    check_endpoint(settings.endpoint_url.as_deref())?;
    // The one HTTPS client: hyper 1 and rustls 0.23 with ring (which russh already brings).
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(behavior_version())
        .region(Region::new(settings.region.clone()))
        .http_client(http)
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(settings.timeout)
                .operation_attempt_timeout(settings.timeout)
                .operation_timeout(settings.timeout)
                .build(),
        );
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &settings.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    Ok(loader)
}

impl AwsSession {
    /// Loads the configuration (region, profile, credentials chain) for `settings`.
    pub async fn load(settings: &ChimeSettings) -> Result<AwsSession, SetupError> {
        let sdk = config_loader(settings)?.load().await;
        AwsSession::from_sdk_config(sdk)
    }

    /// From an already loaded configuration (tests build theirs from `config_loader`).
    pub fn from_sdk_config(sdk: SdkConfig) -> Result<AwsSession, SetupError> {
        let endpoint_url = sdk.endpoint_url().map(str::to_string);
        check_endpoint(endpoint_url.as_deref())?;
        let region = sdk
            .region()
            .map(|r| r.to_string())
            .ok_or_else(|| SetupError::BadRegion(String::new()))?;
        Ok(AwsSession {
            sdk,
            region,
            endpoint_url,
        })
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    pub fn sdk_config(&self) -> &SdkConfig {
        &self.sdk
    }

    /// The endpoint for services other than Chime SDK Voice: the loopback server when the
    /// carrier's endpoint is on this machine (so nothing leaves it), otherwise AWS's own
    /// (a private Chime endpoint does not serve STS or Support).
    fn other_service_endpoint(&self) -> Option<String> {
        self.endpoint_url
            .clone()
            .filter(|url| host_of(url).is_some_and(is_loopback_host))
    }

    /// The Chime SDK Voice carrier.
    pub fn carrier(&self) -> ChimeCarrier {
        let client = aws_sdk_chimesdkvoice::Client::new(&self.sdk);
        ChimeCarrier::new(client, self.region.clone(), self.endpoint_url.clone())
    }

    /// AWS Support (porting cases), in us-east-1 whatever the carrier's region.
    pub fn support(&self) -> AwsSupport {
        let mut conf = aws_sdk_support::config::Builder::from(&self.sdk);
        conf.set_endpoint_url(self.other_service_endpoint());
        let conf = conf.region(Region::new(SUPPORT_REGION)).build();
        AwsSupport::new(aws_sdk_support::Client::from_conf(conf))
    }

    /// Which AWS account and region phonedesk manages (STS `GetCallerIdentity`, which needs
    /// no permission): shown before the first start against a real endpoint.
    pub async fn who_am_i(&self) -> CarrierResult<AwsIdentity> {
        let mut conf = aws_sdk_sts::config::Builder::from(&self.sdk);
        conf.set_endpoint_url(self.other_service_endpoint());
        let conf = conf.build();
        let out = aws_sdk_sts::Client::from_conf(conf)
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| carrier_error(Operation::GetCallerIdentity, "identity", e))?;
        let account = out
            .account()
            .filter(|a| !a.is_empty())
            .ok_or_else(|| CarrierError::Unreadable("an identity without its account".into()))?;
        Ok(AwsIdentity {
            account: super::convert::untrusted(account),
            arn: super::convert::untrusted(out.arn().unwrap_or("")),
            region: self.region.clone(),
        })
    }
}

/// The carrier the `[carrier]` section names: the region from the config, else the AWS
/// way (`AWS_REGION`, the profile's `region`); credentials are looked up on first use.
pub async fn connect(config: &crate::config::CarrierConfig) -> Result<Connected, String> {
    let region = match &config.region {
        Some(r) => r.clone(),
        None => {
            let mut provider = aws_config::default_provider::region::Builder::default();
            if let Some(profile) = &config.profile {
                provider = provider.profile_name(profile);
            }
            provider
                .build()
                .region()
                .await
                .map(|r| r.to_string())
                .ok_or_else(|| {
                    "no AWS region is set: add `region = \"us-east-1\"` (or yours) under \
                     [carrier] in the config, or set AWS_REGION"
                        .to_string()
                })?
        }
    };
    let settings = ChimeSettings {
        region,
        profile: config.profile.clone(),
        endpoint_url: config.endpoint_url.clone(),
        timeout: config.call_timeout,
    };
    let session = AwsSession::load(&settings)
        .await
        .map_err(|e| format!("cannot reach the Chime SDK Voice API: {e}"))?;
    let support = session.support().with_overrides(config.port_codes());
    Ok(Connected {
        api: std::sync::Arc::new(session.carrier().with_support(support)),
        session,
    })
}

/// The connected carrier, and the session it was made from (to say whose it is).
pub struct Connected {
    pub api: std::sync::Arc<dyn crate::carrier::api::CarrierApi>,
    pub session: AwsSession,
}

impl Connected {
    /// "AWS account 111122223333 in us-east-1, as arn:…", or the region and why the
    /// account is unknown: what the administrator is about to manage, said at start.
    pub async fn whose(&self) -> (String, String) {
        match self.session.who_am_i().await {
            Ok(id) => (format!("AWS {} {}", id.account, id.region), id.to_string()),
            Err(e) => (
                format!("AWS {}", self.session.region()),
                format!(
                    "AWS region {} (the account could not be read: {e})",
                    self.session.region()
                ),
            ),
        }
    }
}

fn check_region(region: &str) -> Result<(), SetupError> {
    let ok = !region.is_empty()
        && region.len() <= 32
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(SetupError::BadRegion(super::convert::untrusted(region)))
    }
}

/// The host of an `http(s)://host[:port][/...]` address.
fn host_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn loopback_only() -> bool {
    cfg!(test) || std::env::var_os(LOOPBACK_ONLY_ENV).is_some_and(|v| !v.is_empty())
}

/// Refuses an endpoint that is not an address, and (in tests, or when
/// `PHONEDESK_LOOPBACK_ONLY` is set) any endpoint that is not on this machine: the tests
/// can never reach AWS, where an order costs money.
fn check_endpoint(url: Option<&str>) -> Result<(), SetupError> {
    let host = match url {
        Some(url) => Some(
            host_of(url).ok_or_else(|| SetupError::BadEndpoint(super::convert::untrusted(url)))?,
        ),
        None => None,
    };
    if loopback_only() && !host.is_some_and(is_loopback_host) {
        let shown = url.map_or("of AWS".to_string(), super::convert::untrusted);
        if cfg!(test) {
            panic!("a test tried to reach the endpoint {shown}; tests must stay on loopback");
        }
        return Err(SetupError::NotLoopback(shown));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_read_from_addresses() {
        assert_eq!(host_of("http://127.0.0.1:4000"), Some("127.0.0.1"));
        assert_eq!(
            host_of("https://voice-chime.us-east-1.amazonaws.com/"),
            Some("voice-chime.us-east-1.amazonaws.com")
        );
        assert_eq!(host_of("http://[::1]:80/x"), Some("::1"));
        assert_eq!(host_of("http://user@localhost:9"), Some("localhost"));
        assert_eq!(host_of("ftp://127.0.0.1"), None);
        assert_eq!(host_of("127.0.0.1:80"), None);
        assert!(
            is_loopback_host("127.0.0.2")
                && is_loopback_host("::1")
                && is_loopback_host("LOCALHOST")
        );
        assert!(!is_loopback_host("10.0.0.1") && !is_loopback_host("localhost.example.com"));
    }

    #[test]
    fn loopback_endpoints_pass_the_guard_and_bad_addresses_are_refused() {
        assert_eq!(check_endpoint(Some("http://127.0.0.1:1")), Ok(()));
        assert_eq!(check_endpoint(Some("http://[::1]:1")), Ok(()));
        assert!(matches!(
            check_endpoint(Some("not a url")),
            Err(SetupError::BadEndpoint(_))
        ));
    }

    #[test]
    #[should_panic(expected = "tests must stay on loopback")]
    fn a_test_cannot_reach_a_real_endpoint() {
        let _ = check_endpoint(Some("https://voice-chime.us-east-1.amazonaws.com"));
    }

    #[test]
    #[should_panic(expected = "tests must stay on loopback")]
    fn a_test_cannot_use_the_default_aws_endpoint() {
        let _ = check_endpoint(None);
    }

    #[test]
    fn regions_are_checked_before_anything_is_loaded() {
        let settings = ChimeSettings {
            region: "us east 1".into(),
            profile: None,
            endpoint_url: Some("http://127.0.0.1:1".into()),
            timeout: Duration::from_secs(5),
        };
        assert!(matches!(
            config_loader(&settings),
            Err(SetupError::BadRegion(_))
        ));
    }
}
