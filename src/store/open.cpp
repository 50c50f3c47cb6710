#include "store/database.hpp"

namespace herd::store {

std::unique_ptr<Database> open_sqlite(const std::string& path);
std::unique_ptr<Database> open_postgres(const std::string& url, int pool_size);

std::unique_ptr<Database> open_database(const std::string& url, int pool_size) {
  if (url.rfind("sqlite://", 0) == 0) return open_sqlite(url.substr(9));
  if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0)
    return open_postgres(url, pool_size);
  throw DatabaseError("unsupported DATABASE_URL: " + url);
}

}  // namespace herd::store
