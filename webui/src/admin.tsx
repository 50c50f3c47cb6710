// Staff tools through the admin API: reports (assign, resolve, act on the account), accounts
// (approve, reject, silence, suspend, mark sensitive, and undo), domain blocks; for admins also
// the rules, announcements, the instance's documents and the registration mode (herd's admin API
// extensions). Loaded only when a staff member opens /admin (a separate chunk).
import { useState } from 'preact/hooks';
import * as api from './api';
import { Avatar, DisplayName, Empty, ErrorBox, Loading, Time } from './components';
import { t } from './i18n';
import { StatusView } from './status';
import { cacheStatuses, instance, me } from './store';
import type { AdminAccount, AdminReport, DomainBlock, Instance, Rule } from './types';
import { toast } from './toast';
import { useLoad } from './views';

export const adminSections = ['reports', 'accounts', 'domain_blocks', 'rules', 'announcements', 'documents', 'site'] as const;
const adminOnly = ['rules', 'announcements', 'documents', 'site'];

async function call(path: string, body?: object, method: 'post' | 'put' | 'del' = 'post'): Promise<boolean> {
  try {
    if (method === 'del') await api.del(path); else await api[method](path, body);
    toast(t('admin.done'));
    return true;
  } catch (e) { toast((e as Error).message); return false; }
}

