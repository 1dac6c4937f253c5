// Tests of sim/scenario.h and sim/calibration.h: every shipped scenario and the shipped
// calibration load; bad inputs give "name:LINE: message" at the offending line (unknown key, bad
// time, negative duration, bad op, not-built-yet keys, pace spans out of the run or order, bad calibration);
// defaults; the path rule (scenario directory, current directory, repository root); a
// calibration written by write_calibration() reads back the same.
#include "sim/scenario.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "sim/calibration.h"
#include "sim/yaml_values.h"
#include "tests/testing/repo.h"
#include "tests/testing/temp_dir.h"

namespace yibao::sim {
namespace {

namespace fs = std::filesystem;

// The source tree this test was built from (models/data/presets.yaml is under it).
using testing::repo_root;

std::string message_of(const Status& s) { return std::string(s.message()); }

// ---- Shipped files ---------------------------------------------------------------------------

std::vector<fs::path> shipped_scenarios() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(repo_root() / "scenarios")) {
    if (e.path().extension() == ".yaml") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ShippedScenarios, EveryFileLoadsAndSaysItsQuestion) {
  const auto files = shipped_scenarios();
  ASSERT_GE(files.size(), 5u);
  for (const fs::path& f : files) {
    SCOPED_TRACE(f.string());
    auto s = load_scenario(f.string());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->name, f.stem().string());
    EXPECT_FALSE(s->question.empty());
    EXPECT_EQ(s->file, f.string());
    if (s->mode == Mode::kLive) {
      EXPECT_GE(s->pace.size(), 1u);
    }
  }
}

TEST(ShippedScenarios, EveryScenarioIsListedInTheReadme) {
  const std::string readme = testing::read_file((repo_root() / "scenarios" / "README.md").string());
  for (const fs::path& f : shipped_scenarios()) {
    const std::string quoted = std::string("`").append(f.filename().string()).append("`");
    EXPECT_NE(readme.find(quoted), std::string::npos) << f;
  }
}

TEST(ShippedScenarios, QuickstartIsTheCountyPeakHourAtSpeed60) {
  auto s = load_scenario((repo_root() / "scenarios/quickstart.yaml").string());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->mode, Mode::kLive);
  EXPECT_EQ(s->scale.preset, "county");
  EXPECT_EQ(s->clock.start, make_time(2024, 3, 4, 8));
  EXPECT_EQ(weekday(s->clock.start.date()), 0);  // Monday
  EXPECT_DOUBLE_EQ(s->clock.duration_s, 3600);
  ASSERT_EQ(s->pace.size(), 1u);
  EXPECT_DOUBLE_EQ(s->pace[0].speed, 60);
  EXPECT_EQ(s->pace[0].kind, "accelerated");
  // ≈ 1,000 visits: 6,060 a day × 3.0 × 1.3 / 24 × volume_factor.
  const double visits = 6060.0 / 24 * 3.0 * 1.3 * s->workload.volume_factor;
  EXPECT_GT(visits, 900);
  EXPECT_LT(visits, 1200);
}

TEST(ShippedScenarios, CiRegressionIsBoundedAndShort) {
  auto s = load_scenario((repo_root() / "scenarios/ci-regression.yaml").string());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->mode, Mode::kLive);
  EXPECT_GT(s->workload.max_visits, 0u);
  EXPECT_LE(s->workload.max_visits, 500u);
  ASSERT_EQ(s->pace.size(), 1u);
  EXPECT_LE(s->clock.duration_s / s->pace[0].speed, 30);  // paced wall seconds
  EXPECT_FALSE(s->slo.empty());
}

TEST(ShippedScenarios, MmcValidationHasOneStableStation) {
  auto s = load_scenario((repo_root() / "scenarios/mmc-validation.yaml").string());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_TRUE(s->mmc.has_value());
  EXPECT_EQ(s->mode, Mode::kModelled);
  EXPECT_LT(s->mmc->arrival_rate, s->mmc->servers * s->mmc->service_rate);
  EXPECT_EQ(s->mmc->customers, 100000u);
}

TEST(ShippedScenarios, ModelledScenariosFindTheShippedCalibration) {
  auto s = load_scenario((repo_root() / "scenarios/county-day.yaml").string());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(fs::path(s->core.calibration).is_absolute());
  EXPECT_TRUE(fs::equivalent(s->core.calibration, repo_root() / "scenarios/calibration/default.yaml"));
}

TEST(ShippedCalibration, HasEveryTransactionCodeOfTheVisits) {
  auto c = load_calibration((repo_root() / "scenarios/calibration/default.yaml").string());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  for (int code : {9001, 1101, 2201, 2203, 2204, 2206, 2207, 2208, 2301, 2303, 2304, 2401, 2402, 2101, 2102, 2601}) {
    EXPECT_EQ(c->service.count(code), 1u) << code;
  }
  EXPECT_GE(c->workers, 1);
  EXPECT_GT(c->commit_a_s, 0);
  EXPECT_GT(c->commit_b_s, 0);
  EXPECT_NE(c->machine.find("shipped default"), std::string::npos);
  EXPECT_NEAR(c->service.at(2207).median_s, 0.0006, 1e-12);
}

