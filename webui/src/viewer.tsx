// The media viewer: one image (or video) at a time over the page, with its description, arrows
// and Escape.
import { useEffect, useRef } from 'preact/hooks';
import { Icon } from './components';
import { t } from './i18n';
import { Store, useStore } from './store';
import type { Attachment } from './types';

const open = new Store<{ media: Attachment[]; index: number } | null>(null);
export function openMedia(media: Attachment[], index: number): void { open.set({ media, index }); }

export function MediaViewer() {
  const state = useStore(open);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!state) return;
    const previous = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    const key = (e: KeyboardEvent) => {
      if (e.key === 'Escape') open.set(null);
      if (e.key === 'ArrowRight') move(1);
      if (e.key === 'ArrowLeft') move(-1);
    };
    document.addEventListener('keydown', key);
    return () => { document.removeEventListener('keydown', key); previous?.focus(); };
  }, [!!state]);
  if (!state) return null;
  const item = state.media[state.index]!;
  function move(step: number) {
    const s = open.get();
    if (s) open.set({ ...s, index: (s.index + step + s.media.length) % s.media.length });
  }
  return (
    <div class="viewer" role="dialog" aria-modal="true" aria-label={t('media.viewer')} onClick={(e) => { if (e.target === e.currentTarget) open.set(null); }}>
      <button type="button" class="viewer-close" ref={closeRef} onClick={() => open.set(null)} aria-label={t('common.close')}><Icon name="close" /></button>
      {item.type === 'image' ? <img src={item.url} alt={item.description ?? ''} /> : <video src={item.url} controls autoPlay aria-label={item.description ?? ''} />}
      {item.description && <p class="viewer-alt">{item.description}</p>}
      {state.media.length > 1 && (
        <div class="viewer-nav">
          <button type="button" class="button secondary" onClick={() => move(-1)}>{t('media.previous')}</button>
          <span>{state.index + 1} / {state.media.length}</span>
          <button type="button" class="button secondary" onClick={() => move(1)}>{t('media.next')}</button>
        </div>
      )}
    </div>
  );
}
