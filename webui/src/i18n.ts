// Every user-visible string of the client, in one catalog (ready for translation). t(key, vars)
// fills {name} placeholders; an entry may be {one, other} for counts ({n}).
type Entry = string | { one: string; other: string };

const en: Record<string, Entry> = {
  'common.loading': 'Loading…', 'common.retry': 'Try again', 'common.close': 'Close', 'common.cancel': 'Cancel',
  'common.delete': 'Delete',

  'error.network': 'The server could not be reached. Check your connection and try again.',
  'error.rateLimited': 'Too many requests. Wait a moment, then try again.',
  'error.status': 'The server answered with an error ({status}).',
  'error.notFound': 'This page does not exist.', 'error.notFoundTitle': 'Not found',
  'error.startTitle': 'The web app could not start', 'error.unknown': 'Something went wrong.',
  'auth.insecure': 'Signing in needs a secure connection (HTTPS).',
  'auth.stateMismatch': 'The sign-in did not come back from this page. Try again.',
  'auth.failed': 'Signing in failed.',

  'nav.label': 'Main navigation', 'nav.home': 'Home', 'nav.notifications': 'Notifications', 'nav.explore': 'Explore',
  'nav.local': 'Local', 'nav.federated': 'Federated', 'nav.search': 'Search', 'nav.bookmarks': 'Bookmarks',
  'nav.favourites': 'Favourites', 'nav.lists': 'Lists', 'nav.followRequests': 'Follow requests',
  'nav.settings': 'Settings', 'nav.admin': 'Moderation', 'nav.signOut': 'Sign out', 'nav.back': 'Back',
  'nav.skip': 'Skip to content', 'nav.conversations': 'Direct messages', 'nav.followedTags': 'Followed hashtags',
  'conversations.empty': 'No direct messages yet.', 'conversations.unread': 'Unread',
  'announcements.label': 'Announcements', 'announcements.dismiss': 'Dismiss',
  'followedTags.empty': 'You do not follow any hashtag yet.',
  'compose.language': 'Language', 'compose.options': 'Language and scheduling', 'compose.schedule': 'Publish later (optional)', 'compose.scheduled': 'Scheduled', 'nav.landing': 'About this server',
  'nav.unread': { one: '{n} unread notification', other: '{n} unread notifications' },

  'time.now': 'now', 'time.minutes': '{n}m', 'time.hours': '{n}h', 'time.days': '{n}d',

  'timeline.newPosts': { one: 'Show {n} new post', other: 'Show {n} new posts' },
  'timeline.loadMore': 'Load more', 'timeline.end': 'You have reached the end.',
  'timeline.emptyHome': 'Your home timeline is empty. Follow people to see their posts here.',
  'timeline.emptyPublic': 'Nothing here yet.', 'timeline.emptyTag': 'No posts with this hashtag yet.',
  'timeline.emptyList': 'No posts from the members of this list yet.',
  'timeline.emptyBookmarks': 'You have not bookmarked any posts yet.',
  'timeline.emptyFavourites': 'You have not favourited any posts yet.',

  'status.label': 'Post by {name}', 'status.actions': 'Actions', 'status.reply': 'Reply', 'status.boost': 'Boost',
  'status.favourite': 'Favourite', 'status.bookmark': 'Bookmark', 'status.more': 'More',
  'status.boosted': 'boosted', 'status.inReply': 'Reply in a thread', 'status.showMore': 'Show more',
  'status.showLess': 'Show less', 'status.sensitive': 'Sensitive content', 'status.sensitiveShow': 'Click to show',
  'status.hideMedia': 'Hide media', 'status.edited': 'Edited {when}', 'status.history': 'Edit history',
  'status.copyLink': 'Copy link', 'status.linkCopied': 'Link copied', 'status.edit': 'Edit',
  'status.redraft': 'Delete and redraft', 'status.delete': 'Delete',
  'status.confirmDelete': 'Delete this post?',
  'status.confirmRedraft': 'Delete this post and put its text back in the compose box? Favourites and boosts are lost.',

  'visibility.public': 'Public', 'visibility.unlisted': 'Unlisted', 'visibility.private': 'Followers only',
  'visibility.direct': 'Mentioned people only',

  'media.open': 'Open media', 'media.viewer': 'Media viewer', 'media.previous': 'Previous', 'media.next': 'Next',
  'media.video': 'Video', 'media.audio': 'Audio',

  'poll.vote': 'Vote', 'poll.votes': { one: '{n} vote', other: '{n} votes' }, 'poll.closed': 'Closed',
  'poll.endsAt': 'Ends {when}', 'poll.legend': 'Poll choices', 'poll.yourChoice': '(your choice)',

  'compose.label': 'New post', 'compose.textLabel': 'Post text', 'compose.placeholder': 'What is on your mind?',
  'compose.cw': 'Content warning', 'compose.cwLabel': 'Content warning text', 'compose.cwPlaceholder': 'Write your warning here',
  'compose.visibility': 'Who can see this post', 'compose.addMedia': 'Add images, a video or audio',
  'compose.altLabel': 'Description (alt text)', 'compose.removeMedia': 'Remove',
  'compose.uploading': 'Uploading {name}', 'compose.tooManyMedia': 'At most {n} files can be attached.',
  'compose.poll': 'Poll', 'compose.pollOption': 'Choice {n}', 'compose.pollRemove': 'Remove choice {n}',
  'compose.pollAdd': 'Add a choice', 'compose.pollDuration': 'Duration', 'compose.pollMultiple': 'Allow several choices',
  'compose.sensitive': 'Mark media as sensitive', 'compose.remaining': '{n} characters left',
  'compose.publish': 'Publish', 'compose.publishShort': 'Post', 'compose.save': 'Save changes',
  'compose.posting': 'Posting…', 'compose.posted': 'Posted', 'compose.edited': 'Changes saved',
  'compose.replyingTo': 'Replying to @{acct}', 'compose.editing': 'Editing your post',
  'compose.suggestions': 'Suggestions',

  'duration.300': '5 minutes', 'duration.1800': '30 minutes', 'duration.3600': '1 hour', 'duration.21600': '6 hours',
  'duration.86400': '1 day', 'duration.259200': '3 days', 'duration.604800': '7 days',

  'thread.label': 'Post',

  'notifications.filter': 'Show', 'notifications.all': 'All', 'notifications.mentions': 'Mentions',
  'notifications.favourites': 'Favourites', 'notifications.boosts': 'Boosts', 'notifications.follows': 'Follows',
  'notifications.polls': 'Polls', 'notifications.empty': 'No notifications yet.',
  'notification.favourite': 'favourited your post', 'notification.reblog': 'boosted your post',
  'notification.follow': 'followed you', 'notification.follow_request': 'asked to follow you',
  'notification.poll': 'A poll has ended', 'notification.update': 'edited a post',
  'notification.status': 'just posted', 'notification.sign_up': 'signed up', 'notification.report': 'filed a report',
  'notification.other': 'did something',

  'requests.accept': 'Accept', 'requests.reject': 'Reject', 'requests.accepted': 'Follow request accepted',
  'requests.rejected': 'Follow request rejected', 'requests.empty': 'No follow requests.',

  'account.label': 'Profile of @{acct}', 'account.follow': 'Follow', 'account.unfollow': 'Unfollow',
  'account.requestFollow': 'Request to follow', 'account.requested': 'Requested (cancel)',
  'account.editProfile': 'Edit profile', 'account.mute': 'Mute @{acct}', 'account.block': 'Block @{acct}',
  'account.muteShort': 'Mute', 'account.blockShort': 'Block', 'account.unmute': 'Unmute', 'account.unblock': 'Unblock',
  'account.muted': 'Muted', 'account.blocked': 'Blocked', 'account.locked': 'Locked account', 'account.bot': 'Bot',
  'account.followsYou': 'Follows you', 'account.posts': 'Posts', 'account.following': 'Following',
  'account.followers': 'Followers', 'account.none': 'Nobody here yet.', 'account.noPosts': 'No posts yet.',
  'account.postsTabs': 'Posts to show', 'account.tab.posts': 'Posts', 'account.tab.replies': 'Posts and replies',
  'account.tab.media': 'Media',

  'report.action': 'Report @{acct}', 'report.why': 'What is wrong with this post?',
  'report.category.spam': 'It is spam', 'report.category.legal': 'It is illegal',
  'report.category.violation': 'It breaks the server rules', 'report.category.other': 'Something else',
  'report.rules': 'Which rules?', 'report.comment': 'Anything the moderators should know (optional)',
  'report.send': 'Send report',
  'report.sent': 'Report sent to the moderators',

  'search.label': 'Search', 'search.placeholder': 'Search people, hashtags, posts, or @user@server',
  'search.submit': 'Search', 'search.accounts': 'People', 'search.hashtags': 'Hashtags', 'search.posts': 'Posts',
  'search.none': 'No results.',
  'explore.trendingTags': 'Trending hashtags', 'explore.noTrends': 'Nothing is trending right now.',
  'tag.follow': 'Follow hashtag', 'tag.unfollow': 'Unfollow hashtag',
  'lists.newTitle': 'New list title', 'lists.create': 'Create list', 'lists.empty': 'You have no lists yet.',
  'lists.confirmDelete': 'Delete this list?',

  'settings.sections': 'Settings sections', 'settings.section.profile': 'Profile',
  'settings.section.preferences': 'Preferences', 'settings.section.filters': 'Filters',
  'settings.section.mutes': 'Muted accounts', 'settings.section.blocks': 'Blocked accounts',
  'settings.displayName': 'Display name', 'settings.bio': 'Bio', 'settings.avatar': 'Avatar', 'settings.header': 'Header',
  'settings.currentAvatar': 'Current avatar', 'settings.currentHeader': 'Current header',
  'settings.fields': 'Profile fields', 'settings.fieldName': 'Label {n}', 'settings.fieldValue': 'Content {n}',
  'settings.locked': 'Approve followers by hand (locked account)', 'settings.bot': 'This is a bot account',
  'settings.discoverable': 'Suggest this account to others', 'settings.save': 'Save changes',
  'settings.saving': 'Saving…', 'settings.saved': 'Saved', 'settings.posting': 'Posting',
  'settings.defaultVisibility': 'Default visibility', 'settings.defaultSensitive': 'Always mark media as sensitive',
  'settings.thisBrowser': 'This browser', 'settings.theme': 'Theme', 'settings.themeSystem': 'Follow the system',
  'settings.themeLight': 'Light', 'settings.themeDark': 'Dark', 'settings.reduceMotion': 'Reduce motion',
  'settings.showSensitive': 'Always show media marked as sensitive',
  'settings.noMutes': 'You have not muted anyone.', 'settings.noBlocks': 'You have not blocked anyone.',
  'filters.title': 'Filter name', 'filters.keyword': 'Keyword or phrase', 'filters.action': 'When a post matches',
  'filters.warn': 'Hide behind a warning', 'filters.hide': 'Hide completely', 'filters.add': 'Add filter',
  'filters.empty': 'No filters yet.',

  'admin.sections': 'Moderation sections', 'admin.section.reports': 'Reports', 'admin.section.accounts': 'Accounts',
  'admin.section.domain_blocks': 'Blocked domains', 'admin.reportState': 'Report state',
  'admin.unresolved': 'Unresolved', 'admin.resolved': 'Resolved', 'admin.noReports': 'No reports.',
  'admin.reportTitle': 'Report on @{acct}', 'admin.reportedBy': 'Reported by @{acct}',
  'admin.category': 'Category: {category}', 'admin.reportedPosts': 'Reported posts', 'admin.openReport': 'Open report',
  'admin.actOn': 'Act on @{acct}', 'admin.action': 'Action', 'admin.action.none': 'Warning only',
  'admin.action.sensitive': 'Mark media as sensitive', 'admin.action.silence': 'Limit', 'admin.action.suspend': 'Suspend',
  'admin.actionNote': 'Note to the account (optional)', 'admin.apply': 'Apply and resolve',
  'admin.resolve': 'Mark as resolved', 'admin.reopen': 'Reopen', 'admin.assign': 'Assign to me', 'admin.done': 'Done',
  'admin.accountState': 'Accounts to show', 'admin.status.pending': 'Pending', 'admin.status.active': 'Active',
  'admin.status.silenced': 'Limited', 'admin.status.suspended': 'Suspended', 'admin.status.disabled': 'Disabled',
  'admin.noAccounts': 'No accounts here.', 'admin.approve': 'Approve', 'admin.reject': 'Reject',
  'admin.unsilence': 'Undo limit', 'admin.unsuspend': 'Undo suspension', 'admin.domain': 'Domain',
  'admin.severity': 'Severity', 'admin.block': 'Block domain', 'admin.unblock': 'Remove block',
  'admin.noDomainBlocks': 'No blocked domains.',

  'help.title': 'Keyboard shortcuts', 'help.next': 'Next post', 'help.previous': 'Previous post',
  'help.compose': 'Write a new post', 'help.reply': 'Reply to the selected post', 'help.favourite': 'Favourite the selected post',
  'help.boost': 'Boost the selected post', 'help.open': 'Open the selected post', 'help.search': 'Search',
  'help.help': 'Show this help', 'help.escape': 'Leave a text field or close a dialog',
};

export function t(key: string, vars: Record<string, string | number> = {}): string {
  let entry = en[key];
  if (entry === undefined) return key;
  if (typeof entry !== 'string') entry = vars.n === 1 ? entry.one : entry.other;
  return entry.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}
