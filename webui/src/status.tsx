// One status as in a timeline or thread: author, content warning, content, media, poll, card,
// and the actions (reply, boost, favourite, bookmark, more).
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from './api';
import { Avatar, DisplayName, EmojiText, emojify, Icon, Time, webUrl } from './components';
import { t } from './i18n';
import { navigate } from './router';
import { cacheStatus, forgetStatus, instance, me, preferences, requestCompose, useStatus } from './store';
import type { Attachment, Poll, Status } from './types';
import { openMedia } from './viewer';
import { decode } from 'blurhash';
import { toast } from './toast';

export function statusPath(status: Status): string {
  return `/@${status.account.acct}/${status.id}`;
}

// Links inside status HTML: mentions and hashtags open in the client.
function onContentClick(status: Status, event: MouseEvent): void {
  const anchor = (event.target as Element).closest('a');
  if (!anchor || event.ctrlKey || event.metaKey || event.button !== 0) return;
  const mention = status.mentions.find((m) => m.url === anchor.href);
  if (mention) { event.preventDefault(); navigate(`/@${mention.acct}`); return; }
  if (anchor.classList.contains('hashtag') || /\/tags\/[^/]+$/.test(anchor.pathname)) {
    const tag = anchor.pathname.split('/').pop() ?? '';
    if (tag) { event.preventDefault(); navigate(`/tags/${tag}`); }
    return;
  }
  anchor.target = '_blank';
  anchor.rel = 'noopener noreferrer nofollow';
}

// A blurhash painted on a small canvas that CSS stretches: the placeholder of an image until it
// has loaded, and the cover of hidden sensitive media. An invalid hash paints nothing.
export function Blurhash({ hash }: { hash: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = ref.current?.getContext('2d');
    if (!context) return;
    try {
      const image = context.createImageData(32, 32);
      image.data.set(decode(hash, 32, 32));
      context.putImageData(image, 0, 0);
    } catch { /* not a blurhash */ }
  }, [hash]);
  return <canvas ref={ref} class="blurhash" width={32} height={32} aria-hidden="true" data-blurhash={hash} />;
}

function Media({ status }: { status: Status }) {
  const [shown, setShown] = useState(!status.sensitive || preferences.get().showSensitive);
  const media = status.media_attachments;
  if (!media.length) return null;
  const cover = media.find((m) => m.blurhash)?.blurhash;
  return (
    <div class={`media media-${Math.min(media.length, 4)}`}>
      {!shown && (
        <button type="button" class={`sensitive-cover${cover ? ' has-blurhash' : ''}`} onClick={() => setShown(true)}>
          {cover && <Blurhash hash={cover} />}
          <strong>{t('status.sensitive')}</strong><span>{t('status.sensitiveShow')}</span>
        </button>
      )}
      {shown && media.map((m, i) => <MediaItem key={m.id} media={m} onOpen={() => openMedia(media, i)} />)}
      {shown && status.sensitive && (
        <button type="button" class="hide-media" onClick={() => setShown(false)}>{t('status.hideMedia')}</button>
      )}
    </div>
  );
}

function MediaItem({ media, onOpen }: { media: Attachment; onOpen: () => void }) {
  const [loaded, setLoaded] = useState(false);
  if (media.type === 'video' || media.type === 'gifv')
    return <video class="media-item" src={media.url} controls={media.type === 'video'} autoPlay={media.type === 'gifv' && !preferences.get().reduceMotion} loop={media.type === 'gifv'} muted={media.type === 'gifv'} playsInline aria-label={media.description ?? t('media.video')} />;
  if (media.type === 'audio')
    return <audio class="media-item" src={media.url} controls aria-label={media.description ?? t('media.audio')} />;
  return (
    <button type="button" class="media-item" onClick={onOpen} aria-label={t('media.open')}>
      {media.blurhash && !loaded && <Blurhash hash={media.blurhash} />}
      <img src={media.preview_url ?? media.url} alt={media.description ?? ''} title={media.description ?? undefined} loading="lazy"
        class={media.blurhash && !loaded ? 'loading' : undefined} onLoad={() => setLoaded(true)}
        style={media.meta?.focus ? { objectPosition: `${((media.meta.focus.x + 1) / 2) * 100}% ${((1 - media.meta.focus.y) / 2) * 100}%` } : undefined} />
      {media.description && <span class="alt-badge" aria-hidden="true">ALT</span>}
    </button>
  );
}