// ---- Defaults --------------------------------------------------------------------------------

TEST(ScenarioDefaults, OnlyAClock) {
  auto s = parse_scenario("clock: {start: 2024-03-04}\n", "min.yaml");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->name, "min");
  EXPECT_EQ(s->file, "min.yaml");
  EXPECT_EQ(s->mode, Mode::kModelled);
  EXPECT_EQ(s->seed, 1u);
  EXPECT_EQ(s->scale.preset, "county");
  EXPECT_TRUE(s->scale.standby_fep);
  EXPECT_FALSE(s->scale.persons.has_value());
  EXPECT_EQ(s->clock.start, make_time(2024, 3, 4));
  EXPECT_DOUBLE_EQ(s->clock.duration_s, 3600);
  EXPECT_DOUBLE_EQ(s->clock.warmup_s, 0);
  EXPECT_DOUBLE_EQ(s->workload.volume_factor, 1.0);
  EXPECT_TRUE(s->workload.outpatient && s->workload.pharmacy && s->workload.inpatient);
  EXPECT_DOUBLE_EQ(s->workload.card_read_failure, 0.01);
  EXPECT_EQ(s->workload.max_visits, 0u);
  EXPECT_EQ(s->core.channels, 4);
  EXPECT_DOUBLE_EQ(s->core.settle_deadline_s, 30);
  EXPECT_DOUBLE_EQ(s->core.query_deadline_s, 10);
  EXPECT_EQ(s->core.retries, 2);
  EXPECT_TRUE(s->core.address.empty());
  EXPECT_TRUE(s->core.policy.empty());
  EXPECT_TRUE(s->pace.empty());
  EXPECT_TRUE(s->slo.empty());
  EXPECT_TRUE(s->outputs.timeseries && s->outputs.report);
  EXPECT_FALSE(s->mmc.has_value());
}

TEST(ScenarioDefaults, PaceSloAndOverrides) {
  const char* text =
      "name: t\n"
      "mode: live\n"
      "seed: 18446744073709551615\n"
      "scale: {preset: city, persons: 4_000, links: [{class: village, bandwidth: 2Mbps, latency: 40ms}]}\n"
      "clock: {start: '2024-03-04 08:00:00', duration: 15min, warmup: 90s, holidays: [2024-04-04],\n"
      "        makeup_days: [2024-04-07]}\n"
      "core: {settle_deadline: 2s, address: 'localhost:50051'}\n"
      "pace: [{speed: 1}]\n"
      "slo:\n"
      "  - {metric: latency_ms.2207.p99, threshold: 800}\n";
  auto s = parse_scenario(text, "t.yaml");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->seed, UINT64_MAX);
  EXPECT_EQ(s->scale.persons, 4000u);
  ASSERT_EQ(s->scale.links.size(), 1u);
  EXPECT_DOUBLE_EQ(*s->scale.links[0].bandwidth_bps, 2e6);
  EXPECT_DOUBLE_EQ(*s->scale.links[0].latency_s, 0.04);
  EXPECT_DOUBLE_EQ(s->clock.duration_s, 900);
  EXPECT_DOUBLE_EQ(s->clock.warmup_s, 90);
  ASSERT_EQ(s->clock.makeup_days.size(), 1u);
  EXPECT_DOUBLE_EQ(s->core.settle_deadline_s, 2);
  ASSERT_EQ(s->pace.size(), 1u);
  EXPECT_EQ(s->pace[0].kind, "live");
  EXPECT_DOUBLE_EQ(s->pace[0].lag_tolerance_ms, 1000);
  EXPECT_FALSE(s->pace[0].from.has_value());
  ASSERT_EQ(s->slo.size(), 1u);
  EXPECT_EQ(s->slo[0].name, "latency_ms.2207.p99");
  EXPECT_EQ(s->slo[0].op, "<=");
  EXPECT_DOUBLE_EQ(s->slo[0].threshold, 800);
  EXPECT_EQ(s->slo[0].line, 10);
}

