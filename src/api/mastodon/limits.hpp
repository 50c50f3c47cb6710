// The instance's published limits (configuration block of /api/v2/instance); services enforce
// the same numbers.
#pragma once

namespace herd::limits {

inline constexpr int max_status_characters = 500;
inline constexpr int max_media_attachments = 4;
inline constexpr int characters_reserved_per_url = 23;
inline constexpr int max_poll_options = 4;
inline constexpr int max_poll_option_characters = 50;
inline constexpr int min_poll_expiration = 300;
inline constexpr int max_poll_expiration = 2629746;
inline constexpr int max_profile_fields = 4;
inline constexpr int max_pinned_statuses = 5;
inline constexpr int max_featured_tags = 10;
inline constexpr int image_size_limit = 16777216;
inline constexpr int image_matrix_limit = 33177600;
inline constexpr int video_size_limit = 103809024;
inline constexpr int description_limit = 1500;

}  // namespace herd::limits
