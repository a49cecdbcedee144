#include "eventstore/batch_plan.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <set>

#include "base/encoding.hpp"

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

std::string md5_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_md5(), nullptr);
  return base::hex(std::string_view(reinterpret_cast<const char*>(digest), length));
}

result<append_request> validated(append_request request) {
  lowercase(request.tenant_id);
  if (!base::is_uuid(request.tenant_id)) return fail(store_errc::invalid_request, "tenant_id is not a UUID");
  if (request.streams.empty()) return fail(store_errc::invalid_request, "an append needs at least one stream");
  std::set<std::string> streams, ids;
  for (auto& stream : request.streams) {
    lowercase(stream.tenant_id);
    if (!stream.tenant_id.empty() && !base::is_uuid(stream.tenant_id))
      return fail(store_errc::invalid_request, "a stream's tenant_id is not a UUID");
    if (stream.stream_id.empty() || stream.stream_id.size() > max_stream_id_length || has_control(stream.stream_id))
      return fail(store_errc::invalid_request, "stream_id must be 1 to 200 printable characters");
    if (!streams.insert(stream.stream_id).second)
      return fail(store_errc::invalid_request, "stream " + stream.stream_id + " appears twice in one append");
    if (stream.events.empty())
      return fail(store_errc::invalid_request, "stream " + stream.stream_id + " has no events");
    for (auto& event : stream.events) {
      lowercase(event.event_id);
      if (!base::is_uuid(event.event_id)) return fail(store_errc::invalid_request, "event_id is not a UUID");
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
  // Event ids planned earlier in this batch, with the request and stream that carry them.
  struct planned_event {
    std::size_t request;
    const std::string* stream_id;
    const event_to_append* event;
    const std::string* tenant_id;
  };
  std::map<std::string, planned_event> planned;

  for (std::size_t r = 0; r < requests.size(); ++r) {
    const auto& request = requests[r];
    std::size_t known = 0, total = 0, matching = 0;
    std::optional<std::size_t> earlier_request;
    for (const auto& stream : request.streams) {
      for (const auto& event : stream.events) {
        ++total;
        bool same = false;
        if (auto it = recorded.find(event.event_id); it != recorded.end()) {
          const auto& d = it->second;
          same = d.stream_id == stream.stream_id && d.tenant_id == stream.tenant_or(request.tenant_id) &&
                 d.event_type == event.event_type && d.payload_md5 == md5_hex(event.payload);
        } else if (auto p = planned.find(event.event_id); p != planned.end()) {
          const auto& earlier = p->second;
          same = *earlier.stream_id == stream.stream_id && *earlier.tenant_id == stream.tenant_or(request.tenant_id) &&
                 earlier.event->event_type == event.event_type && earlier.event->payload == event.payload;
          earlier_request = earlier.request;
        } else {
          continue;
        }
        ++known;
        if (same) ++matching;
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
      if (head != heads.end() && head->second.tenant_id != stream.tenant_or(request.tenant_id)) {
        conflict = store_error{store_errc::foreign_stream, "stream " + stream.stream_id + " is another tenant's"};
      } else if (!stream.expected.matches(current)) {
        conflict = store_error{store_errc::version_conflict, "stream " + stream.stream_id + " is at version " +
                                                                 std::to_string(current) + ", not " +
                                                                 std::to_string(stream.expected.value())};
      }
      if (conflict) break;
    }
    if (conflict) {
      plan.decided[r] = base::unexpected<store_error>(std::move(*conflict));
      continue;
    }
    for (const auto& stream : request.streams) {
      auto& head = heads[stream.stream_id];
      const auto& tenant = stream.tenant_or(request.tenant_id);
      head.tenant_id = tenant;
      for (const auto& event : stream.events) {
        ++head.version;
        plan.rows.push_back(planned_row{r, &event, &tenant, &stream.stream_id, head.version});
        planned[event.event_id] = planned_event{r, &stream.stream_id, &event, &tenant};
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
