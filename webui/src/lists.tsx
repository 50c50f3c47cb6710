// Lists: creating, renaming and deleting them, and choosing their members among the people one
// follows (Mastodon's list editor); the list's timeline itself is a Timeline (app.tsx).
import { useState } from 'preact/hooks';
import * as api from './api';
import { Empty, ErrorBox, Loading } from './components';
import { t } from './i18n';
import { navigate } from './router';
import type { Account, List } from './types';
import { toast } from './toast';
import { AccountRow, useLoad } from './views';

export function Lists() {
  const [lists, error, reload] = useLoad(() => api.get<List[]>('/api/v1/lists'), 'lists');
  const [title, setTitle] = useState('');
  async function create(e: Event) {
    e.preventDefault();
    try { const list = await api.post<List>('/api/v1/lists', { title }); setTitle(''); navigate(`/lists/${list.id}?edit=1`); }
    catch (err) { toast((err as Error).message); }
  }
  async function remove(id: string) {
    if (!confirm(t('lists.confirmDelete'))) return;
    try { await api.del(`/api/v1/lists/${id}`); reload(); } catch (err) { toast((err as Error).message); }
  }
  return (
    <section aria-label={t('nav.lists')}>
      <form class="inline-form" onSubmit={create}>
        <input class="input" value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} aria-label={t('lists.newTitle')} placeholder={t('lists.newTitle')} required />
        <button type="submit" class="button">{t('lists.create')}</button>
      </form>
      {error !== null && <ErrorBox error={error} retry={reload} />}
      {lists && (lists.length === 0 ? <Empty>{t('lists.empty')}</Empty> : (
        <ul class="plain-list">{lists.map((l) => <li key={l.id}><a href={`/lists/${l.id}`}>{l.title}</a><button type="button" class="link danger" onClick={() => remove(l.id)}>{t('common.delete')}</button></li>)}</ul>
      ))}
    </section>
  );
}

// The list's title with an editor: rename, members (remove), people one follows (add).
export function ListHeader({ id, editing }: { id: string; editing: boolean }) {
  const [list, , reloadList] = useLoad(() => api.get<List>(`/api/v1/lists/${id}`), id);
  const [open, setOpen] = useState(editing);
  return (
    <div class="view-header list-header">
      <h2>{list?.title ?? t('nav.lists')}</h2>
      <button type="button" class="button small secondary" aria-expanded={open} onClick={() => setOpen(!open)}>{open ? t('lists.done') : t('lists.edit')}</button>
      {open && list && <ListEditor list={list} onRenamed={reloadList} />}
    </div>
  );
}

function ListEditor({ list, onRenamed }: { list: List; onRenamed: () => void }) {
  const [members, error, reload] = useLoad(() => api.get<Account[]>(`/api/v1/lists/${list.id}/accounts`, { limit: 0 }), list.id);
  const [title, setTitle] = useState(list.title);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Account[] | null>(null);
  async function rename(e: Event) {
    e.preventDefault();
    try { await api.put(`/api/v1/lists/${list.id}`, { title }); toast(t('settings.saved')); onRenamed(); } catch (err) { toast((err as Error).message); }
  }
  async function search(e: Event) {
    e.preventDefault();
    try { setFound(await api.get<Account[]>('/api/v1/accounts/search', { q: query, following: true, limit: 10, resolve: false })); } catch (err) { toast((err as Error).message); }
  }
  async function change(account: Account, add: boolean) {
    try {
      if (add) await api.post(`/api/v1/lists/${list.id}/accounts`, { account_ids: [account.id] });
      else await api.del(`/api/v1/lists/${list.id}/accounts?account_ids[]=${encodeURIComponent(account.id)}`);
      toast(t(add ? 'lists.added' : 'lists.removed', { acct: account.acct }));
      reload();
    } catch (err) { toast((err as Error).message); }
  }
  const isMember = (a: Account) => !!members?.some((m) => m.id === a.id);
  return (
    <div class="list-editor">
      <form class="inline-form" onSubmit={rename}>
        <input class="input" value={title} required aria-label={t('lists.title')} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
        <button type="submit" class="button secondary">{t('lists.rename')}</button>
      </form>
      <h3>{t('lists.members')}</h3>
      {error !== null && <ErrorBox error={error} retry={reload} />}
      {members === null ? (error ? null : <Loading />) : members.length === 0 ? <Empty>{t('lists.noMembers')}</Empty> : (
        <ul class="account-list" aria-label={t('lists.members')}>
          {members.map((a) => <li key={a.id}><AccountRow account={a} /><button type="button" class="button small secondary" onClick={() => change(a, false)}>{t('lists.remove', { acct: a.acct })}</button></li>)}
        </ul>
      )}
      <form class="inline-form" role="search" onSubmit={search}>
        <input class="input" type="search" value={query} required aria-label={t('lists.searchFollowed')} placeholder={t('lists.searchFollowed')} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
        <button type="submit" class="button secondary">{t('search.submit')}</button>
      </form>
      {found && (found.length === 0 ? <Empty>{t('lists.noneFound')}</Empty> : (
        <ul class="account-list" aria-label={t('lists.searchResults')}>
          {found.map((a) => <li key={a.id}><AccountRow account={a} />
            {isMember(a) ? <span class="meta">{t('lists.member')}</span> : <button type="button" class="button small" onClick={() => change(a, true)}>{t('lists.add', { acct: a.acct })}</button>}</li>)}
        </ul>
      ))}
    </div>
  );
}
