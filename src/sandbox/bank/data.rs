//! The mock bank's data (`bank.json`): accounts with owners (sandbox users' customer numbers;
//! some accounts are joint) and transactions dated relative to today, and how each regime's
//! API shows an account.

use crate::wire::{FDXParty, InternalAccount, JointAccount};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{PoisonError, RwLock};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SeedTransaction {
    pub id: String,
    pub days_ago: i64,
    pub description: String,
    pub amount: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub owners: Vec<String>,
    pub name: String,
    #[serde(default)]
    pub nickname: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub number: String,
    pub balance: f64,
    pub currency: String,
    #[serde(default)]
    pub transactions: Vec<SeedTransaction>,
    /// Why its holder cannot share it now (the internal accounts API says so); absent when
    /// they can.
    #[serde(default)]
    pub unavailable: Option<String>,
    /// The holders of a joint account who, in the seed, do not allow its sharing (their later
    /// choices are the store's: [`Bank::choose`]).
    #[serde(default)]
    pub withheld_by: Vec<String>,
}

impl Account {
    /// `…1234`: the last four digits.
    pub fn masked_number(&self) -> String {
        let digits: Vec<char> = self.number.chars().filter(char::is_ascii_digit).collect();
        let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
        format!("…{tail}")
    }

    pub fn internal(&self) -> InternalAccount {
        InternalAccount {
            id: self.id.clone(),
            name: self.name.clone(),
            nickname: self.nickname.clone(),
            kind: self.kind.clone(),
            masked_number: self.masked_number(),
            identification: Some(self.number.clone()),
            balance: self.balance,
            currency: self.currency.clone(),
            unavailable: self.unavailable.clone(),
            joint: None,
        }
    }

    /// The FDX `Account` entity; balances only with `ACCOUNT_DETAILED`.
    pub fn fdx(&self, detailed: bool) -> serde_json::Value {
        let category = if self.kind == "CREDIT_CARD" { "LOC_ACCOUNT" } else { "DEPOSIT_ACCOUNT" };
        let mut account = json!({
            "accountId": self.id,
            "accountCategory": category,
            "accountType": if self.kind == "CREDIT_CARD" { "CREDITCARD" } else { self.kind.as_str() },
            "productName": self.name,
            "accountNumberDisplay": self.masked_number(),
            "currency": {"currencyCode": self.currency},
            "status": "OPEN",
        });
        if let Some(nick) = &self.nickname {
            account["nickname"] = nick.clone().into();
        }
        if detailed {
            account["currentBalance"] = self.balance.into();
            account["availableBalance"] = self.balance.into();
            account["balanceAsOf"] = chrono::Utc::now().to_rfc3339().into();
        }
        account
    }
}

/// One transaction as a bank's Open Banking API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Transaction {
    pub id: String,
    /// The day it was booked, `YYYY-MM-DD`.
    pub booked: String,
    pub description: String,
    /// Money in is positive, money out negative.
    pub amount: f64,
    pub currency: String,
}

/// `{"transactions": […]}`: an account's recent transactions, newest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Transactions {
    pub transactions: Vec<Transaction>,
}

impl Transactions {
    pub fn of(account: &Account) -> Self {
        let today = chrono::Utc::now().date_naive();
        let mut seeded: Vec<&SeedTransaction> = account.transactions.iter().collect();
        seeded.sort_by_key(|t| t.days_ago);
        let transactions = seeded
            .into_iter()
            .map(|t| Transaction {
                id: t.id.clone(),
                booked: (today - chrono::Duration::days(t.days_ago)).format("%Y-%m-%d").to_string(),
                description: t.description.clone(),
                amount: t.amount,
                currency: account.currency.clone(),
            })
            .collect();
        Self { transactions }
    }
}

#[derive(Debug, Deserialize)]
pub struct Bank {
    pub party: FDXParty,
    pub accounts: Vec<Account>,
    /// The ledger's name, which keys its holders' choices in the store.
    #[serde(skip)]
    pub name: String,
    /// The holders of each joint account who do not allow its sharing now: while there is
    /// one, the bank discloses nothing of it.
    #[serde(skip)]
    withheld: RwLock<BTreeMap<String, BTreeSet<String>>>,
}

/// Sandbox Bank's ledger (Go Bank's and the FDX bank's accounts): what a workspace without a
/// `ledger` of its own holds.
pub const DEFAULT_LEDGER: &str = "sandbox";

