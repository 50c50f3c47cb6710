// Settings: profile (display name, bio, avatar, header, fields, locked, bot, discoverable),
// preferences (posting defaults on the server; theme, motion and media in this browser), filters,
// muted and blocked accounts, blocked domains, browser sessions and authorized apps (revocable).
import { useEffect, useState } from 'preact/hooks';
import * as api from './api';
import { signOut } from './auth';
import { Empty, ErrorBox, Loading, Time } from './components';
import { t } from './i18n';
import { me, preferences, useStore } from './store';
import type { Account, Filter, Visibility } from './types';
import { toast } from './toast';
import { languageName, languages } from './compose';
import { AccountList, useLoad } from './views';

export const settingsSections = ['profile', 'preferences', 'filters', 'mutes', 'blocks', 'domain_blocks', 'authorized_apps'] as const;

function ProfileSettings() {
  const account = useStore(me);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState('');
  if (!account) return <Loading />;
  const fields = [...(account.source?.fields ?? account.fields)];
  while (fields.length < 4) fields.push({ name: '', value: '', verified_at: null });
  async function save(e: Event) {
    e.preventDefault();
    setSaving(true);
    setError('');
    const form = new FormData(e.target as HTMLFormElement);
    for (const name of ['avatar', 'header']) {
      const file = form.get(name);
      if (file instanceof File && file.size === 0) form.delete(name);
    }
    for (const name of ['locked', 'bot', 'discoverable']) form.set(name, form.get(name) ? 'true' : 'false');
    try {
      me.set(await api.patch<Account>('/api/v1/accounts/update_credentials', form));
      toast(t('settings.saved'));
    } catch (err) { setError((err as Error).message); }
    setSaving(false);
  }
  return (
    <form class="settings-form" onSubmit={save}>
      <label>{t('settings.displayName')}<input class="input" name="display_name" defaultValue={account.display_name} maxLength={30} /></label>
      <label>{t('settings.bio')}<textarea class="input" name="note" rows={4} defaultValue={account.source?.note ?? ''} maxLength={500} /></label>
      <div class="image-inputs">
        <label>{t('settings.avatar')}<img src={account.avatar} alt={t('settings.currentAvatar')} class="avatar preview" /><input type="file" name="avatar" accept="image/png,image/jpeg,image/gif,image/webp" /></label>
        <label>{t('settings.header')}<img src={account.header} alt={t('settings.currentHeader')} class="header-preview" /><input type="file" name="header" accept="image/png,image/jpeg,image/gif,image/webp" /></label>
      </div>
      <fieldset>
        <legend>{t('settings.fields')}</legend>
        {fields.slice(0, 4).map((f, i) => (
          <div class="field-row" key={i}>
            <input class="input" name={`fields_attributes[${i}][name]`} defaultValue={f.name} aria-label={t('settings.fieldName', { n: i + 1 })} placeholder={t('settings.fieldName', { n: i + 1 })} />
            <input class="input" name={`fields_attributes[${i}][value]`} defaultValue={f.value.replace(/<[^>]*>/g, '')} aria-label={t('settings.fieldValue', { n: i + 1 })} placeholder={t('settings.fieldValue', { n: i + 1 })} />
          </div>
        ))}
      </fieldset>
      <label class="check"><input type="checkbox" name="locked" defaultChecked={account.locked} /> {t('settings.locked')}</label>
      <label class="check"><input type="checkbox" name="bot" defaultChecked={account.bot} /> {t('settings.bot')}</label>
      <label class="check"><input type="checkbox" name="discoverable" defaultChecked={!!account.discoverable} /> {t('settings.discoverable')}</label>
      {error && <p class="error-text" role="alert">{error}</p>}
      <button type="submit" class="button" disabled={saving}>{saving ? t('settings.saving') : t('settings.save')}</button>
    </form>
  );
}

