#include "adapters/execution_steps.hpp"

#include <simdjson.h>

#include <algorithm>

#include "base/json_writer.hpp"

namespace stradia::adapters {

execution_steps execution_steps::parse(std::string_view json) {
  execution_steps out;
  simdjson::dom::parser parser;
  simdjson::dom::object steps;
  if (json.empty() || parser.parse(json.data(), json.size()).get(steps)) return out;
  for (auto [step, fields] : steps) {
    simdjson::dom::object members;
    if (fields.get(members)) continue;
    result done;
    for (auto [name, value] : members) {
      std::string_view text;
      if (!value.get(text)) done.emplace(std::string(name), std::string(text));
    }
    out.steps_.emplace_back(std::string(step), std::move(done));
  }
  return out;
}

const execution_steps::result* execution_steps::find(std::string_view step) const {
  auto it = std::find_if(steps_.begin(), steps_.end(), [&](const auto& s) { return s.first == step; });
  return it == steps_.end() ? nullptr : &it->second;
}

void execution_steps::record(std::string step, result done) { steps_.emplace_back(std::move(step), std::move(done)); }

std::string execution_steps::json() const {
  base::json_writer j;
  j.begin_object();
  for (const auto& [step, done] : steps_) {
    j.key(step).begin_object();
    for (const auto& [name, value] : done) j.field(name, value);
    j.end_object();
  }
  j.end_object();
  return j.take();
}

}  // namespace stradia::adapters
