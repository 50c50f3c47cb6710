// The PreviewCard entity (a link card on a status, a trending link), as Mastodon sends it.
#pragma once
#include <boost/json.hpp>

#include "store/preview_cards.hpp"

namespace herd::api {

boost::json::object preview_card_json(const store::PreviewCard& card);

}  // namespace herd::api
