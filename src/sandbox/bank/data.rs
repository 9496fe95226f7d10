//! The mock bank's data (`bank.json`): accounts with owners (sandbox users' customer numbers;
//! some accounts are joint) and transactions dated relative to today, and how each regime's
//! API shows an account.

use crate::wire::{FDXParty, InternalAccount};
use serde::{Deserialize, Serialize};
use serde_json::json;

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
            balance: self.balance,
            currency: self.currency.clone(),
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

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Bank {
    pub party: FDXParty,
    pub accounts: Vec<Account>,
}

impl Bank {
    pub fn load() -> Result<Self, String> {
        serde_json::from_str(include_str!("bank.json")).map_err(|e| format!("bank.json: {e}"))
    }

    /// The accounts a customer (a sandbox user's subject) owns, alone or jointly.
    pub fn accounts_of<'a>(&'a self, customer: &'a str) -> impl Iterator<Item = &'a Account> + 'a {
        self.accounts.iter().filter(move |a| a.owners.iter().any(|o| o == customer))
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
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
}
