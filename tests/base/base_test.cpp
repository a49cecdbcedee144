// The shared vocabulary: JSON text, encodings, Prometheus text, UUID text, RFC 3339.
#include <gtest/gtest.h>
#include "base/scram.hpp"

#include "base/clock.hpp"
#include "base/encoding.hpp"
#include "base/json_writer.hpp"
#include "base/prometheus_text.hpp"
#include "base/uuid_text.hpp"

namespace stradia::testing {
namespace {

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  base::json_writer w;
  w.begin_object().field("s", std::string("a\"b\\c\n\t\x01", 8)).field("n", 42).field("b", true).end_object();
  EXPECT_EQ(w.str(), R"({"s":"a\"b\\c\n\t\u0001","n":42,"b":true})");
}

TEST(JsonWriter, KeepsUtf8AndReplacesInvalidBytes) {
  base::json_writer w;
  w.value(
      "Espa\xC3\xB1"
      "a \xF0\x9F\x98\x80 \xFF\xC3");
  EXPECT_EQ(w.str(),
            "\"Espa\xC3\xB1"
            "a \xF0\x9F\x98\x80 \\ufffd\\ufffd\"");
}

TEST(JsonWriter, RefusesOverlongsSurrogatesAndCodePointsPastUnicode) {
  for (const std::string bad :
       {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xF0\x80\x80\xAF"}) {
    base::json_writer w;
    w.value(bad);
    EXPECT_EQ(w.str().find_first_of("\x80\xAF"), std::string::npos) << w.str();
    EXPECT_NE(w.str().find("\\ufffd"), std::string::npos) << w.str();
  }
  base::json_writer edge;
  edge.value("\xED\x9F\xBF \xF4\x8F\xBF\xBF");  // U+D7FF and U+10FFFF are characters
  EXPECT_EQ(edge.str(), "\"\xED\x9F\xBF \xF4\x8F\xBF\xBF\"");
}

TEST(JsonWriter, WritesTheShortestDoubleThatReadsBack) {
  base::json_writer w;
  w.begin_array().value(0.1).value(2.5).value(1e21).value(-0.0).end_array();
  EXPECT_EQ(w.str(), "[0.1,2.5,1e+21,-0]");
}

TEST(Encoding, HexIsLowercaseTwoDigitsAByte) {
  EXPECT_EQ(base::hex(std::string("\x00\x0f\xab\xff", 4)), "000fabff");
  EXPECT_EQ(base::hex(""), "");
}

TEST(Encoding, Base64UrlRoundTripsAndRefusesOtherAlphabets) {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", std::string("\x00\xff\xfe", 3)})
    EXPECT_EQ(base::base64url_decode(base::base64url_encode(s)), s);
  EXPECT_EQ(base::base64url_encode("\xfb\xff"), "-_8");
  EXPECT_FALSE(base::base64url_decode("a+b/").has_value());
  EXPECT_FALSE(base::base64url_decode("YQ==").has_value());  // padding is not base64url here
}

TEST(PrometheusText, WritesFamiliesAndSamples) {
  base::prometheus_text m;
  m.gauge("a_position", "The position.", 42);
  m.family("b_total", base::prometheus_text::kind::counter, "Requests.")
      .sample("b_total", "code=\"2xx\"", std::int64_t{7});
  m.sample("c_seconds_sum", "", 0.25);
  EXPECT_EQ(m.str(),
            "# HELP a_position The position.\n# TYPE a_position gauge\na_position 42\n"
            "# HELP b_total Requests.\n# TYPE b_total counter\nb_total{code=\"2xx\"} 7\n"
            "c_seconds_sum 0.25\n");
}

TEST(UuidText, FormatsSixteenBytesCanonically) {
  const unsigned char bytes[16] = {0x6e, 0xbf, 0x51, 0x72, 0x93, 0xa4, 0x4e, 0xcf,
                                   0x90, 0x41, 0x5c, 0x6d, 0x7e, 0x8f, 0x00, 0x01};
  std::string text;
  base::format_uuid(bytes, text);
  EXPECT_EQ(text, "6ebf5172-93a4-4ecf-9041-5c6d7e8f0001");
  EXPECT_TRUE(base::is_uuid(text));
  EXPECT_FALSE(base::is_uuid("6EBF5172-93A4-4ECF-9041-5C6D7E8F0001"));
}

TEST(Clock, Rfc3339RoundTripsAndTrimsFractions) {
  const auto t = base::parse_rfc3339("2026-02-22T10:15:00.450+01:00");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(base::format_rfc3339(*t), "2026-02-22T09:15:00.45Z");
  EXPECT_FALSE(base::parse_rfc3339("2026-02-30T10:15:00Z").has_value());
}

TEST(Clock, Rfc3339PadsEveryFieldAndKeepsWholeSecondsBare) {
  using namespace std::chrono;
  EXPECT_EQ(base::format_rfc3339(base::timestamp(sys_days(year{1970} / 1 / 1))), "1970-01-01T00:00:00Z");
  EXPECT_EQ(base::format_rfc3339(
                base::timestamp(sys_days(year{987} / 3 / 4) + hours(5) + minutes(6) + seconds(7) + microseconds(8))),
            "0987-03-04T05:06:07.000008Z");
  EXPECT_EQ(base::format_rfc3339(base::timestamp(sys_days(year{2026} / 12 / 31) + hours(23) + minutes(59) +
                                                 seconds(59) + microseconds(999999))),
            "2026-12-31T23:59:59.999999Z");
  EXPECT_EQ(base::format_rfc3339(base::timestamp(sys_days(year{2026} / 11 / 29) - microseconds(1))),
            "2026-11-28T23:59:59.999999Z");
}

}  // namespace
}  // namespace stradia::testing

namespace stradia::base {
namespace {

// RFC 7677's user "pencil" and salt; the keys as Python's hashlib.pbkdf2_hmac and hmac make them.
TEST(Scram, AVerifierIsWhatPostgresStoresForThePassword) {
  std::string salt = *base64_decode("W22ZaJ0SNY7soEsUEjb6gQ==");
  EXPECT_EQ(scram_sha256_verifier("pencil", salt, 4096),
            "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
            "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=");
  EXPECT_NE(scram_sha256_verifier("pencil"), scram_sha256_verifier("pencil")) << "each gets a fresh salt";
}

}  // namespace
}  // namespace stradia::base
