//! The aggregator's HTML: its sign-in form, the dashboard (each bank side by side: connected
//! with accounts, balances and recent transactions; renewed; ended, with Reconnect; not
//! connected, with Connect; at a UK bank connected, "Pay someone" and the last payment's
//! outcome) and its error pages. Plain strings, every dynamic value escaped.

use crate::sandbox::aggregator::client::{BankInfo, Regime};
use crate::sandbox::aggregator::links::BankView;
use crate::sandbox::aggregator::session::PENDING_TTL;
use crate::sandbox::pages::layout;
use crate::sandbox::store::AggregatorPayment;
use crate::sandbox::util::esc;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

const STYLE: &str = "<style>main{max-width:64rem}.banks{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem}\
.bank{border:1px solid #ddd;border-radius:10px;padding:1rem}.status{font-weight:600}.ended{color:#a40e26}\
table{width:100%;border-collapse:collapse;font-size:.9rem}td,th{padding:.2rem .3rem;border-top:1px solid #eee}\
caption{text-align:left;font-weight:600;padding:.3rem 0}th{text-align:left;font-weight:600}th:last-child{text-align:right}\
td.amount{text-align:right;font-variant-numeric:tabular-nums}.inline{display:inline}\
.pay{border-top:1px solid #eee;margin-top:1rem;padding-top:.5rem}.paid{font-weight:600}</style>";

/// An aggregator page: its name, then `body`.
pub fn page(status: StatusCode, body: &str) -> Response {
    let body = format!("{STYLE}<h1>Assent Aggregator</h1><p class=\"note\">A sandbox account aggregator: your banks in one place.</p>{body}");
    (status, Html(layout("Assent Aggregator", &body))).into_response()
}

/// An error page with a way back.
pub fn error(status: StatusCode, title: &str, message: &str) -> Response {
    page(
        status,
        &format!(
            "<h2>{}</h2><p class=\"error\" role=\"alert\" data-testid=\"aggregator-error\">{}</p>\
<p><a href=\"/aggregator\" id=\"back\">Back to your banks</a></p>",
            esc(title),
            esc(message)
        ),
    )
}

/// The sign-in form (posting the session's anti-forgery token).
pub fn sign_in(status: StatusCode, csrf: &str, message: Option<&str>) -> Response {
    let message = message.map(|m| format!("<p class=\"error\" role=\"alert\">{}</p>", esc(m))).unwrap_or_default();
    page(
        status,
        &format!(
            "<h2>Sign in</h2>{message}<form method=\"post\" action=\"/aggregator/sign-in\">\
<input type=\"hidden\" name=\"csrf_token\" value=\"{}\">\
<label for=\"agg-username\">Username</label><input type=\"text\" id=\"agg-username\" name=\"username\" autocomplete=\"username\" required>\
<label for=\"agg-password\">Password</label><input type=\"password\" id=\"agg-password\" name=\"password\" autocomplete=\"current-password\" required>\
<button type=\"submit\">Sign in to the aggregator</button></form>\
<p class=\"note\">Aggregator user: <code>demo</code>, password <code>p@ssword!</code>. At each bank you then sign in as a bank customer (<code>user</code>).</p>",
            esc(csrf)
        ),
    )
}

/// A POST form with the session's token and the bank, and one button.
/// A form of one button, `label`, named `named` for those who hear it (with its bank: each
/// card has one).
fn button(action: &str, csrf: &str, bank: &str, label: &str, named: &str, testid: &str) -> String {
    format!(
        "<form method=\"post\" action=\"/aggregator/{action}\" class=\"inline\"><input type=\"hidden\" name=\"csrf_token\" value=\"{}\">\
<input type=\"hidden\" name=\"bank\" value=\"{}\"><button type=\"submit\" data-testid=\"{testid}\" aria-label=\"{named}\">{label}</button></form>",
        esc(csrf),
        esc(bank)
    )
}

/// An amount in its own currency: `£1250.40` for the ones the sandbox's banks hold, else
/// `1250.40 XYZ`; negative with a minus sign before the symbol.
fn money(amount: f64, currency: &str) -> String {
    let sign = if amount < 0.0 { "-" } else { "" };
    let value = amount.abs();
    match currency {
        "GBP" => format!("{sign}£{value:.2}"),
        "USD" => format!("{sign}${value:.2}"),
        "EUR" => format!("{sign}€{value:.2}"),
        "AUD" => format!("{sign}A${value:.2}"),
        other => format!("{sign}{value:.2} {}", esc(other)),
    }
}

/// The regime a bank is connected under, in words.
fn regime_label(regime: Regime) -> &'static str {
    match regime {
        Regime::OpenBanking => "Open Banking",
        Regime::Uk => "UK Open Banking",
        Regime::Cdr => "Australian Consumer Data Right",
    }
}

