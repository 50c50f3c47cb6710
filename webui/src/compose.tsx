// The compose box: text with a live character counter from the instance's limits, mention, hashtag
// and custom emoji autocomplete, media with upload progress, alt text and focal point, content
// warning, visibility, poll, reply, edit and delete-and-redraft. The draft survives a reload; a
// failed post keeps it.
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from './api';
import { Avatar, Icon } from './components';
import { t } from './i18n';
import { composeRequest, cacheStatus, instance, me, posted, useStore } from './store';
import type { Account, Attachment, Emoji, SearchResults, Status, Visibility } from './types';
import { toast } from './toast';

interface Focus { x: number; y: number }  // Mastodon's focal point: -1..1, y upwards
interface MediaDraft {
  key: string; id?: string; url?: string; name: string; description: string; savedDescription: string;
  progress: number; error?: string; focus?: Focus | null;
}

// The instance's custom emojis, loaded once when the first `:short` is typed.
let customEmojis: Promise<Emoji[]> | null = null;
function loadCustomEmojis(): Promise<Emoji[]> {
  customEmojis ??= api.get<Emoji[]>('/api/v1/custom_emojis').catch(() => { customEmojis = null; return []; });
  return customEmojis;
}
// Shortcodes containing `query`, those starting with it first (as Mastodon's picker orders them).
export function matchEmojis(emojis: Emoji[], query: string, limit = 6): Emoji[] {
  const q = query.toLowerCase();
  const hits = emojis.filter((e) => e.shortcode.toLowerCase().includes(q));
  hits.sort((a, b) => Number(!a.shortcode.toLowerCase().startsWith(q)) - Number(!b.shortcode.toLowerCase().startsWith(q)) || a.shortcode.localeCompare(b.shortcode));
  return hits.slice(0, limit);
}
interface PollDraft { options: string[]; expiresIn: number; multiple: boolean }
interface Draft {
  text: string; spoiler: string; cw: boolean; visibility: Visibility; sensitive: boolean;
  media: MediaDraft[]; poll: PollDraft | null; replyTo: Status | null; editing: Status | null;
  language: string; scheduledAt: string;  // scheduledAt: a datetime-local value, "" for now
}

export const languages = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt', 'sv', 'pl', 'cs', 'ru', 'uk', 'ar', 'fa', 'hi', 'ja', 'ko', 'zh'];

const DRAFT_KEY = 'herd.draft';

function blank(): Draft {
  return {
    text: '', spoiler: '', cw: false, visibility: (me.get()?.source?.privacy as Visibility) || 'public',
    sensitive: false, media: [], poll: null, replyTo: null, editing: null,
    language: me.get()?.source?.language || navigator.language.slice(0, 2) || 'en', scheduledAt: '',
  };
}

function loadDraft(): Draft {
  try {
    const saved = JSON.parse(localStorage.getItem(DRAFT_KEY) ?? 'null') as Draft | null;
    if (saved) return { ...blank(), ...saved, media: saved.media.filter((m) => m.id) };
  } catch { /* a broken draft is dropped */ }
  return blank();
}

// Characters as Mastodon counts them: each URL counts as a fixed number, remote mentions by the
// local part only.
export function countCharacters(text: string, perUrl: number): number {
  const withoutUrls = text.replace(/https?:\/\/[^\s]+/g, 'x'.repeat(perUrl));
  const withoutDomains = withoutUrls.replace(/(^|[^\w])@(\w+)@[\w.-]+\w/g, '$1@$2');
  return Array.from(withoutDomains).length;
}

const durations = [300, 1800, 3600, 21600, 86400, 259200, 604800];

