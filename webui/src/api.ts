// The one way the client talks to herd: the public Mastodon client API (REST) and the streaming
// API, with the access token from auth.ts. Errors become ApiError values with words to show.
import { t } from './i18n';

export class ApiError extends Error {
  constructor(message: string, readonly status: number) { super(message); }
}

let accessToken = '';
export function setToken(token: string): void { accessToken = token; }
export function token(): string { return accessToken; }

export interface Page<T> { items: T; next: string | null; prev: string | null }

type Params = Record<string, string | number | boolean | undefined | null | (string | number)[]>;

function query(params?: Params): string {
  if (!params) return '';
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) value.forEach((v) => q.append(`${key}[]`, String(v)));
    else q.append(key, String(value));
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}

// Link: <url>; rel="next", <url>; rel="prev"
function links(header: string | null): { next: string | null; prev: string | null } {
  const out = { next: null as string | null, prev: null as string | null };
  if (!header) return out;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?(next|prev)"?/.exec(part);
    if (match) out[match[2] as 'next' | 'prev'] = match[1]!;
  }
  return out;
}

export let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(fn: () => void): void { onUnauthorized = fn; }

async function send(method: string, url: string, body?: BodyInit | object, idempotent = false): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (idempotent) headers['Idempotency-Key'] = crypto.randomUUID();
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body: payload ?? null });
  } catch {
    throw new ApiError(t('error.network'), 0);
  }
  if (response.ok) return response;
  let message = '';
  try {
    const json = await response.json();
    message = json.error_description || json.error || '';
  } catch { /* not JSON */ }
  if (response.status === 401 && accessToken) onUnauthorized();
  if (response.status === 429) message = t('error.rateLimited');
  if (!message) message = t('error.status', { status: response.status });
  throw new ApiError(message, response.status);
}

export async function get<T>(path: string, params?: Params): Promise<T> {
  return (await send('GET', path + query(params))).json();
}

// A page of a paginated list: `path` is an API path, or a full Link URL from a previous page.
export async function page<T>(path: string, params?: Params): Promise<Page<T>> {
  const response = await send('GET', path.startsWith('http') ? path : path + query(params));
  return { items: await response.json(), ...links(response.headers.get('Link')) };
}

export async function post<T>(path: string, body?: object | FormData, idempotent = false): Promise<T> {
  const response = await send('POST', path, body ?? {}, idempotent);
  return response.status === 204 ? ({} as T) : response.json();
}
export async function put<T>(path: string, body?: object | FormData): Promise<T> {
  return (await send('PUT', path, body ?? {})).json();
}
export async function patch<T>(path: string, body?: object | FormData): Promise<T> {
  return (await send('PATCH', path, body ?? {})).json();
}
export async function del<T>(path: string): Promise<T> {
  const response = await send('DELETE', path);
  const text = await response.text();
  return (text ? JSON.parse(text) : {}) as T;
}

// Uploads a file with progress (fetch has no upload progress): POST /api/v2/media.
export function upload<T>(form: FormData, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v2/media');
    xhr.setRequestHeader('Authorization', `Bearer ${accessToken}`);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(t('error.network'), 0));
    xhr.onload = () => {
      let json: { error?: string } = {};
      try { json = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(json as T);
      else reject(new ApiError(json.error || t('error.status', { status: xhr.status }), xhr.status));
    };
    xhr.send(form);
  });
}

// ---- streaming -----------------------------------------------------------------------------------

export interface StreamEvent { stream: string[]; event: string; payload: string }
type Listener = (event: StreamEvent) => void;

// One WebSocket for every stream the views subscribe to; reconnects with backoff.
class Streaming {
  private socket: WebSocket | null = null;
  private base = '';
  private listeners = new Map<string, Set<Listener>>();  // key: stream name (+ ":" tag/list)
  private delay = 1000;
  private closed = false;

  start(base: string): void { this.base = base; this.connect(); }
  stop(): void { this.closed = true; this.socket?.close(); }

  private connect(): void {
    if (this.closed) return;
    const url = `${this.base.replace(/^http/, 'ws')}/api/v1/streaming?access_token=${encodeURIComponent(accessToken)}`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.delay = 1000;
      for (const key of this.listeners.keys()) this.sendSubscription('subscribe', key);
    };
    socket.onmessage = (message) => {
      let event: StreamEvent;
      try { event = JSON.parse(String(message.data)); } catch { return; }
      if (!event.stream) return;
      const [name, arg] = event.stream;
      const key = arg ? `${name}:${arg}` : String(name);
      this.listeners.get(key)?.forEach((fn) => fn(event));
      if (name === 'user' || name === 'user:notification') this.listeners.get('user')?.forEach((fn) => key !== 'user' && fn(event));
    };
    socket.onclose = () => {
      if (this.closed) return;
      setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 30000);
    };
  }

  private sendSubscription(type: string, key: string): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    const [stream, arg] = splitKey(key);
    const message: Record<string, string> = { type, stream };
    if (arg && stream.startsWith('hashtag')) message.tag = arg;
    if (arg && stream === 'list') message.list = arg;
    this.socket.send(JSON.stringify(message));
  }

  // key: "user", "public", "public:local", "hashtag:<tag>", "list:<id>"
  subscribe(key: string, fn: Listener): () => void {
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
      this.sendSubscription('subscribe', key);
    }
    set.add(fn);
    return () => {
      set!.delete(fn);
      if (set!.size === 0 && key !== 'user') {
        this.listeners.delete(key);
        this.sendSubscription('unsubscribe', key);
      }
    };
  }
}

function splitKey(key: string): [string, string | undefined] {
  if (key.startsWith('hashtag:')) return ['hashtag', key.slice(8)];
  if (key.startsWith('list:')) return ['list', key.slice(5)];
  return [key, undefined];
}

export const streaming = new Streaming();
