#include "sim/calibration.h"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "models/common_yaml.h"
#include "sim/yaml_values.h"

namespace yibao::sim {

namespace {

constexpr double kMaxSigma = 3;

Status invalid(std::string message) { return Status(Code::kInvalidArgument, reason::kBadRequest, std::move(message)); }

void read_service(models::YamlReader& r, ValueReader& v, const YAML::Node& n, Calibration& c) {
  if (!r.ok()) return;
  if (!n.IsMap() || n.size() == 0) return r.fail(n, "service must be a mapping of transaction code to {median_ms, sigma}");
  for (const auto& kv : n) {
    uint64_t code = 0;
    if (!v.count_of(kv.first, "transaction code", code, 1000, 9999)) return;
    if (c.service.count(static_cast<int>(code)) != 0) return r.fail(kv.first, "duplicate transaction code " + kv.first.Scalar());
    const YAML::Node& d = kv.second;
    if (!r.map(d, "service " + kv.first.Scalar(), {"median_ms", "sigma"}) || !r.require(d, "median_ms")) return;
    ServiceDist dist;
    double median_ms = 0;
    v.number(d, "median_ms", median_ms, positive());
    v.number(d, "sigma", dist.sigma, Range{0, kMaxSigma, false, "in [0, 3]"});
    dist.median_s = median_ms / 1000;
    c.service[static_cast<int>(code)] = dist;
  }
}

}  // namespace

Result<Calibration> parse_calibration(const std::string& text, const std::string& name) {
  YB_ASSIGN_OR_RETURN(YAML::Node root, models::parse_yaml_text(text, name));
  models::YamlReader r(name);
  ValueReader v(r);
  Calibration c;
  if (!r.map(root, "the calibration", {"machine", "workers", "commit", "service"})) return r.status();
  for (const char* key : {"machine", "workers", "commit", "service"}) r.require(root, key);
  r.text(root, "machine", c.machine);
  r.integer(root, "workers", c.workers, 1, 4096);
  const YAML::Node commit = root["commit"];
  if (r.map(commit, "commit", {"a_ms", "b_ms", "max_batch"})) {
    for (const char* key : {"a_ms", "b_ms", "max_batch"}) r.require(commit, key);
    double a_ms = 0, b_ms = 0;
    v.number(commit, "a_ms", a_ms, non_negative());
    v.number(commit, "b_ms", b_ms, non_negative());
    r.integer(commit, "max_batch", c.max_batch, 1, 1000000);
    c.commit_a_s = a_ms / 1000;
    c.commit_b_s = b_ms / 1000;
  }
  read_service(r, v, root["service"], c);
  if (!r.ok()) return r.status();
  return c;
}

Result<Calibration> load_calibration(const std::string& path) {
  YB_ASSIGN_OR_RETURN(std::string text, read_input_file(path));
  return parse_calibration(text, path);
}

Status validate_calibration(const Calibration& c) {
  if (c.service.empty()) return invalid("calibration: no service time");
  for (const auto& [code, d] : c.service) {
    const std::string at = "calibration: service " + std::to_string(code);
    if (code < 1000 || code > 9999) return invalid(at + ": not a transaction code");
    if (!(d.median_s > 0)) return invalid(at + ": median must be > 0");
    if (!(d.sigma >= 0 && d.sigma <= kMaxSigma)) return invalid(at + ": sigma must be in [0, 3]");
  }
  if (c.workers < 1) return invalid("calibration: workers must be ≥ 1");
  if (!(c.commit_a_s >= 0) || !(c.commit_b_s >= 0)) return invalid("calibration: commit times must be ≥ 0");
  if (c.max_batch < 1) return invalid("calibration: max_batch must be ≥ 1");
  return Status::Ok();
}

Status write_calibration(const Calibration& c, const std::string& path) {
  YB_RETURN_IF_ERROR(validate_calibration(c));
  auto fmt9 = [](double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", x);
    return std::string(buf);
  };
  YAML::Emitter out;
  out << YAML::Comment("Calibration of the modelled core (sim/calibration.h; format in scenarios/README.md).") << YAML::Newline;
  out << YAML::BeginMap;
  out << YAML::Key << "machine" << YAML::Value << YAML::Literal << (c.machine.empty() ? std::string("unknown") : c.machine);
  out << YAML::Key << "workers" << YAML::Value << c.workers;
  out << YAML::Key << "commit" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "a_ms" << YAML::Value << fmt9(c.commit_a_s * 1000);
  out << YAML::Key << "b_ms" << YAML::Value << fmt9(c.commit_b_s * 1000);
  out << YAML::Key << "max_batch" << YAML::Value << c.max_batch << YAML::EndMap;
  out << YAML::Key << "service" << YAML::Value << YAML::BeginMap;
  for (const auto& [code, d] : c.service) {
    out << YAML::Key << code << YAML::Value << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "median_ms" << YAML::Value << fmt9(d.median_s * 1000);
    out << YAML::Key << "sigma" << YAML::Value << fmt9(d.sigma) << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  if (!out.good()) return invalid("calibration: " + out.GetLastError());

  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << out.c_str() << "\n";
    f.close();
    if (!f) return Status(Code::kUnavailable, reason::kInternal, path + ": cannot write");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return Status(Code::kUnavailable, reason::kInternal, path + ": cannot write");
  }
  return Status::Ok();
}

}  // namespace yibao::sim
