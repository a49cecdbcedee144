#include "domain/guardrails.hpp"

#include <gtest/gtest.h>

#include "domain/clock.hpp"

namespace stradia::testing {
namespace {

namespace g = domain::guardrails;

bool ok(const g::problems& p) { return p.empty(); }
std::string message(const g::problems& p) { return p.empty() ? "" : p.front().message; }

TEST(Guardrails, Ga4MeasurementIdIsGDashAndTenUppercaseLettersOrDigits) {
  EXPECT_TRUE(ok(g::measurement_id("G-ABC123XYZ0")));
  for (const char* bad : {"G-ABC123XYZ", "G-ABC123XYZ01", "G-abc123xyz0", "g-ABC123XYZ0", "UA-1234567890", ""})
    EXPECT_EQ(message(g::measurement_id(bad)), "Must be a valid GA4 Measurement ID.") << bad;
}

TEST(Guardrails, GtmContainerIdIsGtmDashAndUppercaseLettersOrDigits) {
  EXPECT_TRUE(ok(g::container_id("GTM-ABC123")));
  EXPECT_TRUE(ok(g::container_id("GTM-X")));
  for (const char* bad : {"GTM-", "GTM-abc", "gtm-ABC", "GTM_ABC", "GTM-AB C"})
    EXPECT_EQ(message(g::container_id(bad)), "Must be a valid GTM Container ID.") << bad;
}

TEST(Guardrails, TriggerTypeIsAllPagesOrCustomEvent) {
  EXPECT_TRUE(ok(g::trigger_type("All Pages")));
  EXPECT_TRUE(ok(g::trigger_type("CustomEvent")));
  EXPECT_EQ(message(g::trigger_type("all pages")),
            "Invalid enum value. Expected 'All Pages' | 'CustomEvent', received 'all pages'");
}

TEST(Guardrails, PolicyTextUsesTheModelsCharacterSet) {
  EXPECT_TRUE(ok(g::policy_text("Tabs\tand new\nlines are whitespace.")));
  EXPECT_TRUE(ok(g::policy_text("Don't fire tags - ever, right? Yes!")));
  EXPECT_EQ(message(g::policy_text("Accents like \xC3\xA9 are not allowed")), "Invalid characters in policy.");
  EXPECT_EQ(message(g::policy_text("Quotes \"like this\" are not")), "Invalid characters in policy.");
  EXPECT_TRUE(ok(g::policy_text(std::string("Non breaking\xC2\xA0space is whitespace"))));
}

TEST(Guardrails, LengthsCountCharactersNotBytes) {
  EXPECT_EQ(g::character_count("Espa\xC3\xB1"
                               "a"),
            6u);
  EXPECT_EQ(g::character_count("\xF0\x9F\x98\x80"), 1u);
  EXPECT_EQ(g::character_count("\xFF\xFE"), 2u);  // invalid bytes still count, one each
}

TEST(Guardrails, EmailNeedsOneAtAndADomain) {
  EXPECT_TRUE(ok(g::email("admin@acme.com")));
  for (const char* bad : {"admin", "@acme.com", "admin@acme", "a@b@acme.com", "admin@acme.com.", "ad min@acme.com"})
    EXPECT_EQ(message(g::email(bad)), "Invalid email") << bad;
}

TEST(Clock, FormatsRfc3339UtcWithZ) {
  using namespace std::chrono;
  const domain::timestamp t{sys_days{year{2026} / 2 / 22} + 10h + 10min};
  EXPECT_EQ(domain::format_rfc3339(t), "2026-02-22T10:10:00Z");
  EXPECT_EQ(domain::format_rfc3339(t + 1500us), "2026-02-22T10:10:00.0015Z");
  EXPECT_EQ(domain::from_proto(domain::to_proto(t + 1500us)), t + 1500us);
}

}  // namespace
}  // namespace stradia::testing

namespace stradia::testing {
namespace {

TEST(Clock, ParsesRfc3339WithFractionsAndOffsets) {
  using namespace std::chrono;
  const domain::timestamp t{sys_days{year{2026} / 2 / 22} + 10h + 15min};
  EXPECT_EQ(domain::parse_rfc3339("2026-02-22T10:15:00Z"), t);
  EXPECT_EQ(domain::parse_rfc3339("2026-02-22T11:15:00+01:00"), t);
  EXPECT_EQ(domain::parse_rfc3339("2026-02-22T10:15:00.25Z"), t + 250ms);
  for (const char* bad : {"", "2026-02-22", "2026-02-30T10:15:00Z", "2026-02-22T10:15:00", "2026-02-22T25:00:00Z",
                          "2026-02-22T10:15:00Zjunk"})
    EXPECT_FALSE(domain::parse_rfc3339(bad).has_value()) << bad;
}

}  // namespace
}  // namespace stradia::testing
