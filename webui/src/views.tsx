// The main views besides timelines: a thread, notifications, profiles, follow requests, search
// and explore (lists are in lists.tsx).
import { useEffect, useState } from 'preact/hooks';
import * as api from './api';
import { Avatar, DisplayName, Empty, EmojiText, emojify, ErrorBox, Icon, Loading, Time } from './components';
import { t } from './i18n';
import { navigate } from './router';
import { StatusView } from './status';
import { cacheStatus, cacheStatuses, me, unreadNotifications } from './store';
import { Timeline } from './timeline';
import type { Account, Announcement, Context, Notification, Relationship, SearchResults, Status, Tag } from './types';
import { toast } from './toast';

// Loads once per key; gives [value, error, reload].
export function useLoad<T>(load: () => Promise<T>, key: string): [T | null, unknown, () => void] {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setValue(null); setError(null);
    load().then((v) => live && setValue(v), (e) => live && setError(e));
    return () => { live = false; };
  }, [key, n]);
  return [value, error, () => setN(n + 1)];
}

export function Thread({ id }: { id: string }) {
  const [data, error, reload] = useLoad(async () => {
    const [status, context] = await Promise.all([api.get<Status>(`/api/v1/statuses/${id}`), api.get<Context>(`/api/v1/statuses/${id}/context`)]);
    cacheStatus(status);
    return { ancestors: cacheStatuses(context.ancestors), descendants: cacheStatuses(context.descendants) };
  }, id);
  useEffect(() => { if (data) document.querySelector('.status.focused')?.scrollIntoView({ block: 'center' }); }, [data]);
  if (error) return <ErrorBox error={error} retry={reload} />;
  if (!data) return <Loading />;
  return (
    <section class="thread" aria-label={t('thread.label')}>
      {data.ancestors.map((a) => <StatusView key={a} id={a} />)}
      <StatusView id={id} focused />
      {data.descendants.map((d) => <StatusView key={d} id={d} />)}
    </section>
  );
}

const notificationText: Record<string, string> = {
  favourite: 'notification.favourite', reblog: 'notification.reblog', follow: 'notification.follow',
  follow_request: 'notification.follow_request', poll: 'notification.poll', update: 'notification.update',
  status: 'notification.status', 'admin.sign_up': 'notification.sign_up', 'admin.report': 'notification.report',
};

function FollowRequestButtons({ account, onDone }: { account: Account; onDone: (text: string) => void }) {
  async function answer(accept: boolean) {
    try {
      await api.post(`/api/v1/follow_requests/${account.id}/${accept ? 'authorize' : 'reject'}`);
      onDone(accept ? t('requests.accepted') : t('requests.rejected'));
    } catch (e) { toast((e as Error).message); }
  }
  return (
    <div class="row-actions">
      <button type="button" class="button small" onClick={() => answer(true)}>{t('requests.accept')}</button>
      <button type="button" class="button small secondary" onClick={() => answer(false)}>{t('requests.reject')}</button>
    </div>
  );
}

function NotificationItem({ n }: { n: Notification }) {
  const [answered, setAnswered] = useState('');
  if (n.type === 'mention' && n.status) return <StatusView id={cacheStatus(n.status).id} />;
  const name = n.account.display_name || n.account.username;
  return (
    <article class={`notification notification-${n.type.replace('.', '-')}`} tabIndex={0}>
      <p class="notification-head">
        <Icon name={n.type === 'favourite' ? 'favourite' : n.type === 'reblog' ? 'boost' : n.type.startsWith('follow') ? 'person' : n.type === 'poll' ? 'poll' : 'bell'} />
        <a href={`/@${n.account.acct}`}><EmojiText text={name} emojis={n.account.emojis} /></a>{' '}
        {t(notificationText[n.type] ?? 'notification.other')}
        <span class="meta"> · <Time iso={n.created_at} /></span>
      </p>
      {n.type === 'follow_request' && (answered ? <p class="meta">{answered}</p> : <FollowRequestButtons account={n.account} onDone={setAnswered} />)}
      {(n.type === 'follow' || n.type === 'follow_request' || n.type === 'admin.sign_up') && (
        <a class="account-row compact" href={`/@${n.account.acct}`}><Avatar account={n.account} size={36} /><DisplayName account={n.account} /></a>
      )}
      {n.type === 'admin.report' && n.report && <a href={`/admin/reports/${n.report.id}`} class="button small secondary">{t('admin.openReport')}</a>}
      {n.status && <div class="notification-status"><StatusView id={cacheStatus(n.status).id} /></div>}
    </article>
  );
}

