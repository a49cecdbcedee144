#pragma once
// The steps a Type C run completed, in order, each with its result (resource paths, ids,
// fingerprints): what a paused run's checkpoint holds, so a resume skips them, and what a
// finished run records for auditors. JSON: {"<step>":{"<field>":"<text>",...},...}.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stradia::adapters {

class execution_steps {
 public:
  using result = std::map<std::string, std::string>;

  // Empty (a fresh run) when `json` is empty or not such an object.
  static execution_steps parse(std::string_view json);

  const result* find(std::string_view step) const;
  void record(std::string step, result done);
  std::string json() const;

 private:
  std::vector<std::pair<std::string, result>> steps_;
};

}  // namespace stradia::adapters
