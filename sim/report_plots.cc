// The gnuplot half of report.html (sim/report.h): per-minute rows to a data file, a script with
// `set terminal svg`, gnuplot run as a child process in a scratch directory, the SVG read back.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/report.h"

extern char** environ;

namespace yibao::sim {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh private directory, removed on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (fs::temp_directory_path() / "yb-report-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  bool ok() const { return !path_.empty(); }
  fs::path file(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

// Runs `argv` (argv[0] looked up on PATH), stdout and stderr to `log`; its exit code, or -1
// with `*why` when it could not be started.
int run_child(const std::vector<std::string>& argv, const fs::path& log, std::string* why) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    *why = fmt::format("{} could not be started: {}", argv[0], std::strerror(rc));
    return -1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      *why = fmt::format("waiting for {}: {}", argv[0], std::strerror(errno));
      return -1;
    }
  }
  if (WIFEXITED(status)) {
    if (WEXITSTATUS(status) == 127) *why = fmt::format("{} not found", argv[0]);
    return WEXITSTATUS(status);
  }
  *why = fmt::format("{} ended by signal {}", argv[0], WTERMSIG(status));
  return -1;
}

// The per-minute rows as whitespace-separated columns for gnuplot:
// minute settlements/s messages/s p50_ms p99_ms queue classes (kQueueClasses order), then the
// switchover backlog at the minute's end, back-fills settled and failed calls in the minute.
std::string plot_data(const Metrics& m) {
  std::string out;
  const double w = m.bucket_s();
  int64_t backlog = 0;
  for (const Bucket& b : m.buckets()) {
    out += fmt::format("{:.3f} {:.3f} {:.3f} {:.3f} {:.3f}", b.start_s / 60.0, static_cast<double>(b.settlements) / w,
                       static_cast<double>(b.acknowledged + b.failed) / w, b.latency.quantile(0.5) / 1000,
                       b.latency.quantile(0.99) / 1000);
    for (const char* c : kQueueClasses) {
      uint64_t n = 0;
      for (const auto& [cls, v] : b.queue_max) {
        bool fixed = false;
        for (const char* k : kQueueClasses) fixed = fixed || cls == k;
        if (cls == c || (!fixed && std::string(c) == "other")) n = std::max(n, v);
      }
      out += fmt::format(" {}", n);
    }
    backlog += b.backlog_change;
    out += fmt::format(" {} {} {}\n", backlog, b.backfilled, b.failed);
  }
  return out;
}

// A run with offline visits (a switchover) gets the backlog plot.
bool had_outage(const Metrics& m) { return m.outage().offline > 0; }

std::string plot_script(const fs::path& data, const fs::path& dir, bool outage) {
  std::string s;
  s += "set terminal svg size 900,300 dynamic enhanced font 'sans,10' background rgb 'white'\n";
  s += "set grid\nset key outside right top\nset xlabel 'simulated minute'\n";
  auto out = [&](const char* name) { s += fmt::format("set output '{}'\n", (dir / name).string()); };
  const std::string d = "'" + data.string() + "'";
  out("throughput.svg");
  s += "set title 'Throughput per simulated minute'\nset ylabel 'per simulated second'\n";
  s += fmt::format("plot {0} using 1:2 with lines lw 2 title 'settlements/s', {0} using 1:3 with lines title 'messages/s'\n", d);
  out("latency.svg");
  s += "set title 'Latency from the intended send time'\nset ylabel 'ms'\n";
  s += fmt::format("plot {0} using 1:4 with lines lw 2 title 'p50', {0} using 1:5 with lines lw 2 title 'p99'\n", d);
  out("queues.svg");
  s += "set title 'Largest queue length per minute'\nset ylabel 'waiting'\n";
  s += "plot ";
  int col = 6;
  for (const char* c : kQueueClasses) {
    s += fmt::format("{}{} using 1:{} with steps title '{}'", col == 6 ? "" : ", ", d, col, c);
    ++col;
  }
  if (outage) {
    s += "\n";
    out("backlog.svg");
    s += "set title 'Outage: offline visits waiting for back-fill'\nset ylabel 'visits'\n";
    s += fmt::format("plot {0} using 1:{1} with steps lw 2 title 'backlog', {0} using 1:{2} with impulses title "
                     "'back-filled per minute', {0} using 1:{3} with impulses title 'failed calls per minute'",
                     d, col, col + 1, col + 2);
  }
  s += "\nset output\n";
  return s;
}

// The <svg ...>...</svg> element of an SVG file (no XML prolog or doctype).
std::string svg_element(const std::string& file_text) {
  const size_t at = file_text.find("<svg");
  return at == std::string::npos ? std::string() : file_text.substr(at);
}

}  // namespace

std::vector<std::string> draw_plots(const Metrics& m, const std::string& gnuplot, std::string* why) {
  if (m.buckets().empty()) {
    *why = "no timeseries rows to plot (nothing happened in the run)";
    return {};
  }
  ScratchDir dir;
  if (!dir.ok()) {
    *why = "cannot create a temporary directory for gnuplot";
    return {};
  }
  {
    std::ofstream data(dir.file("series.dat"));
    data << plot_data(m);
    std::ofstream script(dir.file("plots.gp"));
    script << plot_script(dir.file("series.dat"), dir.file(""), had_outage(m));
  }
  std::string err;
  const int rc = run_child({gnuplot, dir.file("plots.gp").string()}, dir.file("gnuplot.log"), &err);
  if (rc != 0) {
    std::string log = read_all(dir.file("gnuplot.log"));
    if (log.size() > 600) log = log.substr(0, 600) + "...";
    *why = err.empty() ? fmt::format("{} exited with {}: {}", gnuplot, rc, log) : err;
    return {};
  }
  std::vector<std::string> out;
  std::vector<std::string> names{"throughput.svg", "latency.svg", "queues.svg"};
  if (had_outage(m)) names.push_back("backlog.svg");
  for (const std::string& name : names) {
    std::string svg = svg_element(read_all(dir.file(name)));
    if (svg.empty()) {
      *why = fmt::format("{} wrote no {}", gnuplot, name);
      return {};
    }
    out.push_back(std::move(svg));
  }
  return out;
}

}  // namespace yibao::sim
