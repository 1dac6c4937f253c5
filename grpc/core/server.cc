#include "grpc/core/server.h"

#include <fcntl.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <openssl/rand.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "grpc/core/admin_service.h"
#include "grpc/core/dispatch.h"
#include "grpc/core/settlement_service.h"
#include "grpc/core/validate.h"
#include "models/catalog_yaml.h"
#include "models/policy_yaml.h"
#include "models/population_yaml.h"

namespace yibao::core {
namespace {

constexpr const char* kVersion = "yibao-core 0.1";

int fail(const std::string& line) {
  std::fprintf(stderr, "yibao-core: %s\n", line.c_str());
  return 1;
}

std::string data_file(const std::string& given, const char* name) {
  return given.empty() ? std::string(YB_MODELS_DATA_DIR) + "/" + name : given;
}

bool is_loopback(const std::string& listen) {
  return listen.rfind("127.", 0) == 0 || listen.rfind("localhost:", 0) == 0 || listen.rfind("[::1]:", 0) == 0;
}

// The admin token: read from the given file, or from <ledger>.admin-token, created (mode 0600,
// 32 random bytes as hex) when absent so a restart keeps it.
Result<std::string> admin_token(const ServerOptions& o) {
  const std::string path = !o.admin_token_file.empty() ? o.admin_token_file
                           : o.ledger == "memory"      ? std::string()
                                                       : o.ledger + ".admin-token";
  auto read = [](const std::string& p) -> std::string {
    std::ifstream in(p);
    std::string tok;
    std::getline(in, tok);
    while (!tok.empty() && (tok.back() == '\r' || tok.back() == ' ')) tok.pop_back();
    return tok;
  };
  if (!path.empty() && std::filesystem::exists(path)) {
    std::string tok = read(path);
    if (tok.size() < 16) return Status(Code::kInvalidArgument, reason::kBadRequest, "admin token in " + path + " is shorter than 16 characters");
    return tok;
  }
  if (!o.admin_token_file.empty())
    return Status(Code::kInvalidArgument, reason::kBadRequest, "admin token file " + path + " does not exist");
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) return Status(Code::kInternal, reason::kInternal, "no random bytes for the admin token");
  static const char* kHex = "0123456789abcdef";
  std::string tok;
  for (unsigned char c : raw) {
    tok.push_back(kHex[c >> 4]);
    tok.push_back(kHex[c & 15]);
  }
  if (path.empty()) return tok;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Status(Code::kInternal, reason::kInternal, "cannot create admin token file " + path);
  const std::string line = tok + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Status(Code::kInternal, reason::kInternal, "cannot write admin token file " + path);
  return tok;
}

// Fund opening balances of a new generated population (DEFAULT FIXTURE, our numbers: the
// sources give none): per insured person ¥1,000 pooled, ¥50 large-amount, ¥50 serious illness,
// ¥10 civil-servant, ¥20 assistance. Personal accounts (ACCT) are the persons' own balances and
// open at 0 in the fund ledger: it counts what they paid out.
Status open_funds(Ledger& l, uint64_t persons) {
  const int64_t n = static_cast<int64_t>(persons);
  YB_RETURN_IF_ERROR(l.add_fund("POOL", "opening", Fen::yuan(1000 * n)));
  YB_RETURN_IF_ERROR(l.add_fund("LARGE", "opening", Fen::yuan(50 * n)));
  YB_RETURN_IF_ERROR(l.add_fund("SI", "opening", Fen::yuan(50 * n)));
  YB_RETURN_IF_ERROR(l.add_fund("CVL", "opening", Fen::yuan(10 * n)));
  YB_RETURN_IF_ERROR(l.add_fund("MAF", "opening", Fen::yuan(20 * n)));
  return Status::Ok();
}

// The population the ledger holds must be the one asked for: same (preset, seed) is a no-op,
// another one refuses to start, none is recorded now.
Status bind_population(GroupCommitter& writer, const ServerOptions& o, const models::Population* pop) {
  return writer.run_sync([&](Ledger& l) -> Status {
    const std::optional<std::string> held = l.get_meta("population");
    const std::string want =
        pop ? o.population + " seed " + std::to_string(o.seed) + " year " + std::to_string(pop->year()) +
                  " fingerprint " + std::to_string(pop->fingerprint())
            : std::string();
    if (held) {
      if (!pop || *held == want) return Status::Ok();
      return Status(Code::kFailedPrecondition, reason::kState,
                    "ledger holds population '" + *held + "', not '" + want + "'; use another ledger");
    }
    if (!pop) return Status::Ok();
    YB_RETURN_IF_ERROR(l.put_meta("population", want));
    YB_RETURN_IF_ERROR(l.put_meta("population_year", std::to_string(pop->year())));
    return open_funds(l, pop->person_count());
  });
}

// The generated population of (preset, seed) for the policy year the ledger recorded when it
// first held it, or the current civil year on a new ledger: a core started today serves persons
// whose premiums are paid through this year, and a restart next year keeps the same population.
// (Runs before the writer exists: the ledger is still ours alone.)
Result<models::Population> make_population(const ServerOptions& o, Ledger& l) {
  auto presets = models::load_presets_file(o.presets_file.empty() ? models::default_presets_path() : o.presets_file);
  if (!presets.ok()) return std::move(presets).take_status();
  const models::PresetDef* def = presets->find(o.population);
  if (def == nullptr)
    return Status(Code::kNotFound, reason::kBadRequest, "no preset named '" + o.population + "' (county, city, province, nation)");
  models::PresetDef d = *def;
  if (auto year = l.get_meta("population_year")) {
    d.year = std::stoi(*year);
  } else {
    d.year = year_of(wall_civil_now());
  }
  return models::Population::create(std::move(d), o.seed);
}

// Policy sets and catalogs that Admin loaded before a restart.
Status reload_documents(GroupCommitter& writer, CoreState& state) {
  return writer.run_sync([&](Ledger& l) -> Status {
    for (const auto& d : l.documents()) {
      if (d.kind == "policy") {
        YB_ASSIGN_OR_RETURN(models::PolicySet set, models::parse_policy_set(d.text, d.name));
        YB_RETURN_IF_ERROR(state.policies().add(std::move(set)));
      } else if (d.kind == "catalog") {
        YB_ASSIGN_OR_RETURN(models::Catalog c, models::parse_catalog(d.text, d.name));
        for (const auto& item : c.items()) state.catalog().add(item);
      }
    }
    for (const auto& s : l.all_signins()) state.signins().put(s);
    return Status::Ok();
  });
}

}  // namespace

