// Calibration of the modelled core (DESIGN.md §5 "Core hop"): per transaction code the
// server-side service time (lognormal: median and sigma), the worker count, the group-commit
// time a + b × batch with its largest batch, and a text saying on which machine and core it was
// taken. scenarios/calibration/default.yaml ships; `yibao-sim calibrate --out FILE` measures a
// core and writes one with write_calibration(); a scenario names its file under
// `core.calibration`. The file format is documented in scenarios/README.md ("Calibration file").
//
// Units: seconds in this struct; the file holds milliseconds (median_ms, a_ms, b_ms), the unit
// the core's Admin stats report, so a file reads like the figures it came from.
//
// A Calibration is a plain value; the functions are thread-safe (no shared state).
#pragma once

#include <map>
#include <string>

#include "models/status.h"

namespace yibao::sim {

// Lognormal service time: half the calls take less than `median_s`; sigma is the standard
// deviation of its logarithm (0 = always the median).
struct ServiceDist {
  double median_s = 0.001;
  double sigma = 0.5;
};

struct Calibration {
  std::map<int, ServiceDist> service;  // by transaction code (9001, 1101, 2207, ...), ≥ 1 entry
  int workers = 8;                     // concurrent workers of the core (≥ 1)
  double commit_a_s = 0.004;           // fixed part of one group commit (the fsync)
  double commit_b_s = 0.00025;         // added per journaled call in the batch
  int max_batch = 4096;                // most calls one commit takes (grpc/core/group_commit.h)
  std::string machine;                 // where and when it was taken (free text, may be several lines)
};

// Reads a calibration file. INVALID_ARGUMENT "file:line: what is wrong" on a bad or unknown key
// or value (yaml-cpp marks, 1-based), NOT_FOUND "file: cannot read" if it cannot be read.
Result<Calibration> load_calibration(const std::string& path);
// The same from text; `name` stands for the file in messages.
Result<Calibration> parse_calibration(const std::string& text, const std::string& name);

// Checks the ranges load_calibration() enforces (workers ≥ 1, times > 0, sigma in [0, 3], codes
// 1000..9999, max_batch ≥ 1, at least one code); INVALID_ARGUMENT naming the first bad field.
Status validate_calibration(const Calibration& c);

// Writes `c` to `path` in the format load_calibration() reads (values to 9 significant digits),
// through a temporary file renamed over `path`. INVALID_ARGUMENT if `c` fails
// validate_calibration(), UNAVAILABLE "path: cannot write" if the file cannot be written.
Status write_calibration(const Calibration& c, const std::string& path);

}  // namespace yibao::sim
