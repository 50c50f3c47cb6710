// ActivityStreams documents herd publishes: actors, notes, activities and collections, shaped as
// Mastodon's serializers shape them (app/serializers/activitypub/*), so that every server that
// talks to Mastodon understands them.
//
// Addressing follows Mastodon's TagManager: public -> to Public, cc followers + mentions;
// unlisted -> to followers, cc Public + mentions; private -> to followers, cc mentions;
// direct -> to mentions only.
#pragma once
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app.hpp"
#include "store/media.hpp"
#include "store/models.hpp"
#include "store/polls.hpp"
#include "store/quotes.hpp"

namespace herd::federation {

namespace json = boost::json;

inline constexpr const char* kPublicCollection = "https://www.w3.org/ns/activitystreams#Public";

// The "@context" of actors (security vocabulary + Mastodon's extensions) and of everything else.
json::value actor_context();
json::value object_context();

// ---- actors -------------------------------------------------------------------------------------

// A local account as a Person (or Service when bot): keys, endpoints, collections, images, fields.
json::object actor_json(const App& app, const store::Account& account);
// Adds Mastodon's account-migration properties to an actor: alsoKnownAs (when it has aliases) and
// movedTo (when it moved: the new account's URI).
void add_migration_properties(json::object& actor, const std::vector<std::string>& also_known_as,
                              const std::string& moved_to_uri);
// The instance actor at /actor (an Application), used to sign fetches.
std::string instance_actor_uri(const App& app);
json::object instance_actor_json(const App& app, const std::string& public_key_pem);

// ---- statuses -----------------------------------------------------------------------------------

// What a Note needs besides the status row.
struct NoteParts {
  const store::Account* author = nullptr;
  std::string in_reply_to_uri;           // "" when not a reply
  std::vector<store::Account> mentions;  // mentioned accounts
  std::vector<std::string> tags;         // hashtag names
  const store::Poll* poll = nullptr;     // with a poll, the status is a Question
  const std::vector<store::MediaAttachment>* media = nullptr;  // attachments, in order
  // The first public/unlisted replies by the author (id, uri), embedded in `replies` as Mastodon
  // does; nullptr: none.
  const std::vector<std::pair<Id, std::string>>* self_replies = nullptr;
  const store::Quote* quote = nullptr;  // the quote it makes: quote, quoteAuthorization
};
std::vector<std::string> note_to(const store::Status& status, const NoteParts& parts);
std::vector<std::string> note_cc(const store::Status& status, const NoteParts& parts);
json::object note_json(const App& app, const store::Status& status, const NoteParts& parts);
// An attachment as a Document (absolute url, mediaType, name = description, width/height,
// blurhash, focalPoint).
json::object document_json(const App& app, const store::MediaAttachment& media);
// Create / Update wrapping a note (id: note id + "/activity", or "#updates/<edited_at>").
json::object create_activity(const App& app, const json::object& note);
json::object update_note_activity(const App& app, const json::object& note, std::int64_t edited_at);
// Delete of a status (object: Tombstone), addressed like the status was.
json::object delete_activity(const store::Status& status, const NoteParts& parts);
// Announce of original_uri by the reblog (wrapper) status; original_author_uri is in cc.
json::object announce_activity(const App& app, const store::Status& reblog,
                               const store::Account& booster, const std::string& original_uri,
                               const std::string& original_author_uri);

// Update of a Question whose counts changed or that ended (id: its id + "#updates/" + at, in ms).
json::object update_question_activity(const json::object& question, std::int64_t at);
// A local account's vote in a remote poll (Mastodon's VoteSerializer): Create of a Note named after
// the chosen option, inReplyTo the Question, to the poll's author, without content.
json::object vote_activity(const store::Account& voter, Id vote_id, const std::string& option_title,
                           const std::string& question_uri, const std::string& poll_author_uri);

// ---- interactions -------------------------------------------------------------------------------

json::object like_activity(const store::Account& actor, const std::string& object_uri);
json::object follow_activity(const std::string& id, const std::string& actor_uri,
                             const std::string& object_uri);
// Accept / Reject of a follow; `follow` is the Follow as received (or rebuilt).
json::object accept_activity(const store::Account& actor, const json::object& follow);
json::object reject_activity(const store::Account& actor, const json::object& follow);
json::object block_activity(const std::string& id, const store::Account& actor,
                            const std::string& object_uri);
// Undo of an activity (embedded whole, as receivers may not dereference it).
json::object undo_activity(const std::string& actor_uri, const json::object& activity);
// Update of the actor's profile, to Public.
json::object update_actor_activity(const App& app, const store::Account& account);

// ---- collections --------------------------------------------------------------------------------

json::object ordered_collection(const std::string& id, std::int64_t total_items,
                                const std::optional<std::string>& first);
json::object ordered_collection_page(const std::string& id, const std::string& part_of,
                                     json::array items, const std::optional<std::string>& next,
                                     std::optional<std::int64_t> total_items);

}  // namespace herd::federation