impl Bank {
    /// Sandbox Bank's ledger.
    pub fn load() -> Result<Self, String> {
        Self::ledger(DEFAULT_LEDGER)
    }

    /// A named ledger: `sandbox` (`bank.json`), `hyperscale` (`hyperscale.json`) or `obuk`
    /// (`obuk.json`, a UK bank's GBP accounts) or `cdr` (`cdr.json`, an Australian bank's AUD
    /// accounts).
    pub fn ledger(name: &str) -> Result<Self, String> {
        let (file, text) = match name {
            DEFAULT_LEDGER => ("bank.json", include_str!("bank.json")),
            "hyperscale" => ("hyperscale.json", include_str!("hyperscale.json")),
            "obuk" => ("obuk.json", include_str!("obuk.json")),
            "cdr" => ("cdr.json", include_str!("cdr.json")),
            other => return Err(format!("no ledger named {other}")),
        };
        let mut bank: Bank = serde_json::from_str(text).map_err(|e| format!("{file}: {e}"))?;
        bank.name = name.to_string();
        let seeded = bank.accounts.iter().filter(|a| !a.withheld_by.is_empty());
        let withheld = seeded.map(|a| (a.id.clone(), a.withheld_by.iter().cloned().collect())).collect();
        bank.withheld = RwLock::new(withheld);
        Ok(bank)
    }

    /// The accounts a customer (a sandbox user's subject) owns, alone or jointly.
    pub fn accounts_of<'a>(&'a self, customer: &'a str) -> impl Iterator<Item = &'a Account> + 'a {
        self.accounts.iter().filter(move |a| a.owners.iter().any(|o| o == customer))
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// An account the bank discloses now, under whatever consent names it: not one it says
    /// cannot be used (`unavailable`), nor a joint account some holder withholds.
    pub fn shared(&self, id: &str) -> Option<&Account> {
        self.account(id).filter(|a| a.unavailable.is_none() && self.withholders(id).is_empty())
    }

    /// The holders of joint account `id` who do not allow its sharing now: only its holders
    /// of today count (a choice kept for one no longer a holder, the seed's or the store's, is
    /// nobody's to change, and does not lock the account).
    pub fn withholders(&self, id: &str) -> BTreeSet<String> {
        let Some(account) = self.account(id).filter(|a| a.owners.len() > 1) else { return BTreeSet::new() };
        let withheld = self.withheld.read().unwrap_or_else(PoisonError::into_inner);
        let mut holders = withheld.get(id).cloned().unwrap_or_default();
        holders.retain(|h| account.owners.contains(h));
        holders
    }

    /// `holder` of joint account `id` allows its sharing, or stops it: kept by `keep` first (the
    /// store), and only then in force, one choice at a time.
    pub fn choose<E>(
        &self,
        id: &str,
        holder: &str,
        allowed: bool,
        keep: impl FnOnce() -> Result<(), E>,
    ) -> Result<(), E> {
        let mut withheld = self.withheld.write().unwrap_or_else(PoisonError::into_inner);
        keep()?;
        let holders = withheld.entry(id.to_string()).or_default();
        if allowed {
            holders.remove(holder);
        } else {
            holders.insert(holder.to_string());
        }
        Ok(())
    }

    /// `account` as its holder `customer` sees it: for a joint account, whether this holder
    /// allows its sharing, and whether any holder does not.
    pub fn seen_by(&self, account: &Account, customer: &str) -> InternalAccount {
        let mut seen = account.internal();
        if account.owners.len() > 1 {
            let withheld = self.withholders(&account.id);
            let (allowed, withheld) = (!withheld.contains(customer), !withheld.is_empty());
            seen.joint = Some(JointAccount { holders: account.owners.len() as u32, allowed, withheld });
        }
        seen
    }

