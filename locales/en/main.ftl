# Assent's texts in English. Keys are stable; each language file has every key.
# strftime format for dates (chrono): month names come from the locale.
date-format = %B %-d, %Y
date-time-format = %B %-d, %Y, %H:%M %Z

## Shell
skip-to-content = Skip to content
language = Language
language-change = Change language
page-suffix = Assent

## Home
home-title = Home
home-lead = The consent screen of your authorization server: it shows people exactly what an application asks for, lets them grant all, some or none of it, and keeps their decision honest.
home-issuer = Authorization server:
home-portal-link = Review the applications you gave access to
home-console-link = Bank staff: the consent records console
home-demo-link = Open the sandbox demo application
home-demo-hint = Sign in as user, user2 … user12 with the password p@ssword!
home-fdx-demo-link = Open the sandbox Open Finance data recipient
home-aggregator-link = Open the sandbox account aggregator (it connects every sandbox bank)

## Consent screen
consent-page-title = Consent request
consent-title = { $client } wants access to your account
consent-signed-in = Signed in as { $user }
consent-asks = It asks to:
consent-also-receive = It will also receive:
# The standard OpenID Connect claims (Core §5.1) a request may ask for, as the screen names them; others show as the request names them.
claim-name = your full name
claim-given_name = your first name
claim-family_name = your last name
claim-middle_name = your middle name
claim-nickname = your nickname
claim-preferred_username = your username
claim-profile = your profile page
claim-picture = your picture
claim-website = your website
claim-email = your email address
claim-email_verified = whether your email address is verified
claim-gender = your gender
claim-birthdate = your date of birth
claim-zoneinfo = your time zone
claim-locale = your language and region
claim-phone_number = your phone number
claim-phone_number_verified = whether your phone number is verified
claim-address = your postal address
claim-updated_at = when your profile was last updated
consent-change-mind = You can change your mind at any time: revoke this access from your account page.
consent-required = (required to sign in)
consent-about-app = About this application
consent-unverified-title = Check that you started this
consent-unverified-device = This application gets your answer on this device ({ $where }), not at a website: no one has checked that it is what it says it is. Continue only if you started this yourself.
consent-unverified-app = This application gets your answer in an app on this device, one that names itself { $where }, not at a website: no one has checked that it is what it says it is. Continue only if you started this yourself.
consent-unverified-unencrypted = This application gets your answer at { $where } without encryption: no one has checked that it is what it says it is, and others on your network could read it. Continue only if you trust it.
consent-unverified-unreadable = This application gets your answer at an address that is not a website's: no one has checked that it is what it says it is. Continue only if you started this yourself.
consent-nothing = Nothing to show
consent-nothing-lead = Open this page from the application you are signing in to.
consent-select-one = Select at least one permission to allow, or choose Deny.
consent-accounts-without-permission = You chose accounts, but not the permission that shares them. Tick that permission, or untick the accounts.
link-website = Website
link-policy = Privacy policy
link-terms = Terms of service
other-permissions = Other permissions
allow = Allow
deny = Deny

## Portal
portal-title = Your connected applications
portal-lead = See every application you allowed to access your account, what each can do, and take access away whenever you want.
sign-in = Sign in
sign-out = Sign out
portal-signed-in = Signed in as { $user }
portal-filter-label = Filter by name
portal-filter = Filter
portal-empty = No application has access to your account. When you allow one, it appears here.
portal-no-match = No application matches this filter.
portal-apps-label = Applications with access
portal-active = Active
portal-granted = Access granted { $date }
portal-can = It can:
portal-receives = It receives:
portal-revoke = Revoke access
portal-revoke-label = Revoke access of { $client }
portal-revoked = Access revoked. The application can no longer use your account.
revoke-page-title = Revoke access
stop-page-title = Stop sharing
revoke-title = Revoke access of { $client }?
revoke-loses = { $client } immediately loses access to your account, and its sign-in tokens stop working.
revoke-data = It may still hold data it fetched before; ask the application if you want that deleted.
revoke-again = You can allow it again later by signing in to it.
revoke-nothing = Nothing to revoke.
cancel = Cancel