TEST(ScenarioDefaults, SuspensionsAreReadFromFaults) {
  const char* text =
      "mode: live\n"
      "clock: {start: '2024-03-04 08:00:00', duration: 2h}\n"
      "core: {clock: admin}\n"
      "pace: [{kind: max}]\n"
      "faults:\n"
      "  - {at: {between: ['2024-03-04 08:10:00', '2024-03-04 08:20:00']}, suspend: department,\n"
      "     facility: {type: level2}, dept: A02, until: '2024-03-04 09:00:00'}\n"
      "  - {at: '2024-03-04 08:30:00', suspend: facility, mode: hold, facility: H45010100067, reason: audit}\n"
      "  - {at: '2024-03-04 08:40:00', suspend: person, person: {in_ward: true}}\n";
  auto s = parse_scenario(text, "t.yaml");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->faults.empty());
  ASSERT_EQ(s->suspensions.size(), 3u);
  const SuspensionSpec& d = s->suspensions[0];
  EXPECT_EQ(d.scope, "department");
  EXPECT_EQ(d.mode, "refuse");
  EXPECT_EQ(format_iso(d.at), "2024-03-04T08:10:00");
  EXPECT_EQ(format_iso(d.at_to), "2024-03-04T08:20:00");
  EXPECT_EQ(d.facility_type, "level2");
  EXPECT_EQ(d.dept, "A02");
  ASSERT_TRUE(d.until.has_value());
  EXPECT_EQ(format_iso(*d.until), "2024-03-04T09:00:00");
  EXPECT_EQ(d.line, 6);
  const SuspensionSpec& h = s->suspensions[1];
  EXPECT_EQ(h.mode, "hold");
  EXPECT_EQ(h.facility, "H45010100067");
  EXPECT_EQ(h.reason, "audit");
  EXPECT_EQ(format_iso(h.at), format_iso(h.at_to));
  EXPECT_FALSE(h.until.has_value());
  EXPECT_TRUE(s->suspensions[2].person_in_ward);
}

TEST(ValueSyntax, Durations) {
  EXPECT_EQ(parse_duration("90s"), 90);
  EXPECT_EQ(parse_duration("15min"), 900);
  EXPECT_EQ(parse_duration("2h"), 7200);
  EXPECT_EQ(parse_duration("1d"), 86400);
  EXPECT_EQ(parse_duration("3600"), 3600);
  EXPECT_EQ(parse_duration("1.5h"), 5400);
  EXPECT_EQ(parse_duration("250ms"), 0.25);
  EXPECT_EQ(parse_duration("2 h"), 7200);
  EXPECT_FALSE(parse_duration("2w").has_value());
  EXPECT_FALSE(parse_duration("h").has_value());
  EXPECT_FALSE(parse_duration("").has_value());
  EXPECT_FALSE(parse_duration("inf").has_value());
  EXPECT_EQ(parse_bandwidth("20Mbps"), 20e6);
  EXPECT_FALSE(parse_bandwidth("20MB").has_value());
}

// ---- Bad scenarios ---------------------------------------------------------------------------

struct BadCase {
  const char* what;
  const char* text;
  const char* expected;  // the message starts with "bad.yaml:LINE: " and contains the rest
};