const filters: [string, string[] | null][] = [
  ['all', null], ['mentions', ['mention']], ['favourites', ['favourite']], ['boosts', ['reblog']],
  ['follows', ['follow', 'follow_request']], ['polls', ['poll']],
];

export function Notifications() {
  const [filter, setFilter] = useState('all');
  const [items, setItems] = useState<Notification[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const types = filters.find(([name]) => name === filter)?.[1] ?? null;
  async function load() {
    setError(null);
    try {
      const page = await api.page<Notification[]>('/api/v1/notifications', { limit: 30, types: types ?? undefined });
      setItems(page.items);
      setNext(page.items.length ? page.next : null);
      if (page.items[0] && filter === 'all') {
        await api.post('/api/v1/markers', { notifications: { last_read_id: page.items[0].id } }).catch(() => {});
      }
      unreadNotifications.set(0);
    } catch (e) { setError(e); }
  }
  useEffect(() => { setItems(null); void load(); }, [filter]);
  useEffect(() => api.streaming.subscribe('user', (event) => {
    if (event.event !== 'notification') return;
    const n = JSON.parse(event.payload) as Notification;
    if (types && !types.includes(n.type)) return;
    setItems((list) => (list && !list.some((x) => x.id === n.id) ? [n, ...list] : list));
    unreadNotifications.set(0);
    void api.post('/api/v1/markers', { notifications: { last_read_id: n.id } }).catch(() => {});
  }), [filter]);
  async function more() {
    if (!next) return;
    try {
      const page = await api.page<Notification[]>(next);
      setItems((list) => [...(list ?? []), ...page.items]);
      setNext(page.items.length ? page.next : null);
    } catch (e) { setError(e); }
  }
  return (
    <section aria-label={t('nav.notifications')}>
      <div class="tabs" role="tablist" aria-label={t('notifications.filter')}>
        {filters.map(([name]) => (
          <button type="button" role="tab" key={name} aria-selected={filter === name} class={filter === name ? 'tab active' : 'tab'} onClick={() => setFilter(name)}>{t(`notifications.${name}`)}</button>
        ))}
      </div>
      {error !== null && <ErrorBox error={error} retry={load} />}
      {items === null ? (error ? null : <Loading />) : items.length === 0 ? <Empty>{t('notifications.empty')}</Empty> : (
        <div role="feed">{items.map((n) => <NotificationItem key={n.id} n={n} />)}</div>
      )}
      {next && <button type="button" class="button secondary load-more" onClick={more}>{t('timeline.loadMore')}</button>}
    </section>
  );
}

// Keeps the unread count live: the marker at start, then the user stream.
export function trackUnread(): void {
  void (async () => {
    try {
      const markers = await api.get<{ notifications?: { last_read_id: string } }>('/api/v1/markers', { timeline: ['notifications'] });
      const since = markers.notifications?.last_read_id;
      const page = await api.get<Notification[]>('/api/v1/notifications', { limit: 40, since_id: since });
      unreadNotifications.set(page.length);
    } catch { /* the count stays at 0 */ }
  })();
  api.streaming.subscribe('user', (event) => {
    if (event.event === 'notification' && !location.pathname.startsWith('/notifications'))
      unreadNotifications.set(unreadNotifications.get() + 1);
  });
}

export function FollowButton({ account, relationship, onChange }: { account: Account; relationship: Relationship | null; onChange: (r: Relationship) => void }) {
  const [busy, setBusy] = useState(false);
  if (!relationship || me.get()?.id === account.id) return null;
  const following = relationship.following || relationship.requested;
  async function toggle() {
    setBusy(true);
    try { onChange(await api.post<Relationship>(`/api/v1/accounts/${account.id}/${following ? 'unfollow' : 'follow'}`)); }
    catch (e) { toast((e as Error).message); }
    setBusy(false);
  }
  const label = relationship.requested ? t('account.requested') : relationship.following ? t('account.unfollow') : account.locked ? t('account.requestFollow') : t('account.follow');
  return <button type="button" class={`button${following ? ' secondary' : ''}`} disabled={busy} onClick={toggle}>{label}</button>;
}

export function AccountRow({ account }: { account: Account }) {
  return (
    <a class="account-row" href={`/@${account.acct}`}>
      <Avatar account={account} size={40} /><DisplayName account={account} />
    </a>
  );
}

export function Profile({ acct, tab }: { acct: string; tab?: 'followers' | 'following' }) {
  const [view, setView] = useState<'posts' | 'replies' | 'media'>('posts');
  const [relationship, setRelationship] = useState<Relationship | null>(null);
  const [account, error, reload] = useLoad(async () => {
    const found = await api.get<Account>('/api/v1/accounts/lookup', { acct })
      .catch(async (e) => {
        if (!acct.includes('@')) throw e;
        const results = await api.get<SearchResults>('/api/v2/search', { q: `@${acct}`, type: 'accounts', resolve: true, limit: 1 });
        if (!results.accounts[0]) throw e;
        return results.accounts[0];
      });
    const [r] = await api.get<Relationship[]>('/api/v1/accounts/relationships', { id: [found.id] });
    setRelationship(r ?? null);
    return found;
  }, acct);
  if (error) return <ErrorBox error={error} retry={reload} />;
  if (!account) return <Loading />;
  const own = me.get()?.id === account.id;
  async function relation(path: string) {
    try { setRelationship(await api.post<Relationship>(`/api/v1/accounts/${account!.id}/${path}`)); }
    catch (e) { toast((e as Error).message); }
  }
  return (
    <section class="profile" aria-label={t('account.label', { acct: account.acct })}>
      <div class="profile-header"><img src={account.header} alt="" /></div>
      <div class="profile-main">
        <div class="profile-top">
          <Avatar account={account} size={88} />
          <div class="profile-buttons">
            {own ? <a class="button secondary" href="/settings/profile">{t('account.editProfile')}</a> : (
              <>
                <FollowButton account={account} relationship={relationship} onChange={setRelationship} />
                {relationship && <button type="button" class="button secondary" onClick={() => relation(relationship.muting ? 'unmute' : 'mute')}>{relationship.muting ? t('account.unmute') : t('account.muteShort')}</button>}
                {relationship && <button type="button" class="button secondary" onClick={() => relation(relationship.blocking ? 'unblock' : 'block')}>{relationship.blocking ? t('account.unblock') : t('account.blockShort')}</button>}
              </>
            )}
          </div>
        </div>
        <h1 class="profile-name"><EmojiText text={account.display_name || account.username} emojis={account.emojis} />{account.locked && <Icon name="lock" label={t('account.locked')} />}{account.bot && <span class="badge">{t('account.bot')}</span>}</h1>
        <p class="acct">@{account.acct}{relationship?.followed_by && <span class="badge">{t('account.followsYou')}</span>}</p>
        <div class="content note" dangerouslySetInnerHTML={{ __html: emojify(account.note, account.emojis) }} />
        {account.fields.length > 0 && (
          <dl class="fields">
            {account.fields.map((f, i) => <div key={i} class={f.verified_at ? 'verified' : ''}><dt>{f.name}</dt><dd dangerouslySetInnerHTML={{ __html: emojify(f.value, account.emojis) }} /></div>)}
          </dl>
        )}
        <p class="counts">
          <span><strong>{account.statuses_count}</strong> {t('account.posts')}</span>
          <a href={`/@${account.acct}/following`}><strong>{account.following_count}</strong> {t('account.following')}</a>
          <a href={`/@${account.acct}/followers`}><strong>{account.followers_count}</strong> {t('account.followers')}</a>
        </p>
      </div>
      {tab ? <AccountList path={`/api/v1/accounts/${account.id}/${tab}`} label={t(`account.${tab}`)} empty={t('account.none')} /> : (
        <>
          <div class="tabs" role="tablist" aria-label={t('account.postsTabs')}>
            {(['posts', 'replies', 'media'] as const).map((v) => (
              <button type="button" role="tab" key={v} aria-selected={view === v} class={view === v ? 'tab active' : 'tab'} onClick={() => setView(v)}>{t(`account.tab.${v}`)}</button>
            ))}
          </div>
          <Timeline path={`/api/v1/accounts/${account.id}/statuses`} label={t('account.posts')} empty={t('account.noPosts')}
            params={view === 'posts' ? { exclude_replies: true } : view === 'media' ? { only_media: true } : {}} />
        </>
      )}
    </section>
  );
}

export function AccountList({ path, label, empty, action }: { path: string; label: string; empty: string; action?: (a: Account, remove: () => void) => preact.ComponentChildren }) {
  const [items, setItems] = useState<Account[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function load(url = path) {
    try {
      const page = await api.page<Account[]>(url, url === path ? { limit: 40 } : undefined);
      setItems((list) => (url === path ? page.items : [...(list ?? []), ...page.items]));
      setNext(page.items.length ? page.next : null);
    } catch (e) { setError(e); }
  }
  useEffect(() => { setItems(null); void load(); }, [path]);
  if (error) return <ErrorBox error={error} retry={() => load()} />;
  if (!items) return <Loading />;
  return (
    <section aria-label={label}>
      {items.length === 0 && <Empty>{empty}</Empty>}
      <ul class="account-list">
        {items.map((a) => (
          <li key={a.id}><AccountRow account={a} />{action?.(a, () => setItems(items.filter((x) => x.id !== a.id)))}</li>
        ))}
      </ul>
      {next && <button type="button" class="button secondary load-more" onClick={() => load(next)}>{t('timeline.loadMore')}</button>}
    </section>
  );
}

export function FollowRequests() {
  return <AccountList path="/api/v1/follow_requests" label={t('nav.followRequests')} empty={t('requests.empty')}
    action={(a, remove) => <FollowRequestButtons account={a} onDone={(text) => { toast(text); remove(); }} />} />;
}

export function Search({ query }: { query: string }) {
  const [q, setQ] = useState(query);
  const [results, error, reload] = useLoad(async () => (query ? api.get<SearchResults>('/api/v2/search', { q: query, resolve: true, limit: 20 }) : null), query);
  return (
    <section aria-label={t('nav.search')}>
      <form class="search-form" role="search" onSubmit={(e) => { e.preventDefault(); navigate(`/search?q=${encodeURIComponent(q)}`); }}>
        <input type="search" id="search-input" class="input" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} aria-label={t('search.label')} placeholder={t('search.placeholder')} />
        <button type="submit" class="button">{t('search.submit')}</button>
      </form>
      {error !== null && <ErrorBox error={error} retry={reload} />}
      {query && !results && !error && <Loading />}
      {results && (
        <>
          <h2 class="section-title">{t('search.accounts')}</h2>
          {results.accounts.length ? <ul class="account-list">{results.accounts.map((a) => <li key={a.id}><AccountRow account={a} /></li>)}</ul> : <Empty>{t('search.none')}</Empty>}
          <h2 class="section-title">{t('search.hashtags')}</h2>
          {results.hashtags.length ? <ul class="tag-list">{results.hashtags.map((h) => <li key={h.name}><a href={`/tags/${h.name}`}>#{h.name}</a></li>)}</ul> : <Empty>{t('search.none')}</Empty>}
          <h2 class="section-title">{t('search.posts')}</h2>
          {results.statuses.length ? cacheStatuses(results.statuses).map((id) => <StatusView key={id} id={id} />) : <Empty>{t('search.none')}</Empty>}
        </>
      )}
    </section>
  );
}

export function Explore() {
  const [tags] = useLoad(() => api.get<Tag[]>('/api/v1/trends/tags', { limit: 10 }).catch(() => [] as Tag[]), 'trends');
  return (
    <>
      <Search query="" />
      <h2 class="section-title">{t('explore.trendingTags')}</h2>
      {tags === null ? <Loading /> : tags.length === 0 ? <Empty>{t('explore.noTrends')}</Empty> : (
        <ul class="tag-list">{tags.map((tag) => <li key={tag.name}><a href={`/tags/${tag.name}`}>#{tag.name}</a></li>)}</ul>
      )}
      <h2 class="section-title">{t('nav.local')}</h2>
      <Timeline path="/api/v1/timelines/public" params={{ local: true }} label={t('nav.local')} empty={t('timeline.emptyPublic')} />
    </>
  );
}

export function TagHeader({ tag }: { tag: string }) {
  const [info, , reload] = useLoad(() => api.get<Tag>(`/api/v1/tags/${encodeURIComponent(tag)}`), tag);
  async function toggle() {
    try { await api.post(`/api/v1/tags/${encodeURIComponent(tag)}/${info?.following ? 'unfollow' : 'follow'}`); reload(); }
    catch (e) { toast((e as Error).message); }
  }
  return (
    <div class="view-header">
      <h2>#{tag}</h2>
      {info && <button type="button" class={`button small${info.following ? ' secondary' : ''}`} onClick={toggle}>{info.following ? t('tag.unfollow') : t('tag.follow')}</button>}
    </div>
  );
}

interface Conversation { id: string; unread: boolean; accounts: Account[]; last_status: Status | null }

// Direct conversations: the latest post of each, unread ones marked; opening one marks it read.
export function Conversations() {
  const [items, error, reload] = useLoad(() => api.get<Conversation[]>('/api/v1/conversations', { limit: 40 }), 'conversations');
  async function open(c: Conversation) {
    if (c.unread) await api.post(`/api/v1/conversations/${c.id}/read`).catch(() => {});
    if (c.last_status) navigate(`/@${c.last_status.account.acct}/${c.last_status.id}`);
  }
  if (error) return <ErrorBox error={error} retry={reload} />;
  if (!items) return <Loading />;
  if (!items.length) return <Empty>{t('conversations.empty')}</Empty>;
  return (
    <ul class="plain-list conversations" aria-label={t('nav.conversations')}>
      {items.map((c) => (
        <li key={c.id} class={c.unread ? 'unread' : ''}>
          <button type="button" class="conversation" onClick={() => open(c)}>
            <span class="conversation-who">{c.accounts.map((a) => <Avatar key={a.id} account={a} size={32} />)}<strong>{c.accounts.map((a) => `@${a.acct}`).join(', ')}</strong>{c.unread && <span class="badge">{t('conversations.unread')}</span>}</span>
            {c.last_status && <span class="conversation-text">{c.last_status.content.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim()}</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}

export function FollowedTags() {
  const [tags, error, reload] = useLoad(() => api.get<Tag[]>('/api/v1/followed_tags', { limit: 100 }), 'followed');
  if (error) return <ErrorBox error={error} retry={reload} />;
  if (!tags) return <Loading />;
  if (!tags.length) return <Empty>{t('followedTags.empty')}</Empty>;
  return <ul class="tag-list" aria-label={t('nav.followedTags')}>{tags.map((tag) => <li key={tag.name}><a href={`/tags/${tag.name}`}>#{tag.name}</a></li>)}</ul>;
}

// The instance's announcements above the home timeline, each dismissible.
export function Announcements() {
  const [items, , reload] = useLoad(() => api.get<Announcement[]>('/api/v1/announcements').catch(() => [] as Announcement[]), 'announcements');
  if (!items?.length) return null;
  async function dismiss(id: string) {
    try { await api.post(`/api/v1/announcements/${id}/dismiss`); reload(); } catch (e) { toast((e as Error).message); }
  }
  return (
    <section class="announcements" aria-label={t('announcements.label')}>
      {items.map((a) => (
        <div class="announcement" key={a.id}>
          <div class="content" dangerouslySetInnerHTML={{ __html: a.content }} />
          <button type="button" class="link" onClick={() => dismiss(a.id)}>{t('announcements.dismiss')}</button>
        </div>
      ))}
    </section>
  );
}