export function Compose({ onPosted }: { onPosted?: () => void }) {
  const [draft, setDraft] = useState<Draft>(loadDraft);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [suggestions, setSuggestions] = useState<{ items: { label: string; insert: string; account?: Account; emoji?: Emoji }[]; start: number; end: number } | null>(null);
  const [selected, setSelected] = useState(0);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const request = useStore(composeRequest);
  const server = useStore(instance);
  const account = useStore(me);
  const limits = server?.configuration.statuses ?? { max_characters: 500, max_media_attachments: 4, characters_reserved_per_url: 23 };
  const pollLimits = server?.configuration.polls ?? { max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2629746 };

  const update = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  useEffect(() => {
    if (draft.editing) return;  // an edit is not a draft to keep
    const empty = !draft.text && !draft.spoiler && !draft.media.length && !draft.poll;
    if (empty) localStorage.removeItem(DRAFT_KEY);
    else localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
  }, [draft]);

  // Reply, edit and redraft requests from the statuses' actions.
  useEffect(() => {
    const r = request;
    if (!r.nonce || !r.status) return;
    const s = r.status;
    setError('');
    if (r.kind === 'reply') {
      const mentions = [s.account, ...s.mentions].map((m) => m.acct).filter((acct, i, all) => acct !== account?.acct && all.indexOf(acct) === i);
      const text = mentions.map((a) => `@${a} `).join('');
      const order: Visibility[] = ['public', 'unlisted', 'private', 'direct'];
      const visibility = order[Math.max(order.indexOf(s.visibility), order.indexOf(blank().visibility))]!;
      setDraft({ ...blank(), text, replyTo: s, visibility, cw: !!s.spoiler_text, spoiler: s.spoiler_text });
    } else if (r.kind === 'edit') {
      api.get<{ text: string; spoiler_text: string }>(`/api/v1/statuses/${s.id}/source`).then((source) => {
        setDraft({
          ...blank(), text: source.text, spoiler: source.spoiler_text, cw: !!source.spoiler_text, visibility: s.visibility,
          sensitive: s.sensitive, editing: s, media: s.media_attachments.map(mediaDraft),
          poll: s.poll ? { options: s.poll.options.map((o) => o.title), expiresIn: 86400, multiple: s.poll.multiple } : null,
        });
      }, (e) => setError(e.message));
    } else if (r.kind === 'redraft') {
      setDraft({
        ...blank(), text: s.text ?? r.text ?? '', spoiler: s.spoiler_text, cw: !!s.spoiler_text, visibility: s.visibility,
        sensitive: s.sensitive, media: s.media_attachments.map(mediaDraft),
        poll: s.poll ? { options: s.poll.options.map((o) => o.title), expiresIn: 86400, multiple: s.poll.multiple } : null,
      });
    }
    setTimeout(() => textRef.current?.focus(), 0);
  }, [request.nonce]);

  const used = countCharacters(draft.text, limits.characters_reserved_per_url) + (draft.cw ? Array.from(draft.spoiler).length : 0);
  const remaining = limits.max_characters - used;
  const uploading = draft.media.some((m) => !m.id && !m.error);
  const pollValid = !draft.poll || draft.poll.options.filter((o) => o.trim()).length >= 2;
  const canPost = !busy && !uploading && remaining >= 0 && pollValid && (draft.text.trim() !== '' || draft.media.some((m) => m.id));

  // ---- autocomplete ----
  const searchTimer = useRef<number>(0);
  function autocomplete(text: string, caret: number) {
    const before = text.slice(0, caret);
    const match = /(?:^|[\s(])([@#][\p{L}\p{N}_.@-]{1,}|:[a-zA-Z0-9_]{2,})$/u.exec(before);
    window.clearTimeout(searchTimer.current);
    if (!match) { setSuggestions(null); return; }
    const token = match[1]!;
    const start = caret - token.length;
    if (token[0] === ':') {
      void loadCustomEmojis().then((emojis) => {
        const items = matchEmojis(emojis, token.slice(1)).map((e) => ({ label: `:${e.shortcode}:`, insert: `:${e.shortcode}: `, emoji: e }));
        setSuggestions(items.length ? { items, start, end: caret } : null);
        setSelected(0);
      });
      return;
    }
    searchTimer.current = window.setTimeout(async () => {
      try {
        const type = token[0] === '@' ? 'accounts' : 'hashtags';
        const results = await api.get<SearchResults>('/api/v2/search', { q: token.slice(1), type, limit: 5, resolve: false });
        const items = type === 'accounts'
          ? results.accounts.map((a) => ({ label: `@${a.acct}`, insert: `@${a.acct} `, account: a }))
          : results.hashtags.map((h) => ({ label: `#${h.name}`, insert: `#${h.name} ` }));
        setSuggestions(items.length ? { items, start, end: caret } : null);
        setSelected(0);
      } catch { setSuggestions(null); }
    }, 150);
  }
  function pick(index: number) {
    if (!suggestions) return;
    const item = suggestions.items[index]!;
    const text = draft.text.slice(0, suggestions.start) + item.insert + draft.text.slice(suggestions.end);
    update({ text });
    setSuggestions(null);
    const caret = suggestions.start + item.insert.length;
    setTimeout(() => { textRef.current?.focus(); textRef.current?.setSelectionRange(caret, caret); }, 0);
  }
  function onKeyDown(e: KeyboardEvent) {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); void submit(); return; }
    if (!suggestions) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); setSelected((selected + 1) % suggestions.items.length); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setSelected((selected - 1 + suggestions.items.length) % suggestions.items.length); }
    else if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); pick(selected); }
    else if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); setSuggestions(null); }
  }

  // ---- media ----
  function addFiles(files: FileList | null) {
    if (!files) return;
    const room = limits.max_media_attachments - draft.media.length;
    Array.from(files).slice(0, Math.max(room, 0)).forEach((file) => {
      const key = `${Date.now()}-${Math.random()}`;
      setDraft((d) => ({ ...d, media: [...d.media, { key, name: file.name, description: '', savedDescription: '', progress: 0 }] }));
      const form = new FormData();
      form.append('file', file);
      const patchMedia = (patch: Partial<MediaDraft>) => setDraft((d) => ({ ...d, media: d.media.map((m) => (m.key === key ? { ...m, ...patch } : m)) }));
      api.upload<Attachment>(form, (progress) => patchMedia({ progress })).then(
        (media) => patchMedia({ id: media.id, url: media.preview_url ?? media.url, progress: 1 }),
        (e: Error) => patchMedia({ error: e.message }),
      );
    });
    if (files.length > room) toast(t('compose.tooManyMedia', { n: limits.max_media_attachments }));
  }

  // Sets the focal point at once (PUT /api/v1/media/:id); the marker moves back if that fails.
  function setFocus(m: MediaDraft, focus: Focus) {
    const patchFocus = (value: Focus | null) => setDraft((d) => ({ ...d, media: d.media.map((x) => (x.key === m.key ? { ...x, focus: value } : x)) }));
    const previous = m.focus ?? null;
    patchFocus(focus);
    if (draft.editing) return;  // attached media change with the edit (media_attributes)
    api.put(`/api/v1/media/${m.id}`, { focus: `${focus.x.toFixed(2)},${focus.y.toFixed(2)}` }).catch((e: Error) => { patchFocus(previous); toast(e.message); });
  }

  async function submit(event?: Event) {
    event?.preventDefault();
    if (!canPost) return;
    setBusy(true);
    setError('');
    const media = draft.media.filter((m) => m.id);
    const poll = draft.poll ? { options: draft.poll.options.filter((o) => o.trim()), expires_in: draft.poll.expiresIn, multiple: draft.poll.multiple } : undefined;
    try {
      let status: Status;
      if (draft.editing) {
        status = await api.put<Status>(`/api/v1/statuses/${draft.editing.id}`, {
          status: draft.text, spoiler_text: draft.cw ? draft.spoiler : '', sensitive: draft.sensitive || (draft.cw && media.length > 0),
          media_ids: media.map((m) => m.id), media_attributes: media.map((m) => ({ id: m.id, description: m.description, ...(m.focus ? { focus: `${m.focus.x},${m.focus.y}` } : {}) })), language: draft.language, ...(poll ? { poll } : {}),
        });
        cacheStatus(status);
        toast(t('compose.edited'));
      } else {
        for (const m of media)
          if (m.description !== m.savedDescription) await api.put(`/api/v1/media/${m.id}`, { description: m.description });
        status = await api.post<Status>('/api/v1/statuses', {
          status: draft.text, spoiler_text: draft.cw ? draft.spoiler : '', visibility: draft.visibility,
          sensitive: draft.sensitive || (draft.cw && media.length > 0), media_ids: media.map((m) => m.id),
          in_reply_to_id: draft.replyTo?.id, language: draft.language, ...(poll ? { poll } : {}),
          ...(draft.scheduledAt ? { scheduled_at: new Date(draft.scheduledAt).toISOString() } : {}),
        }, true);
        if (draft.scheduledAt) {
          toast(t('compose.scheduled'));
        } else {
          cacheStatus(status);
          posted.set(status);
          toast(t('compose.posted'));
        }
      }
      setDraft(blank());
      localStorage.removeItem(DRAFT_KEY);
      onPosted?.();
    } catch (e) {
      setError((e as Error).message);
    } finally { setBusy(false); }
  }

  const counterClass = remaining < 0 ? 'counter over' : remaining <= 20 ? 'counter near' : 'counter';
  return (
    <form class="compose" onSubmit={submit} aria-label={t('compose.label')}>
      {account && <div class="compose-who"><Avatar account={account} size={36} /><span>@{account.acct}</span></div>}
      {draft.replyTo && (
        <div class="compose-context">
          <span>{t('compose.replyingTo', { acct: draft.replyTo.account.acct })}</span>
          <button type="button" class="link" onClick={() => update({ replyTo: null })}>{t('common.cancel')}</button>
        </div>
      )}
      {draft.editing && (
        <div class="compose-context">
          <span>{t('compose.editing')}</span>
          <button type="button" class="link" onClick={() => setDraft(blank())}>{t('common.cancel')}</button>
        </div>
      )}
      {draft.cw && (
        <input type="text" class="input" value={draft.spoiler} aria-label={t('compose.cwLabel')} placeholder={t('compose.cwPlaceholder')}
          onInput={(e) => update({ spoiler: (e.target as HTMLInputElement).value })} />
      )}
      <div class="compose-text-wrap">
        <textarea id="compose-text" ref={textRef} class="input" rows={5} value={draft.text} aria-label={t('compose.textLabel')}
          placeholder={t('compose.placeholder')} aria-autocomplete="list" aria-controls={suggestions ? 'compose-suggestions' : undefined}
          aria-activedescendant={suggestions ? `suggestion-${selected}` : undefined}
          onInput={(e) => { const el = e.target as HTMLTextAreaElement; update({ text: el.value }); autocomplete(el.value, el.selectionStart); }}
          onKeyDown={onKeyDown} onBlur={() => setTimeout(() => setSuggestions(null), 200)} />
        {suggestions && (
          <ul class="suggestions" id="compose-suggestions" role="listbox" aria-label={t('compose.suggestions')}>
            {suggestions.items.map((item, i) => (
              <li key={item.label} id={`suggestion-${i}`} role="option" aria-selected={i === selected} class={i === selected ? 'selected' : ''}
                onMouseDown={(e) => { e.preventDefault(); pick(i); }}>
                {item.account && <Avatar account={item.account} size={24} />}
                {item.emoji && <img class="emoji" src={item.emoji.static_url || item.emoji.url} alt="" width={24} height={24} />}{item.label}
              </li>
            ))}
          </ul>
        )}
      </div>
      {draft.media.length > 0 && (
        <ul class="compose-media">
          {draft.media.map((m) => (
            <li key={m.key}>
              {m.url && m.id ? <FocalPoint url={m.url} focus={m.focus ?? null} onChange={(focus) => setFocus(m, focus)} />
                : <span class="upload-progress"><progress max={1} value={m.progress} aria-label={t('compose.uploading', { name: m.name })} /></span>}
              <div class="compose-media-fields">
                {m.error ? <p class="error-text" role="alert">{m.error}</p> : (
                  <label>{t('compose.altLabel')}
                    <textarea class="input" rows={2} value={m.description} maxLength={server?.configuration.media_attachments.description_limit ?? 1500}
                      onInput={(e) => { const v = (e.target as HTMLTextAreaElement).value; setDraft((d) => ({ ...d, media: d.media.map((x) => (x.key === m.key ? { ...x, description: v } : x)) })); }} />
                  </label>
                )}
                <button type="button" class="link" onClick={() => setDraft((d) => ({ ...d, media: d.media.filter((x) => x.key !== m.key) }))}>{t('compose.removeMedia')}</button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {draft.poll && (
        <fieldset class="compose-poll">
          <legend>{t('compose.poll')}</legend>
          {draft.poll.options.map((option, i) => (
            <div class="poll-option" key={i}>
              <input type="text" class="input" value={option} maxLength={pollLimits.max_characters_per_option} aria-label={t('compose.pollOption', { n: i + 1 })}
                placeholder={t('compose.pollOption', { n: i + 1 })}
                onInput={(e) => { const v = (e.target as HTMLInputElement).value; setDraft((d) => ({ ...d, poll: d.poll && { ...d.poll, options: d.poll.options.map((o, j) => (j === i ? v : o)) } })); }} />
              {draft.poll!.options.length > 2 && (
                <button type="button" class="icon-button" aria-label={t('compose.pollRemove', { n: i + 1 })} onClick={() => setDraft((d) => ({ ...d, poll: d.poll && { ...d.poll, options: d.poll.options.filter((_, j) => j !== i) } }))}><Icon name="close" /></button>
              )}
            </div>
          ))}
          <div class="poll-settings">
            {draft.poll.options.length < pollLimits.max_options && (
              <button type="button" class="button small secondary" onClick={() => setDraft((d) => ({ ...d, poll: d.poll && { ...d.poll, options: [...d.poll.options, ''] } }))}>{t('compose.pollAdd')}</button>
            )}
            <label>{t('compose.pollDuration')}{' '}
              <select value={draft.poll.expiresIn} onChange={(e) => { const v = Number((e.target as HTMLSelectElement).value); setDraft((d) => ({ ...d, poll: d.poll && { ...d.poll, expiresIn: v } })); }}>
                {durations.filter((d) => d >= pollLimits.min_expiration && d <= pollLimits.max_expiration).map((d) => <option key={d} value={d}>{t(`duration.${d}`)}</option>)}
              </select>
            </label>
            <label><input type="checkbox" checked={draft.poll.multiple} onChange={(e) => { const v = (e.target as HTMLInputElement).checked; setDraft((d) => ({ ...d, poll: d.poll && { ...d.poll, multiple: v } })); }} /> {t('compose.pollMultiple')}</label>
          </div>
        </fieldset>
      )}
      <details class="compose-options">
        <summary>{t('compose.options')}</summary>
        <div class="compose-extra">
          <label>{t('compose.language')}
            <select class="input" value={draft.language} onChange={(e) => update({ language: (e.target as HTMLSelectElement).value })}>
              {[...new Set([draft.language, ...languages])].map((code) => <option key={code} value={code}>{languageName(code)}</option>)}
            </select>
          </label>
          {!draft.editing && (
            <label>{t('compose.schedule')}
              <input type="datetime-local" class="input" value={draft.scheduledAt} onInput={(e) => update({ scheduledAt: (e.target as HTMLInputElement).value })} />
            </label>
          )}
        </div>
      </details>
      {error && <p class="error-text" role="alert">{error}</p>}
      <div class="compose-bar">
        <input type="file" ref={fileRef} class="visually-hidden" multiple accept="image/*,video/*,audio/*" aria-label={t('compose.addMedia')}
          onChange={(e) => { addFiles((e.target as HTMLInputElement).files); (e.target as HTMLInputElement).value = ''; }} />
        <button type="button" class="icon-button" aria-label={t('compose.addMedia')} title={t('compose.addMedia')}
          disabled={draft.media.length >= limits.max_media_attachments || !!draft.poll} onClick={() => fileRef.current?.click()}><Icon name="image" /></button>
        <button type="button" class={`icon-button${draft.poll ? ' active' : ''}`} aria-label={t('compose.poll')} title={t('compose.poll')} aria-pressed={!!draft.poll}
          disabled={draft.media.length > 0} onClick={() => update({ poll: draft.poll ? null : { options: ['', ''], expiresIn: 86400, multiple: false } })}><Icon name="poll" /></button>
        <button type="button" class={`icon-button cw-toggle${draft.cw ? ' active' : ''}`} aria-pressed={draft.cw} title={t('compose.cw')}
          onClick={() => update({ cw: !draft.cw })}><span aria-hidden="true">CW</span><span class="visually-hidden">{t('compose.cw')}</span></button>
        <select class="visibility" value={draft.visibility} aria-label={t('compose.visibility')} disabled={!!draft.editing}
          onChange={(e) => update({ visibility: (e.target as HTMLSelectElement).value as Visibility })}>
          {(['public', 'unlisted', 'private', 'direct'] as Visibility[]).map((v) => <option key={v} value={v}>{t(`visibility.${v}`)}</option>)}
        </select>
        {draft.media.length > 0 && !draft.cw && (
          <label class="sensitive-toggle"><input type="checkbox" checked={draft.sensitive} onChange={(e) => update({ sensitive: (e.target as HTMLInputElement).checked })} /> {t('compose.sensitive')}</label>
        )}
        <span class={counterClass} aria-hidden="true">{remaining}</span>
        <span class="visually-hidden" aria-live="polite">{remaining <= 20 ? t('compose.remaining', { n: remaining }) : ''}</span>
        <button type="submit" class="button" disabled={!canPost}>{busy ? t('compose.posting') : draft.editing ? t('compose.save') : t('compose.publish')}</button>
      </div>
    </form>
  );
}

export function languageName(code: string): string {
  try { return new Intl.DisplayNames([navigator.language], { type: 'language' }).of(code) ?? code; } catch { return code; }
}

function mediaDraft(m: Attachment): MediaDraft {
  return { key: m.id, id: m.id, url: m.preview_url ?? m.url, name: '', description: m.description ?? '', savedDescription: m.description ?? '', progress: 1, focus: m.meta?.focus ?? null };
}

const clamp = (v: number) => Math.max(-1, Math.min(1, Math.round(v * 100) / 100));

// The uploaded image as a button: a click (or the arrow keys) sets the focal point, shown as a
// ring; crops in timelines keep that point in view.
function FocalPoint({ url, focus, onChange }: { url: string; focus: Focus | null; onChange: (focus: Focus) => void }) {
  const at = focus ?? { x: 0, y: 0 };
  function onClick(e: MouseEvent) {
    const box = (e.currentTarget as HTMLElement).querySelector('img')!.getBoundingClientRect();
    if (!box.width || !box.height || e.detail === 0) return;  // detail 0: Enter or Space, not a click
    onChange({ x: clamp(((e.clientX - box.left) / box.width) * 2 - 1), y: clamp(1 - ((e.clientY - box.top) / box.height) * 2) });
  }
  function onKeyDown(e: KeyboardEvent) {
    const step: Record<string, [number, number]> = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, 0.1], ArrowDown: [0, -0.1] };
    const move = step[e.key];
    if (!move) return;
    e.preventDefault();
    onChange({ x: clamp(at.x + move[0]), y: clamp(at.y + move[1]) });
  }
  return (
    <button type="button" class="focal-point" onClick={onClick} onKeyDown={onKeyDown}
      aria-label={t('compose.focalPoint', { x: Math.round(((at.x + 1) / 2) * 100), y: Math.round(((1 - at.y) / 2) * 100) })} title={t('compose.focalPointHint')}>
      <img src={url} alt="" />
      {focus && <span class="focal-marker" aria-hidden="true" style={{ left: `${((focus.x + 1) / 2) * 100}%`, top: `${((1 - focus.y) / 2) * 100}%` }} />}
    </button>
  );
}
