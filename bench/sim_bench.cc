// The raw speed of SimGrid 3.32 on this machine: a plain ping-pong, the ceiling yibao-sim's
// modelled runs are compared with (issue 6, "Benchmarks": ≥ 0.5 of this rate). N actors in N/2
// pairs, all pairs at once; each pair sends `rounds` round trips of a 64-byte message
// (Mailbox::put / Mailbox::get, a pointer payload) over the LV08 network model (the default).
// Two platforms:
//   one-link (default, issue 6's): pingers on host "a", pongers on host "b", one 1 Gb/s link of
//     100 µs between them, shared by every pair;
//   --star: every actor on its own host with its own 1 Gb/s, 50 µs link to a star zone's hub,
//     so a message crosses two links nobody else uses (closer to yibao-sim's sites).
// The rate is simulated messages (one SimGrid communication each: a ping or a pong) per wall
// second of Engine::run, platform and actor creation excluded.
//
// A plain program, not Google Benchmark: SimGrid 3.32 allows one Engine per process, so each
// configuration runs in a child process (fork before the engine exists). Run:
//   build/bench/sim_bench      # 2, 1,000, 10,000 actors one-link; 1,000, 10,000 star; a RESULT line each
//   build/bench/sim_bench --actors 1000 --messages 400000
//   build/bench/sim_bench --actors 40000 --cfg=contexts/guard-size:0   # past vm.max_map_count / 2
// Output: one line per configuration,
//   RESULT actors=N platform=one-link|star messages=M wall_s=W msgs_per_s=R sim_s=S
// Exit 0, or 1 on a bad flag or a failed child.
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/Mailbox.hpp>
#include <simgrid/s4u/NetZone.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

namespace s4u = simgrid::s4u;

struct Config {
  long actors = 0;    // even; actors / 2 pairs
  long messages = 0;  // total simulated messages (pings + pongs), spread over the pairs
  std::vector<std::string> cfg;  // extra SimGrid options, e.g. --cfg=contexts/guard-size:0
  bool star = false;  // every actor on its own host with its own link to a star's hub
};

int run_one(const Config& c) {
  std::vector<std::string> args = {"sim_bench", "--log=root.thres:critical", "--cfg=contexts/stack-size:512"};
  args.insert(args.end(), c.cfg.begin(), c.cfg.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  s4u::Engine engine(&argc, argv.data());

  const long pairs = c.actors / 2;
  std::vector<s4u::Host*> pinger_host(static_cast<size_t>(pairs)), ponger_host(static_cast<size_t>(pairs));
  if (!c.star) {  // one link between two hosts, shared by every pair
    s4u::NetZone* zone = s4u::create_full_zone("bench");
    s4u::Host* a = zone->create_host("a", 1e9)->seal();
    s4u::Host* b = zone->create_host("b", 1e9)->seal();
    s4u::Link* link = zone->create_link("ab", 125e6)->set_latency(1e-4)->seal();
    zone->add_route(a->get_netpoint(), b->get_netpoint(), nullptr, nullptr, {s4u::LinkInRoute(link)}, true);
    zone->seal();
    std::fill(pinger_host.begin(), pinger_host.end(), a);
    std::fill(ponger_host.begin(), ponger_host.end(), b);
  } else {  // a star: host i -- link i (50 µs) -- hub; a message crosses two private links
    s4u::NetZone* zone = s4u::create_star_zone("bench");
    auto host = [zone](const std::string& name) {
      s4u::Host* h = zone->create_host(name, 1e9)->seal();
      s4u::Link* l = zone->create_link("l-" + name, 125e6)->set_latency(5e-5)->seal();
      zone->add_route(h->get_netpoint(), nullptr, nullptr, nullptr, {s4u::LinkInRoute(l)}, true);
      return h;
    };
    for (long p = 0; p < pairs; ++p) {
      pinger_host[static_cast<size_t>(p)] = host("a" + std::to_string(p));
      ponger_host[static_cast<size_t>(p)] = host("b" + std::to_string(p));
    }
    zone->seal();
  }

  const long rounds = std::max(1L, c.messages / (2 * pairs));
  static int payload = 0;  // the message is a pointer; SimGrid moves 64 simulated bytes
  for (long p = 0; p < pairs; ++p) {
    s4u::Mailbox* ping = s4u::Mailbox::by_name("ping:" + std::to_string(p));
    s4u::Mailbox* pong = s4u::Mailbox::by_name("pong:" + std::to_string(p));
    s4u::Actor::create("pinger", pinger_host[static_cast<size_t>(p)], [ping, pong, rounds] {
      for (long i = 0; i < rounds; ++i) {
        ping->put(&payload, 64);
        pong->get<int>();
      }
    });
    s4u::Actor::create("ponger", ponger_host[static_cast<size_t>(p)], [ping, pong, rounds] {
      for (long i = 0; i < rounds; ++i) {
        ping->get<int>();
        pong->put(&payload, 64);
      }
    });
  }
  const auto t0 = std::chrono::steady_clock::now();
  engine.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const long sent = 2 * pairs * rounds;
  std::printf("RESULT actors=%ld platform=%s messages=%ld wall_s=%.3f msgs_per_s=%.0f sim_s=%.3f\n", 2 * pairs, c.star ? "star" : "one-link", sent, wall,
              static_cast<double>(sent) / wall, s4u::Engine::get_clock());
  std::fflush(stdout);
  return 0;
}

int usage() {
  std::fprintf(stderr, "usage: sim_bench [--actors N [--messages M] [--star] [--cfg=SIMGRID_OPTION]...]  (N even, >= 2)\n");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  Config one;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--actors") == 0 && i + 1 < argc) {
      one.actors = std::atol(argv[++i]);
    } else if (std::strcmp(argv[i], "--messages") == 0 && i + 1 < argc) {
      one.messages = std::atol(argv[++i]);
    } else if (std::strcmp(argv[i], "--star") == 0) {
      one.star = true;
    } else if (std::strncmp(argv[i], "--cfg=", 6) == 0) {
      one.cfg.emplace_back(argv[i]);
    } else {
      return usage();
    }
  }
  if (one.actors != 0) {
    if (one.actors < 2 || one.actors % 2 != 0) return usage();
    if (one.messages <= 0) one.messages = 1000000;
    return run_one(one);
  }
  // Every configuration, each in its own process (one SimGrid Engine per process).
  const Config all[] = {{2, 1000000, {}, false},    {1000, 1000000, {}, false}, {10000, 1000000, {}, false},
                        {1000, 1000000, {}, true}, {10000, 1000000, {}, true}};
  for (const Config& c : all) {
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) std::_Exit(run_one(c));
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
  }
  return 0;
}