const BadCase kBadScenarios[] = {
    {"unknown key", "clock: {start: 2024-03-04}\nworklaod: {volume_factor: 2}\n", "bad.yaml:2: unknown key 'worklaod'"},
    {"unknown nested key", "clock:\n  start: 2024-03-04\n  lenght: 1h\n", "bad.yaml:3: unknown key 'lenght' in clock"},
    {"duplicate key", "clock: {start: 2024-03-04}\nseed: 1\nseed: 2\n", "bad.yaml:3: duplicate key 'seed'"},
    {"no clock", "seed: 3\n", "missing key 'clock'"},
    {"bad time", "name: x\nclock:\n  start: 2024-02-30 08:00:00\n", "bad.yaml:3: start: '2024-02-30 08:00:00' is not a civil time"},
    {"negative duration", "clock:\n  start: 2024-03-04\n  duration: -5min\n", "bad.yaml:3: duration: -5min is out of range (must be > 0)"},
    {"zero duration", "clock: {start: 2024-03-04, duration: 0}\n", "bad.yaml:1: duration: 0 is out of range"},
    {"bad duration unit", "clock:\n  start: 2024-03-04\n  duration: 3 weeks\n", "bad.yaml:3: duration: '3 weeks' is not a duration"},
    {"warmup too long", "clock:\n  start: 2024-03-04\n  duration: 1h\n  warmup: 2h\n", "bad.yaml:4: warmup (7200 s) must be shorter"},
    {"makeup on a weekday", "clock:\n  start: 2024-03-04\n  makeup_days: [2024-03-05]\n", "bad.yaml:3: makeup_days: 2024-03-05 is not a Saturday or Sunday"},
    {"bad mode", "clock: {start: 2024-03-04}\nmode: fast\n", "bad.yaml:2: mode: 'fast' is not one of modelled, live"},
    {"bad seed", "clock: {start: 2024-03-04}\nseed: -1\n", "bad.yaml:2: seed: '-1' is not a whole number"},
    {"share out of range", "clock: {start: 2024-03-04}\nworkload:\n  card_read_failure: 1.5\n", "bad.yaml:3: card_read_failure: 1.5 is out of range (must be in [0, 1])"},
    {"volume not a number", "clock: {start: 2024-03-04}\nworkload:\n  volume_factor: lots\n", "bad.yaml:3: volume_factor: 'lots' is not a number"},
    {"no visit kind", "clock: {start: 2024-03-04}\nworkload:\n  outpatient: false\n  pharmacy: false\n  inpatient: false\n", "bad.yaml:3: workload turns off every visit kind"},
    {"bool", "clock: {start: 2024-03-04}\noutputs:\n  report: yes please\n", "bad.yaml:3: report: 'yes please' is not true or false"},
    {"type: map for scalar", "clock: {start: 2024-03-04}\nname: {a: 1}\n", "bad.yaml:2: name must be a single value"},
    {"unknown preset", "clock: {start: 2024-03-04}\nscale:\n  preset: planet\n", "bad.yaml:3: preset: 'planet' is not in"},
    {"bad link class", "clock: {start: 2024-03-04}\nscale:\n  links:\n    - {class: satellite, latency: 1s}\n", "bad.yaml:4: class: 'satellite' is not one of"},
    {"bad bandwidth", "clock: {start: 2024-03-04}\nscale:\n  links:\n    - {class: lan, bandwidth: fast}\n", "bad.yaml:4: bandwidth: 'fast' is not a bandwidth"},
    {"bad address", "clock: {start: 2024-03-04}\ncore:\n  address: localhost\n", "bad.yaml:3: address: 'localhost' is not HOST:PORT"},
    {"missing policy file", "clock: {start: 2024-03-04}\ncore:\n  policy: no/such/policy.yaml\n", "bad.yaml:3: policy: 'no/such/policy.yaml' is not found"},
    {"missing calibration", "clock: {start: 2024-03-04}\ncore:\n  calibration: nowhere.yaml\n", "bad.yaml:3: calibration: 'nowhere.yaml' is not found"},
    // SLOs.
    {"bad op", "clock: {start: 2024-03-04}\nslo:\n  - {metric: counts.failed, op: '=<', threshold: 0}\n", "bad.yaml:3: op: '=<' is not one of <, <=, >, >=, =="},
    {"bad metric path", "clock: {start: 2024-03-04}\nslo:\n  - metric: latency_ms..p99\n    threshold: 1\n", "bad.yaml:3: metric 'latency_ms..p99' is not a dotted path"},
    {"unknown metric root", "clock: {start: 2024-03-04}\nslo:\n  - {metric: latncy_ms.2207.p99, threshold: 1}\n", "bad.yaml:3: metric 'latncy_ms.2207.p99' does not start with a key of result.json"},
    {"slo without threshold", "clock: {start: 2024-03-04}\nslo:\n  - {metric: counts.failed}\n", "bad.yaml:3: missing key 'threshold'"},
    {"two slos one name", "clock: {start: 2024-03-04}\nslo:\n  - {metric: counts.failed, threshold: 0}\n  - {metric: counts.failed, threshold: 1}\n", "bad.yaml:4: two SLOs are named 'counts.failed'"},
    // Suspensions (faults with suspend).
    {"suspension without the admin clock", "clock: {start: 2024-03-04}\nmode: live\npace: [{kind: max}]\nfaults:\n  - {at: 2024-03-04 00:10:00, suspend: facility, facility: {type: pharmacy}}\n", "bad.yaml:5: suspensions are in civil time: the run needs core.clock: admin"},
    {"hold on a department", "clock: {start: 2024-03-04}\nmode: live\ncore: {clock: admin}\npace: [{kind: max}]\nfaults:\n  - {at: 2024-03-04 00:10:00, suspend: department, mode: hold, facility: H1}\n", "bad.yaml:6: mode: hold is for a facility, not a department"},
    {"chain suspension", "clock: {start: 2024-03-04}\nmode: live\ncore: {clock: admin}\npace: [{kind: max}]\nfaults:\n  - {at: 2024-03-04 00:10:00, suspend: chain}\n", "bad.yaml:6: suspend: chain is not built yet"},
    {"person without person", "clock: {start: 2024-03-04}\nmode: live\ncore: {clock: admin}\npace: [{kind: max}]\nfaults:\n  - {at: 2024-03-04 00:10:00, suspend: person}\n", "bad.yaml:6: missing key 'person'"},
    {"facility type unknown", "clock: {start: 2024-03-04}\nmode: live\ncore: {clock: admin}\npace: [{kind: max}]\nfaults:\n  - {at: 2024-03-04 00:10:00, suspend: facility, facility: {type: clinic}}\n", "bad.yaml:6: type: 'clinic' is not one of"},
    {"between reversed", "clock: {start: 2024-03-04}\nmode: live\ncore: {clock: admin}\npace: [{kind: max}]\nfaults:\n  - {at: {between: [2024-03-04 00:20:00, 2024-03-04 00:10:00]}, suspend: person, person: P1}\n", "bad.yaml:6: between: 2024-03-04T00:10:00 must come after"},
    {"until before at", "clock: {start: 2024-03-04}\nmode: live\ncore: {clock: admin}\npace: [{kind: max}]\nfaults:\n  - {at: 2024-03-04 00:10:00, until: 2024-03-04 00:05:00, suspend: person, person: P1}\n", "bad.yaml:6: until: 2024-03-04T00:05:00 must come after at"},
    {"ward pick without wards", "clock: {start: 2024-03-04}\nmode: live\ncore: {clock: admin}\nworkload: {inpatient: false}\npace: [{kind: max}]\nfaults:\n  - {at: 2024-03-04 00:10:00, suspend: person, person: {in_ward: true}}\n", "bad.yaml:7: line 7: person: {in_ward: true} picks a warm ward's patient"},
    {"suspension outside the run", "clock: {start: 2024-03-04}\nmode: live\ncore: {clock: admin}\npace: [{kind: max}]\nfaults:\n  - {at: 2024-03-05 00:10:00, suspend: person, person: P1}\n", "bad.yaml:6: line 6: a suspension's at (2024-03-05T00:10:00) lies outside the run"},
    {"slow without latency", "clock: {start: 2024-03-04}\nmode: live\npace: [{kind: max}]\nfaults:\n  - {at: 2024-03-04 00:10:00, slow: '2207'}\n", "bad.yaml:5: missing key 'latency'"},
    {"slow latency too long", "clock: {start: 2024-03-04}\nmode: live\npace: [{kind: max}]\nfaults:\n  - {at: 2024-03-04 00:10:00, slow: '2207', latency: 2min}\n", "bad.yaml:5: latency: 2min is out of range"},
    {"lose replies with a latency", "clock: {start: 2024-03-04}\nmode: live\npace: [{kind: max}]\nfaults:\n  - {at: 2024-03-04 00:10:00, lose_replies: '2102', latency: 1s}\n", "bad.yaml:5: unknown key 'latency'"},
    // Keys of later issues.
    {"faults modelled", "clock: {start: 2024-03-04}\nfaults:\n  - {at: 2024-03-04 00:10:00, kill: core}\n", "bad.yaml:3: faults act on a real core: the run must be live"},
    {"backfill hours", "clock: {start: 2024-03-04}\nfaults:\n  - {at: 2024-03-04 00:10:00, link: x}\nbackfill: {hours: [\"17:30\", \"08:00\"]}\n", "bad.yaml:4: hours: the counters close after they open"},
    {"backfill hour text", "clock: {start: 2024-03-04}\nfaults:\n  - {at: 2024-03-04 00:10:00, link: x}\nbackfill: {hours: [\"8h\", \"17:30\"]}\n", "bad.yaml:4: hours: 8h is not a time of day"},
    {"backfill rate type", "clock: {start: 2024-03-04}\nfaults:\n  - {at: 2024-03-04 00:10:00, link: x}\nbackfill: {rate_per_hour: {clinic: 3}}\n", "bad.yaml:4: unknown key 'clinic'"},
    {"manual review inside", "clock: {start: 2024-03-04, duration: 2h}\nfaults:\n  - {at: 2024-03-04 00:10:00, link: x}\nbackfill: {manual: 0.1, review: 1h}\n", "bad.yaml:4: review: a manual reimbursement reviewed inside the run is an Admin call of a live core"},
    {"agency modelled", "clock: {start: 2024-03-04}\nagency: {enrolment_changes_per_day: 10}\n", "bad.yaml:2: agency: the agency's calls are Admin calls of a live core"},
    {"agency unknown key", "clock: {start: 2024-03-04}\nmode: live\nagency: {changes_per_day: 10}\n", "bad.yaml:3: unknown key 'changes_per_day'"},
    {"agency hours", "clock: {start: 2024-03-04}\nmode: live\nagency: {hours: [\"17:30\", \"08:30\"]}\n", "bad.yaml:3: hours: the agency's counters close after they open"},
    {"agency rate", "clock: {start: 2024-03-04}\nmode: live\nagency: {premiums_per_day: -1}\n", "bad.yaml:3: premiums_per_day: -1 "},
    {"card storm share", "clock: {start: 2024-03-04}\nfaults:\n  - {at: 2024-03-04 00:10:00, card_reader: 1.5}\n", "bad.yaml:3: card_reader: 1.5 "},
    {"card storm by code", "clock: {start: 2024-03-04}\nfaults:\n  - {at: 2024-03-04 00:10:00, card_reader: 0.2, facility: H1}\n", "bad.yaml:3: facility: give {type: T}"},
    {"line cut back before it", "clock: {start: 2024-03-04}\nfaults:\n  - {at: 2024-03-04 00:10:00, link: x, until: 2024-03-04 00:05:00}\n", "bad.yaml:3: until: 2024-03-04T00:05:00 must come after at"},
    {"fep with until", "clock: {start: 2024-03-04}\nfaults:\n  - {at: 2024-03-04 00:10:00, fep: H1, until: 2024-03-04 01:00:00}\n", "bad.yaml:3: unknown key 'until' in a fep fault"},
    {"link by type", "clock: {start: 2024-03-04}\nfaults:\n  - {at: 2024-03-04 00:10:00, link: {type: village}}\n", "bad.yaml:3: link: give its name"},
    {"fep type unknown", "clock: {start: 2024-03-04}\nfaults:\n  - {at: 2024-03-04 00:10:00, fep: {type: clinic}}\n", "bad.yaml:3: type: "},
    {"cut outside the run", "clock: {start: 2024-03-04, duration: 1h}\nfaults:\n  - {at: 2024-03-04 03:10:00, line: county:450101}\n", "bad.yaml:3: at: 2024-03-04T03:10:00 lies outside the run"},
    {"crash in a max span", "clock: {start: 2024-03-04}\nmode: live\npace: [{kind: max}]\nfaults:\n  - {at: 2024-03-04 00:10:00, kill: core}\n", "bad.yaml:5: a core crash's down time is wall time"},
    // Switchover and back-fill.
    {"switchover modelled", "clock: {start: 2024-03-04}\nswitchover:\n  - {from: 2024-03-04 00:10:00, to: 2024-03-04 00:20:00}\n", "bad.yaml:3: switchover windows are opened in a real core: the run must be live"},
    {"switchover on the wall clock", "clock: {start: 2024-03-04}\nmode: live\npace: [{speed: 60}]\nswitchover:\n  - {from: 2024-03-04 00:10:00, to: 2024-03-04 00:20:00}\n", "bad.yaml:5: switchover windows are in civil time: the run needs core.clock: admin"},
    {"window ends before it starts", "clock: {start: 2024-03-04}\nmode: live\ncore: {clock: admin}\npace: [{speed: 60}]\nswitchover:\n  - {from: 2024-03-04 00:20:00, to: 2024-03-04 00:10:00}\n", "bad.yaml:6: to: 2024-03-04T00:10:00 must come after from"},
    {"window scope", "clock: {start: 2024-03-04}\nmode: live\ncore: {clock: admin}\npace: [{speed: 60}]\nswitchover:\n  - {scope: cards, from: 2024-03-04 00:10:00, to: 2024-03-04 00:20:00}\n", "bad.yaml:6: scope"},
    {"backfill without switchover", "clock: {start: 2024-03-04}\nbackfill: {rate_per_hour: 10}\n", "bad.yaml:2: backfill follows an outage: give switchover or a fep, line, link or host fault"},
    {"backfill rate", "clock: {start: 2024-03-04}\nmode: live\ncore: {clock: admin}\npace: [{speed: 60}]\nswitchover:\n  - {from: 2024-03-04 00:10:00, to: 2024-03-04 00:20:00}\nbackfill: {rate_per_hour: 0}\n", "bad.yaml:7: rate_per_hour: 0 is out of range"},
    {"sweep", "clock: {start: 2024-03-04}\nsweep: {}\n", "bad.yaml:2: sweep is not built yet"},
    {"top-level policy", "clock: {start: 2024-03-04}\npolicy: p.yaml\n", "bad.yaml:2: policy is a key of core: write core.policy"},
    // Pace.
    {"pace span outside the run", "clock: {start: 2024-03-04}\nmode: live\npace:\n  - {speed: 60}\n  - {from: 2024-03-04 12:00:00, kind: live}\n", "bad.yaml:5: from: 2024-03-04T12:00:00 lies outside the run"},
    {"second pace span without from", "clock: {start: 2024-03-04}\nmode: live\npace:\n  - {speed: 60}\n  - {kind: max}\n", "bad.yaml:5: pace span 2 needs a from"},
    {"live without pace", "clock: {start: 2024-03-04}\nmode: live\n", "bad.yaml:2: live mode needs a pace span"},
    {"zero speed", "clock: {start: 2024-03-04}\nmode: live\npace:\n  - {speed: 0}\n", "bad.yaml:4: speed: 0 is out of range"},
    {"negative speed", "clock: {start: 2024-03-04}\nmode: live\npace:\n  - speed: -2\n", "bad.yaml:4: speed: -2 is out of range"},
    {"live kind, speed 60", "clock: {start: 2024-03-04}\nmode: live\npace:\n  - {kind: live, speed: 60}\n", "bad.yaml:4: a live span runs at speed 1"},
    {"max kind with a speed", "clock: {start: 2024-03-04}\nmode: live\npace:\n  - {kind: max, speed: 5}\n", "bad.yaml:4: a max span runs unpaced: it takes no speed"},
    {"pace from after start", "clock: {start: 2024-03-04}\nmode: live\npace:\n  - {from: 2024-03-04 09:00:00, speed: 2}\n", "bad.yaml:4: the first pace span starts at clock.start"},
    // mmc.
    {"unstable mmc", "mmc:\n  servers: 2\n  arrival_rate: 3\n  service_rate: 1\n  customers: 10\n", "bad.yaml:3: the station is unstable"},
    {"mmc live", "mode: live\npace: [{speed: 2}]\nmmc: {servers: 2, arrival_rate: 1, service_rate: 1, customers: 10}\n", "bad.yaml:3: mmc runs one modelled station"},
    {"mmc missing key", "mmc:\n  servers: 2\n  arrival_rate: 1\n  service_rate: 1\n", "bad.yaml:2: missing key 'customers'"},
    // YAML itself.
    {"yaml syntax", "clock: {start: 2024-03-04\nseed: 1\n", "bad.yaml:"},
    {"not a mapping", "- a\n- b\n", "bad.yaml:1: a scenario must be a mapping"},
};

