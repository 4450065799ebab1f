//! Who may do what: team roles, API-key scopes, and the life of a
//! membership (PRODUCT.md §1). Pure rules; the web layer enforces them.

use crate::value_macros::string_value;

/// A team member's role within one creditor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Read and export only.
    Viewer,
    /// Day-to-day actions on customers, mandates, payments, returns.
    Operator,
    /// Everything, including the team, settings and API keys.
    Admin,
}

/// Why a role name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role '{0}' (expected admin, operator or viewer)")]
pub struct RoleError(pub String);

/// What an action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See lists, pages and the API's reads.
    Read,
    /// Download exports.
    Export,
    /// Change business data (customers, mandates, payments, returns).
    Operate,
    /// Invite, change roles, deactivate members.
    ManageTeam,
    /// Change the creditor's settings.
    ManageSettings,
    /// Create and revoke API keys.
    ManageApiKeys,
    /// Read the audit log.
    ViewAudit,
}

impl Role {
    /// Every role, least powerful first.
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Operator, Role::Admin];

    /// Parses `admin`, `operator` or `viewer`.
    pub fn parse(input: &str) -> Result<Role, RoleError> {
        match input.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "operator" => Ok(Role::Operator),
            "viewer" => Ok(Role::Viewer),
            _ => Err(RoleError(input.trim().to_owned())),
        }
    }

    /// The stored and API code.
    pub fn as_str(&self) -> &str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Viewer => "viewer",
        }
    }

    /// Whether this role grants `permission`.
    pub fn allows(self, permission: Permission) -> bool {
        match permission {
            Permission::Read | Permission::Export => true,
            Permission::Operate => self >= Role::Operator,
            Permission::ManageTeam
            | Permission::ManageSettings
            | Permission::ManageApiKeys
            | Permission::ViewAudit => self == Role::Admin,
        }
    }
}

string_value!(Role, RoleError, "a role: admin, operator or viewer");

/// What an API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiScope {
    /// GET only.
    Read,
    /// Reads and changes.
    Write,
}

/// Why a scope name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scope '{0}' (expected read or write)")]
pub struct ScopeError(pub String);

impl ApiScope {
    /// Parses `read` or `write`.
    pub fn parse(input: &str) -> Result<ApiScope, ScopeError> {
        match input.trim().to_ascii_lowercase().as_str() {
            "read" => Ok(ApiScope::Read),
            "write" => Ok(ApiScope::Write),
            _ => Err(ScopeError(input.trim().to_owned())),
        }
    }

    /// The stored and API code.
    pub fn as_str(&self) -> &str {
        match self {
            ApiScope::Read => "read",
            ApiScope::Write => "write",
        }
    }

    /// Whether a key of this scope may call an endpoint that needs `needed`.
    pub fn covers(self, needed: ApiScope) -> bool {
        self >= needed
    }
}

string_value!(ApiScope, ScopeError, "an API key scope: read or write");

/// A membership's state: invited (link sent, not yet accepted), active,
/// or deactivated by an administrator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MembershipStatus {
    /// Invitation sent, not accepted yet.
    Invited,
    /// Can log in to this creditor.
    Active,
    /// Access removed; kept for the audit trail.
    Deactivated,
}

/// What happens to a membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipEvent {
    /// The invitee followed the link and set a password.
    Accept,
    /// A new invitation link was sent.
    Resend,
    /// An administrator removed the access.
    Deactivate,
    /// An administrator gave the access back.
    Reactivate,
}

/// A transition the membership's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a membership that is {from} cannot be {event}")]
pub struct MembershipTransitionError {
    /// The state it was in.
    pub from: &'static str,
    /// What was attempted.
    pub event: &'static str,
}

impl MembershipStatus {
    /// Parses the stored code.
    pub fn parse(input: &str) -> Option<MembershipStatus> {
        match input {
            "invited" => Some(MembershipStatus::Invited),
            "active" => Some(MembershipStatus::Active),
            "deactivated" => Some(MembershipStatus::Deactivated),
            _ => None,
        }
    }

    /// The stored and API code.
    pub fn as_str(&self) -> &'static str {
        match self {
            MembershipStatus::Invited => "invited",
            MembershipStatus::Active => "active",
            MembershipStatus::Deactivated => "deactivated",
        }
    }

    /// The state after `event`, or why it cannot happen.
    pub fn apply(self, event: MembershipEvent) -> Result<Self, MembershipTransitionError> {
        use MembershipEvent as E;
        use MembershipStatus as S;
        match (self, event) {
            (S::Invited, E::Accept) => Ok(S::Active),
            (S::Invited, E::Resend) => Ok(S::Invited),
            (S::Invited | S::Active, E::Deactivate) => Ok(S::Deactivated),
            (S::Deactivated, E::Reactivate) => Ok(S::Active),
            (from, event) => Err(MembershipTransitionError {
                from: from.as_str(),
                event: match event {
                    E::Accept => "accepted",
                    E::Resend => "invited again",
                    E::Deactivate => "deactivated",
                    E::Reactivate => "reactivated",
                },
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewers_read_and_export_only() {
        assert!(Role::Viewer.allows(Permission::Read));
        assert!(Role::Viewer.allows(Permission::Export));
        assert!(!Role::Viewer.allows(Permission::Operate));
        assert!(!Role::Viewer.allows(Permission::ViewAudit));
    }

    #[test]
    fn operators_act_but_do_not_administer() {
        assert!(Role::Operator.allows(Permission::Operate));
        for p in [
            Permission::ManageTeam,
            Permission::ManageSettings,
            Permission::ManageApiKeys,
            Permission::ViewAudit,
        ] {
            assert!(!Role::Operator.allows(p), "{p:?}");
            assert!(Role::Admin.allows(p), "{p:?}");
        }
    }

    #[test]
    fn roles_and_scopes_parse_from_their_codes_only() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert_eq!(Role::parse(" Admin "), Ok(Role::Admin));
        assert!(Role::parse("root").is_err());
        assert_eq!(ApiScope::parse("write"), Ok(ApiScope::Write));
        assert!(ApiScope::parse("admin").is_err());
    }

    #[test]
    fn a_write_key_covers_reads_not_the_reverse() {
        assert!(ApiScope::Write.covers(ApiScope::Read));
        assert!(ApiScope::Read.covers(ApiScope::Read));
        assert!(!ApiScope::Read.covers(ApiScope::Write));
    }

    #[test]
    fn membership_transitions() {
        use MembershipEvent as E;
        use MembershipStatus as S;
        assert_eq!(S::Invited.apply(E::Accept), Ok(S::Active));
        assert_eq!(S::Invited.apply(E::Resend), Ok(S::Invited));
        assert_eq!(S::Active.apply(E::Deactivate), Ok(S::Deactivated));
        assert_eq!(S::Deactivated.apply(E::Reactivate), Ok(S::Active));
        let illegal = [
            (S::Active, E::Accept),
            (S::Active, E::Resend),
            (S::Active, E::Reactivate),
            (S::Deactivated, E::Accept),
            (S::Deactivated, E::Resend),
            (S::Deactivated, E::Deactivate),
            (S::Invited, E::Reactivate),
        ];
        for (from, event) in illegal {
            assert!(from.apply(event).is_err(), "{from:?} {event:?}");
        }
        assert_eq!(
            S::Deactivated.apply(E::Accept).unwrap_err().to_string(),
            "a membership that is deactivated cannot be accepted"
        );
    }
}
