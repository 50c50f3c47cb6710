// Settings: profile (display name, bio, avatar, header, fields, locked, bot, discoverable),
// preferences (posting defaults on the server; theme, motion and media in this browser), filters,
// muted and blocked accounts.
import { useState } from 'preact/hooks';
import * as api from './api';
import { signOut } from './auth';
import { Empty, ErrorBox, Loading } from './components';
import { t } from './i18n';
import { me, preferences, useStore } from './store';
import type { Account, Filter, Visibility } from './types';
import { toast } from './toast';
import { AccountList, useLoad } from './views';

export const settingsSections = ['profile', 'preferences', 'filters', 'mutes', 'blocks'] as const;

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
  async function save(e: Event) {
    e.preventDefault();
    try {
      me.set(await api.patch<Account>('/api/v1/accounts/update_credentials', { source: { privacy: visibility, sensitive } }));
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
      {!settingsSections.includes(section as 'profile') && <ErrorBox error={t('error.notFound')} />}
      <p class="settings-foot"><button type="button" class="button secondary" onClick={() => void signOut(api.token())}>{t('nav.signOut')}</button></p>
    </section>
  );
}