int RunServer(const ServerOptions& o) {
  spdlog::set_level(spdlog::level::from_str(o.log_level));
  if (!is_loopback(o.listen) && !o.allow_plaintext)
    return fail("listening on " + o.listen + " beyond loopback needs TLS (not in this version) or --allow-plaintext");

  // Signals go to the one thread that waits for them.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  std::unique_ptr<Ledger> ledger;
  if (o.ledger == "memory") {
    ledger = make_memory_ledger();
  } else {
    auto opened = open_sqlite_ledger(o.ledger);
    if (!opened.ok()) return fail("ledger " + o.ledger + ": " + std::string(opened.status().message()));
    ledger = std::move(opened).value();
  }
  std::optional<models::Population> pop;
  if (!o.population.empty()) {
    auto p = make_population(o, *ledger);
    if (!p.ok()) return fail("population: " + std::string(p.status().message()));
    pop = std::move(p).value();
  }
  auto book = models::load_policy_book(data_file(o.policy_file, "policy_default.yaml"));
  if (!book.ok()) return fail("policy: " + std::string(book.status().message()));
  auto catalog = models::load_catalog(data_file(o.catalog_file, "catalog_fixture.yaml"));
  if (!catalog.ok()) return fail("catalog: " + std::string(catalog.status().message()));
  catalog->add_generated(o.generated_items, models::kGeneratedItemsSeed);
  auto token = admin_token(o);
  if (!token.ok()) return fail(std::string(token.status().message()));


  CoreState state(Clock(Clock::Mode::kWall), std::move(pop), std::move(book).value(), std::move(catalog).value());
  GroupCommitter writer(*ledger, GroupCommitter::Options{});
  if (Status s = bind_population(writer, o, state.population() ? &*state.population() : nullptr); !s.ok())
    return fail(std::string(s.message()));
  if (Status s = reload_documents(writer, state); !s.ok()) return fail("ledger documents: " + std::string(s.message()));

  RpcStats stats;
  Dispatcher dispatcher(state, writer, stats);
  SettlementService settlement(dispatcher);
  AdminService admin(state, writer, stats,
                     AdminInfo{*token, o.population, o.population.empty() ? 0 : o.seed,
                               state.population() ? state.population()->year() : 0, ledger->describe(),
                               format_iso(wall_civil_now()), kVersion});

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(o.listen, grpc::InsecureServerCredentials(), &port);
  // Admin batches may reach 8 MiB (validate.h bounds each service below this).
  builder.SetMaxReceiveMessageSize(static_cast<int>(kAdminBounds.max_payload_bytes + (64 << 10)));
  // Linux would let a second core bind the same port (SO_REUSEPORT) and share its traffic:
  // a port in use must be a start-up error instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(&settlement);
  builder.RegisterService(&admin);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) return fail("cannot listen on " + o.listen + " (address in use or invalid)");

  const std::string host = o.listen.substr(0, o.listen.rfind(':'));
  std::printf("yibao-core listening on %s:%d ledger=%s population=%s admin-token=%s\n", host.c_str(), port,
              ledger->describe().c_str(),
              o.population.empty() ? "none" : (o.population + " seed " + std::to_string(o.seed)).c_str(),
              o.admin_token_file.empty() ? (o.ledger == "memory" ? "none (memory ledger: pass --admin-token FILE to use Admin)" : (o.ledger + ".admin-token").c_str())
                                         : o.admin_token_file.c_str());
  std::fflush(stdout);

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&sigs, &sig);
    spdlog::info("signal {}: draining in-flight calls", sig);
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  });
  server->Wait();
  waiter.join();
  writer.stop();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace yibao::core