## Error pages
error-status = Error { $status }
error-request-id = Request id
error-home = Go to the start page
error-portal = Open the portal
error-console = Open the staff console
not-found-title = Page not found
not-found-message = There is nothing at this address.
link-incomplete-title = This link is incomplete
link-incomplete-message = A consent page needs the login_id and login_state the authorization server adds. Go back to the application and sign in again.
link-invalid-title = This link is not valid
link-invalid-message = Its parameters are malformed. Go back to the application and sign in again.
consent-type-title = This kind of consent is not offered here
consent-type-message = The application asked for a kind of consent this consent screen does not handle. Go back to the application.
flow-expired-title = This sign-in request has expired
flow-expired-message = It may have timed out, been completed already, or the link is incomplete. Go back to the application and sign in again.
answered-title = This request was already answered
answered-message = It was answered before, perhaps in another window, and that answer stands. Go back to the application to continue.
refused-title = This request is not valid
refused-message = The authorization server refused it. Go back to the application and sign in again.
busy-title = Too many requests right now
busy-message = The authorization server is busy. Wait a moment, then reload this page.
timeout-title = The authorization server is not answering
timeout-message = It took too long to respond. Reload this page in a moment; your sign-in is still waiting.
unanswered-title = Your choice was sent, but no answer came back
unanswered-message = The authorization server may have received it. Send it again right away to go on: the same choice is sent, and it counts only once.
unanswered-send-again = Send again
trouble-title = The authorization server is having trouble
trouble-message = Assent could not get a valid answer from it. Reload this page in a moment, or go back to the application and try again.
bad-redirect-message = It sent an unexpected address to continue to, and Assent did not follow it. Go back to the application and try again.
unsupported-title = This kind of request is not accepted
unsupported-message = Assent's forms send their fields as a web form does. Go back to the page and use its form.
not-allowed-title = This address is not a page
not-allowed-message = It is where a page's form sends its answer. Go back to that page and use its form.
form-incomplete-title = This form is incomplete
form-incomplete-message = Go back to the application and sign in again.
form-choose = Choose Allow or Deny.
form-forged-title = This form could not be verified
form-forged-message = It may have been open too long, opened in another browser, or sent from another site. Nothing was shared: go back to the application and start again.
portal-load-failed = Your applications could not be loaded. Reload this page in a moment.
portal-partial = Some of the data you share could not be loaded just now, so this list may be incomplete. Reload this page in a moment.
portal-off-title = The portal is not configured
portal-off-message = Set PORTAL_CLIENT_ID to enable it.
portal-form-forged-message = Open the portal again and try from there.
sign-in-unavailable-title = Sign-in is unavailable
sign-in-unavailable-message = The authorization server could not be reached. Try again in a moment.
sign-in-restart = Please sign in again to go on.
sign-in-unverified-title = This sign-in could not be verified
sign-in-expired-title = This sign-in has expired
sign-in-denied-title = You were not signed in
sign-in-failed-title = Sign-in failed
session-ended-title = Your session has ended