function PollView({ status, poll }: { status: Status; poll: Poll }) {
  const [choices, setChoices] = useState<number[]>([]);
  const [busy, setBusy] = useState(false);
  const own = me.get()?.id === status.account.id;
  const showResults = poll.voted || poll.expired || own;
  const total = poll.multiple ? (poll.voters_count ?? poll.votes_count) : poll.votes_count;
  async function vote(event: Event) {
    event.preventDefault();
    setBusy(true);
    try {
      const updated = await api.post<Poll>(`/api/v1/polls/${poll.id}/votes`, { choices });
      cacheStatus({ ...status, poll: updated });
    } catch (error) {
      toast(String((error as Error).message));
    } finally { setBusy(false); }
  }
  if (showResults)
    return (
      <div class="poll">
        <ul>
          {poll.options.map((o, i) => {
            const percent = total ? Math.round(((o.votes_count ?? 0) / total) * 100) : 0;
            return (
              <li key={i} class={poll.own_votes?.includes(i) ? 'own' : ''}>
                <span class="poll-bar" data-percent={percent}><span class="poll-fill" ref={(el) => { if (el) el.style.width = `${percent}%`; }} /></span>
                <span class="poll-label"><strong>{percent}%</strong> {o.title}{poll.own_votes?.includes(i) && <span class="visually-hidden"> {t('poll.yourChoice')}</span>}</span>
              </li>
            );
          })}
        </ul>
        <p class="meta">{t('poll.votes', { n: poll.votes_count })} · {poll.expired ? t('poll.closed') : poll.expires_at ? t('poll.endsAt', { when: new Date(poll.expires_at).toLocaleString() }) : ''}</p>
      </div>
    );
  return (
    <form class="poll" onSubmit={vote}>
      <fieldset>
        <legend class="visually-hidden">{t('poll.legend')}</legend>
        {poll.options.map((o, i) => (
          <label key={i} class="poll-choice">
            <input type={poll.multiple ? 'checkbox' : 'radio'} name={`poll-${poll.id}`} checked={choices.includes(i)}
              onChange={(e) => {
                const on = (e.target as HTMLInputElement).checked;
                setChoices(poll.multiple ? (on ? [...choices, i] : choices.filter((c) => c !== i)) : [i]);
              }} />
            {o.title}
          </label>
        ))}
      </fieldset>
      <button type="submit" class="button" disabled={busy || !choices.length}>{t('poll.vote')}</button>
      <span class="meta"> {t('poll.votes', { n: poll.votes_count })}</span>
    </form>
  );
}

function History({ status, onClose }: { status: Status; onClose: () => void }) {
  const [versions, setVersions] = useState<Status[] | null>(null);
  useEffect(() => {
    api.get<Status[]>(`/api/v1/statuses/${status.id}/history`).then(setVersions, (e) => toast(e.message));
  }, [status.id]);
  return (
    <div class="history" role="region" aria-label={t('status.history')}>
      <div class="history-head"><strong>{t('status.history')}</strong><button type="button" class="link" onClick={onClose}>{t('common.close')}</button></div>
      {versions === null ? <p>{t('common.loading')}</p> : versions.slice().reverse().map((v, i) => (
        <div class="history-item" key={i}>
          <p class="meta"><Time iso={v.created_at} /></p>
          {v.spoiler_text && <p><strong>{v.spoiler_text}</strong></p>}
          <div class="content" dangerouslySetInnerHTML={{ __html: emojify(v.content, v.emojis ?? []) }} />
        </div>
      ))}
    </div>
  );
}

