// The layout (navigation, compose column, main column), the routes, keyboard shortcuts, the help
// dialog and the toasts.
import { useEffect, useState } from 'preact/hooks';
import { signOut } from './auth';
import * as api from './api';
import { Avatar, ErrorBox, Icon, Loading } from './components';
import { Compose } from './compose';
import { t } from './i18n';
import { navigate, onLinkClick, useRoute, type Route } from './router';
import { Settings } from './settings';
import { narrow } from './status';
import { me, preferences, unreadNotifications, useStore } from './store';
import { Timeline } from './timeline';
import { toasts } from './toast';
import { MediaViewer } from './viewer';
import { ListHeader, Lists } from './lists';
import { Announcements, Conversations, Explore, FollowedTags, FollowRequests, Notifications, Profile, Search, TagHeader, Thread } from './views';

function title(route: Route): string {
  switch (route.name) {
    case 'home': return t('nav.home');
    case 'local': return t('nav.local');
    case 'federated': return t('nav.federated');
    case 'tag': return `#${route.params.tag}`;
    case 'notifications': return t('nav.notifications');
    case 'bookmarks': return t('nav.bookmarks');
    case 'favourites': return t('nav.favourites');
    case 'explore': return t('nav.explore');
    case 'search': return t('nav.search');
    case 'lists': case 'list': return t('nav.lists');
    case 'follow_requests': return t('nav.followRequests');
    case 'conversations': return t('nav.conversations');
    case 'followed_tags': return t('nav.followedTags');
    case 'publish': return t('compose.label');
    case 'status': return t('thread.label');
    case 'account': case 'followers': case 'following': return `@${route.params.acct}`;
    case 'settings': return t('nav.settings');
    case 'admin': case 'admin_report': return t('nav.admin');
    default: return t('error.notFoundTitle');
  }
}

function View({ route }: { route: Route }) {
  const p = route.params;
  switch (route.name) {
    case 'home': return <><Announcements /><Timeline path="/api/v1/timelines/home" stream="user" label={t('nav.home')} empty={t('timeline.emptyHome')} /></>;
    case 'local': return <Timeline path="/api/v1/timelines/public" params={{ local: true }} stream="public:local" label={t('nav.local')} empty={t('timeline.emptyPublic')} />;
    case 'federated': return <Timeline path="/api/v1/timelines/public" stream="public" label={t('nav.federated')} empty={t('timeline.emptyPublic')} />;
    case 'tag': return <><TagHeader tag={p.tag!} /><Timeline path={`/api/v1/timelines/tag/${encodeURIComponent(p.tag!)}`} stream={`hashtag:${p.tag}`} label={`#${p.tag}`} empty={t('timeline.emptyTag')} /></>;
    case 'list': return <><ListHeader id={p.id!} editing={route.query.has('edit')} /><Timeline path={`/api/v1/timelines/list/${p.id}`} stream={`list:${p.id}`} label={t('nav.lists')} empty={t('timeline.emptyList')} /></>;
    case 'lists': return <Lists />;
    case 'bookmarks': return <Timeline path="/api/v1/bookmarks" label={t('nav.bookmarks')} empty={t('timeline.emptyBookmarks')} />;
    case 'favourites': return <Timeline path="/api/v1/favourites" label={t('nav.favourites')} empty={t('timeline.emptyFavourites')} />;
    case 'notifications': return <Notifications />;
    case 'follow_requests': return <FollowRequests />;
    case 'conversations': return <Conversations />;
    case 'followed_tags': return <FollowedTags />;
    case 'explore': return <Explore />;
    case 'search': return <Search query={route.query.get('q') ?? ''} />;
    case 'publish': return <Compose onPosted={() => history.length > 1 ? history.back() : navigate('/home')} />;
    case 'status': return <Thread id={p.id!} />;
    case 'account': return <Profile acct={p.acct!} />;
    case 'followers': return <Profile acct={p.acct!} tab="followers" />;
    case 'following': return <Profile acct={p.acct!} tab="following" />;
    case 'settings': return <Settings section={p.section ?? 'profile'} />;
    case 'admin': return <AdminView section={p.section ?? 'reports'} />;
    case 'admin_report': return <AdminView section="" report={p.id!} />;
    default: return <ErrorBox error={t('error.notFound')} />;
  }
}

// The staff views load on first use (a chunk of their own), not with the client.
type AdminModule = typeof import('./admin');
let adminModule: Promise<AdminModule> | null = null;
function AdminView({ section, report }: { section: string; report?: string }) {
  const [module, setModule] = useState<AdminModule | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    adminModule ??= import('./admin');
    adminModule.then(setModule, (e: Error) => { adminModule = null; setError(e); });
  }, []);
  if (error) return <ErrorBox error={t('error.network')} retry={() => { setError(null); adminModule = import('./admin'); adminModule.then(setModule, setError); }} />;
  if (!module) return <Loading />;
  return <><module.Admin section={section} />{report && <module.ReportView id={report} />}</>;
}

const navItems: [string, string, string][] = [
  ['/home', 'home', 'nav.home'], ['/notifications', 'bell', 'nav.notifications'], ['/explore', 'explore', 'nav.explore'],
  ['/conversations', 'mail', 'nav.conversations'], ['/public/local', 'local', 'nav.local'], ['/public', 'globe', 'nav.federated'], ['/search', 'search', 'nav.search'],
  ['/bookmarks', 'bookmark', 'nav.bookmarks'], ['/favourites', 'favourite', 'nav.favourites'], ['/lists', 'list', 'nav.lists'], ['/followed_tags', 'tag', 'nav.followedTags'],
  ['/follow_requests', 'person', 'nav.followRequests'], ['/settings/profile', 'settings', 'nav.settings'],
];

