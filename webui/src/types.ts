// The Mastodon client API entities the web client reads (the fields it uses).
export interface Emoji { shortcode: string; url: string; static_url: string }
export interface Field { name: string; value: string; verified_at: string | null }
export interface Account {
  id: string; username: string; acct: string; display_name: string; locked: boolean; bot: boolean;
  note: string; url: string; avatar: string; header: string; followers_count: number;
  following_count: number; statuses_count: number; fields: Field[]; emojis: Emoji[];
  discoverable?: boolean | null; created_at: string;
  source?: { note: string; fields: Field[]; privacy: string; sensitive: boolean; language: string | null };
  role?: { name: string; permissions: string } | null;
}
export interface Attachment {
  id: string; type: 'image' | 'video' | 'gifv' | 'audio' | 'unknown'; url: string;
  preview_url: string | null; description: string | null; blurhash: string | null;
  meta?: { original?: { width?: number; height?: number }; focus?: { x: number; y: number } } | null;
}
export interface PollOption { title: string; votes_count: number | null }
export interface Poll {
  id: string; expires_at: string | null; expired: boolean; multiple: boolean; votes_count: number;
  voters_count: number | null; options: PollOption[]; voted?: boolean; own_votes?: number[];
}
export interface Card {
  url: string; title: string; description: string; image: string | null; provider_name: string;
}
export interface Mention { id: string; username: string; acct: string; url: string }
export interface Tag { name: string; url: string; following?: boolean; history?: { uses: string }[] }
export type Visibility = 'public' | 'unlisted' | 'private' | 'direct';
export interface Status {
  id: string; uri: string; url: string | null; created_at: string; edited_at: string | null;
  account: Account; content: string; spoiler_text: string; sensitive: boolean;
  visibility: Visibility; in_reply_to_id: string | null; in_reply_to_account_id: string | null;
  reblog: Status | null; media_attachments: Attachment[]; mentions: Mention[]; tags: Tag[];
  emojis: Emoji[]; poll: Poll | null; card: Card | null; replies_count: number;
  reblogs_count: number; favourites_count: number; favourited?: boolean; reblogged?: boolean;
  bookmarked?: boolean; language: string | null; text?: string | null;
}
export interface Notification {
  id: string; type: string; created_at: string; account: Account; status?: Status | null;
  report?: Report | null;
}
export interface Relationship {
  id: string; following: boolean; followed_by: boolean; requested: boolean; blocking: boolean;
  muting: boolean; showing_reblogs?: boolean;
}
export interface Instance {
  domain: string; title: string; description: string; version: string;
  configuration: {
    urls?: { streaming?: string };
    statuses: { max_characters: number; max_media_attachments: number; characters_reserved_per_url: number };
    media_attachments: { image_size_limit: number; description_limit?: number };
    polls: { max_options: number; max_characters_per_option: number; min_expiration: number; max_expiration: number };
  };
  registrations: { enabled: boolean; approval_required: boolean };
  rules?: { id: string; text: string }[];
}
export interface Context { ancestors: Status[]; descendants: Status[] }
export interface SearchResults { accounts: Account[]; statuses: Status[]; hashtags: Tag[] }
export interface List { id: string; title: string }
export interface Filter {
  id: string; title: string; context: string[]; filter_action: string; expires_at: string | null;
  keywords: { id: string; keyword: string; whole_word: boolean }[];
}
export interface Report {
  id: string; action_taken: boolean; category: string; comment: string; created_at: string;
  status_ids: string[] | null; target_account: Account;
}
export interface AdminAccount {
  id: string; username: string; domain: string | null; email: string; created_at: string;
  approved: boolean; disabled: boolean; silenced: boolean; suspended: boolean; sensitized?: boolean;
  account: Account; invite_request?: string | null; role?: { name: string } | null;
}
export interface AdminReport {
  id: string; action_taken: boolean; category: string; comment: string; created_at: string;
  account: AdminAccount; target_account: AdminAccount; statuses: Status[];
  assigned_account: AdminAccount | null;
}
export interface DomainBlock { id: string; domain: string; severity: string; public_comment?: string | null }
export interface Rule { id: string; text: string; hint?: string }
export interface Announcement { id: string; content: string; starts_at: string | null; published_at: string }
export interface Application { id?: string; name: string; website: string | null; scopes?: string[] }