export function narrow(): boolean { return matchMedia('(max-width: 899px)').matches; }

export function startCompose(kind: 'reply' | 'edit' | 'redraft', status: Status, text?: string): void {
  requestCompose(kind, status, text);
  if (narrow()) navigate('/publish');
  else setTimeout(() => document.getElementById('compose-text')?.focus(), 0);
}

function Actions({ status }: { status: Status }) {
  const [menu, setMenu] = useState(false);
  const own = me.get()?.id === status.account.id;
  const menuRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!menu) return;
    const close = (e: Event) => { if (!menuRef.current?.contains(e.target as Node)) setMenu(false); };
    document.addEventListener('click', close);
    return () => document.removeEventListener('click', close);
  }, [menu]);
  async function toggle(action: 'reblog' | 'favourite' | 'bookmark', on: boolean) {
    const optimistic = { ...status };
    if (action === 'reblog') { optimistic.reblogged = !on; optimistic.reblogs_count += on ? -1 : 1; }
    if (action === 'favourite') { optimistic.favourited = !on; optimistic.favourites_count += on ? -1 : 1; }
    if (action === 'bookmark') optimistic.bookmarked = !on;
    cacheStatus(optimistic);
    try {
      const result = await api.post<Status>(`/api/v1/statuses/${status.id}/${on ? 'un' : ''}${action}`);
      cacheStatus(result.reblog && action === 'reblog' ? result.reblog : result);
    } catch (error) {
      cacheStatus(status);
      toast((error as Error).message);
    }
  }
  async function remove(redraft: boolean) {
    if (!confirm(redraft ? t('status.confirmRedraft') : t('status.confirmDelete'))) return;
    try {
      const deleted = await api.del<Status>(`/api/v1/statuses/${status.id}${redraft ? '?delete_media=false' : ''}`);
      forgetStatus(status.id);
      if (redraft) startCompose('redraft', { ...status, text: deleted.text ?? status.text ?? null });
    } catch (error) { toast((error as Error).message); }
  }
  async function relation(path: string, done: string) {
    try { await api.post(`/api/v1/accounts/${status.account.id}/${path}`); toast(done); }
    catch (error) { toast((error as Error).message); }
  }
  const [reporting, setReporting] = useState(false);
  const canBoost = status.visibility === 'public' || status.visibility === 'unlisted' || (own && status.visibility === 'private');
  return (
    <div class="actions" role="group" aria-label={t('status.actions')}>
      <button type="button" class="action" data-action="reply" aria-label={t('status.reply')} title={t('status.reply')} onClick={() => startCompose('reply', status)}>
        <Icon name="reply" /><span class="count">{status.replies_count || ''}</span>
      </button>
      <button type="button" class={`action${status.reblogged ? ' active boost' : ''}`} data-action="boost" disabled={!canBoost} aria-pressed={!!status.reblogged}
        aria-label={t('status.boost')} title={t('status.boost')} onClick={() => toggle('reblog', !!status.reblogged)}>
        <Icon name="boost" /><span class="count">{status.reblogs_count || ''}</span>
      </button>
      <button type="button" class={`action${status.favourited ? ' active favourite' : ''}`} data-action="favourite" aria-pressed={!!status.favourited}
        aria-label={t('status.favourite')} title={t('status.favourite')} onClick={() => toggle('favourite', !!status.favourited)}>
        <Icon name="favourite" /><span class="count">{status.favourites_count || ''}</span>
      </button>
      <button type="button" class={`action${status.bookmarked ? ' active bookmark' : ''}`} data-action="bookmark" aria-pressed={!!status.bookmarked}
        aria-label={t('status.bookmark')} title={t('status.bookmark')} onClick={() => toggle('bookmark', !!status.bookmarked)}>
        <Icon name="bookmark" />
      </button>
      <div class="menu-wrap" ref={menuRef}>
        <button type="button" class="action" aria-haspopup="true" aria-expanded={menu} aria-label={t('status.more')} title={t('status.more')} onClick={() => setMenu(!menu)}>
          <Icon name="more" />
        </button>
        {menu && (
          <div class="menu" role="menu">
            <button type="button" role="menuitem" onClick={() => { void navigator.clipboard?.writeText(status.url ?? status.uri); setMenu(false); toast(t('status.linkCopied')); }}>{t('status.copyLink')}</button>
            {own && <button type="button" role="menuitem" onClick={() => { setMenu(false); startCompose('edit', status); }}>{t('status.edit')}</button>}
            {own && <button type="button" role="menuitem" onClick={() => { setMenu(false); void remove(true); }}>{t('status.redraft')}</button>}
            {own && <button type="button" role="menuitem" class="danger" onClick={() => { setMenu(false); void remove(false); }}>{t('status.delete')}</button>}
            {!own && <button type="button" role="menuitem" onClick={() => { setMenu(false); void relation('mute', t('account.muted')); }}>{t('account.mute', { acct: status.account.acct })}</button>}
            {!own && <button type="button" role="menuitem" onClick={() => { setMenu(false); void relation('block', t('account.blocked')); }}>{t('account.block', { acct: status.account.acct })}</button>}
            {!own && <button type="button" role="menuitem" class="danger" onClick={() => { setMenu(false); setReporting(true); }}>{t('report.action', { acct: status.account.acct })}</button>}
          </div>
        )}
      </div>
      {reporting && <ReportDialog status={status} onClose={() => setReporting(false)} />}
    </div>
  );
}

