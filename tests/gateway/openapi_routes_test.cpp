// schemas/openapi.yaml and the route table describe the same API: every route is in the
// contract, and every path of the contract is routed.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "gateway/api.hpp"

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

TEST(OpenApi, EveryRouteIsInTheContractAndEveryPathOfTheContractIsRouted) {
  const auto contract = contract_operations();
  ASSERT_GT(contract.size(), 10u) << "could not read the contract's paths";
  std::set<std::string> routed{"GET /ws"};  // the transport's own: the WebSocket upgrade
  for (const auto& [method, pattern] : gateway::api::route_table())
    routed.insert(std::string(method) + " " + std::string(pattern));
  for (const auto& op : routed) EXPECT_TRUE(contract.count(op)) << op << " is routed but not in openapi.yaml";
  for (const auto& op : contract) EXPECT_TRUE(routed.count(op)) << op << " is in openapi.yaml but not routed";
}

}  // namespace
}  // namespace stradia::testing
