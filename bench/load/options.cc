#include "bench/load/options.h"

namespace yibao::load {

const char* mix_name(Mix m) {
  switch (m) {
    case Mix::kSettle: return "settle";
    case Mix::kVisit: return "visit";
    case Mix::kEcho: return "echo";
  }
  return "?";
}

std::string LoadOptions::validate() const {
  if (core.empty()) return "--core ADDR is required";
  if (population.empty()) return "--population PRESET is required";
  if (!(duration_s > 0) || duration_s > 86400) return "--duration must lie in (0, 86400] seconds";
  if (max && rate > 0) return "give --rate R or --max, not both";
  if (!max && !(rate > 0)) return "give --rate R (units per second, > 0) or --max";
  if (rate > 1e6) return "--rate above 1,000,000/s is not something one loader can send";
  if (poisson && max) return "--poisson applies to --rate only";
  if (facilities < 1 || facilities > 100000) return "--facilities must lie in [1, 100000]";
  if (channels < 1 || channels > 256) return "--channels must lie in [1, 256]";
  if (in_flight < 0 || in_flight > 1000000) return "--in-flight must lie in [1, 1000000]";
  if (prepare < 0 || prepare > 10000000) return "--prepare must lie in [1, 10000000]";
  if (retries < 0 || retries > 20) return "--retries must lie in [0, 20]";
  if (retry_backoff_ms < 1 || retry_backoff_ms > 60000) return "--retry-backoff-ms must lie in [1, 60000]";
  if (deadline_ms < 1 || settle_deadline_ms < 1) return "deadlines must be positive";
  if (progress_s < 0) return "--progress must be >= 0";
  if (connect_timeout_s < 1) return "--connect-timeout must be >= 1 s";
  if (tls.client_cert_file.empty() != tls.client_key_file.empty())
    return "--tls-client-cert and --tls-client-key go together";
  return {};
}

int LoadOptions::window() const {
  if (in_flight > 0) return in_flight;
  if (!max) return 100000;  // open loop: a bound on memory only (sends beyond it are late)
  switch (mix) {
    case Mix::kSettle: return 512;
    case Mix::kVisit: return 128;
    case Mix::kEcho: return 512;  // as settle: the Settle/Echo ratio compares like with like
  }
  return 512;
}

}  // namespace yibao::load