// Reporting a post to the moderators: a category (with the instance's rules for a violation) and
// a comment.
function ReportDialog({ status, onClose }: { status: Status; onClose: () => void }) {
  const rules = instance.get()?.rules ?? [];
  const [category, setCategory] = useState('spam');
  const [ruleIds, setRuleIds] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.getElementById('report-first')?.focus();
    const key = (e: KeyboardEvent) => { if (e.key === 'Escape') onClose(); };
    document.addEventListener('keydown', key);
    return () => document.removeEventListener('keydown', key);
  }, []);
  async function send(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      await api.post('/api/v1/reports', {
        account_id: status.account.id, status_ids: [status.id], comment, category,
        ...(category === 'violation' ? { rule_ids: ruleIds } : {}),
      });
      toast(t('report.sent'));
      onClose();
    } catch (e) { setError((e as Error).message); setBusy(false); }
  }
  const categories = ['spam', 'legal', ...(rules.length ? ['violation'] : []), 'other'];
  return (
    <div class="viewer" role="dialog" aria-modal="true" aria-labelledby="report-title" onClick={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <form class="dialog report-dialog" onSubmit={send}>
        <h2 id="report-title">{t('report.action', { acct: status.account.acct })}</h2>
        <fieldset>
          <legend>{t('report.why')}</legend>
          {categories.map((c, i) => (
            <label class="check" key={c}><input type="radio" name="category" id={i === 0 ? 'report-first' : undefined} checked={category === c} onChange={() => setCategory(c)} /> {t(`report.category.${c}`)}</label>
          ))}
        </fieldset>
        {category === 'violation' && (
          <fieldset>
            <legend>{t('report.rules')}</legend>
            {rules.map((r) => (
              <label class="check" key={r.id}><input type="checkbox" checked={ruleIds.includes(r.id)}
                onChange={(e) => setRuleIds((e.target as HTMLInputElement).checked ? [...ruleIds, r.id] : ruleIds.filter((x) => x !== r.id))} /> {r.text}</label>
            ))}
          </fieldset>
        )}
        <label>{t('report.comment')}<textarea class="input" rows={3} maxLength={1000} value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} /></label>
        {error && <p class="error-text" role="alert">{error}</p>}
        <div class="row-actions">
          <button type="submit" class="button" disabled={busy || (category === 'violation' && !ruleIds.length)}>{t('report.send')}</button>
          <button type="button" class="button secondary" onClick={onClose}>{t('common.cancel')}</button>
        </div>
      </form>
    </div>
  );
}

