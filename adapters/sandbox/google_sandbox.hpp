#pragma once
// A stand-in for the Google services Stradia calls, for a fresh box and for tests: the
// subset of Gemini (generateContent), the OAuth token endpoint, Tag Manager API v2 and the
// Analytics Admin API (v1beta) that the adapters use, with state (containers, workspaces,
// tags, triggers, versions, data streams, custom dimensions, key events persist while it
// runs), Google's answer shapes and error bodies, and failure injection (an access token
// that expires, 429s, 5xx, slow answers, a refused refresh, a FAIL verdict for payloads
// that carry a marker). Transport-free: sandbox_server puts it on HTTP.
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace stradia::adapters::sandbox {

struct sandbox_request {
  std::string method;
  std::string target;  // path and query
  std::string authorization;
  std::string api_key;  // x-goog-api-key
  std::string body;
};

struct sandbox_response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::chrono::milliseconds delay{0};  // answer after this long (the "slow" fault)
};

// Faults, set by flags or POST /_sandbox/faults (a JSON object with any of these members).
struct sandbox_faults {
  int expire_token_at_call = 0;              // the N-th API call from now finds its access token expired: 401
  int rate_limited = 0;                      // the next N API calls answer 429
  int server_errors = 0;                     // the next N API calls answer 503
  int slow_ms = 0;                           // every API answer waits this long
  bool refuse_refresh = false;               // the token endpoint answers invalid_grant
  std::string fail_marker = "SANDBOX_FAIL";  // a scanned payload holding it gets a FAIL verdict
};

struct sandbox_setup {
  std::vector<std::string> containers = {"GTM-ABC123", "GTM-PLAYGROUND"};  // public ids
  std::vector<std::string> measurement_ids = {"G-ABC123XYZ0"};             // web data streams
  sandbox_faults faults;
};

class google_sandbox {
 public:
  explicit google_sandbox(sandbox_setup setup);

  sandbox_response handle(const sandbox_request& request);

 private:
  using json = nlohmann::json;
  sandbox_response api(const sandbox_request& request, const std::string& path,
                       const std::map<std::string, std::string>& query);
  sandbox_response control(const sandbox_request& request, const std::string& path);
  sandbox_response token(const sandbox_request& request);
  sandbox_response gemini(const sandbox_request& request);
  sandbox_response tag_manager_call(const sandbox_request& request, const std::vector<std::string>& parts,
                                    const std::map<std::string, std::string>& query);
  sandbox_response analytics_call(const sandbox_request& request, const std::vector<std::string>& parts,
                                  const std::map<std::string, std::string>& query);
  // 401 unless the bearer token is one the sandbox has not seen expire.
  bool authorized(const sandbox_request& request, sandbox_response& refusal);
  void reset();
  json state() const;
  std::string fingerprint();
  json& container_at(const std::string& account, const std::string& container);
  json new_workspace(json& container, const std::string& name, const std::string& description);

  sandbox_setup setup_;
  std::mutex mutex_;
  sandbox_faults faults_;
  json gtm_;        // {"containers":[…]}
  json analytics_;  // {"accounts":[…],"properties":[…]}
  json calls_;      // [{"method","path","status"}]: every Google call, in order (never a token)
  std::set<std::string> seen_tokens_, expired_tokens_;
  json issued_;  // access tokens the token endpoint gave, in order (the sandbox is Google's side)
  long long counter_ = 0;
};

}  // namespace stradia::adapters::sandbox