/// "Pay someone" at a connected UK bank: the last payment's outcome, then the form.
fn payment_box(bank: &BankInfo, csrf: &str, last: Option<&AggregatorPayment>) -> String {
    let outcome = last.map(payment_outcome).unwrap_or_default();
    let field = |id: &str, label: &str, extra: &str| {
        format!("<label for=\"pay-{id}\">{label}</label><input type=\"text\" id=\"pay-{id}\" name=\"{id}\" {extra}>")
    };
    format!(
        "<section class=\"pay\" data-testid=\"pay\"><h3>Pay someone</h3>{outcome}\
<form method=\"post\" action=\"/aggregator/pay\"><input type=\"hidden\" name=\"csrf_token\" value=\"{}\">\
<input type=\"hidden\" name=\"bank\" value=\"{}\">{}{}{}{}{}\
<button type=\"submit\" data-testid=\"pay-submit\">Continue to {}</button></form>\
<p class=\"note\">You choose the account to pay from, and confirm, at {}.</p></section>",
        esc(csrf),
        esc(&bank.wid),
        field("amount", "Amount (£)", "inputmode=\"decimal\" placeholder=\"12.34\" required"),
        field("payee", "Payee's name", "maxlength=\"70\" required"),
        field("sort_code", "Sort code", "inputmode=\"numeric\" placeholder=\"08-08-00\" required"),
        field("account_number", "Account number", "inputmode=\"numeric\" placeholder=\"21325698\" required"),
        field("reference", "Reference", "maxlength=\"35\""),
        esc(&bank.name),
        esc(&bank.name)
    )
}

/// What became of a payment: made (its id, status and amount), cancelled, why it failed, or
/// that the bank's answer never came (it may have paid).
fn payment_outcome(p: &AggregatorPayment) -> String {
    let initiation: serde_json::Value = serde_json::from_str(&p.initiation).unwrap_or_default();
    let amount = &initiation["InstructedAmount"];
    let amount = match (amount["Amount"].as_str().and_then(|a| a.parse::<f64>().ok()), amount["Currency"].as_str()) {
        (Some(value), Some(currency)) => money(value, currency),
        _ => String::new(),
    };
    let payee = esc(initiation["CreditorAccount"]["Name"].as_str().unwrap_or_default());
    let text = match p.outcome.as_str() {
        "made" => format!(
            "Payment made: <span data-testid=\"payment-amount\">{amount}</span> to {payee}. \
Payment <code data-testid=\"payment-id\">{}</code>, status <span data-testid=\"payment-status\">{}</span>.",
            esc(p.payment_id.as_deref().unwrap_or_default()),
            esc(p.status.as_deref().unwrap_or_default())
        ),
        "cancelled" => format!("Payment cancelled: {amount} to {payee} was not paid."),
        "failed" => format!("Payment not made: {amount} to {payee}. {}", esc(p.message.as_deref().unwrap_or_default())),
        "unknown" => {
            format!("Payment outcome unknown: {amount} to {payee}. {}", esc(p.message.as_deref().unwrap_or_default()))
        }
        _ if p.updated_at + PENDING_TTL < crate::sandbox::util::now() => {
            format!("Payment not completed: {amount} to {payee} was not approved in time, so nothing was paid.")
        }
        _ => format!("A payment of {amount} to {payee} is waiting for your approval at the bank."),
    };
    format!("<p class=\"paid\" role=\"status\" data-testid=\"payment\" data-outcome=\"{}\">{text}</p>", esc(&p.outcome))
}

