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
