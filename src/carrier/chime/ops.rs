//! Every AWS operation phonedesk calls, and the IAM action each one needs. One table: the
//! access-denied message names the action from it, and the README's IAM policy is generated
//! from it (a test keeps the two equal).

/// An AWS API operation phonedesk calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    // chime-sdk-voice
    SearchAvailablePhoneNumbers,
    ListSupportedPhoneNumberCountries,
    CreatePhoneNumberOrder,
    GetPhoneNumberOrder,
    ListPhoneNumberOrders,
    GetPhoneNumber,
    ListPhoneNumbers,
    AssociatePhoneNumbersWithVoiceConnector,
    AssociatePhoneNumbersWithVoiceConnectorGroup,
    DisassociatePhoneNumbersFromVoiceConnector,
    DisassociatePhoneNumbersFromVoiceConnectorGroup,
    UpdatePhoneNumber,
    BatchUpdatePhoneNumber,
    BatchDeletePhoneNumber,
    RestorePhoneNumber,
    GetPhoneNumberSettings,
    UpdatePhoneNumberSettings,
    ListVoiceConnectors,
    CreateVoiceConnector,
    UpdateVoiceConnector,
    DeleteVoiceConnector,
    ListVoiceConnectorGroups,
    CreateVoiceConnectorGroup,
    UpdateVoiceConnectorGroup,
    DeleteVoiceConnectorGroup,
    ListSipMediaApplications,
    ListSipRules,
    CreateSipRule,
    UpdateSipRule,
    DeleteSipRule,
    // AWS Support (porting)
    DescribeServices,
    CreateCase,
    AddAttachmentsToSet,
    AddCommunicationToCase,
    DescribeCommunications,
    DescribeCases,
    ResolveCase,
    // STS: which account the credentials belong to (needs no permission)
    GetCallerIdentity,
}

/// The AWS service an operation belongs to, as IAM names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    ChimeSdkVoice,
    Support,
    Sts,
}

impl Service {
    fn iam_prefix(self) -> &'static str {
        match self {
            Service::ChimeSdkVoice => "chime",
            Service::Support => "support",
            Service::Sts => "sts",
        }
    }
}

impl Operation {
    pub const ALL: [Operation; 38] = [
        Operation::SearchAvailablePhoneNumbers,
        Operation::ListSupportedPhoneNumberCountries,
        Operation::CreatePhoneNumberOrder,
        Operation::GetPhoneNumberOrder,
        Operation::ListPhoneNumberOrders,
        Operation::GetPhoneNumber,
        Operation::ListPhoneNumbers,
        Operation::AssociatePhoneNumbersWithVoiceConnector,
        Operation::AssociatePhoneNumbersWithVoiceConnectorGroup,
        Operation::DisassociatePhoneNumbersFromVoiceConnector,
        Operation::DisassociatePhoneNumbersFromVoiceConnectorGroup,
        Operation::UpdatePhoneNumber,
        Operation::BatchUpdatePhoneNumber,
        Operation::BatchDeletePhoneNumber,
        Operation::RestorePhoneNumber,
        Operation::GetPhoneNumberSettings,
        Operation::UpdatePhoneNumberSettings,
        Operation::ListVoiceConnectors,
        Operation::CreateVoiceConnector,
        Operation::UpdateVoiceConnector,
        Operation::DeleteVoiceConnector,
        Operation::ListVoiceConnectorGroups,
        Operation::CreateVoiceConnectorGroup,
        Operation::UpdateVoiceConnectorGroup,
        Operation::DeleteVoiceConnectorGroup,
        Operation::ListSipMediaApplications,
        Operation::ListSipRules,
        Operation::CreateSipRule,
        Operation::UpdateSipRule,
        Operation::DeleteSipRule,
        Operation::DescribeServices,
        Operation::CreateCase,
        Operation::AddAttachmentsToSet,
        Operation::AddCommunicationToCase,
        Operation::DescribeCommunications,
        Operation::DescribeCases,
        Operation::ResolveCase,
        Operation::GetCallerIdentity,
    ];

