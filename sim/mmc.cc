#include "sim/mmc.h"

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include "models/capacity.h"
#include "models/rng.h"
#include "sim/actors/event_queue.h"
#include "sim/actors/station.h"
#include "sim/result.h"

namespace yibao::sim {
namespace {

namespace s4u = simgrid::s4u;
enum : uint32_t { kArrive = 1, kDone = 2 };

}  // namespace

nlohmann::json MmcResult::to_json() const {
  return {{"servers", servers},
          {"arrival_rate", arrival_rate},
          {"service_rate", service_rate},
          {"served", served},
          {"mean_wait_s", mean_wait_s},
          {"erlang_c_wait_s", erlang_c_wait_s},
          {"erlang_c_pwait", erlang_c_pwait},
          {"relative_error", relative_error()},
          {"end_s", end_s}};
}

MmcResult run_mmc_station(s4u::Engine& engine, const MmcSpec& spec, uint64_t seed) {
  auto* zone = s4u::create_full_zone("mmc");
  s4u::Host* host = zone->create_host("station", 1e9);
  zone->seal();

  MmcResult r;
  r.servers = spec.servers;
  r.arrival_rate = spec.arrival_rate;
  r.service_rate = spec.service_rate;
  s4u::Actor::create("mmc-station", host, [&r, &spec, seed] {
    // Arrival gaps and service times come from two streams, so one does not shift the other.
    models::Rng arrivals(seed, models::stream_id("mmc-arrivals"));
    models::Rng service(seed, models::stream_id("mmc-service"));
    EventQueue events;
    Station<uint64_t> station(spec.servers);
    uint64_t next_id = 0;
    events.push(arrivals.exponential(spec.arrival_rate), kArrive);
    while (station.started() < spec.customers) {
      s4u::this_actor::sleep_until(events.next_time());
      const double now = s4u::Engine::get_clock();
      while (!events.empty() && events.next_time() <= now) {
        const Event e = events.pop();
        if (e.kind == kArrive) {
          if (station.arrive(now, next_id++)) events.push(now + service.exponential(spec.service_rate), kDone);
          events.push(now + arrivals.exponential(spec.arrival_rate), kArrive);
        } else if (station.release(now)) {
          events.push(now + service.exponential(spec.service_rate), kDone);
        }
      }
    }
    r.served = station.started();
    r.mean_wait_s = station.mean_wait();
    r.end_s = s4u::Engine::get_clock();
  });
  engine.run();
  const models::MmcResult ec = models::mmc(spec.arrival_rate, spec.service_rate, spec.servers);
  r.erlang_c_wait_s = ec.wq;
  r.erlang_c_pwait = ec.p_wait;
  return r;
}

}  // namespace yibao::sim