// `expected` is "bad.yaml:LINE: text": the message starts with "bad.yaml:LINE: " and contains
// the text; anything else: the message contains it.
void expect_error(const Status& status, const std::string& expected) {
  const std::string msg(status.message());
  const size_t colon = expected.rfind("bad.yaml:", 0) == 0 ? expected.find(": ") : std::string::npos;
  if (colon == std::string::npos) {
    EXPECT_NE(msg.find(expected), std::string::npos) << msg;
    return;
  }
  EXPECT_EQ(msg.substr(0, colon + 2), expected.substr(0, colon + 2)) << msg;
  EXPECT_NE(msg.find(expected.substr(colon + 2)), std::string::npos) << msg;
}

TEST(BadScenarios, EachGivesFileLineAndWhat) {
  for (const BadCase& c : kBadScenarios) {
    SCOPED_TRACE(c.what);
    auto s = parse_scenario(c.text, "bad.yaml");
    ASSERT_FALSE(s.ok()) << "loaded: " << c.text;
    EXPECT_EQ(s.status().code(), Code::kInvalidArgument);
    expect_error(s.status(), c.expected);
  }
}

// ---- Files and paths -------------------------------------------------------------------------

TEST(ScenarioFiles, MissingFileIsNotFound) {
  auto s = load_scenario("/nonexistent/dir/x.yaml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::kNotFound);
  EXPECT_NE(message_of(s.status()).find("/nonexistent/dir/x.yaml: cannot read"), std::string::npos);
}

TEST(ScenarioFiles, PathsAreRelativeToTheScenarioFileFirst) {
  testing::TempDir dir;
  fs::create_directories(dir.path() / "cal");
  fs::copy_file(repo_root() / "scenarios/calibration/default.yaml", dir.path() / "cal/mine.yaml");
  testing::write_file(dir.file("s.yaml"), "clock: {start: 2024-03-04}\ncore: {calibration: cal/mine.yaml}\n");
  auto s = load_scenario(dir.file("s.yaml"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(fs::equivalent(s->core.calibration, dir.path() / "cal/mine.yaml"));
  // Not next to the scenario: the repository root (or the current directory) still finds it.
  testing::write_file(dir.file("t.yaml"), "clock: {start: 2024-03-04}\ncore: {calibration: scenarios/calibration/default.yaml}\n");
  auto t = load_scenario(dir.file("t.yaml"));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(fs::equivalent(t->core.calibration, repo_root() / "scenarios/calibration/default.yaml"));
}

TEST(ScenarioFiles, ABadCalibrationIsReportedAtBothLines) {
  testing::TempDir dir;
  testing::write_file(dir.file("cal.yaml"),
                      "machine: here\nworkers: 8\ncommit: {a_ms: 4, b_ms: 0.25, max_batch: 64}\n"
                      "service:\n  2207: {median_ms: 0.5, sigma: 9}\n");
  testing::write_file(dir.file("s.yaml"), "clock: {start: 2024-03-04}\ncore:\n  calibration: cal.yaml\n");
  auto s = load_scenario(dir.file("s.yaml"));
  ASSERT_FALSE(s.ok());
  const std::string msg = message_of(s.status());
  EXPECT_EQ(msg.rfind(dir.file("s.yaml") + ":3: calibration: ", 0), 0u) << msg;
  EXPECT_NE(msg.find("cal.yaml:5: sigma: 9 is out of range"), std::string::npos) << msg;
  // A live scenario does not need the calibration.
  testing::write_file(dir.file("l.yaml"), "clock: {start: 2024-03-04}\nmode: live\npace: [{speed: 4}]\n"
                                          "core:\n  calibration: cal.yaml\n");
  EXPECT_TRUE(load_scenario(dir.file("l.yaml")).ok());
}

// ---- Calibration -----------------------------------------------------------------------------

const char* kGoodCalibration =
    "machine: |\n"                                        // 1
    "  test box\n"                                        // 2
    "workers: 3\n"                                        // 3
    "commit: {a_ms: 4, b_ms: 0.25, max_batch: 128}\n"     // 4
    "service:\n"                                          // 5
    "  2207: {median_ms: 0.6, sigma: 0.5}\n"              // 6
    "  1101: {median_ms: 0.15}\n";                        // 7

TEST(Calibration, ParsesUnitsToSeconds) {
  auto c = parse_calibration(kGoodCalibration, "cal.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->machine, "test box\n");
  EXPECT_EQ(c->workers, 3);
  EXPECT_DOUBLE_EQ(c->commit_a_s, 0.004);
  EXPECT_DOUBLE_EQ(c->commit_b_s, 0.00025);
  EXPECT_EQ(c->max_batch, 128);
  ASSERT_EQ(c->service.size(), 2u);
  EXPECT_DOUBLE_EQ(c->service.at(2207).median_s, 0.0006);
  EXPECT_DOUBLE_EQ(c->service.at(1101).sigma, 0.5);  // default sigma
}

TEST(Calibration, WrittenFileReadsBackTheSame) {
  testing::TempDir dir;
  Calibration c;
  c.machine = "host x, 2 cores\nyibao-core abc123, 2024-03-04";
  c.workers = 6;
  c.commit_a_s = 0.0051;
  c.commit_b_s = 0.00034;
  c.max_batch = 512;
  c.service[2207] = ServiceDist{0.00061, 0.55};
  c.service[9001] = ServiceDist{0.0001, 0};
  ASSERT_TRUE(write_calibration(c, dir.file("out.yaml")).ok());
  auto back = load_calibration(dir.file("out.yaml"));
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << testing::read_file(dir.file("out.yaml"));
  EXPECT_EQ(back->machine.substr(0, c.machine.size()), c.machine);
  EXPECT_EQ(back->workers, 6);
  EXPECT_NEAR(back->commit_a_s, c.commit_a_s, 1e-12);
  EXPECT_NEAR(back->commit_b_s, c.commit_b_s, 1e-12);
  EXPECT_EQ(back->max_batch, 512);
  ASSERT_EQ(back->service.size(), 2u);
  EXPECT_NEAR(back->service.at(2207).median_s, 0.00061, 1e-12);
  EXPECT_NEAR(back->service.at(2207).sigma, 0.55, 1e-12);
  EXPECT_EQ(back->service.at(9001).sigma, 0);
}

TEST(Calibration, WriteRefusesAnInvalidCalibrationAndAnUnwritablePath) {
  Calibration empty;
  EXPECT_EQ(write_calibration(empty, "/tmp/never-written.yaml").code(), Code::kInvalidArgument);
  Calibration c;
  c.service[2207] = ServiceDist{};
  EXPECT_EQ(write_calibration(c, "/nonexistent/dir/cal.yaml").code(), Code::kUnavailable);
}

const BadCase kBadCalibrations[] = {
    {"unknown key", "machine: m\nworkers: 2\nfsync_ms: 4\n", "bad.yaml:3: unknown key 'fsync_ms'"},
    {"missing service", "machine: m\nworkers: 2\ncommit: {a_ms: 4, b_ms: 0.25, max_batch: 8}\n", "missing key 'service'"},
    {"zero workers", "machine: m\nworkers: 0\ncommit: {a_ms: 4, b_ms: 0.25, max_batch: 8}\nservice: {2207: {median_ms: 1}}\n", "bad.yaml:2: workers: '0' is not a whole number in [1, 4096]"},
    {"negative commit", "machine: m\nworkers: 2\ncommit:\n  a_ms: -4\n  b_ms: 0.25\n  max_batch: 8\nservice: {2207: {median_ms: 1}}\n", "bad.yaml:4: a_ms: -4 is out of range"},
    {"bad code", "machine: m\nworkers: 2\ncommit: {a_ms: 4, b_ms: 0.25, max_batch: 8}\nservice:\n  22o7: {median_ms: 1}\n", "bad.yaml:5: transaction code: '22o7' is not a whole number in [1000, 9999]"},
    {"zero median", "machine: m\nworkers: 2\ncommit: {a_ms: 4, b_ms: 0.25, max_batch: 8}\nservice:\n  2207: {median_ms: 0}\n", "bad.yaml:5: median_ms: 0 is out of range (must be > 0)"},
    {"no median", "machine: m\nworkers: 2\ncommit: {a_ms: 4, b_ms: 0.25, max_batch: 8}\nservice:\n  2207: {sigma: 1}\n", "bad.yaml:5: missing key 'median_ms'"},
    {"duplicate code", "machine: m\nworkers: 2\ncommit: {a_ms: 4, b_ms: 0.25, max_batch: 8}\nservice:\n  2207: {median_ms: 1}\n  '2207': {median_ms: 2}\n", "bad.yaml:6: duplicate transaction code 2207"},
    {"empty service", "machine: m\nworkers: 2\ncommit: {a_ms: 4, b_ms: 0.25, max_batch: 8}\nservice: {}\n", "bad.yaml:4: service must be a mapping"},
};

TEST(Calibration, BadFilesGiveFileLineAndWhat) {
  for (const BadCase& c : kBadCalibrations) {
    SCOPED_TRACE(c.what);
    auto r = parse_calibration(c.text, "bad.yaml");
    ASSERT_FALSE(r.ok());
    expect_error(r.status(), c.expected);
  }
  auto missing = load_calibration("/nonexistent/cal.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace yibao::sim
