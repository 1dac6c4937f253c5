// Scenario: one YAML file (DESIGN.md §6) as a typed value, validated on load.
//
// load_scenario() reads the file, checks every key and value, and reports the first problem as
// INVALID_ARGUMENT "file:line: what is wrong" (line of the offending node); an unknown key is an
// error (a typo must not silently fall back to a default). Keys of later issues that are not
// built yet (`faults`, `switchover`, `backfill`, `sweep`) are refused with "file:line: <key> is not built yet" rather than ignored. scenarios/README.md is
// the reference of every key, its unit and default.
//
// Units: civil times are models' CivilTime (China time); durations are seconds (YAML accepts
// "90s", "15min", "2h", "1d" or a plain number of seconds); rates are per second; shares are
// fractions in [0, 1].
//
// Paths (core.calibration, core.policy, core.admin_token_file, scale.presets_file): a relative
// path is looked up relative to the scenario file's directory, else to the current directory,
// else to the repository root the binary was built from; the field then holds the absolute path
// found.
// A file that a run needs (calibration in modelled mode, a given policy or presets file) and
// that is found nowhere is a load error at its line.
//
// A Scenario is a plain value; thread-safe to share read-only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/status.h"
#include "models/time.h"

namespace yibao::sim {

enum class Mode : uint8_t { kModelled = 0, kLive = 1 };

// Link class overrides of the platform (DOMAIN.md §8.4 defaults; sim/platform fills the rest).
struct LinkOverride {
  std::string link_class;     // "fep_county", "village", "pharmacy", "county_municipal",
                              // "municipal_core", "private_line", "lan"
  std::optional<double> bandwidth_bps;  // bits per second
  std::optional<double> latency_s;
};

struct ScaleSpec {
  std::string preset = "county";    // county | city | province | nation (models/data/presets.yaml)
  std::string presets_file;         // "" = models/data/presets.yaml
  // Overrides of the preset (absent = the preset's value).
  std::optional<uint64_t> persons;
  std::optional<int32_t> county_nodes;
  std::optional<int32_t> year;
  std::vector<LinkOverride> links;
  bool standby_fep = true;          // hospitals' FEPs have a standby with its own route
};

struct ClockSpec {
  CivilTime start;                  // civil time of simulated second 0
  double duration_s = 3600;         // simulated seconds to run
  double warmup_s = 0;              // excluded from the figures (visits started before it)
  std::vector<CivilDate> holidays;
  std::vector<CivilDate> makeup_days;  // working days that replace a weekend day (调休)
};

struct WorkloadSpec {
  double volume_factor = 1.0;       // × the preset's daily volumes
  // Visit kinds generated (all by default).
  bool outpatient = true;
  bool pharmacy = true;
  bool inpatient = true;
  double card_read_failure = 0.01;  // share of card reads that fail (then ID-card fallback)
  // Only facilities whose index is below this count generate visits (0 = all); small scenarios
  // use it to bound a live run.
  uint32_t max_facilities = 0;
  // Stop generating visits after this many (0 = unbounded): bounds CI runs. Stays in progress
  // at the start (below) are not generated visits and do not count.
  uint64_t max_visits = 0;
  // Hospitals' wards hold the stays in progress at clock.start (models::WorkloadModel::
  // in_house_at), each admitted and caught up on its past fee uploads just before its first call
  // inside the run (calls left out of the figures), then uploading, discharged and settled as
  // any stay: a run of a day sees the discharges an empty ward would not have for a week.
  // Needs inpatient.
  bool in_house_at_start = true;
};

struct CoreSpec {
  std::string calibration = "scenarios/calibration/default.yaml";  // modelled mode
  std::string address;              // live: a running core; "" = start one
  std::string admin_token_file;     // live with `address`
  std::string ledger = "";          // live, started core: ledger path ("" = temporary SQLite)
  std::string policy;               // "" = models/data/policy_default.yaml
  int channels = 4;                 // live: gRPC channels
  // live: the core's clock. "wall": the core reads the system clock; "admin": a core yibao-sim
  // starts gets `--clock admin` and the live bridge sets its clock to the simulated civil time
  // (Admin.SetClock) as the simulation advances. With `address`, the running core's own mode
  // (Admin.GetClock) decides; "admin" then requires that core to run on the admin clock.
  std::string clock = "wall";
  // Client deadlines and retries (DOMAIN.md §8.4).
  double settle_deadline_s = 30;
  double query_deadline_s = 10;
  int retries = 2;                  // retries with the same msgid, then 2601
};

// One pacing span (DESIGN.md §5): from its `from` to the next span's `from` (the last one to the
// end of the run). Spans are in order, `from` strictly increasing inside the run; only the first
// may omit `from` (= clock.start). Every visit is simulated in every span: only the wall pacing
// changes (sim/live/pacer.h).
struct PaceSpan {
  std::optional<CivilTime> from;    // absent = from the start (first span only)
  double speed = 1;                 // simulated seconds per wall second; 1 = live; 0 = max (unpaced)
  std::string kind = "live";        // "live" | "accelerated" | "max"
  double lag_tolerance_ms = 1000;   // paced spans: wall lag p99 above this fails the verdict
  int line = 0;                     // YAML line, for messages
};

// A switchover window the run opens in the core (Admin.OpenWindow, DOMAIN.md §7.1, §11.14):
// [from, to) in civil time, one service scope. `announced`: the facilities know the notice
// (they do not call the core for what the window refuses); otherwise they learn it from the
// core's E_SWITCHOVER refusals. Live runs on the admin clock only.
struct SwitchoverSpec {
  std::string scope = "card_settlement";  // "card_settlement" | "insurance_business" | "premium_channels"
  CivilTime from;
  CivilTime to;
  bool announced = true;
  int line = 0;
};

// Back-fill after a card_settlement window (DOMAIN.md §7.3): the visits that went offline (the
// patient paid in full) are entered again with backfill_flag = 1 and their true care time, at
// most `rate_per_hour` per facility from the window's end, sharing the counter windows; a share
// `abandoned` is never entered in real time (left to manual reimbursement).
// Back-fill after an outage (scenario `backfill`, DOMAIN.md §7.3): offline visits entered per
// facility and opening hour at the counter windows (`rate_per_hour`, or per facility type in
// `rate_by_type`, the others at rate_per_hour), only between `open_s` and `close_s` seconds of
// the civil day (`hours: ["08:00", "17:30"]`; default: any time), a share `abandoned` never.
struct BackfillSpec {
  double rate_per_hour = 30;
  std::map<std::string, double> rate_by_type;  // facility type ("level3"...) -> visits per hour
  double open_s = 0;
  double close_s = 86400;
  double abandoned = 0;
  // A share of the offline visits is claimed by manual reimbursement (手工报销) at the agency
  // instead (DOMAIN.md §7.3): reviewed `review_s` after the care, then entered by the agency
  // (sim/actors/agency.h, Admin.ManualReimburse; live runs: a modelled run refuses a review
  // ending inside it); a review ending past the run is pending at the horizon.
  double manual = 0;
  double review_s = 20 * 86400.0;
};

// The handling agency's own business (scenario `agency`, DOMAIN.md §7.1, §11.15; live runs):
// enrolment changes (Admin.UpsertPersons: a retirement, an enrolment stopped, medical assistance
// granted), chronic-disease filings (Admin.UpsertFilings, 2503) and resident premiums
// (Admin.CollectPremium, lapsed residents paying `premium_fen` for the year), each a Poisson
// count per working day (Monday to Friday) at times spread over the agency's `hours`; what a
// window refuses is queued and sent again when it ends. Manual reimbursements (BackfillSpec)
// are entered by the same agency, in the same hours.
struct AgencySpec {
  bool enabled = false;
  double open_s = 8.5 * 3600;
  double close_s = 17.5 * 3600;
  double changes_per_day = 0;
  double filings_per_day = 0;
  double premiums_per_day = 0;
  int64_t premium_fen = 28000;
};

// A timed fault (scenario `faults`). Built: the core killed (kill -9) at `at` and restarted on
// the same ledger and port `down_s` WALL seconds later (a started core only; the span around
// `at` must be paced). Suspensions are SuspensionSpec, cut paths NetworkFaultSpec, card-reader
// storms CardStormSpec.
//
// `slow` and `lose_replies` (Admin.InjectFault on a core started with --fault-injection): from
// `at` the core holds the replies of call kind `call` (a transaction code "2207" or an RPC name)
// `latency_ms` longer, or commits and then loses the next `count` replies of it (0: every one),
// until `until` (cleared) or the end.
struct FaultSpec {
  CivilTime at;
  std::string kind = "kill";  // "kill" | "slow" | "lose_replies"
  std::string kill = "core";
  double down_s = 30;  // wall seconds
  std::string call;           // slow, lose_replies: the call kind faulted
  double latency_ms = 0;      // slow
  int64_t count = 0;          // lose_replies: replies lost (0 = until cleared)
  std::optional<CivilTime> until;
  int line = 0;
};

// A cut path between simulated sites and the core (scenario `faults` entries with `fep`, `line`,
// `link` or `host`; DOMAIN.md §2.2, §7.2). From `at` the messages of the sites behind it are lost
// (their deadlines expire); from at + `detect_s` the staff know and follow the contingency plan
// (calls are not sent: a patient waits at most `patience_s` for the path, then pays in full and
// is back-filled after it is back; a stay, a back-fill or a 2601 waits for it). The path is back:
//   fep   at at + detect + `switch_s` when the facility's FEP has a standby (switched in by hand),
//         else after `repair_s` from `at` (absent: not in the run); patience 30 min by default;
//   line  at `until` (absent: not in the run); the uplink of a site: a facility's own line
//         (fixmedins_code or `{type: T}`) or a county centre's line to the municipal centre
//         (its site name, "county:450101"); manual charging at once (patience 0) by default;
//   link  a topology link by name, `host` a topology site by name: as line.
struct NetworkFaultSpec {
  CivilTime at;
  std::string kind;                // "fep" | "line" | "link" | "host"
  std::string target;              // fixmedins_code, site or link name; empty with facility_type
  std::string facility_type;       // fep, line: `{type: T}` drawn among the simulated facilities
  double detect_s = 300;
  double switch_s = 900;           // fep
  std::optional<double> repair_s;  // fep
  std::optional<CivilTime> until;  // line, link, host
  double patience_s = 0;           // fep default 1800
  int line = 0;
};

// A card-reader error storm (scenario `faults` entry with `card_reader`; DOMAIN.md §7.2, §9 "Card-read
// error storm": a card migration or a bad batch of cards): from `at` until `until` (absent: the
// run's end) a share `failure` of the card and QR reads at the counters of every simulated
// facility (or of those of `facility_type`) fail, instead of the baseline 1 %. A read that fails
// in a storm reads a bad card: its 1101 (mdtrt_cert_type 03, the serial as read) is refused
// E_PSN_NOT_FOUND, then the operator reads the ID card (id_card_s) and asks again (02).
struct CardStormSpec {
  CivilTime at;
  std::optional<CivilTime> until;
  double failure = 0.1;
  std::string facility_type;  // "" = every facility
  int line = 0;
};

// A suspension opened in the core at a civil time (scenario `faults`, an entry with `suspend`;
// Admin.Suspend, DOMAIN.md §6, §11.10–13). The core enforces it from the second `at` (it is
// opened ahead, when the run starts). `at` is fixed, or drawn from the run's seed in
// [at, at_to) (`at: {between: [a, b]}`). The subject: `facility` (a fixmedins_code, or a pick
// among the simulated facilities of `facility_type`), with `dept` for a department (default: the
// facility's first department, the one its visits register in); `person` (a psn_no, or a pick
// among the warm wards' patients).
struct SuspensionSpec {
  CivilTime at, at_to;              // at_to == at: fixed
  std::string scope;                // "facility" | "department" | "person"
  std::string mode = "refuse";      // "refuse" | "terminate" (facility) | "hold" (facility)
  std::string facility;             // fixmedins_code, or empty with facility_type
  std::string facility_type;        // "village" ... "pharmacy" (sim/metrics.h facility_type_name)
  std::string dept;
  std::string person;
  bool person_in_ward = false;      // `person: {in_ward: true}`: a patient of a warm ward (in a
                                    // simulated facility at the start) discharged after `at` in the run
  std::optional<CivilTime> until;   // absent: until the end of the run and beyond
  std::string reason = "yibao-sim drill";
  int line = 0;
};

// An SLO: metric is a path into result.json ("latency_ms.2207.p99", "counts.failed_total").
struct Slo {
  std::string name;
  std::string metric;
  std::string op = "<=";            // "<" "<=" ">" ">=" "=="
  double threshold = 0;
  uint64_t min_samples = 0;         // fewer samples than this: the SLO fails ("too few samples")
  int line = 0;                     // YAML line, for messages
};

// One M/M/c station alone (scenarios/mmc-validation.yaml): Poisson arrivals, exponential service,
// `servers` first-come-first-served servers, no network. When a scenario has `mmc`, the engine
// runs only this station (the comparison with Erlang C of models/capacity); scale, workload and
// core are not used. Loading checks stability (arrival_rate < servers × service_rate).
struct MmcSpec {
  int servers = 1;
  double arrival_rate = 1;          // customers per second
  double service_rate = 1;          // customers per second per server (mean service 1 / rate)
  uint64_t customers = 100000;      // the run ends after this many have been served
};

struct OutputSpec {
  bool timeseries = true;           // timeseries.csv
  bool report = true;               // report.html
};

struct Scenario {
  std::string file;                 // path it was loaded from
  std::string name;
  std::string question;             // the question this scenario answers
  ScaleSpec scale;
  ClockSpec clock;
  Mode mode = Mode::kModelled;
  uint64_t seed = 1;
  WorkloadSpec workload;
  CoreSpec core;
  std::vector<PaceSpan> pace;       // live: one or more spans, in order
  std::vector<SwitchoverSpec> switchover;  // live, admin clock: windows opened in the core
  std::vector<FaultSpec> faults;           // live, a started core: crashes
  std::vector<SuspensionSpec> suspensions; // live, admin clock: `faults` entries with `suspend`
  std::vector<NetworkFaultSpec> cuts;      // `faults` entries with fep, line, link or host
  std::vector<CardStormSpec> card_storms;  // `faults` entries with card_reader
  BackfillSpec backfill;
  AgencySpec agency;
  std::vector<Slo> slo;
  OutputSpec outputs;
  std::optional<MmcSpec> mmc;       // present: an M/M/c validation run (modelled mode only)
};

// Reads and validates a scenario file. INVALID_ARGUMENT "file:line: ..." on the first problem;
// NOT_FOUND if the file cannot be read.
Result<Scenario> load_scenario(const std::string& path);
// The same from text (tests); `name` stands for the file in messages.
Result<Scenario> parse_scenario(const std::string& text, const std::string& name);

}  // namespace yibao::sim
