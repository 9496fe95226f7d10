# Assent's texts in English. Keys are stable; each language file has every key.
# strftime format for dates (chrono): month names come from the locale.
date-format = %B %-d, %Y

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
home-demo-link = Open the sandbox demo application
home-demo-hint = Sign in as user, user2 or user3 with the password p@ssword!
home-fdx-demo-link = Open the sandbox Open Finance data recipient

## Consent screen
consent-page-title = Consent request
consent-title = { $client } wants access to your account
consent-signed-in = Signed in as { $user }
consent-asks = It asks to:
consent-also-receive = It will also receive:
consent-change-mind = You can change your mind at any time: revoke this access from your account page.
consent-required = (required to sign in)
consent-about-app = About this application
consent-nothing = Nothing to show
consent-nothing-lead = Open this page from the application you are signing in to.
consent-select-one = Select at least one permission to allow, or choose Deny.
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
not-found-title = Page not found
not-found-message = There is nothing at this address.
link-incomplete-title = This link is incomplete
link-incomplete-message = A consent page needs the login_id and login_state the authorization server adds. Go back to the application and sign in again.
link-invalid-title = This link is not valid
link-invalid-message = Its parameters are malformed. Go back to the application and sign in again.
flow-expired-title = This sign-in request has expired
flow-expired-message = It may have timed out, been completed already, or the link is incomplete. Go back to the application and sign in again.
answered-title = This request was already answered
answered-message = Your decision was recorded. Go back to the application to continue.
refused-title = This request is not valid
refused-message = The authorization server refused it. Go back to the application and sign in again.
busy-title = Too many requests right now
busy-message = The authorization server is busy. Wait a moment, then reload this page.
timeout-title = The authorization server is not answering
timeout-message = It took too long to respond. Reload this page in a moment; your sign-in is still waiting.
trouble-title = The authorization server is having trouble
trouble-message = Assent could not get a valid answer from it. Reload this page in a moment, or go back to the application and try again.
bad-redirect-message = It sent an unexpected address to continue to, and Assent did not follow it. Go back to the application and try again.
form-incomplete-title = This form is incomplete
form-incomplete-message = Go back to the application and sign in again.
form-choose = Choose Allow or Deny.
form-forged-title = This form could not be verified
form-forged-message = It was sent from another site, or from a page opened in another browser. Go back to the application and sign in again.
portal-load-failed = Your applications could not be loaded. Reload this page in a moment.
portal-off-title = The portal is not configured
portal-off-message = Set PORTAL_CLIENT_ID to enable it.
portal-form-forged-message = Open the portal again and try from there.
sign-in-unavailable-title = Sign-in is unavailable
sign-in-unavailable-message = The authorization server could not be reached. Try again in a moment.
sign-in-restart = Open the portal and sign in again.
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
fdx-until = { $days } days, until { $date }
fdx-ongoing = Until you stop it
fdx-lookback = How far back
fdx-lookback-days = Up to { $days } days of history
fdx-choose = Choose the accounts to share
fdx-choose-hint = Only the accounts you tick are shared. You can stop sharing at any time from your account page.
fdx-choose-one = Choose at least one account to share, or choose Deny.
fdx-no-accounts = You have no accounts that can be shared.
fdx-not-yours-title = This account cannot be shared
fdx-not-yours-message = One of the chosen accounts is not yours. Go back to the application and start again.
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
portal-fdx-title = Financial data you share
portal-fdx-empty = You share no financial data.
portal-fdx-accounts = Accounts:
portal-fdx-data = Data:
portal-fdx-created = Given { $date }
portal-fdx-expires = Ends { $date }
portal-fdx-revoke = Stop sharing
portal-fdx-revoke-label = Stop sharing with { $client }
fdx-revoke-title = Stop sharing your financial data with { $client }?
fdx-revoke-loses = { $client } can no longer fetch your account data, and its access tokens stop working at once.
portal-fdx-revoked = Sharing stopped. The recipient can no longer fetch your data.

## Interactive parts (islands) and their messages
internal-message = Something went wrong on our side. Try again in a moment.
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
