//! Each holder's say on a joint account's sharing (the CDR's joint-account disclosure option):
//! any holder stops it alone, at once, for every application under every holder's consents;
//! it starts again only once every holder allows it. The bank keeps the choices and enforces
//! them (`PUT {bank}/internal/accounts/{id}/sharing`, Assent's own contract); the portal lists
//! the user's joint accounts from the account lists it reads for the consents anyway.

use crate::error::AppError;
use leptos::prelude::*;

/// Allows the sharing of one of the signed-in user's joint accounts (`sharing=on`), or stops
/// it (`off`), at the bank whose consents listed it (`bank`: `fdx`, `uk` or `cdr`). Only one of
/// the user's own joint accounts at that bank: anything else is not found, and nothing is sent.
#[server(prefix = "/api", endpoint = "portal/joint-sharing")]
pub async fn set_joint_sharing(
    #[server(default)] csrf_token: String,
    bank: String,
    account_id: String,
    sharing: String,
) -> Result<(), AppError> {
    use crate::api::context;
    use crate::error::Failure;
    use crate::server::notice::Notice;
    let state = context::state()?;
    let (_, session) = super::signed_in_with_token(&state, &csrf_token).await?;
    let allowed = match sharing.as_str() {
        "on" => true,
        "off" => false,
        _ => return Err(Failure::FormIncomplete.into()),
    };
    if account_id.is_empty() || account_id.len() > 256 {
        return Err(Failure::FormIncomplete.into());
    }
    let regime = super::sharing::Regime::from_key(&bank).ok_or(Failure::NotFound)?;
    let url = regime.bank(&state).ok_or(Failure::NotFound)?;
    let customer = regime.customer(&state, &session).ok_or(Failure::NotFound)?;
    // The bank checks that the account is this customer's too; nothing is sent for another.
    let accounts = state.upstream.accounts_at(url, customer).await?.accounts;
    if !accounts.iter().any(|a| a.id == account_id && a.joint.is_some()) {
        return Err(Failure::NotFound.into());
    }
    match state.upstream.set_joint_sharing(url, customer, &account_id, allowed).await {
        Ok(_) => {}
        // Not (or no longer) this customer's joint account, as the bank sees it.
        Err(crate::server::upstream::UpstreamError::Status { status: 404 | 409, .. }) => {
            return Err(Failure::NotFound.into())
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(allowed, "a joint account's holder chose its sharing");
    if context::plain_form() {
        context::say_next(&state, if allowed { Notice::SharingAllowed } else { Notice::SharingStopped });
        context::navigate("/portal");
    }
    Ok(())
}

/// The joint accounts among `accounts`, listed by the bank the portal names `key` (branded
/// `bank`), each with its switch, in `locale`.
#[cfg(feature = "ssr")]
pub(super) fn joint_accounts(
    key: &str,
    bank: &str,
    accounts: &[crate::wire::InternalAccount],
    locale: crate::i18n::Locale,
) -> Vec<crate::model::JointAccountView> {
    use crate::server::present::{why_not, Use};
    accounts
        .iter()
        .filter_map(|a| {
            let joint = a.joint.as_ref()?;
            Some(crate::model::JointAccountView {
                bank_key: key.to_string(),
                id: a.id.clone(),
                name: crate::server::present::account_name(a),
                bank: bank.to_string(),
                others: joint.holders.saturating_sub(1),
                allowed: joint.allowed,
                unavailable: why_not(a, Use::Share, locale),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::joint_accounts;
    use crate::wire::{InternalAccount, JointAccount};

    #[test]
    fn only_joint_accounts_get_a_switch_saying_where_they_stand() {
        let alone = InternalAccount { id: "A".into(), name: "Everyday".into(), ..Default::default() };
        let joint = InternalAccount {
            id: "J".into(),
            name: "Joint Saver".into(),
            masked_number: "…1234".into(),
            unavailable: Some("Off\u{202E} for now".into()),
            joint: Some(JointAccount { holders: 3, allowed: false, withheld: true }),
            ..Default::default()
        };
        let listed = joint_accounts("cdr", "Koala Bank", &[alone, joint], crate::i18n::Locale::En);
        assert_eq!(listed.len(), 1, "an account held alone has no switch");
        let j = &listed[0];
        assert_eq!((j.bank_key.as_str(), j.id.as_str(), j.bank.as_str()), ("cdr", "J", "Koala Bank"));
        assert_eq!(j.name, "Joint Saver …1234");
        assert_eq!((j.others, j.allowed), (2, false));
        assert_eq!(
            j.unavailable.as_deref(),
            Some("Off for now"),
            "the bank's words are cleaned like all upstream text"
        );
    }
}
