// Client-side routes: Mastodon's web paths, kept in the address bar with the History API.
import { useEffect, useState } from 'preact/hooks';

export interface Route { name: string; params: Record<string, string>; query: URLSearchParams }

const patterns: [string, RegExp][] = [
  ['home', /^\/home$/],
  ['local', /^\/public\/local$/],
  ['federated', /^\/public$/],
  ['tag', /^\/tags\/([^/]+)$/],
  ['lists', /^\/lists$/],
  ['list', /^\/lists\/([^/]+)$/],
  ['bookmarks', /^\/bookmarks$/],
  ['favourites', /^\/favourites$/],
  ['notifications', /^\/notifications$/],
  ['follow_requests', /^\/follow_requests$/],
  ['explore', /^\/explore$/],
  ['conversations', /^\/conversations$/],
  ['followed_tags', /^\/followed_tags$/],
  ['search', /^\/search$/],
  ['publish', /^\/publish$/],
  ['followers', /^\/@([^/]+)\/followers$/],
  ['following', /^\/@([^/]+)\/following$/],
  ['status', /^\/@([^/]+)\/(\d+)$/],
  ['account', /^\/@([^/]+)$/],
  ['settings', /^\/settings(?:\/([a-z_]+))?$/],
  ['admin_report', /^\/admin\/reports\/([^/]+)$/],
  ['admin', /^\/admin(?:\/([a-z_]+))?$/],
];
const names: Record<string, string[]> = {
  tag: ['tag'], list: ['id'], followers: ['acct'], following: ['acct'], status: ['acct', 'id'],
  account: ['acct'], settings: ['section'], admin: ['section'], admin_report: ['id'],
};

export function parse(path: string, search = ''): Route {
  const clean = path.length > 1 ? path.replace(/\/$/, '') : path;
  for (const [name, re] of patterns) {
    const match = re.exec(clean);
    if (!match) continue;
    const params: Record<string, string> = {};
    (names[name] ?? []).forEach((key, i) => { if (match[i + 1]) params[key] = decodeURIComponent(match[i + 1]!); });
    return { name, params, query: new URLSearchParams(search) };
  }
  return { name: 'not_found', params: {}, query: new URLSearchParams(search) };
}

const listeners = new Set<() => void>();
export function navigate(to: string, replace = false): void {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.scrollTo(0, 0);
  listeners.forEach((fn) => fn());
}
window.addEventListener('popstate', () => listeners.forEach((fn) => fn()));

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.pathname, location.search));
  useEffect(() => {
    const fn = () => setRoute(parse(location.pathname, location.search));
    listeners.add(fn);
    return () => listeners.delete(fn);
  }, []);
  return route;
}

// A link that navigates inside the client (modified clicks open a new tab as usual).
export function onLinkClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element).closest('a');
  // data-server: a page the server renders (two-factor setup, exports...), loaded as a document.
  if (!anchor || anchor.target === '_blank' || anchor.origin !== location.origin || 'server' in anchor.dataset) return;
  if (!parse(anchor.pathname).name || parse(anchor.pathname).name === 'not_found') return;
  event.preventDefault();
  navigate(anchor.pathname + anchor.search);
}