    /// The holders of those of `ids` the bank discloses now, each once: whose data a request
    /// for them discloses (a joint account's is each holder's).
    pub fn holders<'i>(&self, ids: impl IntoIterator<Item = &'i str>) -> Vec<&str> {
        self.owners_of(ids.into_iter().filter(|id| self.shared(id).is_some()))
    }

    /// The holders of accounts `ids`, each once: whose data an answer serving them disclosed
    /// (asked after the answer, with no second look at whether they are shared).
    pub fn owners_of<'i>(&self, ids: impl IntoIterator<Item = &'i str>) -> Vec<&str> {
        let mut holders: Vec<&str> = ids
            .into_iter()
            .filter_map(|id| self.account(id))
            .flat_map(|a| a.owners.iter().map(String::as_str))
            .collect();
        holders.sort_unstable();
        holders.dedup();
        holders
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_loads_and_every_user_has_accounts() {
        let bank = Bank::load().unwrap();
        for user in ["user", "user2", "user3", "user4", "user5", "user6"] {
            assert!(bank.accounts_of(user).count() > 0, "{user}");
        }
        let joint = bank.account("9000001").unwrap();
        assert_eq!(joint.owners.len(), 2);
        assert_eq!(bank.account("1000003").unwrap().masked_number(), "…1234");
        let mut ids: Vec<&str> = bank.accounts.iter().map(|a| a.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), bank.accounts.len(), "account ids are unique");
    }

    #[test]
    fn a_joint_account_is_shared_only_while_every_holder_allows_it() {
        let bank = Bank::ledger("cdr").unwrap();
        assert_eq!(bank.name, "cdr");
        let joint = bank.account("AU-40004").unwrap();
        // The seed: user2 does not allow it.
        assert!(bank.shared("AU-40004").is_none());
        assert_eq!(bank.holders(["AU-40004", "AU-40001"]), ["user"], "nothing of it disclosed");
        assert_eq!(bank.owners_of(["AU-40004"]), ["user", "user2"], "whose it is, shared or not");
        let to_user = bank.seen_by(joint, "user");
        assert_eq!(to_user.joint, Some(JointAccount { holders: 2, allowed: true, withheld: true }));
        assert_eq!(to_user.unavailable, None, "its sharing is off; it is not blocked");
        assert_eq!(
            bank.seen_by(joint, "user2").joint,
            Some(JointAccount { holders: 2, allowed: false, withheld: true })
        );
        // Every holder allows it: shared, and its data is each holder's.
        bank.choose("AU-40004", "user2", true, || Ok::<_, ()>(())).unwrap();
        assert!(bank.shared("AU-40004").is_some());
        assert_eq!(bank.holders(["AU-40004"]), ["user", "user2"]);
        assert_eq!(
            bank.seen_by(joint, "user2").joint,
            Some(JointAccount { holders: 2, allowed: true, withheld: false })
        );
        // One holder stops it alone; a choice the store did not keep is not in force.
        assert_eq!(bank.choose("AU-40004", "user", false, || Err("store down")), Err("store down"));
        assert!(bank.shared("AU-40004").is_some());
        bank.choose("AU-40004", "user", false, || Ok::<_, ()>(())).unwrap();
        assert!(bank.shared("AU-40004").is_none());
        assert_eq!(
            bank.seen_by(joint, "user2").joint,
            Some(JointAccount { holders: 2, allowed: true, withheld: true })
        );
        // An account held alone has no joint part, and no one's choice locks it.
        assert_eq!(bank.seen_by(bank.account("AU-40001").unwrap(), "user").joint, None);
        bank.choose("AU-40001", "user", false, || Ok::<_, ()>(())).unwrap();
        assert!(bank.shared("AU-40001").is_some());
        // Nor does the choice of one who is not a holder (any more).
        bank.choose("AU-40004", "user", true, || Ok::<_, ()>(())).unwrap();
        bank.choose("AU-40004", "someone-else", false, || Ok::<_, ()>(())).unwrap();
        assert!(bank.shared("AU-40004").is_some());
    }

    #[test]
    fn every_seeded_choice_is_a_joint_account_holders() {
        for name in [DEFAULT_LEDGER, "hyperscale", "obuk", "cdr"] {
            for a in Bank::ledger(name).unwrap().accounts {
                assert!(a.withheld_by.iter().all(|h| a.owners.contains(h) && a.owners.len() > 1), "{name} {}", a.id);
            }
        }
    }

    #[test]
    fn hyperscale_holds_other_accounts_and_none_of_user2() {
        let (sandbox, hyperscale) = (Bank::load().unwrap(), Bank::ledger("hyperscale").unwrap());
        assert!(hyperscale.accounts_of("user").count() >= 2);
        assert_eq!(hyperscale.accounts_of("user2").count(), 0, "user2 banks only at Go Bank");
        assert!(hyperscale.accounts.iter().all(|a| sandbox.account(&a.id).is_none()), "ids differ between banks");
        assert!(Bank::ledger("elsewhere").is_err());
    }
}
