// The console in a real browser: each scenario of scenarios.mjs runs in Debian's headless
// Chromium (playwright-core) against a `stradia serve` of its own, seeded with the
// playground, on loopback. The server's clock reads a file the scenario may move on.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "e2e/server_process.hpp"
#include "eventstore/pg_fixture.hpp"

namespace stradia::testing {
namespace {

const std::filesystem::path scripts = std::filesystem::path(STRADIA_SOURCE_DIR) / "tests" / "browser";
const std::filesystem::path screenshots = STRADIA_SCREENSHOT_DIR;

class Console : public pg_test {
 protected:
  void SetUp() override {
    pg_test::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium"))
        << "Debian's chromium is missing: scripts/test installs it";
    ASSERT_TRUE(std::filesystem::exists(scripts / "node_modules" / "playwright-core"))
        << "playwright-core is missing: scripts/test runs npm ci in tests/browser";
    clock_file_ = "/tmp/stradia-clock-" + database_;
    std::ofstream(clock_file_) << 0;
    auto env = stradia_env("browser-secret-0123456789abcdef0123456789");
    env.insert(env.end(), {"STRADIA_RATE_LIMIT=0", "STRADIA_TEST_HOOKS=1", "STRADIA_CLOCK_OFFSET_FILE=" + clock_file_});
    ASSERT_EQ(run_stradia({"seed"}, env), 0);
    server_ = std::make_unique<server_process>(env);
    std::filesystem::create_directories(screenshots);
  }
  void TearDown() override {
    server_.reset();
    if (!clock_file_.empty()) std::remove(clock_file_.c_str());
    pg_test::TearDown();
  }

  // Runs one scenario; its output is the failure message when it fails.
  void scenario(const std::string& name) {
    const auto shot = screenshots / (name_of_shot(name) + ".png");
    std::filesystem::remove(shot);
    const std::string command = "cd '" + scripts.string() +
                                "' && STRADIA_URL=http://127.0.0.1:" + std::to_string(server_->port()) +
                                " STRADIA_CLOCK_OFFSET_FILE='" + clock_file_ + "' STRADIA_SCREENSHOTS='" +
                                screenshots.string() + "' node scenarios.mjs " + name + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string output;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    const int status = ::pclose(pipe);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
    if (!HasFailure()) {
      EXPECT_TRUE(std::filesystem::exists(shot)) << "the scenario saved no screenshot " << shot;
    }
    std::printf("%s", output.c_str());
  }

  static std::string name_of_shot(const std::string& scenario) {
    static const std::map<std::string, std::string> shots{
        {"drag_shows_in_the_other_within_a_second", "board-live"},
        {"a_lock_shows_in_the_other_and_blocks_the_drag", "lock-blocks-drag"},
        {"an_expired_lock_clears_in_both", "lock-expired"},
        {"a_type_c_card_snaps_back_from_done", "type-c-snapped-back"},
        {"a_local_user_never_sees_france", "france-not-found"},
        {"the_admin_invites_a_user", "admin-invited"},
        {"a_ghost_card_arrives_live_and_is_rejected_with_a_reason", "ghost-card-rejected"},
        {"the_auditor_travels_in_time", "audit-time-travel"}};
    return shots.at(scenario);
  }

  std::string clock_file_;
  std::unique_ptr<server_process> server_;
};

TEST_F(Console, ADragInOneBrowserShowsInTheOtherWithinASecond) { scenario("drag_shows_in_the_other_within_a_second"); }
TEST_F(Console, ALockShowsItsBadgeInTheOtherAndBlocksTheDragThere) {
  scenario("a_lock_shows_in_the_other_and_blocks_the_drag");
}
TEST_F(Console, AnExpiredLockClearsInBoth) { scenario("an_expired_lock_clears_in_both"); }
TEST_F(Console, ATypeCCardDroppedOnDoneWithoutExecutionSnapsBackWithTheReason) {
  scenario("a_type_c_card_snaps_back_from_done");
}
TEST_F(Console, ALocalUserNeverSeesFrance) { scenario("a_local_user_never_sees_france"); }
TEST_F(Console, TheAdminInvitesAUserAndTheListUpdates) { scenario("the_admin_invites_a_user"); }
TEST_F(Console, AGhostCardArrivesLiveAndIsRejectedWithAReason) {
  scenario("a_ghost_card_arrives_live_and_is_rejected_with_a_reason");
}
TEST_F(Console, TheAuditorReadsTheLogAndTravelsBackInTime) { scenario("the_auditor_travels_in_time"); }

}  // namespace
}  // namespace stradia::testing
