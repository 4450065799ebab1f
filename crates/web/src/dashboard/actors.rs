//! Who did something, as people read it: a member by their email, an API
//! key by its name, the daily run and the command line by what they are.
//! The history stores `user:usr_…`, `api_key:…`, `system` or `cli`.

use std::collections::HashMap;

use prelevo_app::AppError;
use prelevo_app::access::{list_api_keys, team};
use prelevo_store::{Actor, TenantStore};

use crate::ui::Layout;

/// The creditor's members and API keys, by their stored label.
pub(super) struct ActorNames(HashMap<String, Named>);

enum Named {
    Member(String),
    ApiKey(String),
}

impl ActorNames {
    /// Reads the creditor's members and API keys.
    pub fn load(tenant: &TenantStore) -> Result<Self, AppError> {
        let mut names = HashMap::new();
        for member in team(tenant)? {
            let label = Actor::User(member.user.id.to_string()).label();
            names.insert(label, Named::Member(member.user.email.as_str().to_owned()));
        }
        for key in list_api_keys(tenant)? {
            names.insert(
                Actor::ApiKey(key.id.clone()).label(),
                Named::ApiKey(key.name),
            );
        }
        Ok(Self(names))
    }

    /// `label` as people read it; one no longer known (a member removed)
    /// stays as stored rather than vanishing.
    pub fn name(&self, layout: &Layout, label: &str) -> String {
        match (label, self.0.get(label)) {
            ("system", _) => layout.t("actor-system"),
            ("cli", _) => layout.t("actor-cli"),
            (_, Some(Named::Member(email))) => email.clone(),
            (_, Some(Named::ApiKey(name))) => layout.t_args("actor-api-key", &[("name", name)]),
            (other, None) => other.to_owned(),
        }
    }
}