function Nav({ route }: { route: Route }) {
  const account = useStore(me);
  const unread = useStore(unreadNotifications);
  const staff = !!account?.role && account.role.permissions !== '0' && account.role.name !== '';
  const items = staff ? [...navItems, ['/admin/reports', 'shield', 'nav.admin'] as [string, string, string]] : navItems;
  const current = location.pathname;
  return (
    <nav class="nav" aria-label={t('nav.label')}>
      {items.map(([href, icon, key]) => {
        const active = current === href || (href !== '/home' && current.startsWith(href.replace(/\/profile$|\/reports$/, '')));
        return (
          <a key={href} href={href} class={`nav-item nav-${icon}${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined}>
            <Icon name={icon} /><span class="nav-label">{t(key)}</span>
            {key === 'nav.notifications' && unread > 0 && <span class="badge unread" aria-label={t('nav.unread', { n: unread })}>{unread > 99 ? '99+' : unread}</span>}
          </a>
        );
      })}
      <span class="visually-hidden">{route.name}</span>
    </nav>
  );
}

const shortcuts: [string, string][] = [
  ['j', 'help.next'], ['k', 'help.previous'], ['n', 'help.compose'], ['r', 'help.reply'], ['f', 'help.favourite'],
  ['b', 'help.boost'], ['Enter', 'help.open'], ['/', 'help.search'], ['?', 'help.help'], ['Esc', 'help.escape'],
];

function Help({ onClose }: { onClose: () => void }) {
  useEffect(() => { document.getElementById('help-close')?.focus(); }, []);
  return (
    <div class="viewer help" role="dialog" aria-modal="true" aria-labelledby="help-title" onClick={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div class="dialog">
        <h2 id="help-title">{t('help.title')}</h2>
        <dl class="shortcuts">{shortcuts.map(([key, text]) => <div key={key}><dt><kbd>{key}</kbd></dt><dd>{t(text)}</dd></div>)}</dl>
        <button type="button" id="help-close" class="button" onClick={onClose}>{t('common.close')}</button>
      </div>
    </div>
  );
}

function useShortcuts(setHelp: (on: boolean) => void) {
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const target = e.target as HTMLElement;
      if (e.key === 'Escape') { setHelp(false); if (target.matches('input, textarea, select')) target.blur(); return; }
      if (e.ctrlKey || e.metaKey || e.altKey || target.matches('input, textarea, select, [contenteditable]')) return;
      const articles = Array.from(document.querySelectorAll<HTMLElement>('main article.status, main article.notification'));
      const current = target.closest<HTMLElement>('article');
      const index = current ? articles.indexOf(current) : -1;
      const click = (action: string) => current?.querySelector<HTMLButtonElement>(`:scope > .actions [data-action="${action}"]`)?.click();
      switch (e.key) {
        case 'j': articles[Math.min(index + 1, articles.length - 1)]?.focus(); break;
        case 'k': articles[Math.max(index - 1, 0)]?.focus(); break;
        case 'n':
          if (narrow()) navigate('/publish');
          setTimeout(() => document.getElementById('compose-text')?.focus(), 0);
          break;
        case 'r': click('reply'); break;
        case 'f': click('favourite'); break;
        case 'b': click('boost'); break;
        case '/':
          if (!document.getElementById('search-input')) navigate('/search');
          setTimeout(() => document.getElementById('search-input')?.focus(), 0);
          break;
        case '?': setHelp(true); break;
        case 'Enter': if (current?.dataset.statusId) current.click(); break;
        default: return;
      }
      e.preventDefault();
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

export function App() {
  const route = useRoute();
  const account = useStore(me);
  const prefs = useStore(preferences);
  const list = useStore(toasts);
  const [help, setHelp] = useState(false);
  useShortcuts(setHelp);
  useEffect(() => { document.title = `${title(route)} - ${document.querySelector('title')?.dataset.instance ?? ''}`.replace(/ - $/, ''); }, [route]);
  useEffect(() => {
    document.documentElement.dataset.theme = prefs.theme;
    document.documentElement.classList.toggle('reduce-motion', prefs.reduceMotion);
  }, [prefs]);
  const showCompose = route.name !== 'publish';
  return (
    <div class="layout" onClick={(e) => onLinkClick(e as unknown as MouseEvent)}>
      <a href="#main" class="skip-link">{t('nav.skip')}</a>
      <aside class="sidebar">
        <div class="brand">
          {account && <a href={`/@${account.acct}`} class="me"><Avatar account={account} size={40} /><span><strong>{account.display_name || account.username}</strong><span class="acct">@{account.acct}</span></span></a>}
        </div>
        {showCompose && <div class="sidebar-compose"><Compose /></div>}
        <Nav route={route} />
        <div class="sidebar-foot">
          <button type="button" class="link" onClick={() => setHelp(true)}>{t('help.title')}</button>
          <button type="button" class="link" onClick={() => void signOut(api.token())}>{t('nav.signOut')}</button>
        </div>
      </aside>
      <main id="main" tabIndex={-1}>
        <header class="column-header">
          {route.name !== 'home' && <button type="button" class="icon-button back" aria-label={t('nav.back')} onClick={() => history.back()}>←</button>}
          <h1>{title(route)}</h1>
          {showCompose && <a href="/publish" class="button small compose-fab">{t('compose.publishShort')}</a>}
        </header>
        <View route={route} />
      </main>
      <MediaViewer />
      {help && <Help onClose={() => setHelp(false)} />}
      <div class="toasts" role="status" aria-live="polite">{list.map((x) => <p key={x.id} class="toast">{x.text}</p>)}</div>
    </div>
  );
}
