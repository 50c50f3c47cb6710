// Signing the client in the way every app does: OAuth 2 authorization code with PKCE against
// herd's /oauth/authorize. The server registered this first-party client and names it in the
// page's <meta> elements; a browser that is already signed in is sent straight back with a code.
import { t } from './i18n';

const TOKEN_KEY = 'herd.token';
const PENDING_KEY = 'herd.oauth';

function meta(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
}

export function csrfToken(): string { return meta('herd-csrf'); }

interface Stored { token: string; accountId: string }

function base64url(bytes: Uint8Array): string {
  let text = '';
  bytes.forEach((b) => { text += String.fromCharCode(b); });
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function forgetToken(): void { localStorage.removeItem(TOKEN_KEY); }

async function startAuthorization(): Promise<never> {
  if (!crypto.subtle) throw new Error(t('auth.insecure'));
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const returnTo = location.pathname + location.search;
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, returnTo }));
  const params = new URLSearchParams({
    response_type: 'code', client_id: meta('herd-client-id'), redirect_uri: meta('herd-redirect-uri'),
    scope: meta('herd-scopes'), state, code_challenge: challenge, code_challenge_method: 'S256',
  });
  location.assign(`/oauth/authorize?${params}`);
  return new Promise<never>(() => {});
}

async function finishAuthorization(): Promise<string> {
  const params = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as
    { verifier: string; state: string; returnTo: string } | null;
  sessionStorage.removeItem(PENDING_KEY);
  if (params.get('error')) throw new Error(params.get('error_description') || params.get('error') || '');
  if (!pending || pending.state !== params.get('state')) throw new Error(t('auth.stateMismatch'));
  const body = new URLSearchParams({
    grant_type: 'authorization_code', code: params.get('code') ?? '', client_id: meta('herd-client-id'),
    redirect_uri: meta('herd-redirect-uri'), code_verifier: pending.verifier,
  });
  const response = await fetch('/oauth/token', { method: 'POST', body });
  const json = await response.json().catch(() => ({}));
  if (!response.ok || !json.access_token) throw new Error(json.error_description || t('auth.failed'));
  const stored: Stored = { token: json.access_token, accountId: meta('herd-account-id') };
  localStorage.setItem(TOKEN_KEY, JSON.stringify(stored));
  history.replaceState(null, '', pending.returnTo && pending.returnTo !== '/web/oauth' ? pending.returnTo : '/home');
  return stored.token;
}

// The access token for this browser's signed-in account; redirects to authorize when there is
// none (the promise then never settles).
export async function obtainToken(): Promise<string> {
  if (location.pathname === '/web/oauth') return finishAuthorization();
  const stored = JSON.parse(localStorage.getItem(TOKEN_KEY) ?? 'null') as Stored | null;
  const accountId = meta('herd-account-id');
  if (stored?.token && (!accountId || stored.accountId === accountId)) return stored.token;
  return startAuthorization();
}

// Signs the browser out of herd (the server-rendered session) and forgets the token.
export async function signOut(token: string, clientId = meta('herd-client-id')): Promise<void> {
  await fetch('/oauth/revoke', { method: 'POST', body: new URLSearchParams({ token, client_id: clientId }) }).catch(() => {});
  forgetToken();
  const body = new URLSearchParams({ authenticity_token: csrfToken() });
  await fetch('/auth/sign_out', { method: 'POST', body, redirect: 'manual' }).catch(() => {});
  location.assign('/');
}

export function reauthorize(): void {
  forgetToken();
  void startAuthorization();
}
