#include "gateway/runtime.hpp"

#include <cstdio>
#include <thread>

#include "commands/system_zone_catalog.hpp"
#include "gateway/gemini_client.hpp"

namespace stradia::gateway {

domain::timestamp system_now() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

std::optional<runtime_config> read_runtime_config(const arguments& args, const char* command) {
  runtime_config config;
  const auto app = args.option("database-url", "STRADIA_DATABASE_URL");
  const auto worker = args.option("worker-database-url", "STRADIA_WORKER_DATABASE_URL");
  if (!app || !worker) {
    std::fprintf(stderr,
                 "stradia %s: set --database-url (STRADIA_DATABASE_URL, role stradia_app) and "
                 "--worker-database-url (STRADIA_WORKER_DATABASE_URL, role stradia_worker)\n",
                 command);
    return std::nullopt;
  }
  config.database_url = *app;
  config.worker_database_url = *worker;
  config.owner_database_url = args.option("owner-database-url", "STRADIA_OWNER_DATABASE_URL").value_or("");
  if (const auto key = args.option("master-key", "STRADIA_MASTER_KEY")) {
    const auto raw = commands::base64_decode(*key);
    if (!raw || raw->size() != 32) {
      std::fprintf(stderr, "stradia %s: STRADIA_MASTER_KEY must be 32 bytes in base64\n", command);
      return std::nullopt;
    }
    config.master_key = *raw;
  }
  config.gemini_url = args.option("gemini-url", "STRADIA_GEMINI_URL").value_or("");
  config.gemini_api_key = args.option("gemini-api-key", "STRADIA_GEMINI_API_KEY").value_or("");
  config.tag_manager_url = args.option("tag-manager-url", "STRADIA_TAG_MANAGER_URL").value_or("");
  config.analytics_admin_url = args.option("analytics-admin-url", "STRADIA_ANALYTICS_ADMIN_URL").value_or("");
  return config;
}

runtime::runtime(const runtime_config& config)
    : zones_(commands::load_system_zone_catalog().value_or(domain::zone_catalog{})),
      store_(std::make_unique<eventstore::event_store>(
          eventstore::store_options{config.database_url, config.worker_database_url})),
      keys_(config.database_url),
      vault_(config.master_key.empty() ? std::nullopt : commands::vault_sealer::make(config.master_key, keys_)),
      gemini_(config.gemini_url.empty() ? nullptr
                                        : std::make_unique<gemini_client>(gemini_options{
                                              config.gemini_url, config.gemini_api_key, "gemini-2.0-flash",
                                              std::chrono::milliseconds(10000), retry_policy{}})),
      tag_manager_([&] {
        tag_manager_options o;
        if (!config.tag_manager_url.empty()) o.tag_manager_url = config.tag_manager_url;
        if (!config.analytics_admin_url.empty()) o.analytics_admin_url = config.analytics_admin_url;
        return tag_manager_client(o);
      }()),
      commands_(std::make_unique<commands::command_service>(
          *store_, commands::command_service_options{system_now, &zones_, 8, vault_ ? &*vault_ : nullptr, gemini_.get(),
                                                     gemini_.get(), &tag_manager_})),
      board_projection_(config.worker_database_url),
      boards_(config.database_url) {
  eventstore::subscription_options feed;
  feed.worker_conninfo = config.worker_database_url;
  feed.subscription_id = "user-directory";
  feed.store_checkpoint = false;  // an in-memory read model starts from the beginning
  feed.start_after = 0;
  feed.batch_size = 5000;
  feed.poll_interval = std::chrono::milliseconds(200);
  directory_feed_ = std::make_unique<eventstore::subscription>(feed, [this](const auto& events) {
    users_.apply(events);
    return true;
  });
  // The board-state read model, fed in process (embedded mode), from its own checkpoint.
  eventstore::subscription_options boards = feed;
  boards.subscription_id = projections::board_state_projection::name;
  const auto checkpoint = board_projection_.checkpoint();
  boards.start_after = checkpoint ? *checkpoint : 0;
  board_position_ = boards.start_after;
  board_feed_ = std::make_unique<eventstore::subscription>(boards, [this](const auto& events) {
    if (!board_projection_.apply(events)) return false;
    board_position_ = events.back().global_position();
    return true;
  });
}

runtime::~runtime() {
  board_feed_.reset();
  directory_feed_.reset();
}

bool runtime::wait_for_directory(std::chrono::seconds timeout) {
  const auto head = store_->head_position();
  if (!head) return false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (users_.position() < *head) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace stradia::gateway