const visibilityIcon: Record<string, string> = { private: 'lock', direct: 'person' };

export function StatusView({ id, focused = false, reblogBy }: { id: string; focused?: boolean; reblogBy?: string }) {
  const wrapper = useStatus(id);
  const [cwOpen, setCwOpen] = useState(false);
  const [history, setHistory] = useState(false);
  if (!wrapper) return null;
  const status = wrapper.reblog ?? wrapper;
  const booster = wrapper.reblog ? wrapper.account : null;
  const hidden = !!status.spoiler_text && !cwOpen;
  const cardUrl = webUrl(status.card?.url);
  return (
    <article class={`status${focused ? ' focused' : ''}`} tabIndex={0} data-status-id={status.id}
      aria-label={t('status.label', { name: status.account.display_name || status.account.username })}
      onClick={(e) => {
        const target = e.target as Element;
        if (focused || target.closest('a, button, input, label, video, audio, .menu, .history')) return;
        if (window.getSelection()?.toString()) return;
        navigate(statusPath(status));
      }}>
      {booster && <p class="prepend"><Icon name="boost" /> <a href={`/@${booster.acct}`}><EmojiText text={booster.display_name || booster.username} emojis={booster.emojis} /></a> {t('status.boosted')}</p>}
      {!booster && reblogBy && <p class="prepend">{reblogBy}</p>}
      <header class="status-head">
        <a href={`/@${status.account.acct}`} class="author"><Avatar account={status.account} /><DisplayName account={status.account} /></a>
        <a href={statusPath(status)} class="permalink">
          {visibilityIcon[status.visibility] && <Icon name={visibilityIcon[status.visibility]!} label={t(`visibility.${status.visibility}`)} />}
          <Time iso={status.created_at} />
        </a>
      </header>
      {status.in_reply_to_id && !focused && <p class="prepend reply-to">{t('status.inReply')}</p>}
      {status.spoiler_text && (
        <div class="cw">
          <p><EmojiText text={status.spoiler_text} emojis={status.emojis} /></p>
          <button type="button" class="button small secondary" aria-expanded={cwOpen} onClick={() => setCwOpen(!cwOpen)}>{cwOpen ? t('status.showLess') : t('status.showMore')}</button>
        </div>
      )}
      {!hidden && (
        <>
          <div class="content" lang={status.language ?? undefined} dangerouslySetInnerHTML={{ __html: emojify(status.content, status.emojis) }} onClick={(e) => onContentClick(status, e as unknown as MouseEvent)} />
          {status.poll && <PollView status={status} poll={status.poll} />}
          <Media status={status} />
          {status.card && cardUrl && !status.media_attachments.length && (
            <a class="card" href={cardUrl.href} target="_blank" rel="noopener noreferrer nofollow">
              {status.card.image && webUrl(status.card.image) && <img src={status.card.image} alt="" loading="lazy" />}
              <span class="card-text"><span class="meta">{status.card.provider_name || cardUrl.hostname}</span><strong>{status.card.title}</strong><span class="card-desc">{status.card.description}</span></span>
            </a>
          )}
        </>
      )}
      {focused && <p class="meta">{new Date(status.created_at).toLocaleString()} · {t(`visibility.${status.visibility}`)}</p>}
      {status.edited_at && (
        <button type="button" class="edited link" onClick={() => setHistory(!history)} title={new Date(status.edited_at).toLocaleString()}>{t('status.edited', { when: new Date(status.edited_at).toLocaleDateString() })}</button>
      )}
      {history && <History status={status} onClose={() => setHistory(false)} />}
      <Actions status={status} />
    </article>
  );
}
