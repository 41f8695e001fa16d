//! The fields a list of phone numbers is filtered by, for every front end that lists
//! numbers (the console's Inventory; the command line later).

use super::{FieldSpec, Subject};
use crate::domain::{Assignee, PhoneNumber, ProductType, StatusCode, E164};

pub const NUMBER_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "status",
        help: "Assigned, Unassigned or Ported out",
    },
    FieldSpec {
        name: "product",
        help: "the product type: bc, vc, sma or its name",
    },
    FieldSpec {
        name: "type",
        help: "Local or Toll-free",
    },
    FieldSpec {
        name: "vc",
        help: "the voice connector it is assigned to (name or id)",
    },
    FieldSpec {
        name: "group",
        help: "the voice connector group it is assigned to (name or id)",
    },
    FieldSpec {
        name: "user",
        help: "the user it is assigned to (name, email or id)",
    },
    FieldSpec {
        name: "label",
        help: "its label",
    },
    FieldSpec {
        name: "state",
        help: "the US state it rings in (WA or Washington)",
    },
    FieldSpec {
        name: "name",
        help: "its unique calling name",
    },
    FieldSpec {
        name: "order",
        help: "the order that brought it (order-12)",
    },
];

/// A number as the filter reads it. The names of users, connectors and groups and where a
/// number rings come from the caller (they live in the store and the carrier's data).
pub struct NumberSubject<'a> {
    pub number: &'a PhoneNumber,
    /// The name (and email, for a user) of an id: `vc-3` → "Trunk East".
    pub names: &'a dyn Fn(&str) -> Vec<String>,
    /// The state a number rings in, as its two-letter code.
    pub state: &'a dyn Fn(&E164) -> Option<&'static str>,
    /// The free text its row shows.
    pub text: &'a dyn Fn(&PhoneNumber) -> String,
}

/// The Status column's words.
pub fn status_words(p: &PhoneNumber) -> &'static str {
    match (p.ported_out, p.status.code()) {
        (true, _) => "Ported out",
        // The real carrier's own word (`Cancelled`...).
        _ if p.carrier_status.is_some() => p.status_name(),
        (false, StatusCode::Assigned) => "Assigned",
        _ => "Unassigned",
    }
}

fn product_values(t: ProductType) -> Vec<String> {
    vec![
        t.label().to_string(),
        t.short().to_lowercase(),
        t.api_name().to_string(),
        t.label().to_lowercase().replace(' ', "-"),
    ]
}

impl Subject for NumberSubject<'_> {
    fn text(&self) -> String {
        (self.text)(self.number)
    }

    fn values(&self, field: &str) -> Vec<String> {
        let p = self.number;
        let with_id = |id: &str| {
            let mut v = (self.names)(id);
            v.push(id.to_string());
            v
        };
        match field {
            "status" => {
                let words = status_words(p);
                vec![words.to_string(), words.to_lowercase().replace(' ', "-")]
            }
            "product" => product_values(p.product_type),
            "type" => vec![
                p.number_type.label().to_string(),
                p.number_type.label().to_lowercase().replace('-', ""),
            ],
            "vc" => match p.assignee() {
                Some(Assignee::VoiceConnector(id)) => with_id(&id.0),
                _ => Vec::new(),
            },
            "group" => match p.assignee() {
                Some(Assignee::VoiceConnectorGroup(id)) => with_id(&id.0),
                _ => Vec::new(),
            },
            "user" => match p.assignee() {
                Some(Assignee::User { user, .. }) => with_id(&user.0),
                _ => Vec::new(),
            },
            "label" => p.label.iter().cloned().collect(),
            "state" => (self.state)(&p.number)
                .into_iter()
                .flat_map(|code| {
                    let name = crate::domain::us_state(code).map(|(_, n)| n.to_string());
                    std::iter::once(code.to_string()).chain(name)
                })
                .collect(),
            "name" => p
                .calling_name
                .shown()
                .map(|n| n.to_string())
                .into_iter()
                .collect(),
            "order" => p.order.iter().map(|o| o.to_string()).collect(),
            _ => Vec::new(),
        }
    }

    fn numbers(&self) -> Vec<E164> {
        vec![self.number.number.clone()]
    }
}
