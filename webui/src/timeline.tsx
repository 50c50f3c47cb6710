// A paginated list of statuses (home, local, federated, hashtag, list, bookmarks, favourites,
// an account's posts): infinite scroll through the Link header, and live updates from the
// streaming API collected behind a "new posts" bar, so that nothing moves while reading.
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from './api';
import { Empty, ErrorBox, Loading } from './components';
import { t } from './i18n';
import { StatusView } from './status';
import { cacheStatus, cacheStatuses, forgetStatus, posted } from './store';
import type { Status } from './types';

export interface TimelineProps {
  path: string;                       // API path of the first page
  params?: Record<string, string | boolean>;
  stream?: string;                    // streaming key: "user", "public:local", "hashtag:x", "list:1"
  empty: string;
  label: string;
}

export function Timeline({ path, params, stream, empty, label }: TimelineProps) {
  const [ids, setIds] = useState<string[] | null>(null);
  const [pending, setPending] = useState<string[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const sentinel = useRef<HTMLDivElement>(null);
  const key = path + JSON.stringify(params ?? {});

  async function load() {
    setError(null);
    try {
      const first = await api.page<Status[]>(path, { limit: 20, ...params });
      setIds(cacheStatuses(first.items));
      setNext(first.items.length ? first.next : null);
    } catch (e) { setError(e); }
  }
  useEffect(() => { setIds(null); setPending([]); void load(); }, [key]);

  useEffect(() => {
    if (!stream) return;
    return api.streaming.subscribe(stream, (event) => {
      if (event.event === 'update') {
        const status = cacheStatus(JSON.parse(event.payload) as Status);
        setIds((list) => {
          if (!list?.includes(status.id)) setPending((p) => (p.includes(status.id) ? p : [status.id, ...p]));
          return list;
        });
      } else if (event.event === 'status.update') {
        cacheStatus(JSON.parse(event.payload) as Status);
      } else if (event.event === 'delete') {
        forgetStatus(event.payload);
        setIds((list) => list && list.filter((id) => id !== event.payload));
        setPending((p) => p.filter((id) => id !== event.payload));
      }
    });
  }, [stream, key]);

  useEffect(() => {
    if (stream !== 'user') return;
    return posted.subscribe(() => {
      const status = posted.get();
      if (!status) return;
      setIds((list) => (list && !list.includes(status.id) ? [status.id, ...list] : list));
      setPending((p) => p.filter((id) => id !== status.id));
    });
  }, [stream]);

  async function more() {
    if (!next || loadingMore) return;
    setLoadingMore(true);
    try {
      const older = await api.page<Status[]>(next);
      const added = cacheStatuses(older.items);
      setIds((list) => [...(list ?? []), ...added.filter((id) => !list?.includes(id))]);
      setNext(older.items.length ? older.next : null);
    } catch (e) { setError(e); }
    setLoadingMore(false);
  }
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const observer = new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) void more(); }, { rootMargin: '600px' });
    observer.observe(el);
    return () => observer.disconnect();
  });

  function showPending() {
    setIds((list) => [...pending.filter((id) => !list?.includes(id)), ...(list ?? [])]);
    setPending([]);
    window.scrollTo({ top: 0 });
  }

  if (ids === null) return error ? <ErrorBox error={error} retry={load} /> : <Loading />;
  return (
    <section class="timeline" aria-label={label}>
      {pending.length > 0 && (
        <button type="button" class="new-posts" onClick={showPending}>{t('timeline.newPosts', { n: pending.length })}</button>
      )}
      {ids.length > 0 && (
        <div role="feed" aria-busy={loadingMore}>
          {ids.map((id) => <StatusView key={id} id={id} />)}
        </div>
      )}
      {ids.length === 0 && <Empty>{empty}</Empty>}
      {error !== null && <ErrorBox error={error} retry={more} />}
      {next && <div ref={sentinel} class="sentinel">{loadingMore && <Loading />}</div>}
      {next && !loadingMore && <button type="button" class="button secondary load-more" onClick={more}>{t('timeline.loadMore')}</button>}
      {!next && ids.length > 0 && <p class="end">{t('timeline.end')}</p>}
    </section>
  );
}