## Open Finance (FDX)
fdx-page-title = Share your financial data
fdx-title = { $client } wants access to your financial data
fdx-held-by = Your data is held by
fdx-data = It asks for
fdx-resource-ACCOUNT = From the accounts you choose
fdx-resource-CUSTOMER = About you
fdx-cluster-ACCOUNT_BASIC = Account type, name and masked number
fdx-cluster-ACCOUNT_DETAILED = Account details and balances
fdx-cluster-TRANSACTIONS = Transactions: amounts, dates and descriptions
fdx-cluster-STATEMENTS = Account statements
fdx-cluster-ACCOUNT_PAYMENTS = Account and routing numbers, for payments
fdx-cluster-INVESTMENTS = Investments and holdings
fdx-cluster-CUSTOMER_CONTACT = Your name, email address, phone number and postal address
fdx-cluster-CUSTOMER_PERSONAL = Personal details such as your date of birth
fdx-duration = For how long
fdx-once = Once: access ends after the data is fetched
fdx-until = { $days ->
    [1] 1 day, until { $date }
   *[other] { $days } days, until { $date }
}
fdx-until-date = Until { $date }
fdx-ongoing = Until you stop it
fdx-lookback = How far back
fdx-lookback-days = { $days ->
    [1] Up to 1 day of history
   *[other] Up to { $days } days of history
}
fdx-choose = Choose the accounts to share
fdx-choose-hint = Only the accounts you tick are shared.
fdx-choose-one = Choose at least one account to share, or choose Deny.
fdx-no-accounts = You have no accounts that can be shared.
fdx-not-yours-title = This account cannot be shared
fdx-not-yours-message = One of the chosen accounts is not yours. Go back to the application and start again.
accounts-unavailable = Accounts you cannot share now
portal-account-not-shared = not shared now
accounts-unavailable-reason = The bank does not allow this account to be used now.
account-joint-withheld-you = You turned sharing off for this joint account. It is shared again once every holder allows it.
account-joint-withheld-other = Another holder of this joint account has not allowed its sharing. It is shared once every holder allows it.
account-unavailable-title = This account cannot be used now
account-unavailable-message = The bank says an account you chose cannot be shared or paid from now, so nothing was sent. Choose from the accounts offered now.
fdx-other-holder-title = Another account holder gave this consent
fdx-other-holder-message = Another holder of a joint account gave it, so only they can stop it. To stop your joint account's data going out, turn its sharing off under Joint accounts, or contact your bank.
fdx-balance = Balance
fdx-scopes = Permissions
account-kind-CHECKING = Checking
account-kind-SAVINGS = Savings
account-kind-CREDIT_CARD = Credit card
fdx-status-Authorised = Active
fdx-status-AwaitingAuthorisation = Waiting for approval
fdx-status-Rejected = Rejected
fdx-status-Revoked = Stopped
fdx-status-Expired = Expired
portal-records-title = Your consent records
portal-records-lead = Every consent you gave here, current and past. Each has a receipt you can keep.
portal-record-authorized = Active
portal-record-revoked = Ended
portal-record-rejected = Declined
portal-record-expired = Expired
portal-record-given = Given { $date }
portal-record-declined = Declined { $date }
portal-record-asked = Asked for:
portal-record-ended-customer = Ended by you { $date }
portal-record-ended-co-holder = Ended by the other holder of a joint account { $date }
portal-record-ended-staff = Ended by { $name } at the bank { $date }: { $reason }
portal-record-ended-application = Ended by the application { $date }
portal-record-ended-server = Ended at the bank { $date }
portal-record-ended-expiry = Ended { $date }, at the end of the period it was given for
portal-record-ended-now = Ended by you just now
portal-client-at-bank = { $client } at { $bank }
portal-record-shares = Shares:
portal-record-receipt = Download the receipt
receipt-collection-method = Online consent screen (Assent), shown to the signed-in customer
receipt-purpose-category = Sharing data with a third-party application
receipt-termination = Revocable at any time, by the customer in the bank's consent portal or by the bank.
receipt-financial-data = Financial account data
portal-record-receipt-label = Download the receipt of your consent to { $client }
portal-fdx-title = Financial data you share
portal-fdx-empty = You share no financial data.
portal-fdx-accounts = Accounts:
portal-fdx-data = Data:
portal-fdx-created = Given { $date }
portal-fdx-expires = Ends { $date }
portal-expired-on = Expired { $date }
portal-shared = { $count ->
    [one] Shared once, on { $date }: { $data }
   *[other] Shared { $count } times, last on { $date }: { $data }
}
portal-shared-none = Nothing shared yet
portal-shared-undated = { $count ->
    [one] Shared once: { $data }
   *[other] Shared { $count } times: { $data }
}
portal-shared-never = Nothing was shared
portal-shared-accounts = account names and numbers
portal-shared-balances = balances
portal-shared-transactions = transactions
portal-fdx-revoke = Stop sharing
portal-fdx-revoke-label = Stop sharing with { $client }
portal-fdx-other-holder = Given by another holder of a joint account: only they can stop it.
portal-joint-title = Joint accounts
portal-joint-lead = A joint account's data is shared only while every holder allows it. Any holder can stop it alone, at once, for every app; it starts again only once every holder allows it.
portal-joint-held = at { $bank } · { $others ->
    [1] 1 other holder
   *[other] { $others } other holders
}
portal-joint-others = { $others ->
    [1] 1 other holder
   *[other] { $others } other holders
}
portal-joint-shared = Shared: apps that you or another holder allowed can receive its data.
portal-joint-not-shared = Not shared now: { $reason }
portal-joint-stop = Turn sharing off
portal-joint-stop-label = Turn sharing off for { $account }
portal-joint-allow = Allow sharing
portal-joint-allow-label = Allow sharing of { $account }
portal-joint-allowed = You allow sharing your joint account. It is shared once every holder allows it.
portal-joint-stopped = Your joint account is no longer shared. No app receives its data until every holder allows it again.
fdx-revoke-title = Stop sharing your financial data with { $client }?
fdx-revoke-loses = { $client } can no longer fetch your account data, and its access tokens stop working at once.
portal-fdx-revoked = Sharing stopped. The recipient can no longer fetch your data.

