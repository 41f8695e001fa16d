//! The limits and durations the rules use, from the configuration (the seed's values are
//! the defaults), and the few settings the store keeps for the whole inventory.

use super::NameSetting;
use serde::{Deserialize, Serialize};
use std::time::Duration;

const DAY: u64 = 86_400;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Numbers held (pending or in the inventory) at most.
    pub inventory_limit: usize,
    /// How long the carrier takes to complete an order.
    pub provisioning_delay: Duration,
    /// How long a calling name update takes.
    pub name_update: Duration,
    /// How often the default calling name may change.
    pub default_name_cooldown: Duration,
    /// How long deleted numbers stay restorable.
    pub deletion_retention: Duration,
    /// How long the support desk takes to answer a request.
    pub support_response: Duration,
    /// A port completes this long after the LOA is accepted, at the least...
    pub porting_min: Duration,
    /// ...and at the most.
    pub porting_max: Duration,
    /// Results per available-number search, at most.
    pub search_limit: usize,
    /// The carrier is remote (the Chime SDK Voice API): changes become carrier jobs and
    /// land when the carrier answers.
    pub carrier_remote: bool,
    /// How long after an action its author may undo it.
    pub undo_window: Duration,
    /// How long a number marked in the provisioning wizard stays held for its marker.
    pub hold_for: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            inventory_limit: 25,
            provisioning_delay: Duration::from_secs(60),
            name_update: Duration::from_secs(72 * 3600),
            default_name_cooldown: Duration::from_secs(7 * DAY),
            deletion_retention: Duration::from_secs(7 * DAY),
            support_response: Duration::from_secs(DAY),
            porting_min: Duration::from_secs(14 * DAY),
            porting_max: Duration::from_secs(28 * DAY),
            search_limit: 500,
            carrier_remote: false,
            undo_window: Duration::from_secs(15 * 60),
            hold_for: Duration::from_secs(10 * 60),
        }
    }
}

/// Counters for readable ids (`vc-3`, `order-12`), one per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequences {
    pub account: u64,
    pub user: u64,
    pub connector: u64,
    pub group: u64,
    pub order: u64,
    pub request: u64,
}

/// What the store keeps once for the whole inventory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub default_calling_name: NameSetting,
    pub sequences: Sequences,
}
