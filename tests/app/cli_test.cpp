// The command line of the stradia binary: options are checked when they are read, and
// what the help lists is what the parser accepts.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace stradia::testing {
namespace {

struct run_result {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs the binary with no STRADIA_* environment, so only the arguments count.
run_result stradia(const std::string& arguments) {
  const std::string command = "env -i " STRADIA_BINARY " " + arguments + " 2>&1";
  run_result out;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return out;
  char buffer[4096];
  while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe)) out.output.append(buffer, n);
  const int status = ::pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

const std::string urls =
    "--database-url 'host=127.0.0.1 port=1 connect_timeout=1' "
    "--worker-database-url 'host=127.0.0.1 port=1 connect_timeout=1'";
const std::string secret = "--jwt-secret 0123456789abcdef0123456789abcdef";

TEST(Cli, HelpListsEverySubcommandAndAnswersZero) {
  const auto help = stradia("--help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"serve", "migrate", "seed", "project", "rebuild", "kafka-dev", "plan"})
    EXPECT_NE(help.output.find(command), std::string::npos) << command;
  const auto serve = stradia("serve --help");
  EXPECT_EQ(serve.exit_code, 0);
  EXPECT_NE(serve.output.find("STRADIA_RATE_LIMIT"), std::string::npos) << serve.output;
}

TEST(Cli, NoSubcommandOrAnUnknownOptionIsAUsageError) {
  EXPECT_EQ(stradia("").exit_code, 2);
  EXPECT_EQ(stradia("serve --no-such-option 1").exit_code, 2);
  EXPECT_EQ(stradia("frobnicate").exit_code, 2);
}

TEST(Cli, ASeedPasswordIsAnOptionOfSeed) {
  // Before CLI11 the flag was read but refused as unknown. Now it parses; the run then
  // fails on the unreachable database, not on the command line.
  const auto seeded = stradia("seed --seed-password pw " + urls);
  EXPECT_NE(seeded.exit_code, 2) << seeded.output;
  EXPECT_EQ(seeded.output.find("--seed-password"), std::string::npos) << seeded.output;
}

TEST(Cli, ANumberThatIsNotOneIsRefusedNotTakenAsZero) {
  // `--rate-limit abc` used to read as 0, which turned the limit off.
  const auto rate = stradia("serve --rate-limit abc " + secret + " " + urls);
  EXPECT_EQ(rate.exit_code, 2);
  EXPECT_NE(rate.output.find("--rate-limit"), std::string::npos) << rate.output;
  EXPECT_EQ(stradia("serve --rate-limit -1 " + secret + " " + urls).exit_code, 2);
  EXPECT_EQ(stradia("serve --ws-per-user 0 " + secret + " " + urls).exit_code, 2);
}

TEST(Cli, AListenAddressWithoutAPortNumberIsRefusedWithoutACrash) {
  for (const char* listen : {"host:abc", "127.0.0.1:70000", "127.0.0.1", "127.0.0.1:"}) {
    const auto r = stradia(std::string("serve --listen ") + listen + " " + secret + " " + urls);
    EXPECT_EQ(r.exit_code, 2) << listen << ": " << r.output;
    EXPECT_NE(r.output.find("--listen"), std::string::npos) << r.output;
  }
}

TEST(Cli, AShortJwtSecretAndMissingDatabasesAreRefused) {
  EXPECT_EQ(stradia("serve --jwt-secret short " + urls).exit_code, 2);
  const auto missing = stradia("serve " + secret);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("--database-url"), std::string::npos) << missing.output;
}

TEST(Cli, RebuildKnowsItsReadModels) {
  const auto unknown = stradia("rebuild --projection no-such-model --worker-database-url x");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("no-such-model"), std::string::npos) << unknown.output;
}

}  // namespace
}  // namespace stradia::testing
