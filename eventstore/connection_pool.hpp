#pragma once
// A few open connections of one role, shared by threads: lease one, use it, give it back.
// Broken connections are dropped instead of returned. Thread-safe.
#include <pqxx/connection>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace stradia::eventstore {

class connection_pool {
 public:
  explicit connection_pool(std::string conninfo, std::size_t max_idle = 32);
  ~connection_pool();
  connection_pool(const connection_pool&) = delete;
  connection_pool& operator=(const connection_pool&) = delete;

  class lease {
   public:
    lease(connection_pool& pool, std::unique_ptr<pqxx::connection> c);
    lease(lease&&) noexcept = default;
    ~lease();
    pqxx::connection& operator*() { return *connection_; }
    pqxx::connection* operator->() { return connection_.get(); }

   private:
    connection_pool* pool_;
    std::unique_ptr<pqxx::connection> connection_;
  };

  // Throws pqxx::broken_connection when no connection can be opened.
  lease acquire();
  const std::string& conninfo() const { return conninfo_; }
  // Drops every idle connection (the server restarted: they are all dead).
  void clear();

 private:
  void give_back(std::unique_ptr<pqxx::connection> c);

  std::string conninfo_;
  std::size_t max_idle_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
};

}  // namespace stradia::eventstore
