// CustomEmoji entities and the `emojis` arrays of Status, Account and Poll (entities_emoji.cpp).
#pragma once
#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "app.hpp"
#include "store/custom_emojis.hpp"
#include "store/polls.hpp"

namespace herd::api {

// CustomEmoji: shortcode, url, static_url (service::emoji_url / emoji_static_url: a remote
// emoji's local copy once made), visible_in_picker, category.
boost::json::object custom_emoji_json(const App& app, const store::CustomEmoji& emoji);
// The custom emojis of `domain` ("" local: the author's instance) that `texts` use, as CustomEmoji
// entities (an `emojis` array), from the process's registry (service/custom_emojis.hpp).
boost::json::array emojis_json(const App& app, const std::string& domain,
                               const std::vector<std::string_view>& texts);
// These emojis as an `emojis` array.
boost::json::array emojis_json(const App& app, const std::vector<store::CustomEmoji>& emojis);
// A poll's `emojis`: those of the author's `domain` its option titles use (poll_json leaves []).
boost::json::array poll_emojis_json(const App& app, const store::Poll& poll,
                                    const std::string& domain);

}  // namespace herd::api
