#include "domain/market.hpp"

#include "commands/system_zone_catalog.hpp"
#include "domain/fixtures.hpp"

namespace stradia::testing {
namespace {

namespace mk = domain::market;
namespace pb = stradia::market::v1;
using domain::errc;

const domain::zone_catalog& system_zones() {
  static const auto zones = commands::load_system_zone_catalog();
  if (!zones) throw std::runtime_error("the system tz database (tzdata) is missing");
  return *zones;
}

domain::context admin_context(domain::caller who = as_admin()) {
  auto ctx = context_for(std::move(who));
  ctx.zones = &system_zones();
  return ctx;
}

pb::CreateMarket spain(std::string name = "Spain - Retail", std::string zone = "Europe/Madrid") {
  pb::CreateMarket c;
  c.set_market_id(spain_market_id);
  c.set_name(std::move(name));
  c.set_region_code("ES");
  c.set_timezone(std::move(zone));
  return c;
}

std::vector<domain::field_error> problems_of(const pb::CreateMarket& c) {
  return field_errors(mk::decide({}, c, admin_context()));
}

TEST(Market, TimezoneMustBeARealIanaZone) {
  EXPECT_TRUE(mk::decide({}, spain(), admin_context()).has_value());
  EXPECT_TRUE(mk::decide({}, spain("Spain - Retail", "America/Argentina/Buenos_Aires"), admin_context()).has_value());
  for (const char* zone : {"Mars/Olympus", "", "europe/madrid", "Europe/Madrid "}) {
    auto errors = problems_of(spain("Spain - Retail", zone));
    ASSERT_EQ(errors.size(), 1u) << zone;
    EXPECT_EQ(errors[0], (domain::field_error{"timezone", "Invalid IANA timezone."})) << zone;
  }
}

TEST(Market, SystemZoneCatalogReadsTheTzDatabase) {
  EXPECT_GT(system_zones().size(), 300u);
  EXPECT_TRUE(system_zones().contains("Europe/Paris"));
  EXPECT_TRUE(system_zones().contains("Europe/Kiev"));  // a link (alias) still names a zone
  EXPECT_FALSE(commands::load_system_zone_catalog("/nonexistent/tzdata.zi").has_value());
}

TEST(Market, NameIsTwoToFiftyCharacters) {
  EXPECT_EQ(problems_of(spain("S")).at(0),
            (domain::field_error{"name", "String must contain at least 2 character(s)"}));
  EXPECT_EQ(problems_of(spain(std::string(51, 'x'))).at(0),
            (domain::field_error{"name", "String must contain at most 50 character(s)"}));
  EXPECT_TRUE(mk::decide({}, spain("ES"), admin_context()).has_value());
  EXPECT_TRUE(mk::decide({}, spain(std::string(50, 'x')), admin_context()).has_value());
}

TEST(Market, RegionCodeIsTwoUppercaseLetters) {
  auto c = spain();
  c.set_region_code("Spain");
  EXPECT_EQ(problems_of(c).at(0).path, "region_code");
}

TEST(Market, IsCreatedActiveInTheCallersTenant) {
  auto d = mk::decide({}, spain(), admin_context());
  ASSERT_TRUE(d.has_value());
  auto s = fold(mk::state{}, *d, mk::evolve);
  EXPECT_TRUE(s.is_active);
  EXPECT_EQ(s.tenant_id, tenant_id);
}

TEST(Market, OnlyGlobalAdminsManageMarkets) {
  for (auto who : {as_supervisor(), as_spain_user(), as_auditor()})
    EXPECT_EQ(refusal_code(mk::decide({}, spain(), admin_context(who))), errc::forbidden);
}

TEST(Market, DeletedMarketsAreNotUsable) {
  auto s = fold(mk::state{}, *mk::decide({}, spain(), admin_context()), mk::evolve);
  EXPECT_TRUE(mk::require_usable(s, admin_context()).has_value());
  auto d = mk::decide(s, pb::DeleteMarket{}, admin_context());
  ASSERT_TRUE(d.has_value());
  s = fold(s, *d, mk::evolve);
  EXPECT_TRUE(s.deleted_at.has_value());
  EXPECT_EQ(mk::require_usable(s, admin_context()).error().code, errc::not_found);
  EXPECT_EQ(refusal_code(mk::decide(s, pb::ActivateMarket{}, admin_context())), errc::not_found);
}

TEST(Market, AnotherTenantsMarketIsNotFound) {
  auto s = fold(mk::state{}, *mk::decide({}, spain(), admin_context()), mk::evolve);
  EXPECT_EQ(refusal_code(mk::decide(s, pb::DeactivateMarket{}, admin_context(as_other_tenant_admin()))),
            errc::not_found);
}

}  // namespace
}  // namespace stradia::testing
