// schemas/openapi.yaml and the route table describe the same API: every route is in the
// contract, every path of the contract is routed, each command has its own path, and each
// command's request schema names exactly the members the command takes.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "gateway/api.hpp"
#include "gateway/command_routes.hpp"

namespace stradia::testing {
namespace {

// "/api/v1/boards/{board_id}" → "/api/v1/boards/{id}".
std::string normalized(std::string path) { return std::regex_replace(path, std::regex(R"(\{[^}]+\})"), "{id}"); }

// METHOD path for every operation under `paths:` of the contract.
std::set<std::string> contract_operations() {
  std::ifstream in(STRADIA_SOURCE_DIR "/schemas/openapi.yaml");
  std::set<std::string> out;
  std::string line, path;
  const std::regex path_line(R"(^  (/[^:]*):\s*$)"), method_line(R"(^    (get|post|put|patch|delete):\s*$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, path_line)) {
      path = normalized(m[1]);
    } else if (!path.empty() && std::regex_match(line, m, method_line)) {
      std::string method = m[1];
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.insert(method + " " + path);
    } else if (!line.empty() && line[0] != ' ') {
      path.clear();  // past `paths:`
    }
  }
  return out;
}

// components/schemas/<name>: its property names (the `properties:` block) and the names
// its `required:` list holds.
struct schema_members {
  std::set<std::string> properties, required;
};

schema_members schema_of(const std::string& name) {
  std::ifstream in(STRADIA_SOURCE_DIR "/schemas/openapi.yaml");
  schema_members out;
  std::string line;
  bool in_components = false, in_schema = false, in_properties = false;
  const std::regex property(R"(^        ([a-z_]+):.*$)"), required(R"(^      required: \[(.*)\]$)"), word(R"([a-z_]+)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (line == "components:") in_components = true;
    if (!in_components) continue;
    if (line.rfind("    ", 0) == 0 && line.size() > 4 && line[4] != ' ') {
      in_schema = line == "    " + name + ":";
      in_properties = false;
    } else if (in_schema && line.rfind("      ", 0) == 0 && line.size() > 6 && line[6] != ' ') {
      in_properties = line == "      properties:";
      if (std::regex_match(line, m, required)) {
        const std::string names = m[1];
        for (std::sregex_iterator w(names.begin(), names.end(), word), end; w != end; ++w) out.required.insert(w->str());
      }
    } else if (in_properties && std::regex_match(line, m, property)) {
      out.properties.insert(m[1]);
    }
  }
  return out;
}

TEST(OpenApi, EveryRouteIsInTheContractAndEveryPathOfTheContractIsRouted) {
  const auto contract = contract_operations();
  ASSERT_GT(contract.size(), 10u) << "could not read the contract's paths";
  std::set<std::string> routed{"GET /ws"};  // the transport's own: the WebSocket upgrade
  for (const auto& [method, pattern] : gateway::api::route_table()) {
    if (pattern == "/api/v1/commands/{id}") {
      // One path per command, so a generated client ties each body to its command.
      for (const auto& c : gateway::command_routes()) routed.insert("POST /api/v1/commands/" + std::string(c.name));
      continue;
    }
    routed.insert(std::string(method) + " " + std::string(pattern));
  }
  for (const auto& op : routed) EXPECT_TRUE(contract.count(op)) << op << " is routed but not in openapi.yaml";
  for (const auto& op : contract) EXPECT_TRUE(routed.count(op)) << op << " is in openapi.yaml but not routed";
}

TEST(OpenApi, EachCommandsRequestSchemaNamesExactlyTheMembersItTakesAndNeeds) {
  for (const auto& c : gateway::command_routes()) {
    std::set<std::string> taken;
    const auto* d = c.prototype->GetDescriptor();
    for (int i = 0; i < d->field_count(); ++i)
      if (std::find(c.hidden.begin(), c.hidden.end(), d->field(i)->name()) == c.hidden.end())
        taken.insert(d->field(i)->name());
    const auto schema = schema_of(std::string(c.name));
    EXPECT_EQ(schema.properties, taken) << c.name;
    EXPECT_EQ(schema.required, std::set<std::string>(c.required.begin(), c.required.end())) << c.name;
  }
}

}  // namespace
}  // namespace stradia::testing
