// The seed tutorial's custom consent page (shared/seeds/000_…), re-created for `make bench` so
// that Assent's CPU per consent view can be compared with it on the same stub upstream.
//
// It does, per view, the work the tutorial does (written anew here, not copied):
//   1. GET /consent?login_id&login_state; an error page if either is missing.
//   2. A fresh System token on EVERY view: POST {origin}/{tid}/system/oauth2/token, client
//      credentials with client_secret_basic and scope manage_scope_grants. The tutorial caches
//      nothing, so neither does this: that per-view cost is part of what is compared.
//   3. GET {origin}/api/system/{tid}/scope-grants/{login_id}?login_state=… with that token.
//   4. Renders views/consent.hbs (hbs, the tutorial's Handlebars engine): one pre-checked
//      checkbox per requested scope, "display_name - description", Accept and Reject.
// Express, axios, qs, hbs and the express-generator middleware (json, urlencoded, cookie-parser,
// static) are the versions the tutorial's lockfile pins.
//
// Where it knowingly differs from the tutorial:
// - Login id, state and token live in the request, not in one global object shared by all users
//   (the tutorial's races under concurrent views; the work per view is the same). The form
//   carries login_id and login_state as hidden fields so accept/reject know which login.
// - TLS checks stay on (the tutorial switches them off); the bench talks plain http on loopback.
// - Accept/reject send JSON as application/json (the tutorial labels it as a form).
// - Query values are URL-encoded into the upstream URL (the tutorial concatenates them raw).
// - request_query_params.redirect_uri is read if present (the bench's stub does not send it; the
//   tutorial would throw and show its error page).
// - Request logging (morgan 'dev', the generator's default) only with LOG_REQUESTS=1: the bench
//   runs Assent with RUST_LOG=warn, so neither logs per view.
// The bench runs it twice: as the tutorial's `npm start` does (NODE_ENV unset: Express compiles
// the templates on every view), and with NODE_ENV=production (compiled once).
//
// Environment: AUTHORIZATION_SERVER_URL (issuer; only its origin is used), TENANT_ID, CLIENT_ID,
// CLIENT_SECRET, PORT (default 4001), HOST (default 127.0.0.1).
'use strict';

const path = require('path');
const express = require('express');
const cookieParser = require('cookie-parser');
const axios = require('axios');
const qs = require('qs');

function required(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`seed-node: ${name} is not set`);
    process.exit(2);
  }
  return v;
}

const tenant = required('TENANT_ID');
const origin = new URL(required('AUTHORIZATION_SERVER_URL')).origin;
const basic = Buffer.from(`${required('CLIENT_ID')}:${required('CLIENT_SECRET')}`, 'utf8').toString('base64');
const port = Number(process.env.PORT || 4001);
const host = process.env.HOST || '127.0.0.1';

const upstream = axios.create({ timeout: 10000 });

async function systemToken() {
  const res = await upstream.post(
    `${origin}/${encodeURIComponent(tenant)}/system/oauth2/token`,
    qs.stringify({ grant_type: 'client_credentials', scope: 'manage_scope_grants' }),
    { headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${basic}` } },
  );
  if (!res.data || !res.data.access_token) throw new Error('token response without access_token');
  return res.data.access_token;
}

function grantURL(loginId, suffix) {
  return `${origin}/api/system/${encodeURIComponent(tenant)}/scope-grants/${encodeURIComponent(loginId)}${suffix}`;
}

async function decide(res, action, body) {
  try {
    const token = await systemToken();
    const r = await upstream.post(grantURL(body.id, `/${action}`), body, {
      headers: { Authorization: `Bearer ${token}` },
    });
    res.redirect(r.data.redirect_to);
  } catch (e) {
    res.status(502).render('error', { msg: `failed to submit the consent decision: ${e.message}` });
  }
}

const app = express();
app.set('views', path.join(__dirname, 'views'));
app.set('view engine', 'hbs');
if (process.env.LOG_REQUESTS === '1') app.use(require('morgan')('dev'));
app.use(express.json());
app.use(express.urlencoded({ extended: false }));
app.use(cookieParser());
app.use(express.static(path.join(__dirname, 'public')));

app.get('/', (req, res) => res.send('Running'));

app.get('/consent', async (req, res) => {
  const { login_id: loginId, login_state: loginState } = req.query;
  if (typeof loginId !== 'string' || typeof loginState !== 'string' || !loginId || !loginState) {
    res.status(400).render('error', { msg: 'missing state and/or login id' });
    return;
  }
  try {
    const token = await systemToken();
    const r = await upstream.get(grantURL(loginId, `?login_state=${encodeURIComponent(loginState)}`), {
      headers: { Authorization: `Bearer ${token}` },
    });
    // Kept for the decision, as the tutorial keeps it (in its global state).
    const q = r.data.request_query_params;
    res.locals.redirectURI = q && q.redirect_uri ? q.redirect_uri[0] : undefined;
    res.render('consent', { scopes: r.data.requested_scopes || [], loginId, loginState });
  } catch (e) {
    res.status(502).render('error', { msg: `error getting scope grants: ${e.message}` });
  }
});

app.post('/accept', (req, res) => {
  const { login_id: id, login_state: state, ...checked } = req.body;
  decide(res, 'accept', { granted_scopes: Object.keys(checked), id, login_state: state });
});

app.get('/reject', (req, res) => {
  decide(res, 'reject', { id: req.query.login_id, login_state: req.query.login_state });
});

app.use((req, res) => res.status(404).render('error', { msg: 'not found' }));

app.listen(port, host, () => console.log(`seed-node: listening on http://${host}:${port}/`));