## Interactive parts (islands) and their messages
internal-message = Something went wrong on our side. Try again in a moment.
no-customer-title = Your bank could not tell which customer you are
no-customer-message = The sign-in did not say which of the bank's customers you are, so no account can be shown or shared. Nothing was shared or changed. Please tell your bank; the request id below helps them find it.
records-down-title = Nothing was shared
records-down-message = The bank could not keep a record of your consent just now, so nothing was shared with the application. Try again in a moment.
records-unavailable-title = Consent records are unavailable
records-unavailable-message = The bank's records of consents cannot be read or changed just now, and nothing was changed. Try again in a moment.
record-behind-title = Access ended; its record is behind
record-behind-message = The application's access has ended, but the bank's record of the consent could not be updated just now. Try again in a moment to bring the record up to date.
store-down-title = Your portal is briefly unavailable
store-down-message = Assent cannot reach the place it keeps sign-ins right now. Nothing you shared or stopped has changed. Reload this page in a moment; if you are asked to sign in again, that is expected.
offline-message = Assent could not be reached. Check your connection and try again.
sending = Sending…
select-all = Select all
select-none = Select none
consent-summary = You are sharing { $n } of { $total } permissions.
consent-already-shared = Already shared
fdx-summary = { $n } chosen: { $accounts }
fdx-none-chosen = No account chosen yet.
fdx-allow-one = Allow: share 1 account
fdx-allow-n = Allow: share { $n } accounts
portal-revoked-named = Access of { $client } revoked. It can no longer use your account.
portal-fdx-revoked-named = Stopped sharing with { $client }. It can no longer fetch your data.
console-title = Consent records: bank staff
title-error = Error: { $title }
console-results-title = Search: { $query }
console-record-title = { $customer } with { $client }
console-lead = For the bank's consent team: find a customer's consents, read their history, and revoke them.
console-sign-in = Sign in as staff
console-signed-in = Signed in as { $name }
console-search-label = Customer id, account id, application or user
console-search = Search
console-search-hint = Exact match on the customer id, the user's subject, an account id or an application's client id.
console-none = No consent records match.
console-found = { $count ->
    [1] One consent record found.
   *[other] { $count } consent records found, newest first.
}
console-more = Only the newest are shown: narrow the search to see the rest.
console-customer = Customer
console-bank = Bank
console-subject = User
console-back = Back to the search
console-record-id = Record
console-application = Application
console-given = Given
console-declined = Declined
console-scopes = Scopes
console-accounts = Accounts
console-warned = Warning shown
console-warned-device = The application gets its answer on the customer's device ({ $where }), not at a website: the consent screen warned that no one had checked who it is.
console-warned-app = The application gets its answer in an app on the customer's device that names itself { $where }, not at a website: the consent screen warned that no one had checked who it is.
console-warned-unencrypted = The application gets its answer at { $where } without encryption: the consent screen warned that no one had checked who it is.
console-warned-unreadable = The application gets its answer at an address that is not a website's: the consent screen warned that no one had checked who it is.
console-history = History
console-revoke-title = Revoke this consent
console-reason = Reason (the customer sees it)
console-revoke = Revoke this consent
console-provider-title = { $count ->
    [1] Revoke every consent given to { $client } at { $bank } (1 active)
   *[other] Revoke every consent given to { $client } at { $bank } ({ $count } active)
}
console-provider-consequence = Every customer's consent to this application ends now, and its tokens stop working.
console-provider-revoke = Revoke this provider
console-provider-revoked = { $count ->
    [1] One consent revoked.
   *[other] { $count } consents revoked.
}
console-revoked = The consent was revoked; its tokens no longer work.
console-reason-needed = Give a reason (at most 500 characters): it is recorded and shown to the customer.
console-confirm-one-title = Revoke customer { $customer }'s consent to { $client }?
console-confirm-one-tokens = { $client } loses the access this consent gave: its tokens stop working now.
console-confirm-all-title = { $count ->
    [1] Revoke the one active consent given to { $client } at { $bank }?
   *[other] Revoke all { $count } consents given to { $client } at { $bank }?
}
console-confirm-all-tokens = Every customer's consent to { $client } ends now, and every token it holds stops working.
console-confirm-reason = Each customer sees your name and your reason in their history.
console-confirm-reason-one = The customer sees your name and your reason in their history.
console-confirm-undo = It cannot be undone: a customer can only consent again from the application.
console-check-one = I confirm: { $client } loses this consent's access now, and this cannot be undone.
console-check-all = { $count ->
    [1] I confirm: the one active consent given to { $client } ends now, and this cannot be undone.
   *[other] I confirm: all { $count } consents given to { $client } end now, and this cannot be undone.
}
console-confirm-needed = Tick the box to confirm the revocation: nothing was revoked.
console-by-customer = by the customer
console-by-staff = by { $name } (bank staff)
console-by-application = by the application
console-by-server = by the authorization server
console-by-co-holder = by another holder of a joint account
record-reason-amended = Replaced by an amendment
record-reason-ended-upstream = Ended at the authorization server before this record was settled
console-event-granted = Granted
console-event-rejected = Declined
console-event-revoked = Revoked
console-event-expired = Expired
not-staff-title = This console is for bank staff
not-staff-message = Your account does not hold the consent staff role, so the console stays closed. Customers can see and stop their consents in the portal.
console-not-kept = Consent records are not kept by Assent here: with external consent storage, that system lists and revokes them.

