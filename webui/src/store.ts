// Client state in a few small stores: statuses by id (every view shows the same, updated copy),
// the signed-in account and the instance, and a tiny subscribe/notify helper for hooks.
import { useEffect, useState } from 'preact/hooks';
import type { Account, Instance, Status } from './types';

type Fn = () => void;

export class Store<T> {
  private listeners = new Set<Fn>();
  constructor(private value: T) {}
  get(): T { return this.value; }
  set(value: T): void { this.value = value; this.listeners.forEach((fn) => fn()); }
  subscribe(fn: Fn): Fn { this.listeners.add(fn); return () => this.listeners.delete(fn); }
}

export function useStore<T>(store: Store<T>): T {
  const [, force] = useState(0);
  useEffect(() => store.subscribe(() => force((n) => n + 1)), [store]);
  return store.get();
}

// ---- statuses ------------------------------------------------------------------------------------

const statuses = new Map<string, Status>();
const statusListeners = new Map<string, Set<Fn>>();

export function cacheStatus(status: Status): Status {
  if (status.reblog) cacheStatus(status.reblog);
  statuses.set(status.id, status);
  statusListeners.get(status.id)?.forEach((fn) => fn());
  return status;
}
export function cacheStatuses(list: Status[]): string[] { return list.map((s) => cacheStatus(s).id); }
export function cachedStatus(id: string): Status | undefined { return statuses.get(id); }
export function forgetStatus(id: string): void {
  statuses.delete(id);
  statusListeners.get(id)?.forEach((fn) => fn());
}

// The latest copy of a status (re-renders when it changes); undefined once deleted.
export function useStatus(id: string): Status | undefined {
  const [, force] = useState(0);
  useEffect(() => {
    let set = statusListeners.get(id);
    if (!set) { set = new Set(); statusListeners.set(id, set); }
    const fn = () => force((n) => n + 1);
    set.add(fn);
    return () => { set!.delete(fn); if (!set!.size) statusListeners.delete(id); };
  }, [id]);
  return statuses.get(id);
}

// ---- the session -----------------------------------------------------------------------------------

export const me = new Store<Account | null>(null);
export const instance = new Store<Instance | null>(null);
export const unreadNotifications = new Store<number>(0);

// What the compose box should do next: a reply, an edit, a redraft (set by a status's actions).
export interface ComposeRequest {
  kind: 'new' | 'reply' | 'edit' | 'redraft';
  status?: Status;
  text?: string;
  nonce: number;
}
export const composeRequest = new Store<ComposeRequest>({ kind: 'new', nonce: 0 });
export function requestCompose(kind: ComposeRequest['kind'], status?: Status, text?: string): void {
  composeRequest.set({ kind, ...(status ? { status } : {}), ...(text !== undefined ? { text } : {}), nonce: Date.now() });
}

// Local preferences of this browser (theme, reduced motion, media display).
export interface LocalPreferences { theme: 'system' | 'light' | 'dark'; reduceMotion: boolean; showSensitive: boolean }
const PREFS_KEY = 'herd.preferences';
export const preferences = new Store<LocalPreferences>({
  theme: 'system', reduceMotion: false, showSensitive: false,
  ...(JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}') as Partial<LocalPreferences>),
});
preferences.subscribe(() => localStorage.setItem(PREFS_KEY, JSON.stringify(preferences.get())));

// The status the person just posted: the home timeline shows it at once.
export const posted = new Store<Status | null>(null);
