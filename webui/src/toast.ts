// Short messages for the person (an action failed, a link was copied), read out by screen readers.
import { Store } from './store';

export const toasts = new Store<{ id: number; text: string }[]>([]);
export function toast(text: string): void {
  const id = Date.now() + Math.random();
  toasts.set([...toasts.get(), { id, text }]);
  setTimeout(() => toasts.set(toasts.get().filter((x) => x.id !== id)), 6000);
}
