// Staff tools through the admin API: reports (assign, resolve, act on the account), accounts
// (approve, reject, silence, suspend, mark sensitive, and undo) and domain blocks.
import { useState } from 'preact/hooks';
import * as api from './api';
import { Avatar, DisplayName, Empty, ErrorBox, Loading, Time } from './components';
import { t } from './i18n';
import { StatusView } from './status';
import { cacheStatuses } from './store';
import type { AdminAccount, AdminReport, DomainBlock } from './types';
import { toast } from './toast';
import { useLoad } from './views';

export const adminSections = ['reports', 'accounts', 'domain_blocks'] as const;

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
  const [accounts, error, reload] = useLoad(() => api.get<AdminAccount[]>('/api/v2/admin/accounts', { origin: 'local', status }), status);
  async function call(path: string, body?: object) {
    try { await api.post(path, body); toast(t('admin.done')); reload(); } catch (e) { toast((e as Error).message); }
  }
  return (
    <>
      <div class="tabs" role="tablist" aria-label={t('admin.accountState')}>
        {['pending', 'active', 'silenced', 'suspended', 'disabled'].map((s) => (
          <button type="button" role="tab" key={s} aria-selected={status === s} class={status === s ? 'tab active' : 'tab'} onClick={() => setStatus(s)}>{t(`admin.status.${s}`)}</button>
        ))}
      </div>
      {error !== null && <ErrorBox error={error} retry={reload} />}
      {accounts === null ? (error ? null : <Loading />) : accounts.length === 0 ? <Empty>{t('admin.noAccounts')}</Empty> : (
        <ul class="account-list">
          {accounts.map((a) => (
            <li key={a.id}>
              <a class="account-row" href={`/@${a.account.acct}`}><Avatar account={a.account} size={40} /><DisplayName account={a.account} /></a>
              <span class="meta">{a.email}{a.invite_request ? ` · ${a.invite_request}` : ''}</span>
              <div class="row-actions">
                {!a.approved && <button type="button" class="button small" onClick={() => call(`/api/v1/admin/accounts/${a.id}/approve`)}>{t('admin.approve')}</button>}
                {!a.approved && <button type="button" class="button small secondary" onClick={() => call(`/api/v1/admin/accounts/${a.id}/reject`)}>{t('admin.reject')}</button>}
                {a.approved && !a.silenced && <button type="button" class="button small secondary" onClick={() => call(`/api/v1/admin/accounts/${a.id}/action`, { type: 'silence' })}>{t('admin.action.silence')}</button>}
                {a.silenced && <button type="button" class="button small secondary" onClick={() => call(`/api/v1/admin/accounts/${a.id}/unsilence`)}>{t('admin.unsilence')}</button>}
                {a.approved && !a.suspended && <button type="button" class="button small secondary danger" onClick={() => call(`/api/v1/admin/accounts/${a.id}/action`, { type: 'suspend' })}>{t('admin.action.suspend')}</button>}
                {a.suspended && <button type="button" class="button small secondary" onClick={() => call(`/api/v1/admin/accounts/${a.id}/unsuspend`)}>{t('admin.unsuspend')}</button>}
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
  return (
    <section class="admin" aria-label={t('nav.admin')}>
      <nav class="tabs" aria-label={t('admin.sections')}>
        {adminSections.map((s) => <a key={s} href={`/admin/${s}`} class={section === s ? 'tab active' : 'tab'} aria-current={section === s ? 'page' : undefined}>{t(`admin.section.${s}`)}</a>)}
      </nav>
      {section === 'reports' && <Reports />}
      {section === 'accounts' && <Accounts />}
      {section === 'domain_blocks' && <DomainBlocks />}
    </section>
  );
}