function Preferences() {
  const account = useStore(me);
  const local = useStore(preferences);
  const [visibility, setVisibility] = useState<Visibility>((account?.source?.privacy as Visibility) || 'public');
  const [sensitive, setSensitive] = useState(!!account?.source?.sensitive);
  const [language, setLanguage] = useState(account?.source?.language || '');
  async function save(e: Event) {
    e.preventDefault();
    try {
      me.set(await api.patch<Account>('/api/v1/accounts/update_credentials', { source: { privacy: visibility, sensitive, ...(language ? { language } : {}) } }));
      toast(t('settings.saved'));
    } catch (err) { toast((err as Error).message); }
  }
  return (
    <>
      <form class="settings-form" onSubmit={save}>
        <h2>{t('settings.posting')}</h2>
        <label>{t('settings.defaultVisibility')}
          <select value={visibility} onChange={(e) => setVisibility((e.target as HTMLSelectElement).value as Visibility)}>
            {(['public', 'unlisted', 'private'] as Visibility[]).map((v) => <option key={v} value={v}>{t(`visibility.${v}`)}</option>)}
          </select>
        </label>
        <label>{t('settings.defaultLanguage')}
          <select value={language} onChange={(e) => setLanguage((e.target as HTMLSelectElement).value)}>
            <option value="">{t('settings.languageBrowser')}</option>
            {[...new Set([...(language ? [language] : []), ...languages])].map((code) => <option key={code} value={code}>{languageName(code)}</option>)}
          </select>
        </label>
        <label class="check"><input type="checkbox" checked={sensitive} onChange={(e) => setSensitive((e.target as HTMLInputElement).checked)} /> {t('settings.defaultSensitive')}</label>
        <button type="submit" class="button">{t('settings.save')}</button>
      </form>
      <div class="settings-form">
        <h2>{t('settings.thisBrowser')}</h2>
        <label>{t('settings.theme')}
          <select value={local.theme} onChange={(e) => preferences.set({ ...local, theme: (e.target as HTMLSelectElement).value as 'system' })}>
            <option value="system">{t('settings.themeSystem')}</option><option value="light">{t('settings.themeLight')}</option><option value="dark">{t('settings.themeDark')}</option>
          </select>
        </label>
        <label class="check"><input type="checkbox" checked={local.reduceMotion} onChange={(e) => preferences.set({ ...local, reduceMotion: (e.target as HTMLInputElement).checked })} /> {t('settings.reduceMotion')}</label>
        <label class="check"><input type="checkbox" checked={local.showSensitive} onChange={(e) => preferences.set({ ...local, showSensitive: (e.target as HTMLInputElement).checked })} /> {t('settings.showSensitive')}</label>
      </div>
    </>
  );
}

function Filters() {
  const [filters, error, reload] = useLoad(() => api.get<Filter[]>('/api/v2/filters'), 'filters');
  const [title, setTitle] = useState('');
  const [keyword, setKeyword] = useState('');
  const [action, setAction] = useState('warn');
  async function create(e: Event) {
    e.preventDefault();
    try {
      await api.post('/api/v2/filters', { title, context: ['home', 'notifications', 'public', 'thread', 'account'], filter_action: action, keywords_attributes: [{ keyword, whole_word: true }] });
      setTitle(''); setKeyword(''); reload();
    } catch (err) { toast((err as Error).message); }
  }
  async function remove(id: string) {
    try { await api.del(`/api/v2/filters/${id}`); reload(); } catch (err) { toast((err as Error).message); }
  }
  return (
    <>
      <form class="settings-form" onSubmit={create}>
        <label>{t('filters.title')}<input class="input" value={title} required onInput={(e) => setTitle((e.target as HTMLInputElement).value)} /></label>
        <label>{t('filters.keyword')}<input class="input" value={keyword} required onInput={(e) => setKeyword((e.target as HTMLInputElement).value)} /></label>
        <label>{t('filters.action')}
          <select value={action} onChange={(e) => setAction((e.target as HTMLSelectElement).value)}>
            <option value="warn">{t('filters.warn')}</option><option value="hide">{t('filters.hide')}</option>
          </select>
        </label>
        <button type="submit" class="button">{t('filters.add')}</button>
      </form>
      {error !== null && <ErrorBox error={error} retry={reload} />}
      {filters && (filters.length === 0 ? <Empty>{t('filters.empty')}</Empty> : (
        <ul class="plain-list">{filters.map((f) => (
          <li key={f.id}><span><strong>{f.title}</strong> <span class="meta">{f.keywords.map((k) => k.keyword).join(', ')} · {t(`filters.${f.filter_action}`)}</span></span>
            <button type="button" class="link danger" onClick={() => remove(f.id)}>{t('common.delete')}</button></li>
        ))}</ul>
      ))}
    </>
  );
}