## UK Open Banking account access
consent-expired-title = This request has expired
consent-expired-message = The application's request for access has expired, so it can no longer be given. Go back to the application and start again.
obuk-page-title = Share your account information
obuk-title = { $client } wants to see information from your accounts
obuk-data = It asks to see
obuk-cluster-account-details = Your account details
obuk-cluster-line-account-details = Your account name, sort code and number, card number and balance.
obuk-cluster-regular-payments = Your regular payments
obuk-cluster-line-regular-payments = Payees you have set up, your direct debits, standing orders and future payments.
obuk-cluster-transactions = Your account transactions
obuk-cluster-line-transactions = Money in and out of your account: amounts, dates and descriptions.
obuk-cluster-statements = Your statements
obuk-cluster-line-statements = Your account statements and what they show.
obuk-cluster-features = Your account features and benefits
obuk-cluster-line-features = The type of account, its fees, charges and interest, and offers available to you.
obuk-cluster-party = Contact and party details
obuk-cluster-line-party = The name, address, phone number and email held for you and the other holders of the account.
obuk-cluster-other = Other data
obuk-until = Until
obuk-window = Transactions it may see
obuk-window-from = from
obuk-window-to = until
obuk-summary = Accounts you are sharing: { $accounts }

## CDR arrangements (Australia): the data language standards' clusters and permissions
cdr-page-title = Share your banking data
cdr-title = { $client } wants to see your banking data
cdr-amend-title = { $client } wants to change what you share
cdr-amend-lead = You already share data with this recipient. This request changes that arrangement: what is marked new is added, and what is listed under “No longer shared” stops being shared once you agree.
cdr-amend-accounts = Choose again the accounts to share: accounts you share now are marked, and any you leave unticked stop being shared.
cdr-data = It asks to see
cdr-new = New
cdr-removed = No longer shared
cdr-shared-now = Shared now
cdr-leaves-arrangement = Shared under this arrangement until now; it stops being shared if you agree to this change.
cdr-before = Until now
cdr-once = Once: the recipient collects your data one time only
cdr-for = { $period },
cdr-until = until
cdr-history = Historical data
cdr-history-from = Transactions from as far back as
cdr-period-hours = { $n ->
    [1] 1 hour
   *[other] { $n } hours
}
cdr-period-days = { $n ->
    [1] 1 day
   *[other] { $n } days
}
cdr-period-months = { $n ->
    [1] 1 month
   *[other] { $n } months
}
cdr-cluster-accounts-basic = Account name, type and balance
cdr-cluster-line-accounts-basic = Name of account; Type of account; Account balance.
cdr-cluster-accounts-detail = Account numbers and features
cdr-cluster-line-accounts-detail = Account number; Interest rates; Fees; Discounts; Account terms; Account mail address.
cdr-cluster-transactions = Transaction details
cdr-cluster-line-transactions = Incoming and outgoing transactions; Amounts; Dates; Descriptions of transactions; Who you have sent money to and received money from (e.g. their name).
cdr-cluster-regular-payments = Direct debits and scheduled payments
cdr-cluster-line-regular-payments = Direct debits; Scheduled payments.
cdr-cluster-payees = Saved payees
cdr-cluster-line-payees = Names and details of accounts you have saved (e.g. their BSB and account number, BPAY CRN and biller code, or NPP PayID).
cdr-cluster-customer-basic = Name and occupation
cdr-cluster-line-customer-basic = Name; Occupation.
cdr-cluster-customer-detail = Contact details
cdr-cluster-line-customer-detail = Phone; Email address; Mail address; Residential address.
cdr-cluster-profile = Your name
cdr-cluster-line-profile = Your name, to confirm who you are when you sign in.
cdr-cluster-other = Other data
## UK domestic payments
payment-page-title = Confirm a payment
payment-title = { $client } wants to make a payment from your account
payment-amount = Amount
payment-payee = To
payment-reference = Reference
payment-details = Details
payment-once = This payment is made once, as soon as you confirm it. It cannot be stopped afterwards.
payment-from = Pay from
payment-unavailable = Accounts you cannot pay from now
payment-choose-account = Choose the account to pay from, or cancel the payment.
payment-fixed = The application chose this account; it cannot be changed here.
payment-cancel = Cancel payment
payment-pay = Pay { $amount }
payment-debtor-title = This payment cannot be made from here
payment-debtor-message = The application asked to pay from an account that is not one of yours. Nothing was paid. Go back to the application and start again.
payment-debtor-unavailable-message = The application asked to pay from an account the bank says cannot be used now. Nothing was paid. Go back to the application and start again.
payment-made-title = A payment cannot be stopped
payment-made-message = This payment was made once, when it was confirmed; its record says what was paid. There is nothing to stop.
console-paid = Paid
portal-payments-title = Payments
portal-payments-lead = Payments applications made from your accounts with your confirmation. Each was made once; there is nothing to stop.
portal-payment-from = Paid from
portal-payment-date = Date
portal-payment-paid = Paid
portal-payment-authorised = Confirmed
portal-payment-line = Payment of { $amount } to { $payee }
