#pragma once
// `stradia google-sandbox` as a child process on a free loopback port, for the executive
// flow's tests: its URL, its state (GET /_sandbox/state) and its faults (POST /_sandbox/faults).
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "http_client.hpp"

namespace stradia::testing {

class google_sandbox_process {
 public:
  google_sandbox_process() : process_({"google-sandbox", "--listen", "127.0.0.1:0"}, {}) {
    const bool listening = process_.read_until([this](const std::string& line) {
      const auto at = line.find("http://127.0.0.1:");
      if (at == std::string::npos) return false;
      port_ = static_cast<unsigned short>(std::stoi(line.substr(at + 17)));
      return true;
    });
    if (!listening) throw std::runtime_error("stradia google-sandbox did not start");
  }
  ~google_sandbox_process() { process_.signal(SIGTERM); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  unsigned short port() const { return port_; }

  // The environment that points `stradia serve` at the sandbox for every Google call.
  std::vector<std::string> server_env() const {
    return {"STRADIA_GEMINI_URL=" + url(),
            "STRADIA_GEMINI_API_KEY=sandbox-key",
            "STRADIA_TAG_MANAGER_URL=" + url(),
            "STRADIA_ANALYTICS_ADMIN_URL=" + url(),
            "STRADIA_OAUTH_TOKEN_URL=" + url() + "/token",
            "STRADIA_OAUTH_CLIENT_ID=stradia-e2e",
            "STRADIA_OAUTH_CLIENT_SECRET=e2e-client-secret"};
  }

  nlohmann::json state() const { return nlohmann::json::parse(http_call(port_, "GET", "/_sandbox/state").body); }
  void faults(const nlohmann::json& faults) const {
    const auto r = http_call(port_, "POST", "/_sandbox/faults", faults.dump());
    if (r.status != 200) throw std::runtime_error("the sandbox refused the faults: " + r.body);
  }
  // Tag Manager and Analytics calls ("METHOD path?query"), in order, from the `from`-th on.
  std::vector<std::string> platform_calls(std::size_t from = 0) const {
    std::vector<std::string> out;
    const auto now = state();
    for (const auto& call : now["calls"]) {
      const auto path = call["path"].get<std::string>();
      if (path.rfind("/v1beta/models/", 0) == 0) continue;  // Gemini
      out.push_back(call["method"].get<std::string>() + " " + path);
    }
    return from < out.size() ? std::vector<std::string>(out.begin() + static_cast<long>(from), out.end())
                             : std::vector<std::string>{};
  }
  // The container of `public_id` as the sandbox holds it.
  nlohmann::json container(const std::string& public_id) const {
    const auto now = state();
    for (const auto& c : now["tagManager"]["containers"])
      if (c["publicId"] == public_id) return c;
    return nullptr;
  }

 private:
  child_process process_;
  unsigned short port_ = 0;
};

}  // namespace stradia::testing
