#include "sim/live/calibrate.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iterator>
#include <thread>
#include <map>
#include <memory>

#include "grpc/convert/histogram.h"
#include "sim/live/core_process.h"

namespace yibao::sim {
namespace {

namespace v1 = yibao::settlement::v1;

constexpr double kFloorS = 20e-6;     // smallest service time taken from the stats
constexpr double kZ90 = 1.2815515655;  // standard normal 90th percentile

// after − before, bin by bin (the core's histograms only grow while it runs).
v1::Histogram minus(const v1::Histogram& after, const v1::Histogram* before) {
  if (before == nullptr || before->bins() == 0) return after;
  std::map<uint32_t, uint64_t> prior;
  for (const auto& b : before->counts()) prior[b.index()] = b.count();
  v1::Histogram d = after;
  d.clear_counts();
  for (const auto& b : after.counts()) {
    const uint64_t p = prior.count(b.index()) ? prior[b.index()] : 0;
    if (b.count() > p) {
      auto* bin = d.add_counts();
      bin->set_index(b.index());
      bin->set_count(b.count() - p);
    }
  }
  d.set_underflow(after.underflow() - std::min(after.underflow(), before->underflow()));
  d.set_overflow(after.overflow() - std::min(after.overflow(), before->overflow()));
  d.set_sum_us(std::max(0.0, after.sum_us() - before->sum_us()));
  return d;
}

bool is_code(const std::string& infno) {
  return infno.size() == 4 && std::all_of(infno.begin(), infno.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown host";
  return buf;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

Status stats_of(client::ClientPool& pool, v1::GetStatsReply* out) {
  const client::CallResult r = pool.call_sync(&client::AdminAsync::GetStats, v1::GetStatsRequest(), out);
  if (!r.ok()) return Status(Code::kUnavailable, r.reason, "Admin.GetStats: " + r.status.error_message());
  return Status::Ok();
}

}  // namespace

Status calibration_from_stats(const v1::GetStatsReply& before, const v1::GetStatsReply& after,
                              const CalibrateOptions& options, const std::string& machine, Calibration* out) {
  Calibration c;
  c.workers = options.workers;
  c.max_batch = options.max_batch;
  c.machine = machine;

  // Commit: a + b × batch from the per-batch marginals.
  const bool has_before = before.commit_batches() > 0;
  auto commit_time = convert::from_proto(minus(after.commit_time(), has_before ? &before.commit_time() : nullptr));
  auto batch_size =
      convert::from_proto(minus(after.commit_batch_size(), has_before ? &before.commit_batch_size() : nullptr));
  double commit_mean_s = 0;
  if (commit_time.ok() && batch_size.ok() && commit_time.value().count() > 0 && batch_size.value().count() > 0) {
    const models::Histogram& t = commit_time.value();
    const double mean_t = t.sum() / static_cast<double>(t.count()) / 1e6;
    const double mean_n = std::max(1.0, batch_size.value().sum() / static_cast<double>(batch_size.value().count()));
    const double a = std::min(mean_t, t.quantile(0.05) / 1e6);
    c.commit_a_s = std::max(1e-6, a);
    c.commit_b_s = std::max(1e-7, (mean_t - a) / mean_n);
    commit_mean_s = mean_t;
  }

  std::map<std::string, const v1::RpcStats*> prior;
  for (const auto& r : before.rpcs()) prior[r.infno()] = &r;
  for (const auto& r : after.rpcs()) {
    if (!is_code(r.infno())) continue;
    const auto it = prior.find(r.infno());
    auto h = convert::from_proto(minus(r.latency(), it == prior.end() ? nullptr : &it->second->latency()));
    if (!h.ok()) return Status(Code::kInvalidArgument, "", "GetStats " + r.infno() + ": " + std::string(h.status().message()));
    if (h.value().count() < options.min_samples) continue;
    const double p50 = std::max(kFloorS, h.value().quantile(0.5) / 1e6 - commit_mean_s);
    const double p90 = std::max(p50, h.value().quantile(0.9) / 1e6 - commit_mean_s);
    ServiceDist d;
    d.median_s = p50;
    d.sigma = std::clamp(std::log(p90 / p50) / kZ90, 0.0, 3.0);
    c.service[std::stoi(r.infno())] = d;
  }
  if (c.service.empty())
    return Status(Code::kInvalidArgument, "",
                  "no transaction code had " + std::to_string(options.min_samples) +
                      " calls in the calibration window: run longer or at a higher rate");
  YB_RETURN_IF_ERROR(validate_calibration(c));
  *out = std::move(c);
  return Status::Ok();
}

Status run_calibration(const CalibrateOptions& o, Calibration* out) {
  if (!(o.seconds > 0) || !(o.rate > 0)) return Status(Code::kInvalidArgument, "", "calibrate: seconds and rate must be > 0");
  YB_ASSIGN_OR_RETURN(const std::string load_bin,
                      find_program("yibao-load", "YB_LOAD_BIN", "bench/load/yibao-load", o.load_binary));

  std::unique_ptr<CoreProcess> started;
  std::string address = o.core_address;
  std::string token_file = o.admin_token_file;
  std::string log_dir;
  if (address.empty()) {
    CoreProcessOptions co;
    co.binary = o.core_binary;
    co.population = o.population;
    co.seed = o.seed;
    YB_ASSIGN_OR_RETURN(started, CoreProcess::start(co));
    address = started->address();
    token_file = started->ledger() + ".admin-token";
    log_dir = started->ledger_dir();
  } else if (token_file.empty()) {
    return Status(Code::kInvalidArgument, "", "calibrate: --core needs --admin-token FILE");
  }

  client::ClientOptions po;
  po.target = address;
  po.channels = 1;
  po.tls = o.tls;
  const grpc::Status token = client::read_admin_token(token_file, &po.admin_token);
  if (!token.ok()) return Status(Code::kInvalidArgument, "", "calibrate: admin token: " + token.error_message());
  std::unique_ptr<client::ClientPool> pool;
  const grpc::Status made = client::ClientPool::create(po, &pool);
  if (!made.ok()) return Status(Code::kInvalidArgument, "", "calibrate: " + made.error_message());
  if (!pool->wait_connected(std::chrono::seconds(10)))
    return Status(Code::kUnavailable, "", "calibrate: core " + address + " unreachable");

  v1::GetStatsReply before;
  YB_RETURN_IF_ERROR(stats_of(*pool, &before));

  char tmpl[] = "/tmp/yibao-calibrate-load-XXXXXX";
  const int fd = ::mkstemp(tmpl);
  if (fd >= 0) ::close(fd);
  const std::string load_log = tmpl;
  std::vector<std::string> argv{load_bin,        "--core",     address,
                                "--population",  before.population_preset(),
                                "--seed",        std::to_string(before.population_seed()),
                                "--duration",    std::to_string(o.seconds),
                                "--rate",        std::to_string(o.rate),
                                "--mix",         "visit",
                                "--facilities",  std::to_string(o.facilities),
                                "--admin-token", token_file,
                                "--progress",    "0",
                                "--no-core-stats"};
  if (!o.tls.ca_file.empty()) argv.insert(argv.end(), {"--tls-ca", o.tls.ca_file});
  if (!o.tls.client_cert_file.empty()) argv.insert(argv.end(), {"--tls-client-cert", o.tls.client_cert_file});
  if (!o.tls.client_key_file.empty()) argv.insert(argv.end(), {"--tls-client-key", o.tls.client_key_file});
  if (!o.tls.server_name_override.empty()) argv.insert(argv.end(), {"--tls-server-name", o.tls.server_name_override});
  const auto timeout = std::chrono::seconds(static_cast<int64_t>(o.seconds) + 120);
  auto ran = run_program(argv, load_log, timeout);
  std::string load_out;
  {
    std::ifstream in(load_log);
    load_out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ::unlink(load_log.c_str());
  if (!ran.ok()) return ran.status();
  if (ran.value() != 0)
    return Status(Code::kUnavailable, "", "yibao-load failed (exit " + std::to_string(ran.value()) + "): " + last_line(load_out));

  v1::GetStatsReply after;
  YB_RETURN_IF_ERROR(stats_of(*pool, &after));
  pool.reset();
  if (started) YB_RETURN_IF_ERROR(started->stop());

  const std::string machine = "yibao-sim calibrate on " + hostname() + " at " + utc_now() + "\n" +
                              "core " + address + (started ? " (started here)" : "") + ", " + after.ledger() +
                              ", version " + after.version() + "\n" + "load: yibao-load --mix visit --rate " +
                              std::to_string(o.rate) + " for " + std::to_string(o.seconds) + " s, " +
                              std::to_string(std::thread::hardware_concurrency()) + " hardware threads";
  return calibration_from_stats(before, after, o, machine, out);
}

}  // namespace yibao::sim
