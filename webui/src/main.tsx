// Starts the client: obtains the token (OAuth with PKCE), loads the account and the instance,
// opens the streaming connection and renders the app. Failures are shown in words.
import { render } from 'preact';
import * as api from './api';
import { App } from './app';
import { obtainToken, reauthorize } from './auth';
import { t } from './i18n';
import { instance, me } from './store';
import type { Account, Instance } from './types';
import { trackUnread } from './views';
import './styles.css';

const root = document.getElementById('app')!;

function fatal(message: string) {
  render(
    <div class="fatal" role="alert">
      <h1>{t('error.startTitle')}</h1>
      <p>{message}</p>
      <p><a class="button" href={location.pathname}>{t('common.retry')}</a> <a class="button secondary" href="/">{t('nav.landing')}</a></p>
    </div>,
    root,
  );
}

async function start() {
  const token = await obtainToken();
  api.setToken(token);
  api.setUnauthorizedHandler(() => {
    if (sessionStorage.getItem('herd.reauthorized')) return;
    sessionStorage.setItem('herd.reauthorized', '1');
    reauthorize();
  });
  const [account, server] = await Promise.all([
    api.get<Account>('/api/v1/accounts/verify_credentials'),
    api.get<Instance>('/api/v2/instance'),
  ]);
  sessionStorage.removeItem('herd.reauthorized');
  me.set(account);
  instance.set(server);
  document.querySelector('title')!.dataset.instance = server.title;
  api.streaming.start(server.configuration.urls?.streaming || location.origin);
  trackUnread();
  render(<App />, root);
}

start().catch((error: Error) => fatal(error.message || t('error.unknown')));
