// sim/live/live_bridge + pacer against a real yibao-core: a two-host SimGrid platform, one
// facility actor sending real Settlement calls through the bridge while the engine runs paced
// to the wall clock. One SimGrid Engine per process: this binary holds the only engine test.
#include "sim/live/live_bridge.h"

#include <gtest/gtest.h>
#include <simgrid/s4u.hpp>

#include <map>
#include <vector>

#include "models/population.h"
#include "models/population_yaml.h"
#include "models/time.h"
#include "sim/actors/requests.h"
#include "sim/live/core_process.h"
#include "sim/live/pacer.h"
#include "tests/testing/core_process.h"

namespace yibao::sim {
namespace {

namespace s4u = simgrid::s4u;
namespace v1 = yibao::settlement::v1;

struct Outcome {
  Rpc rpc;
  int status = -1;
  std::string reason;
  std::string psn_no;  // GetPerson OK
  double core_s = 0;
  double at = 0;       // simulated time the reply arrived
};

// The population the core generated (its year comes from Admin.GetStats).
models::Population population_of(client::ClientPool& pool, uint64_t seed) {
  v1::GetStatsReply stats;
  const client::CallResult r = pool.call_sync(&client::AdminAsync::GetStats, v1::GetStatsRequest(), &stats);
  EXPECT_TRUE(r.ok()) << r.status.error_message();
  auto presets = models::load_presets_file(models::default_presets_path());
  EXPECT_TRUE(presets.ok());
  models::PresetDef def = *presets.value().find("county");
  def.year = stats.population_year();
  auto pop = models::Population::create(def, seed);
  EXPECT_TRUE(pop.ok());
  return std::move(pop).value();
}

// China standard time now (UTC+8): the core checks sign-ins against its wall clock.
CivilTime now_civil() {
  using namespace std::chrono;
  return CivilTime{duration_cast<seconds>(system_clock::now().time_since_epoch()).count() + 8 * 3600};
}

std::string msgid(const Caller& c, int seq) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04d", seq);
  return c.fixmedins_code + format_compact(now_civil()) + buf;
}

TEST(LiveBridgeTest, RealCallsPacedToTheWallClock) {
  constexpr uint64_t kSeed = 7;
  constexpr int kPersons = 12;  // half real, half bogus
  constexpr double kSpeed = 10, kEnd = 5;

  CoreProcessOptions co;
  co.binary = testing::CoreProcess::binary("grpc/core/yibao-core");
  co.seed = kSeed;
  auto started = CoreProcess::start(co);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_ptr<CoreProcess> core = std::move(started).value();

  client::ClientOptions po;
  po.target = core->address();
  po.channels = 2;
  po.admin_token = core->admin_token();
  std::unique_ptr<client::ClientPool> pool;
  ASSERT_TRUE(client::ClientPool::create(po, &pool).ok());
  ASSERT_TRUE(pool->wait_connected(std::chrono::seconds(10)));
  const models::Population pop = population_of(*pool, kSeed);
  const models::Facility fac = pop.facility(0);

  int argc = 1;
  char arg0[] = "sim_live_live_bridge_test";
  char* argv[] = {arg0, nullptr};
  s4u::Engine engine(&argc, argv);
  auto* zone = s4u::create_full_zone("world");
  s4u::Host* fac_host = zone->create_host("facility", 1e9);
  s4u::Host* core_host = zone->create_host("core", 1e9);
  s4u::Link* link = zone->create_link("wan", 1.25e6)->set_latency(0.005)->seal();
  zone->add_route(fac_host->get_netpoint(), core_host->get_netpoint(), nullptr, nullptr, {s4u::LinkInRoute(link)},
                  true);
  zone->seal();

  LiveOptions lo;
  lo.speed = kSpeed;
  LiveBridge bridge(std::move(pool), lo);
  s4u::Mailbox* inbox = s4u::Mailbox::by_name("core-inbox");
  bridge.start(core_host, inbox);

  std::map<uint64_t, Outcome> outcomes;
  std::vector<std::string> expected_psn(kPersons);
  double actor_done_at = -1;
  s4u::Actor::create("counter", fac_host, [&] {
    s4u::Mailbox* replies = s4u::Mailbox::by_name("counter-replies");
    Caller caller;
    caller.fixmedins_code = fac.code;
    caller.admdvs = fac.admdvs;
    caller.secret = fac.secret.empty() ? pop.facility_secret(0) : fac.secret;
    int seq = 0;
    auto send = [&](Rpc rpc, std::unique_ptr<google::protobuf::Message> body, uint64_t tag) {
      auto r = std::make_unique<CoreRequest>();
      r->rpc = rpc;
      r->bytes = static_cast<uint32_t>(body->ByteSizeLong());
      r->body = std::move(body);
      r->intended = r->sent = s4u::Engine::get_clock();
      r->reply_to = replies;
      r->tag = tag;
      const uint32_t bytes = r->bytes;
      inbox->put_init(r.release(), bytes)->detach();
    };
    auto take = [&] {
      std::unique_ptr<CoreReply> rep(replies->get<CoreReply>());
      Outcome o{rep->request->rpc, rep->status, rep->reason, "", rep->core_s, s4u::Engine::get_clock()};
      if (rep->ok() && rep->request->rpc == Rpc::kGetPerson)
        o.psn_no = static_cast<const v1::GetPersonReply&>(*rep->body).baseinfo().psn_no();
      if (rep->ok() && rep->request->rpc == Rpc::kSignIn)
        caller.sign_no = static_cast<const v1::SignInReply&>(*rep->body).sign_no();
      outcomes[rep->request->tag] = o;
    };

    send(Rpc::kSignIn, build_sign_in(caller, msgid(caller, seq++), now_civil()), 1000);
    take();
    s4u::this_actor::sleep_for(0.5);
    for (int i = 0; i < kPersons; ++i) {
      const bool real = i % 2 == 0;
      const models::Person p = pop.person(static_cast<uint64_t>(i));
      if (real) expected_psn[static_cast<size_t>(i)] = p.psn_no;
      auto q = std::make_unique<v1::GetPersonRequest>();
      *q->mutable_header() = make_header(caller, Rpc::kGetPerson, msgid(caller, seq++), now_civil(), "");
      q->set_mdtrt_cert_type("02");
      q->set_mdtrt_cert_no(real ? p.certno : "99999919700101999X");
      send(Rpc::kGetPerson, std::move(q), static_cast<uint64_t>(i));
    }
    for (int i = 0; i < kPersons; ++i) take();
    s4u::this_actor::sleep_for(1.0);
    actor_done_at = s4u::Engine::get_clock();
  });

  auto paced = run_paced(engine, kEnd, kSpeed, bridge);
  ASSERT_TRUE(paced.ok()) << paced.status().ToString();
  const PaceResult& pr = paced.value();

  // The sign-in and every GetPerson came back, with their tags, statuses and reason codes.
  ASSERT_EQ(outcomes.size(), static_cast<size_t>(kPersons + 1));
  EXPECT_EQ(outcomes[1000].status, 0) << outcomes[1000].reason;
  for (int i = 0; i < kPersons; ++i) {
    const Outcome& o = outcomes[static_cast<uint64_t>(i)];
    EXPECT_EQ(o.rpc, Rpc::kGetPerson);
    if (i % 2 == 0) {
      EXPECT_EQ(o.status, 0) << i << " " << o.reason;
      EXPECT_EQ(o.psn_no, expected_psn[static_cast<size_t>(i)]);
    } else {
      EXPECT_EQ(o.status, static_cast<int>(grpc::StatusCode::NOT_FOUND)) << i;
      EXPECT_EQ(o.reason, "E_PSN_NOT_FOUND") << i;
    }
    EXPECT_GT(o.core_s, 0);
    EXPECT_GT(o.at, 0.5);  // after the sign-in and the pause
  }
  EXPECT_GT(actor_done_at, 1.5);

  // The clock advanced with the wall clock at the pace's speed (generous bounds: shared machine).
  EXPECT_GE(pr.sim_end_s, kEnd);
  EXPECT_GE(pr.wall_s, 0.8 * kEnd / kSpeed);
  EXPECT_LT(pr.wall_s, 30.0);
  EXPECT_GT(pr.sim_end_s / pr.wall_s, 1.0);
  EXPECT_LE(pr.sim_end_s / pr.wall_s, kSpeed * 1.25);
  EXPECT_GT(pr.wall_lag.count(), 10u);
  EXPECT_GE(pr.wall_lag_max_ms(), pr.wall_lag_ms(0.5));
  EXPECT_GT(pr.deliveries, 0u);
  EXPECT_EQ(pr.undelivered, 0);
  EXPECT_EQ(bridge.figures().sent, static_cast<uint64_t>(kPersons + 1));
  EXPECT_EQ(bridge.figures().delivered, static_cast<uint64_t>(kPersons + 1));
  EXPECT_EQ(bridge.figures().failed, static_cast<uint64_t>(kPersons / 2));
  EXPECT_EQ(bridge.outstanding(), 0);

  // A plan the pacer cannot run is refused before anything runs: a negative speed, an end
  // before the engine's clock, spans out of order.
  EXPECT_FALSE(run_paced(engine, kEnd + 1, -1, bridge).ok());
  EXPECT_FALSE(run_paced(engine, 0, 60, bridge).ok());
  const double now = simgrid::s4u::Engine::get_clock();
  EXPECT_FALSE(run_paced(engine, now + 10, std::vector<PacePlan>{{now, 60}, {now + 5, 0}, {now + 2, 60}}, bridge).ok());

  bridge.finish();
  EXPECT_TRUE(core->stop().ok());
}

}  // namespace
}  // namespace yibao::sim
