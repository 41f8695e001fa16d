//! Every error an AWS call can end with, as a `CarrierError` in plain words. One function
//! serves every operation: the typed errors of each operation carry their error code
//! (`ThrottledClientException`, `NotFoundException`, ...), which is what is matched here.

use super::convert::untrusted;
use super::ops::Operation;
use crate::carrier::api::CarrierError;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_chimesdkvoice::config::http::HttpResponse;
use aws_sdk_chimesdkvoice::error::{ProvideErrorMetadata, SdkError};
use std::error::Error;

/// `err`, from a call of `op` about `what` ("phone number +12065550123"), as a carrier error.
pub fn carrier_error<E>(op: Operation, what: &str, err: SdkError<E, HttpResponse>) -> CarrierError
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
{
    let cause = untrusted(&innermost(&err));
    match err {
        SdkError::ServiceError(ctx) => {
            let status = ctx.raw().status().as_u16();
            let err = ctx.into_err();
            from_code(op, what, err.code(), err.message(), status)
        }
        SdkError::TimeoutError(_) => CarrierError::Timeout,
        SdkError::DispatchFailure(failure) => {
            let Some(source) = failure.as_connector_error() else {
                return CarrierError::Network("the connection to the carrier failed".to_string());
            };
            if let Some(creds) = find_source::<CredentialsError>(source) {
                return credentials_error(creds);
            }
            if source.is_timeout() {
                return CarrierError::Timeout;
            }
            if let Some(io) = find_source::<std::io::Error>(source) {
                return io_error(io);
            }
            CarrierError::Network("the connection to the carrier failed".to_string())
        }
        SdkError::ResponseError(ctx) => {
            let status = ctx.raw().status().as_u16();
            match status {
                429 => CarrierError::Throttled,
                503 => CarrierError::Unavailable,
                500..=599 => CarrierError::ServiceFailure { status },
                _ => CarrierError::Unreadable(format!(
                    "an answer to {} (HTTP {status})",
                    op.api_name()
                )),
            }
        }
        SdkError::ConstructionFailure(_) => CarrierError::BadRequest(format!(
            "phonedesk could not build the {} request: {cause}",
            op.api_name()
        )),
        _ => CarrierError::Network(format!("the call to {} failed: {cause}", op.api_name())),
    }
}

/// The service's error code (and HTTP status, for codes phonedesk does not know).
pub fn from_code(
    op: Operation,
    what: &str,
    code: Option<&str>,
    message: Option<&str>,
    status: u16,
) -> CarrierError {
    let said = || match message.map(untrusted).filter(|m| !m.is_empty()) {
        Some(m) => m,
        None => "no reason given".to_string(),
    };
    match code.unwrap_or("") {
        "ThrottledClientException" | "ThrottlingException" | "Throttling" => {
            CarrierError::Throttled
        }
        "ServiceFailureException" | "InternalServerError" | "InternalFailure" => {
            CarrierError::ServiceFailure { status }
        }
        "ServiceUnavailableException" | "ServiceUnavailable" => CarrierError::Unavailable,
        "AccessDeniedException" | "ForbiddenException" | "AccessDenied" => {
            CarrierError::AccessDenied {
                action: op.iam_action(),
            }
        }
        "UnauthorizedClientException"
        | "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "ExpiredTokenException"
        | "ExpiredToken"
        | "InvalidSignatureException"
        | "SignatureDoesNotMatch"
        | "IncompleteSignature"
        | "MissingAuthenticationToken" => CarrierError::Unauthorized(said()),
        "SubscriptionRequiredException" => CarrierError::SubscriptionRequired,
        "NotFoundException"
        | "CaseIdNotFound"
        | "AttachmentSetIdNotFound"
        | "AttachmentIdNotFound" => CarrierError::NotFound(what.to_string()),
        "GoneException" => CarrierError::Gone(what.to_string()),
        "AttachmentSetExpired" => {
            CarrierError::Gone("the attachment set (it expires an hour after it is made)".into())
        }
        "ResourceLimitExceededException"
        | "CaseCreationLimitExceeded"
        | "AttachmentLimitExceeded"
        | "AttachmentSetSizeLimitExceeded"
        | "DescribeAttachmentLimitExceeded" => CarrierError::ResourceLimitExceeded(said()),
        "BadRequestException" | "ValidationException" => CarrierError::BadRequest(said()),
        "ConflictException" => CarrierError::Conflict(said()),
        "UnprocessableEntityException" => CarrierError::Unprocessable(said()),
        _ => from_status(op, what, status, said()),
    }
}

fn from_status(op: Operation, what: &str, status: u16, said: String) -> CarrierError {
    match status {
        400 => CarrierError::BadRequest(said),
        401 => CarrierError::Unauthorized(said),
        403 => CarrierError::AccessDenied {
            action: op.iam_action(),
        },
        404 => CarrierError::NotFound(what.to_string()),
        409 => CarrierError::Conflict(said),
        410 => CarrierError::Gone(what.to_string()),
        422 => CarrierError::Unprocessable(said),
        429 => CarrierError::Throttled,
        503 => CarrierError::Unavailable,
        500..=599 => CarrierError::ServiceFailure { status },
        _ => CarrierError::Unreadable(format!(
            "an answer to {} (HTTP {status}): {said}",
            op.api_name()
        )),
    }
}

fn credentials_error(err: &CredentialsError) -> CarrierError {
    let detail = untrusted(&innermost(err));
    CarrierError::Unauthorized(match err {
        CredentialsError::CredentialsNotLoaded(_) => format!(
            "no AWS credentials were found (environment variables, the profile, an SSO login \
             or an instance role): {detail}"
        ),
        CredentialsError::ProviderTimedOut(_) => {
            "loading the AWS credentials took too long".to_string()
        }
        CredentialsError::InvalidConfiguration(_) => {
            format!("the AWS credentials are not configured correctly: {detail}")
        }
        _ => format!("the AWS credentials could not be loaded: {detail}"),
    })
}

fn io_error(err: &std::io::Error) -> CarrierError {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::TimedOut => CarrierError::Timeout,
        ErrorKind::ConnectionRefused => {
            CarrierError::Network("the carrier's endpoint refused the connection".into())
        }
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
            CarrierError::Network("the connection was cut before the answer came".into())
        }
        ErrorKind::UnexpectedEof => {
            CarrierError::Network("the connection closed before the answer came".into())
        }
        _ => CarrierError::Network("the carrier's endpoint could not be reached".into()),
    }
}

/// The first error of type `T` in `err`'s chain of sources.
fn find_source<'a, T: Error + 'static>(err: &'a (dyn Error + 'static)) -> Option<&'a T> {
    let mut current: Option<&(dyn Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

/// The deepest cause's own words (outer layers only say "dispatch failure" and the like).
fn innermost(err: &(dyn Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}