/// One bank's card on the dashboard (with its last payment, at a UK bank).
fn bank_card(bank: &BankInfo, view: &BankView, csrf: &str, paid: Option<&AggregatorPayment>) -> String {
    let name = esc(&bank.name);
    let (status, label, body) = match view {
        BankView::NotConnected => (
            "not-connected",
            "Not connected",
            button("connect", csrf, &bank.wid, &format!("Connect {name}"), &format!("Connect {name}"), "connect"),
        ),
        BankView::Ended => (
            "ended",
            "Ended",
            format!(
                "<p class=\"ended\" data-testid=\"ended\">This connection was ended by the bank or by you. Reconnect to see this bank again.</p>{}{}",
                button("connect", csrf, &bank.wid, "Reconnect", &format!("Reconnect {name}"), "reconnect"),
                button("disconnect", csrf, &bank.wid, "Forget", &format!("Forget {name}"), "forget")
            ),
        ),
        BankView::Unavailable(why) => (
            "unavailable",
            "Unavailable just now",
            format!(
                "<p class=\"error\">The bank could not be read: {}</p>{}",
                esc(why),
                button("disconnect", csrf, &bank.wid, "Disconnect", &format!("Disconnect {name}"), "disconnect")
            ),
        ),
        BankView::Connected { renewed, accounts } => {
            let note = if *renewed {
                "<p class=\"note\" data-testid=\"renewed\">Your access had expired; it was renewed.</p>"
            } else {
                ""
            };
            let list: String = accounts
                .iter()
                .map(|(a, txs)| {
                    let title = esc(a.nickname.as_deref().unwrap_or(&a.name));
                    let rows: String = txs
                        .iter()
                        .map(|t| {
                            format!(
                                "<tr data-testid=\"transaction\"><td>{}</td><td>{}</td><td class=\"amount\">{}</td></tr>",
                                esc(&t.booked),
                                esc(&t.description),
                                money(t.amount, &t.currency)
                            )
                        })
                        .collect();
                    format!(
                        "<section data-testid=\"account\" data-account-id=\"{}\"><h3>{} <span class=\"note\">{}</span></h3>\
<p>Balance: <strong data-testid=\"balance\" data-currency=\"{}\">{}</strong></p><table><caption>Recent transactions, {title}</caption>\
<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Description</th><th scope=\"col\">Amount</th></tr></thead><tbody>{rows}</tbody></table></section>",
                        esc(&a.id),
                        title,
                        esc(&a.masked_number),
                        esc(&a.currency),
                        money(a.balance, &a.currency)
                    )
                })
                .collect();
            let empty = if accounts.is_empty() { "<p>No accounts shared.</p>" } else { "" };
            let status = if *renewed { "renewed" } else { "connected" };
            let pay = if bank.regime == Regime::Uk { payment_box(bank, csrf, paid) } else { String::new() };
            (
                status,
                "Connected",
                format!(
                    "{note}{list}{empty}{}{pay}",
                    button("disconnect", csrf, &bank.wid, "Disconnect", &format!("Disconnect {name}"), "disconnect")
                ),
            )
        }
    };
    format!(
        "<article class=\"bank\" data-testid=\"bank\" data-bank=\"{}\" data-status=\"{status}\"><h2>{name}</h2>\
<p class=\"note\" data-testid=\"regime\">{}</p><p class=\"status\" data-testid=\"bank-status\">{label}</p>{body}</article>",
        esc(&bank.wid),
        regime_label(bank.regime)
    )
}

/// The dashboard of a signed-in user.
pub fn dashboard(username: &str, csrf: &str, banks: &[(BankInfo, BankView, Option<AggregatorPayment>)]) -> Response {
    let cards: String = banks.iter().map(|(b, v, p)| bank_card(b, v, csrf, p.as_ref())).collect();
    page(
        StatusCode::OK,
        &format!(
            "<div class=\"signed-in\">Signed in as <strong data-testid=\"aggregator-user\">{}</strong>. \
<form method=\"post\" action=\"/aggregator/sign-out\" class=\"inline\"><input type=\"hidden\" name=\"csrf_token\" value=\"{}\">\
<button type=\"submit\">Sign out</button></form></div><div class=\"banks\">{cards}</div>",
            esc(username),
            esc(csrf)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payment(outcome: &str, updated_at: i64) -> AggregatorPayment {
        AggregatorPayment {
            state: "s".into(),
            username: "demo".into(),
            bank: "obuk".into(),
            consent_id: "pdc-1".into(),
            initiation: r#"{"InstructedAmount":{"Amount":"12.34","Currency":"GBP"},"CreditorAccount":{"Name":"<Jo>"}}"#
                .into(),
            outcome: outcome.into(),
            payment_id: Some("pmt-1".into()),
            status: Some("AcceptedSettlementCompleted".into()),
            message: Some("Albion Bank said: <no>".into()),
            access_token: None,
            updated_at,
        }
    }

    #[test]
    fn each_payment_outcome_says_what_became_of_it() {
        let now = crate::sandbox::util::now();
        let made = payment_outcome(&payment("made", now));
        assert!(made.contains("Payment made") && made.contains("£12.34") && made.contains("pmt-1"), "{made}");
        assert!(made.contains("&lt;Jo&gt;") && !made.contains("<Jo>"), "escaped: {made}");
        assert!(payment_outcome(&payment("cancelled", now)).contains("Payment cancelled: £12.34"));
        let failed = payment_outcome(&payment("failed", now));
        assert!(failed.contains("Payment not made") && failed.contains("&lt;no&gt;"), "{failed}");
        let unknown = payment_outcome(&payment("unknown", now));
        assert!(unknown.contains("Payment outcome unknown: £12.34") && !unknown.contains("not made"), "{unknown}");
        assert!(payment_outcome(&payment("pending", now)).contains("waiting for your approval"));
        let stale = payment_outcome(&payment("pending", now - PENDING_TTL - 1));
        assert!(stale.contains("Payment not completed") && stale.contains("nothing was paid"), "{stale}");
    }
}