function Reports() {
  const [resolved, setResolved] = useState(false);
  const [reports, error, reload] = useLoad(() => api.get<AdminReport[]>('/api/v1/admin/reports', { resolved }), String(resolved));
  return (
    <>
      <div class="tabs" role="tablist" aria-label={t('admin.reportState')}>
        <button type="button" role="tab" aria-selected={!resolved} class={!resolved ? 'tab active' : 'tab'} onClick={() => setResolved(false)}>{t('admin.unresolved')}</button>
        <button type="button" role="tab" aria-selected={resolved} class={resolved ? 'tab active' : 'tab'} onClick={() => setResolved(true)}>{t('admin.resolved')}</button>
      </div>
      {error !== null && <ErrorBox error={error} retry={reload} />}
      {reports === null ? (error ? null : <Loading />) : reports.length === 0 ? <Empty>{t('admin.noReports')}</Empty> : (
        <ul class="plain-list">
          {reports.map((r) => (
            <li key={r.id}>
              <a href={`/admin/reports/${r.id}`}>{t('admin.reportTitle', { id: r.id, acct: r.target_account.account.acct })}</a>
              <span class="meta">{t('admin.reportedBy', { acct: r.account.account.acct })} · <Time iso={r.created_at} /></span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function ReportView({ id }: { id: string }) {
  const [report, error, reload] = useLoad(() => api.get<AdminReport>(`/api/v1/admin/reports/${id}`), id);
  const [action, setAction] = useState('none');
  const [text, setText] = useState('');
  if (error) return <ErrorBox error={error} retry={reload} />;
  if (!report) return <Loading />;
  async function call(path: string, body?: object) {
    try { await api.post(path, body); toast(t('admin.done')); reload(); } catch (e) { toast((e as Error).message); }
  }
  const target = report.target_account;
  return (
    <section class="report" aria-label={t('admin.reportTitle', { id: report.id, acct: target.account.acct })}>
      <h2>{t('admin.reportTitle', { id: report.id, acct: target.account.acct })}</h2>
      <p class="meta">{t('admin.reportedBy', { acct: report.account.account.acct })} · <Time iso={report.created_at} /> · {t('admin.category', { category: report.category })} · {report.action_taken ? t('admin.resolved') : t('admin.unresolved')}</p>
      {report.comment && <blockquote class="report-comment">{report.comment}</blockquote>}
      <a class="account-row" href={`/@${target.account.acct}`}><Avatar account={target.account} size={40} /><DisplayName account={target.account} /></a>
      {report.statuses.length > 0 && <><h3>{t('admin.reportedPosts')}</h3>{cacheStatuses(report.statuses).map((s) => <StatusView key={s} id={s} />)}</>}
      <form class="settings-form" onSubmit={(e) => { e.preventDefault(); void call(`/api/v1/admin/accounts/${target.id}/action`, { type: action, report_id: report.id, text }); }}>
        <h3>{t('admin.actOn', { acct: target.account.acct })}</h3>
        <fieldset>
          <legend>{t('admin.action')}</legend>
          {['none', 'sensitive', 'silence', 'suspend'].map((a) => (
            <label class="check" key={a}><input type="radio" name="action" value={a} checked={action === a} onChange={() => setAction(a)} /> {t(`admin.action.${a}`)}</label>
          ))}
        </fieldset>
        <label>{t('admin.actionNote')}<textarea class="input" rows={2} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} /></label>
        <button type="submit" class="button">{t('admin.apply')}</button>
      </form>
      <div class="row-actions">
        {report.action_taken
          ? <button type="button" class="button secondary" onClick={() => call(`/api/v1/admin/reports/${report.id}/reopen`)}>{t('admin.reopen')}</button>
          : <button type="button" class="button secondary" onClick={() => call(`/api/v1/admin/reports/${report.id}/resolve`)}>{t('admin.resolve')}</button>}
        {!report.assigned_account && <button type="button" class="button secondary" onClick={() => call(`/api/v1/admin/reports/${report.id}/assign_to_self`)}>{t('admin.assign')}</button>}
      </div>
    </section>
  );
}

function Accounts() {
  const [status, setStatus] = useState('pending');
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const [accounts, error, reload] = useLoad(() => api.get<AdminAccount[]>('/api/v2/admin/accounts', search ? { username: search } : { origin: 'local', status }), `${status} ${search}`);
  const act = async (path: string, body?: object) => { if (await call(path, body)) reload(); };
  return (
    <>
      <form class="inline-form" role="search" onSubmit={(e) => { e.preventDefault(); setSearch(query.trim().replace(/^@/, '')); }}>
        <input class="input" type="search" value={query} aria-label={t('admin.findAccount')} placeholder={t('admin.findAccount')} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
        <button type="submit" class="button secondary">{t('nav.search')}</button>
      </form>
      <div class="tabs" role="tablist" aria-label={t('admin.accountState')}>
        {['pending', 'active', 'silenced', 'suspended', 'disabled'].map((s) => (
          <button type="button" role="tab" key={s} aria-selected={!search && status === s} class={!search && status === s ? 'tab active' : 'tab'} onClick={() => { setSearch(''); setQuery(''); setStatus(s); }}>{t(`admin.status.${s}`)}</button>
        ))}
      </div>
      {error !== null && <ErrorBox error={error} retry={reload} />}
      {accounts === null ? (error ? null : <Loading />) : accounts.length === 0 ? <Empty>{t('admin.noAccounts')}</Empty> : (
        <ul class="account-list">
          {accounts.map((a) => (
            <li key={a.id}>
              <a class="account-row" href={`/@${a.account.acct}`}><Avatar account={a.account} size={40} /><DisplayName account={a.account} /></a>
              <span class="meta">{[a.email, a.invite_request, a.silenced && t('admin.status.silenced'), a.suspended && t('admin.status.suspended'), a.sensitized && t('admin.sensitized')].filter(Boolean).join(' · ')}</span>
              <div class="row-actions">
                {!a.approved && <button type="button" class="button small" onClick={() => act(`/api/v1/admin/accounts/${a.id}/approve`)}>{t('admin.approve')}</button>}
                {!a.approved && <button type="button" class="button small secondary" onClick={() => act(`/api/v1/admin/accounts/${a.id}/reject`)}>{t('admin.reject')}</button>}
                {a.approved && !a.sensitized && <button type="button" class="button small secondary" onClick={() => act(`/api/v1/admin/accounts/${a.id}/action`, { type: 'sensitive' })}>{t('admin.action.sensitive')}</button>}
                {a.sensitized && <button type="button" class="button small secondary" onClick={() => act(`/api/v1/admin/accounts/${a.id}/unsensitive`)}>{t('admin.unsensitive')}</button>}
                {a.approved && !a.silenced && <button type="button" class="button small secondary" onClick={() => act(`/api/v1/admin/accounts/${a.id}/action`, { type: 'silence' })}>{t('admin.action.silence')}</button>}
                {a.silenced && <button type="button" class="button small secondary" onClick={() => act(`/api/v1/admin/accounts/${a.id}/unsilence`)}>{t('admin.unsilence')}</button>}
                {a.approved && !a.suspended && <button type="button" class="button small secondary danger" onClick={() => act(`/api/v1/admin/accounts/${a.id}/action`, { type: 'suspend' })}>{t('admin.action.suspend')}</button>}
                {a.suspended && <button type="button" class="button small secondary" onClick={() => act(`/api/v1/admin/accounts/${a.id}/unsuspend`)}>{t('admin.unsuspend')}</button>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function DomainBlocks() {
  const [blocks, error, reload] = useLoad(() => api.get<DomainBlock[]>('/api/v1/admin/domain_blocks'), 'blocks');
  const [domain, setDomain] = useState('');
  const [severity, setSeverity] = useState('silence');
  async function add(e: Event) {
    e.preventDefault();
    try { await api.post('/api/v1/admin/domain_blocks', { domain, severity }); setDomain(''); reload(); } catch (err) { toast((err as Error).message); }
  }
  async function remove(id: string) {
    try { await api.del(`/api/v1/admin/domain_blocks/${id}`); reload(); } catch (err) { toast((err as Error).message); }
  }
  return (
    <>
      <form class="inline-form" onSubmit={add}>
        <input class="input" value={domain} required onInput={(e) => setDomain((e.target as HTMLInputElement).value)} aria-label={t('admin.domain')} placeholder={t('admin.domain')} />
        <select value={severity} aria-label={t('admin.severity')} onChange={(e) => setSeverity((e.target as HTMLSelectElement).value)}>
          <option value="silence">{t('admin.action.silence')}</option><option value="suspend">{t('admin.action.suspend')}</option><option value="noop">{t('admin.action.none')}</option>
        </select>
        <button type="submit" class="button">{t('admin.block')}</button>
      </form>
      {error !== null && <ErrorBox error={error} retry={reload} />}
      {blocks && (blocks.length === 0 ? <Empty>{t('admin.noDomainBlocks')}</Empty> : (
        <ul class="plain-list">{blocks.map((b) => <li key={b.id}><span><strong>{b.domain}</strong> <span class="meta">{b.severity}</span></span><button type="button" class="link danger" onClick={() => remove(b.id)}>{t('admin.unblock')}</button></li>)}</ul>
      ))}
    </>
  );
}

export function Admin({ section }: { section: string }) {
  const role = me.get()?.role?.name.toLowerCase() ?? '';
  const isAdmin = role === 'admin' || role === 'owner';
  return (
    <section class="admin" aria-label={t('nav.admin')}>
      <nav class="tabs" aria-label={t('admin.sections')}>
        {adminSections.filter((s) => isAdmin || !adminOnly.includes(s)).map((s) => <a key={s} href={`/admin/${s}`} class={section === s ? 'tab active' : 'tab'} aria-current={section === s ? 'page' : undefined}>{t(`admin.section.${s}`)}</a>)}
      </nav>
      {section === 'reports' && <Reports />}
      {section === 'accounts' && <Accounts />}
      {section === 'domain_blocks' && <DomainBlocks />}
      {section === 'rules' && <Rules />}
      {section === 'announcements' && <AnnouncementsAdmin />}
      {section === 'documents' && <Documents />}
      {section === 'site' && <Site />}
    </section>
  );
}

// ---- admins: herd's admin API extensions ----------------------------------------------------------

function RuleRow({ rule, onChange }: { rule: Rule; onChange: () => void }) {
  const [text, setText] = useState(rule.text);
  const [hint, setHint] = useState(rule.hint ?? '');
  return (
    <li class="edit-row">
      <form class="settings-form" onSubmit={async (e) => { e.preventDefault(); if (await call(`/api/v1/admin/rules/${rule.id}`, { text, hint }, 'put')) onChange(); }}>
        <label>{t('admin.ruleText')}<input class="input" value={text} required maxLength={300} onInput={(e) => setText((e.target as HTMLInputElement).value)} /></label>
        <label>{t('admin.ruleHint')}<input class="input" value={hint} maxLength={1000} onInput={(e) => setHint((e.target as HTMLInputElement).value)} /></label>
        <div class="row-actions">
          <button type="submit" class="button small">{t('settings.save')}</button>
          <button type="button" class="button small secondary danger" onClick={async () => { if (confirm(t('admin.confirmDelete')) && await call(`/api/v1/admin/rules/${rule.id}`, undefined, 'del')) onChange(); }}>{t('common.delete')}</button>
        </div>
      </form>
    </li>
  );
}

// The rules people agree to at sign-up and cite in reports (/api/v1/instance/rules shows them).
function Rules() {
  const [rules, error, reload] = useLoad(() => api.get<Rule[]>('/api/v1/admin/rules'), 'rules');
  const [text, setText] = useState('');
  const [hint, setHint] = useState('');
  const refresh = () => { reload(); void api.get<Instance>('/api/v2/instance').then((i) => instance.set(i), () => {}); };
  return (
    <>
      <form class="settings-form" onSubmit={async (e) => { e.preventDefault(); if (await call('/api/v1/admin/rules', { text, hint })) { setText(''); setHint(''); refresh(); } }}>
        <h2>{t('admin.addRule')}</h2>
        <label>{t('admin.ruleText')}<input class="input" value={text} required maxLength={300} onInput={(e) => setText((e.target as HTMLInputElement).value)} /></label>
        <label>{t('admin.ruleHint')}<input class="input" value={hint} maxLength={1000} onInput={(e) => setHint((e.target as HTMLInputElement).value)} /></label>
        <button type="submit" class="button">{t('admin.addRule')}</button>
      </form>
      {error !== null && <ErrorBox error={error} retry={reload} />}
      {rules === null ? (error ? null : <Loading />) : rules.length === 0 ? <Empty>{t('admin.noRules')}</Empty> : (
        <ol class="plain-list rules-list" aria-label={t('admin.section.rules')}>{rules.map((r) => <RuleRow key={`${r.id}-${r.text}`} rule={r} onChange={refresh} />)}</ol>
      )}
    </>
  );
}

interface AdminAnnouncement {
  id: string; text: string; content: string; starts_at: string | null; ends_at: string | null;
  all_day: boolean; published: boolean; published_at: string | null; updated_at: string;
}

// A datetime-local value <-> RFC 3339 (the browser's time zone).
const toLocal = (iso: string | null) => { if (!iso) return ''; const d = new Date(iso); return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16); };
const fromLocal = (value: string) => (value ? new Date(value).toISOString() : '');

function AnnouncementForm({ initial, onSaved, onCancel }: { initial?: AdminAnnouncement; onSaved: () => void; onCancel?: () => void }) {
  const [text, setText] = useState(initial?.text ?? '');
  const [startsAt, setStartsAt] = useState(toLocal(initial?.starts_at ?? null));
  const [endsAt, setEndsAt] = useState(toLocal(initial?.ends_at ?? null));
  const [allDay, setAllDay] = useState(initial?.all_day ?? false);
  async function save(publish: boolean) {
    const body = { text, starts_at: fromLocal(startsAt), ends_at: fromLocal(endsAt), all_day: allDay };
    const ok = initial ? await call(`/api/v1/admin/announcements/${initial.id}`, body, 'put') : await call('/api/v1/admin/announcements', { ...body, publish });
    if (ok) { if (!initial) { setText(''); setStartsAt(''); setEndsAt(''); setAllDay(false); } onSaved(); }
  }
  return (
    <form class="settings-form" onSubmit={(e) => { e.preventDefault(); void save(true); }}>
      <label>{t('admin.announcementText')}<textarea class="input" rows={3} value={text} required onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} /></label>
      <div class="field-row">
        <label>{t('admin.startsAt')}<input class="input" type="datetime-local" value={startsAt} onInput={(e) => setStartsAt((e.target as HTMLInputElement).value)} /></label>
        <label>{t('admin.endsAt')}<input class="input" type="datetime-local" value={endsAt} onInput={(e) => setEndsAt((e.target as HTMLInputElement).value)} /></label>
      </div>
      <label class="check"><input type="checkbox" checked={allDay} onChange={(e) => setAllDay((e.target as HTMLInputElement).checked)} /> {t('admin.allDay')}</label>
      <div class="row-actions">
        {initial ? <button type="submit" class="button">{t('settings.save')}</button> : <>
          <button type="submit" class="button">{t('admin.publish')}</button>
          <button type="button" class="button secondary" disabled={!text.trim()} onClick={() => void save(false)}>{t('admin.saveDraft')}</button>
        </>}
        {onCancel && <button type="button" class="button secondary" onClick={onCancel}>{t('common.cancel')}</button>}
      </div>
    </form>
  );
}

// Announcements shown above everyone's home timeline: drafts, publishing, edits, deletion.
function AnnouncementsAdmin() {
  const [items, error, reload] = useLoad(() => api.get<AdminAnnouncement[]>('/api/v1/admin/announcements'), 'announcements');
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <>
      <h2>{t('admin.newAnnouncement')}</h2>
      <AnnouncementForm onSaved={reload} />
      {error !== null && <ErrorBox error={error} retry={reload} />}
      {items === null ? (error ? null : <Loading />) : items.length === 0 ? <Empty>{t('admin.noAnnouncements')}</Empty> : (
        <ul class="plain-list announcements-admin" aria-label={t('admin.section.announcements')}>
          {items.map((a) => (
            <li key={a.id} class="edit-row">
              {editing === a.id ? <AnnouncementForm initial={a} onSaved={() => { setEditing(null); reload(); }} onCancel={() => setEditing(null)} /> : <>
                <div class="announcement-text" dangerouslySetInnerHTML={{ __html: a.content }} />
                <p class="meta">{a.published ? t('admin.publishedAt', { at: new Date(a.published_at!).toLocaleString() }) : t('admin.draft')}
                  {a.starts_at && ` · ${new Date(a.starts_at).toLocaleString()}`}{a.ends_at && ` – ${new Date(a.ends_at).toLocaleString()}`}</p>
                <div class="row-actions">
                  {a.published
                    ? <button type="button" class="button small secondary" onClick={async () => { if (await call(`/api/v1/admin/announcements/${a.id}/unpublish`)) reload(); }}>{t('admin.unpublish')}</button>
                    : <button type="button" class="button small" onClick={async () => { if (await call(`/api/v1/admin/announcements/${a.id}/publish`)) reload(); }}>{t('admin.publish')}</button>}
                  <button type="button" class="button small secondary" onClick={() => setEditing(a.id)}>{t('admin.edit')}</button>
                  <button type="button" class="button small secondary danger" onClick={async () => { if (confirm(t('admin.confirmDelete')) && await call(`/api/v1/admin/announcements/${a.id}`, undefined, 'del')) reload(); }}>{t('common.delete')}</button>
                </div>
              </>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

const documentNames = ['extended_description', 'privacy_policy', 'terms_of_service'] as const;
interface InstanceDocument { name: string; text: string; content: string; updated_at: string | null }

function DocumentForm({ name }: { name: string }) {
  const [doc, error, reload] = useLoad(() => api.get<InstanceDocument>(`/api/v1/admin/instance_documents/${name}`), name);
  const [text, setText] = useState<string | null>(null);
  if (error) return <ErrorBox error={error} retry={reload} />;
  if (!doc) return <Loading />;
  const value = text ?? doc.text;
  return (
    <form class="settings-form" onSubmit={async (e) => { e.preventDefault(); if (await call(`/api/v1/admin/instance_documents/${name}`, { text: value }, 'put')) { setText(null); reload(); } }}>
      <label>{t(`admin.document.${name}`)}
        <textarea class="input" rows={8} value={value} placeholder={doc.text ? '' : t('admin.documentTemplate')} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      </label>
      <p class="meta">{doc.updated_at ? t('admin.documentUpdated', { at: new Date(doc.updated_at).toLocaleString() }) : t('admin.documentDefault')} · {t('admin.documentFormat')}</p>
      <button type="submit" class="button">{t('settings.save')}</button>
    </form>
  );
}

// The about text, privacy policy and terms of service (blank: herd's template, filled in).
function Documents() {
  return <>{documentNames.map((n) => <DocumentForm key={n} name={n} />)}</>;
}

type SiteSettings = { registrations_mode: string; show_domain_blocks: string; show_domain_blocks_rationale: string };
type SiteKey = keyof SiteSettings;
const siteChoices: [SiteKey, string[]][] = [
  ['registrations_mode', ['open', 'approval', 'closed']],
  ['show_domain_blocks', ['disabled', 'users', 'all']],
  ['show_domain_blocks_rationale', ['disabled', 'users', 'all']],
];

// The registration mode (open, approval by staff, closed) and who sees the moderated servers and
// the reasons given for them (Mastodon's show_domain_blocks and show_domain_blocks_rationale).
function Site() {
  const [site, error, reload] = useLoad(() => api.get<SiteSettings>('/api/v1/admin/site'), 'site');
  const [changes, setChanges] = useState<Partial<SiteSettings>>({});
  if (error) return <ErrorBox error={error} retry={reload} />;
  if (!site) return <Loading />;
  const value = { ...site, ...changes };
  return (
    <form class="settings-form" onSubmit={async (e) => { e.preventDefault(); if (await call('/api/v1/admin/site', value, 'put')) { setChanges({}); reload(); } }}>
      {siteChoices.map(([key, options]) => (
        <fieldset key={key}>
          <legend>{t(`admin.site.${key}`)}</legend>
          {options.map((m) => (
            <label class="check" key={m}><input type="radio" name={key} value={m} checked={value[key] === m} onChange={() => setChanges({ ...changes, [key]: m })} /> {t(`admin.site.${key}.${m}`)}</label>
          ))}
        </fieldset>
      ))}
      <button type="submit" class="button">{t('settings.save')}</button>
    </form>
  );
}
