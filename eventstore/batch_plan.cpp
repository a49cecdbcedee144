#include "eventstore/batch_plan.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <set>

namespace stradia::eventstore {

namespace {

constexpr std::size_t max_stream_id_length = 200;
constexpr std::size_t max_event_type_length = 200;

void lowercase(std::string& s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
}

bool has_control(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; });
}

// How an append relates to what is already recorded (or planned) under its event ids.
enum class id_status { all_new, all_known, mixed_or_different };

}  // namespace

bool is_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::string md5_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_md5(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xF];
  }
  return out;
}

result<append_request> validated(append_request request) {
  lowercase(request.tenant_id);
  if (!is_uuid(request.tenant_id)) return fail(store_errc::invalid_request, "tenant_id is not a UUID");
  if (request.streams.empty()) return fail(store_errc::invalid_request, "an append needs at least one stream");
  std::set<std::string> streams, ids;
  for (auto& stream : request.streams) {
    if (stream.stream_id.empty() || stream.stream_id.size() > max_stream_id_length || has_control(stream.stream_id))
      return fail(store_errc::invalid_request, "stream_id must be 1 to 200 printable characters");
    if (!streams.insert(stream.stream_id).second)
      return fail(store_errc::invalid_request, "stream " + stream.stream_id + " appears twice in one append");
    if (stream.events.empty())
      return fail(store_errc::invalid_request, "stream " + stream.stream_id + " has no events");
    for (auto& event : stream.events) {
      lowercase(event.event_id);
      if (!is_uuid(event.event_id)) return fail(store_errc::invalid_request, "event_id is not a UUID");
      if (!ids.insert(event.event_id).second)
        return fail(store_errc::invalid_request, "event " + event.event_id + " appears twice in one append");
      if (event.event_type.empty() || event.event_type.size() > max_event_type_length || has_control(event.event_type))
        return fail(store_errc::invalid_request, "event_type must be 1 to 200 printable characters");
      if (event.schema_version == 0) return fail(store_errc::invalid_request, "schema_version starts at 1");
    }
  }
  return request;
}

batch_plan plan_batch(const std::vector<append_request>& requests, std::map<std::string, stream_head> heads,
                      const std::map<std::string, recorded_digest>& recorded) {
  batch_plan plan;
  plan.decided.resize(requests.size());
  // Event ids planned in this batch: id -> (request, digest of its content).
  std::map<std::string, std::pair<std::size_t, recorded_digest>> planned;

  for (std::size_t r = 0; r < requests.size(); ++r) {
    const auto& request = requests[r];
    std::size_t known = 0, total = 0, matching = 0;
    std::optional<std::size_t> earlier_request;
    for (const auto& stream : request.streams) {
      for (const auto& event : stream.events) {
        ++total;
        const recorded_digest* digest = nullptr;
        if (auto it = recorded.find(event.event_id); it != recorded.end()) {
          digest = &it->second;
        } else if (auto p = planned.find(event.event_id); p != planned.end()) {
          digest = &p->second.second;
          earlier_request = p->second.first;
        }
        if (!digest) continue;
        ++known;
        if (digest->stream_id == stream.stream_id && digest->tenant_id == request.tenant_id &&
            digest->event_type == event.event_type && digest->payload_md5 == md5_hex(event.payload))
          ++matching;
      }
    }
    const auto status = known == 0                              ? id_status::all_new
                        : (known == total && matching == total) ? id_status::all_known
                                                                : id_status::mixed_or_different;
    if (status == id_status::mixed_or_different) {
      plan.decided[r] = fail(store_errc::event_id_conflict, "an event id is already recorded with other content");
      continue;
    }
    if (status == id_status::all_known) {
      if (earlier_request) {
        plan.same_as[r] = *earlier_request;
        continue;
      }
      append_result retry;
      retry.already_recorded = true;
      retry.first_position = INT64_MAX;
      for (const auto& stream : request.streams) {
        appended_stream out{stream.stream_id, INT64_MAX, 0};
        for (const auto& event : stream.events) {
          const auto& d = recorded.at(event.event_id);
          out.first_version = std::min(out.first_version, d.stream_version);
          out.last_version = std::max(out.last_version, d.stream_version);
          retry.first_position = std::min(retry.first_position, d.global_position);
          retry.last_position = std::max(retry.last_position, d.global_position);
        }
        retry.streams.push_back(out);
      }
      plan.decided[r] = std::move(retry);
      continue;
    }

    std::optional<store_error> conflict;
    for (const auto& stream : request.streams) {
      auto head = heads.find(stream.stream_id);
      const std::int64_t current = head == heads.end() ? 0 : head->second.version;
      if (head != heads.end() && head->second.tenant_id != request.tenant_id) {
        conflict = store_error{store_errc::version_conflict, "stream " + stream.stream_id + " exists"};
      } else if (!stream.expected.matches(current)) {
        conflict = store_error{store_errc::version_conflict, "stream " + stream.stream_id + " is at version " +
                                                                 std::to_string(current) + ", not " +
                                                                 std::to_string(stream.expected.value())};
      }
      if (conflict) break;
    }
    if (conflict) {
      plan.decided[r] = domain::unexpected<store_error>(std::move(*conflict));
      continue;
    }
    for (const auto& stream : request.streams) {
      auto& head = heads[stream.stream_id];
      head.tenant_id = request.tenant_id;
      for (const auto& event : stream.events) {
        ++head.version;
        plan.rows.push_back(planned_row{r, &event, &request.tenant_id, &stream.stream_id, head.version});
        planned[event.event_id] = {r, recorded_digest{stream.stream_id, request.tenant_id, head.version,
                                                      event.event_type, md5_hex(event.payload), 0}};
      }
    }
  }
  return plan;
}

std::vector<result<append_result>> complete_batch(const std::vector<append_request>& requests, const batch_plan& plan,
                                                  const std::vector<std::int64_t>& row_positions) {
  std::vector<std::optional<append_result>> written(requests.size());
  for (std::size_t i = 0; i < plan.rows.size(); ++i) {
    const auto& row = plan.rows[i];
    auto& out = written[row.request];
    if (!out) out = append_result{{}, INT64_MAX, 0, false};
    out->first_position = std::min(out->first_position, row_positions[i]);
    out->last_position = std::max(out->last_position, row_positions[i]);
    if (out->streams.empty() || out->streams.back().stream_id != *row.stream_id)
      out->streams.push_back(appended_stream{*row.stream_id, row.stream_version, row.stream_version});
    out->streams.back().last_version = row.stream_version;
  }
  std::vector<result<append_result>> outcomes;
  outcomes.reserve(requests.size());
  for (std::size_t r = 0; r < requests.size(); ++r) {
    if (plan.decided[r]) {
      outcomes.push_back(*plan.decided[r]);
    } else if (auto same = plan.same_as.find(r); same != plan.same_as.end()) {
      auto retry = *written[same->second];
      retry.already_recorded = true;
      outcomes.push_back(std::move(retry));
    } else {
      outcomes.push_back(std::move(*written[r]));
    }
  }
  return outcomes;
}

}  // namespace stradia::eventstore
