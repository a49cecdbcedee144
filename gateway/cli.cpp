#include "gateway/cli.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "eventstore/migrator.hpp"

namespace stradia::gateway {

arguments::arguments(int argc, char** argv) {
  if (argc > 1) command_ = argv[1];
  for (int i = 2; i < argc; ++i) rest_.emplace_back(argv[i]);
}

bool arguments::wants_help() const {
  for (const auto& a : rest_)
    if (a == "--help" || a == "-h") return true;
  return false;
}

std::optional<std::string> arguments::option(const std::string& name, const char* env_var) const {
  const std::string flag = "--" + name;
  for (std::size_t i = 0; i < rest_.size(); ++i) {
    if (rest_[i] == flag && i + 1 < rest_.size()) return rest_[i + 1];
    if (rest_[i].rfind(flag + "=", 0) == 0) return rest_[i].substr(flag.size() + 1);
  }
  if (const char* value = env_var ? std::getenv(env_var) : nullptr; value && *value) return std::string(value);
  return std::nullopt;
}

bool arguments::flag(const std::string& name) const {
  return std::find(rest_.begin(), rest_.end(), "--" + name) != rest_.end();
}

std::optional<int> arguments::help_or_refusal(std::string_view command, std::string_view help,
                                              const std::vector<std::string>& known) const {
  if (wants_help()) {
    std::fwrite(help.data(), 1, help.size(), stdout);
    return 0;
  }
  if (auto bad = unknown(known); !bad.empty()) {
    std::fprintf(stderr, "stradia %.*s: unknown option %s\n\n%.*s", static_cast<int>(command.size()), command.data(),
                 bad.front().c_str(), static_cast<int>(help.size()), help.data());
    return 2;
  }
  return std::nullopt;
}

std::vector<std::string> arguments::unknown(const std::vector<std::string>& known) const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < rest_.size(); ++i) {
    const auto& a = rest_[i];
    if (a.rfind("--", 0) != 0) continue;
    const auto name = a.substr(2, a.find('=') == std::string::npos ? std::string::npos : a.find('=') - 2);
    bool ok = name == "help";
    for (const auto& k : known) ok = ok || k == name;
    if (!ok) out.push_back(a);
    // Skip its value; a switch such as --from-beginning has none.
    if (a.find('=') == std::string::npos && name != "help" && i + 1 < rest_.size() && rest_[i + 1].rfind("--", 0) != 0)
      ++i;
  }
  return out;
}

int run_migrate(const arguments& args) {
  static constexpr const char* help =
      "usage: stradia migrate [--database-url URL]\n"
      "\n"
      "Applies the migrations not yet recorded in schema_migrations, in order, each once.\n"
      "  --database-url URL  the owner role's connection (env STRADIA_OWNER_DATABASE_URL)\n";
  if (const auto done = args.help_or_refusal("migrate", help, {"database-url"})) return *done;
  const auto url = args.option("database-url", "STRADIA_OWNER_DATABASE_URL");
  if (!url) {
    std::fprintf(stderr, "stradia migrate: no database: pass --database-url or set STRADIA_OWNER_DATABASE_URL\n");
    return 2;
  }
  auto report = eventstore::migrate(*url);
  if (!report) {
    std::fprintf(stderr, "stradia migrate: %s\n", report.error().message.c_str());
    return 1;
  }
  std::printf("stradia migrate: %zu applied, schema at version %d\n", report->applied.size(), report->current_version);
  return 0;
}

}  // namespace stradia::gateway