function Undo({ account, path, label, remove }: { account: Account; path: string; label: string; remove: () => void }) {
  return <button type="button" class="button small secondary" onClick={async () => {
    try { await api.post(`/api/v1/accounts/${account.id}/${path}`); remove(); } catch (e) { toast((e as Error).message); }
  }}>{label}</button>;
}

// Blocked domains (GET/POST/DELETE /api/v1/domain_blocks): nothing from them shows anywhere, and
// followers there are removed.
function DomainBlocks() {
  const [domains, setDomains] = useState<string[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [domain, setDomain] = useState('');
  async function load(url = '/api/v1/domain_blocks', more = false) {
    try {
      const page = await api.page<string[]>(url);
      setDomains((d) => (more && d ? [...d, ...page.items] : page.items));
      setNext(page.next);
      setError(null);
    } catch (e) { setError(e); }
  }
  useEffect(() => { void load(); }, []);
  async function block(e: Event) {
    e.preventDefault();
    const name = domain.trim().toLowerCase();
    if (!name || !confirm(t('domains.confirm', { domain: name }))) return;
    try { await api.post('/api/v1/domain_blocks', { domain: name }); setDomain(''); toast(t('domains.blocked', { domain: name })); void load(); } catch (err) { toast((err as Error).message); }
  }
  async function unblock(name: string) {
    try { await api.del(`/api/v1/domain_blocks?domain=${encodeURIComponent(name)}`); setDomains((d) => d && d.filter((x) => x !== name)); toast(t('domains.unblocked', { domain: name })); } catch (err) { toast((err as Error).message); }
  }
  return (
    <>
      <form class="inline-form" onSubmit={block}>
        <input class="input" value={domain} required onInput={(e) => setDomain((e.target as HTMLInputElement).value)} aria-label={t('domains.domain')} placeholder={t('domains.placeholder')} />
        <button type="submit" class="button">{t('domains.block')}</button>
      </form>
      <p class="meta">{t('domains.explain')}</p>
      {error !== null && <ErrorBox error={error} retry={() => void load()} />}
      {domains === null ? (error ? null : <Loading />) : domains.length === 0 ? <Empty>{t('domains.empty')}</Empty> : (
        <ul class="plain-list" aria-label={t('settings.section.domain_blocks')}>
          {domains.map((d) => <li key={d}><strong>{d}</strong><button type="button" class="button small secondary" onClick={() => unblock(d)}>{t('domains.unblock', { domain: d })}</button></li>)}
        </ul>
      )}
      {next && <button type="button" class="button secondary" onClick={() => void load(next, true)}>{t('timeline.loadMore')}</button>}
    </>
  );
}

interface Session { id: string; user_agent: string; ip: string; created_at: string; current: boolean }
interface AuthorizedApp { id: string; name: string; website: string | null; scopes: string[]; created_at: string; current: boolean }

// Browser sessions and applications holding tokens (herd's /api/v1/sessions and
// /api/v1/authorized_applications), each revocable.
function Sessions() {
  const [data, error, reload] = useLoad(() => Promise.all([api.get<Session[]>('/api/v1/sessions'), api.get<AuthorizedApp[]>('/api/v1/authorized_applications')]), 'sessions');
  async function revoke(path: string, question: string) {
    if (!confirm(question)) return;
    try { await api.del(path); toast(t('sessions.revoked')); reload(); } catch (err) { toast((err as Error).message); }
  }
  if (error) return <ErrorBox error={error} retry={reload} />;
  if (!data) return <Loading />;
  const [sessions, apps] = data;
  return (
    <>
      <h2>{t('sessions.browsers')}</h2>
      {sessions.length === 0 ? <Empty>{t('sessions.noBrowsers')}</Empty> : (
        <ul class="plain-list" aria-label={t('sessions.browsers')}>
          {sessions.map((s) => (
            <li key={s.id}>
              <span><strong>{browserName(s.user_agent)}</strong> <span class="meta">{s.ip || t('sessions.unknownAddress')} · <Time iso={s.created_at} /></span></span>
              {s.current ? <em class="meta">{t('sessions.thisBrowser')}</em>
                : <button type="button" class="button small secondary" onClick={() => revoke(`/api/v1/sessions/${s.id}`, t('sessions.confirmBrowser'))}>{t('sessions.signOut')}</button>}
            </li>
          ))}
        </ul>
      )}
      <h2>{t('sessions.apps')}</h2>
      {apps.length === 0 ? <Empty>{t('sessions.noApps')}</Empty> : (
        <ul class="plain-list" aria-label={t('sessions.apps')}>
          {apps.map((a) => (
            <li key={a.id}>
              <span><strong>{a.name}</strong> <span class="meta">{a.scopes.join(' ')} · <Time iso={a.created_at} /></span></span>
              {a.current ? <em class="meta">{t('sessions.thisApp')}</em>
                : <button type="button" class="button small secondary danger" onClick={() => revoke(`/api/v1/authorized_applications/${a.id}`, t('sessions.confirmApp', { name: a.name }))}>{t('sessions.revoke', { name: a.name })}</button>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

// "Firefox on Linux" from a User-Agent header; the header itself when nothing is recognised.
function browserName(agent: string): string {
  if (!agent) return t('sessions.unknownBrowser');
  const browser = /Edg\//.test(agent) ? 'Edge' : /Firefox\//.test(agent) ? 'Firefox' : /Chrom(e|ium)\//.test(agent) ? 'Chrome' : /Safari\//.test(agent) ? 'Safari' : '';
  const system = /Android/.test(agent) ? 'Android' : /iPhone|iPad/.test(agent) ? 'iOS' : /Windows/.test(agent) ? 'Windows' : /Mac OS X/.test(agent) ? 'macOS' : /Linux/.test(agent) ? 'Linux' : '';
  return browser && system ? t('sessions.browserOn', { browser, system }) : browser || agent.slice(0, 60);
}

export function Settings({ section }: { section: string }) {
  return (
    <section class="settings" aria-label={t('nav.settings')}>
      <nav class="tabs" aria-label={t('settings.sections')}>
        {settingsSections.map((s) => <a key={s} href={`/settings/${s}`} class={section === s ? 'tab active' : 'tab'} aria-current={section === s ? 'page' : undefined}>{t(`settings.section.${s}`)}</a>)}
      </nav>
      {section === 'profile' && <ProfileSettings />}
      {section === 'preferences' && <Preferences />}
      {section === 'filters' && <Filters />}
      {section === 'mutes' && <AccountList path="/api/v1/mutes" label={t('settings.section.mutes')} empty={t('settings.noMutes')} action={(a, remove) => <Undo account={a} path="unmute" label={t('account.unmute')} remove={remove} />} />}
      {section === 'blocks' && <AccountList path="/api/v1/blocks" label={t('settings.section.blocks')} empty={t('settings.noBlocks')} action={(a, remove) => <Undo account={a} path="unblock" label={t('account.unblock')} remove={remove} />} />}
      {section === 'domain_blocks' && <DomainBlocks />}
      {section === 'authorized_apps' && <Sessions />}
      {!settingsSections.includes(section as 'profile') && <ErrorBox error={t('error.notFound')} />}
      <nav class="settings-links" aria-label={t('settings.account')}>
        <a href="/auth/edit" data-server>{t('settings.emailPassword')}</a>
        <a href="/settings/two_factor" data-server>{t('settings.twoFactor')}</a>
        <a href="/auth/edit/notifications" data-server>{t('settings.emailPreferences')}</a>
        <a href="/settings/export" data-server>{t('settings.export')}</a>
        <a href="/settings/import" data-server>{t('settings.import')}</a>
        <a href="/settings/delete" data-server>{t('settings.deleteAccount')}</a>
      </nav>
      <p class="settings-foot"><button type="button" class="button secondary" onClick={() => void signOut(api.token())}>{t('nav.signOut')}</button></p>
    </section>
  );
}