    /// The operation's name in the API (and in IAM after the service prefix).
    pub fn api_name(self) -> &'static str {
        match self {
            Operation::SearchAvailablePhoneNumbers => "SearchAvailablePhoneNumbers",
            Operation::ListSupportedPhoneNumberCountries => "ListSupportedPhoneNumberCountries",
            Operation::CreatePhoneNumberOrder => "CreatePhoneNumberOrder",
            Operation::GetPhoneNumberOrder => "GetPhoneNumberOrder",
            Operation::ListPhoneNumberOrders => "ListPhoneNumberOrders",
            Operation::GetPhoneNumber => "GetPhoneNumber",
            Operation::ListPhoneNumbers => "ListPhoneNumbers",
            Operation::AssociatePhoneNumbersWithVoiceConnector => {
                "AssociatePhoneNumbersWithVoiceConnector"
            }
            Operation::AssociatePhoneNumbersWithVoiceConnectorGroup => {
                "AssociatePhoneNumbersWithVoiceConnectorGroup"
            }
            Operation::DisassociatePhoneNumbersFromVoiceConnector => {
                "DisassociatePhoneNumbersFromVoiceConnector"
            }
            Operation::DisassociatePhoneNumbersFromVoiceConnectorGroup => {
                "DisassociatePhoneNumbersFromVoiceConnectorGroup"
            }
            Operation::UpdatePhoneNumber => "UpdatePhoneNumber",
            Operation::BatchUpdatePhoneNumber => "BatchUpdatePhoneNumber",
            Operation::BatchDeletePhoneNumber => "BatchDeletePhoneNumber",
            Operation::RestorePhoneNumber => "RestorePhoneNumber",
            Operation::GetPhoneNumberSettings => "GetPhoneNumberSettings",
            Operation::UpdatePhoneNumberSettings => "UpdatePhoneNumberSettings",
            Operation::ListVoiceConnectors => "ListVoiceConnectors",
            Operation::CreateVoiceConnector => "CreateVoiceConnector",
            Operation::UpdateVoiceConnector => "UpdateVoiceConnector",
            Operation::DeleteVoiceConnector => "DeleteVoiceConnector",
            Operation::ListVoiceConnectorGroups => "ListVoiceConnectorGroups",
            Operation::CreateVoiceConnectorGroup => "CreateVoiceConnectorGroup",
            Operation::UpdateVoiceConnectorGroup => "UpdateVoiceConnectorGroup",
            Operation::DeleteVoiceConnectorGroup => "DeleteVoiceConnectorGroup",
            Operation::ListSipMediaApplications => "ListSipMediaApplications",
            Operation::ListSipRules => "ListSipRules",
            Operation::CreateSipRule => "CreateSipRule",
            Operation::UpdateSipRule => "UpdateSipRule",
            Operation::DeleteSipRule => "DeleteSipRule",
            Operation::DescribeServices => "DescribeServices",
            Operation::CreateCase => "CreateCase",
            Operation::AddAttachmentsToSet => "AddAttachmentsToSet",
            Operation::AddCommunicationToCase => "AddCommunicationToCase",
            Operation::DescribeCommunications => "DescribeCommunications",
            Operation::DescribeCases => "DescribeCases",
            Operation::ResolveCase => "ResolveCase",
            Operation::GetCallerIdentity => "GetCallerIdentity",
        }
    }

    pub fn service(self) -> Service {
        match self {
            Operation::DescribeServices
            | Operation::CreateCase
            | Operation::AddAttachmentsToSet
            | Operation::AddCommunicationToCase
            | Operation::DescribeCommunications
            | Operation::DescribeCases
            | Operation::ResolveCase => Service::Support,
            Operation::GetCallerIdentity => Service::Sts,
            _ => Service::ChimeSdkVoice,
        }
    }

    /// The IAM action the credentials need for this operation: `chime:CreatePhoneNumberOrder`.
    pub fn iam_action(self) -> String {
        format!("{}:{}", self.service().iam_prefix(), self.api_name())
    }

    /// False for `sts:GetCallerIdentity`, which every principal may call.
    pub fn needs_permission(self) -> bool {
        self.service() != Service::Sts
    }
}

/// The IAM actions of one service that phonedesk calls, in table order.
fn actions_of(service: Service) -> Vec<String> {
    Operation::ALL
        .into_iter()
        .filter(|op| op.service() == service && op.needs_permission())
        .map(Operation::iam_action)
        .collect()
}

/// The least-privilege IAM policy (JSON) for every action phonedesk calls. The Support
/// statement is only needed for porting.
pub fn iam_policy() -> String {
    let statement = |sid: &str, actions: Vec<String>| {
        let actions: Vec<String> = actions.iter().map(|a| format!("        \"{a}\"")).collect();
        format!(
            "    {{\n      \"Sid\": \"{sid}\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\n{}\n      ],\n      \"Resource\": \"*\"\n    }}",
            actions.join(",\n")
        )
    };
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n{},\n{}\n  ]\n}}\n",
        statement("PhonedeskNumbers", actions_of(Service::ChimeSdkVoice)),
        statement("PhonedeskPorting", actions_of(Service::Support)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_is_valid_json_and_lists_every_action_that_needs_a_permission() {
        let policy: serde_json::Value = serde_json::from_str(&iam_policy()).unwrap();
        let listed: Vec<String> = policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["Action"].as_array().unwrap().clone())
            .map(|a| a.as_str().unwrap().to_string())
            .collect();
        let needed: Vec<String> = Operation::ALL
            .into_iter()
            .filter(|op| op.needs_permission())
            .map(Operation::iam_action)
            .collect();
        assert_eq!(listed, needed);
        assert!(listed.contains(&"chime:CreatePhoneNumberOrder".to_string()));
        assert!(listed.contains(&"support:CreateCase".to_string()));
        assert!(!listed.iter().any(|a| a.starts_with("sts:")));
    }

    #[test]
    fn the_readme_shows_the_generated_policy_and_names_every_action() {
        let readme = include_str!("../../../README.md");
        assert!(
            readme.contains(&iam_policy()),
            "README.md's IAM policy differs from the one generated from the operation table; \
             paste the output of `iam_policy()`:\n{}",
            iam_policy()
        );
        for op in Operation::ALL
            .into_iter()
            .filter(|op| op.needs_permission())
        {
            assert!(
                readme.contains(&format!("\"{}\"", op.iam_action())),
                "README.md does not list {}",
                op.iam_action()
            );
        }
    }

    #[test]
    fn every_operation_is_in_the_table_once() {
        let mut names: Vec<&str> = Operation::ALL.iter().map(|op| op.api_name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Operation::ALL.len());
    }
}
