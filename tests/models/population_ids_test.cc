// Tests of the population's identifiers (models/population_ids.h): formats, uniqueness, round
// trips from id to index, and that tampered or foreign ids are not found.
#include "models/population.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <unordered_set>

#include "tests/models/population_fixture.h"

namespace yibao::models {
namespace {

using testing_population::sample;
using testing_population::shared;

// ---- Identifiers ---------------------------------------------------------------------------

TEST(PopulationIds, CertnoCheckDigitKnownAnswer) {
  EXPECT_TRUE(certno_valid("11010519491231002X"));  // the GB 11643 example
  EXPECT_FALSE(certno_valid("110105194912310021"));
  EXPECT_FALSE(certno_valid("11010519491231002"));
  EXPECT_EQ(certno_check_char("11010519491231002"), 'X');
}

TEST(PopulationIds, UniqueValidAndRoundTrip) {
  const Population& pop = shared("city");
  std::unordered_set<std::string> psn, cert, card;
  const auto idx = sample(pop, 200'000);
  for (uint64_t i : idx) {
    const Person p = pop.person(i);
    ASSERT_EQ(p.psn_no.size(), 20u);
    ASSERT_EQ(p.card_sn.size(), 14u);
    ASSERT_TRUE(certno_valid(p.certno)) << p.certno;
    ASSERT_TRUE(psn.insert(p.psn_no).second) << p.psn_no;
    ASSERT_TRUE(cert.insert(p.certno).second) << p.certno;
    ASSERT_TRUE(card.insert(p.card_sn).second) << p.card_sn;
    ASSERT_EQ(pop.find_psn_no(p.psn_no), i);
    ASSERT_EQ(pop.find_certno(p.certno), i) << p.certno;
    ASSERT_EQ(pop.find_card_sn(p.card_sn), i);
    // The birth date and sex are inside the certno, the county code in front.
    const YearMonthDay d = ymd(p.birth);
    char date[9];
    std::snprintf(date, sizeof date, "%04d%02d%02d", d.year, d.month, d.day);
    ASSERT_EQ(p.certno.substr(6, 8), date);
    ASSERT_EQ((p.certno[16] - '0') % 2 == 1 ? 1 : 2, p.sex);
    ASSERT_EQ(p.certno.substr(0, 6), pop.counties()[static_cast<size_t>(pop.county_of_person(i))].admdvs);
    ASSERT_EQ(p.psn_no.substr(0, 6), p.certno.substr(0, 6));
  }
}

TEST(PopulationIds, EveryCertnoOfAWholeCountyRoundTrips) {
  const Population& pop = shared("county");
  std::unordered_set<std::string> seen;
  seen.reserve(pop.person_count());
  for (uint64_t i = 0; i < pop.person_count(); ++i) {
    const std::string c = pop.certno(i);
    ASSERT_TRUE(seen.insert(c).second) << c;
    if (i % 97 == 0) { ASSERT_EQ(pop.find_certno(c), i); }
  }
}

std::string flip_last(std::string s) {
  char& c = s.back();
  c = (c >= '0' && c <= '9') ? static_cast<char>('0' + (c - '0' + 1) % 10) : (c == 'Z' ? 'A' : static_cast<char>(c + 1));
  if (s.size() == 18 && s.back() == ':') s.back() = 'X';
  return s;
}

TEST(PopulationIds, TamperedIdsAreNotFound) {
  const Population& pop = shared("city");
  for (uint64_t i : sample(pop, 1'000)) {
    const Person p = pop.person(i);
    EXPECT_FALSE(pop.find_psn_no(flip_last(p.psn_no)));
    EXPECT_FALSE(pop.find_certno(flip_last(p.certno)));
    EXPECT_FALSE(pop.find_card_sn(flip_last(p.card_sn)));
    std::string psn = p.psn_no;
    psn[0] = psn[0] == '9' ? '1' : static_cast<char>(psn[0] + 1);  // another province
    EXPECT_FALSE(pop.find_psn_no(psn));
    // The check digit is right but the county is not this person's.
    std::string cert = p.certno.substr(0, 17);
    cert[5] = cert[5] == '9' ? '1' : '9';
    cert.push_back(certno_check_char(cert));
    EXPECT_FALSE(pop.find_certno(cert)) << cert;
  }
  EXPECT_FALSE(pop.find_psn_no(""));
  EXPECT_FALSE(pop.find_psn_no("4501010000000000000x"));
  EXPECT_FALSE(pop.find_psn_no("45010199999999999999"));  // index beyond the population
  EXPECT_FALSE(pop.find_certno("11010519491231002X"));    // valid, but no such county here
  EXPECT_FALSE(pop.find_card_sn("A99999999999999"));
  for (uint32_t j = 0; j < pop.facility_count(); j += 13) {
    const std::string code = pop.facility_code(j);
    EXPECT_FALSE(pop.find_facility(flip_last(code))) << code;
    std::string other = code;
    other[0] = other[0] == 'H' ? 'P' : 'H';
    EXPECT_FALSE(pop.find_facility(other)) << other;
  }
  EXPECT_FALSE(pop.find_facility("H45010199990"));
}

}  // namespace
}  // namespace yibao::models
