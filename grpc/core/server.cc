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
#include <limits>
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
    auto changing = state.lock_reference_for_change();
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
    for (const auto& w : l.windows()) state.windows().put(w);
    return Status::Ok();
  });
}

// The last civil time the ledger saw (meta clock_last), if any.
std::optional<CivilTime> ledger_last_time(Ledger& l) {
  const auto stored = l.get_meta(kClockLastKey);
  if (!stored) return std::nullopt;
  return CivilTime{std::stoll(*stored)};
}

// Runs before every commit on the writer: records the clock's time in meta clock_last when it
// moved past what the ledger holds (at most once per second on the wall clock, once per SetClock
// on the admin clock), so an admin clock restarts where the ledger left off.
GroupCommitter::Options writer_options(const CoreState& state) {
  GroupCommitter::Options opts;
  auto last = std::make_shared<int64_t>(std::numeric_limits<int64_t>::min());  // writer thread only
  opts.before_commit = [&state, last](Ledger& l) -> Status {
    const Result<CivilTime> now = state.clock().now();
    if (!now.ok() || now->s <= *last) return Status::Ok();
    const std::optional<CivilTime> stored = ledger_last_time(l);
    if (!stored || *stored < *now) YB_RETURN_IF_ERROR(l.put_meta(kClockLastKey, std::to_string(now->s)));
    *last = std::max(now->s, stored ? stored->s : now->s);
    return Status::Ok();
  };
  return opts;
}

Result<std::string> read_pem(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kInvalidArgument, reason::kBadRequest, std::string(flag) + " " + path + ": cannot read");
  std::stringstream ss;
  ss << in.rdbuf();
  if (ss.str().find("-----BEGIN") == std::string::npos)
    return Status(Code::kInvalidArgument, reason::kBadRequest, std::string(flag) + " " + path + ": not a PEM file");
  return ss.str();
}

// Server credentials: TLS when --tls-cert/--tls-key are given (client certificates required and
// verified when --tls-client-ca is), else plaintext.
Result<std::shared_ptr<grpc::ServerCredentials>> server_credentials(const ServerOptions& o) {
  if (o.tls_cert.empty() && o.tls_key.empty() && o.tls_client_ca.empty()) return grpc::InsecureServerCredentials();
  if (o.tls_cert.empty() || o.tls_key.empty())
    return Status(Code::kInvalidArgument, reason::kBadRequest, "--tls-cert and --tls-key go together");
  YB_ASSIGN_OR_RETURN(std::string cert, read_pem(o.tls_cert, "--tls-cert"));
  YB_ASSIGN_OR_RETURN(std::string key, read_pem(o.tls_key, "--tls-key"));
  std::string ca;
  if (!o.tls_client_ca.empty()) {
    YB_ASSIGN_OR_RETURN(ca, read_pem(o.tls_client_ca, "--tls-client-ca"));
  }
  grpc::SslServerCredentialsOptions ssl(ca.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                                   : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = ca;
  ssl.pem_key_cert_pairs.push_back({key, cert});
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

int RunServer(const ServerOptions& o) {
  spdlog::set_level(spdlog::level::from_str(o.log_level));
  if (o.clock != "wall" && o.clock != "admin") return fail("--clock must be wall or admin, not '" + o.clock + "'");
  const bool tls = !o.tls_cert.empty();
  if (!is_loopback(o.listen) && !tls && !o.allow_plaintext)
    return fail("listening on " + o.listen + " beyond loopback needs TLS (--tls-cert, --tls-key) or --allow-plaintext");

  // Signals go to the one thread that waits for them.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  // After the mask: building credentials starts gRPC's own threads, which must not take SIGTERM.
  auto creds = server_credentials(o);
  if (!creds.ok()) return fail(std::string(creds.status().message()));

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


  // The admin clock starts at the last time the ledger saw (unset on a new ledger). The ledger
  // is still ours alone: the writer does not exist yet.
  const Clock clock = o.clock == "admin" ? Clock(Clock::Mode::kAdmin, ledger_last_time(*ledger)) : Clock();
  CoreState state(clock, std::move(pop), std::move(book).value(), std::move(catalog).value());
  if (o.fault_injection) state.faults().enable();
  state.set_backfill_max_age_days(o.backfill_max_age_days);
  GroupCommitter writer(*ledger, writer_options(state));
  if (Status s = bind_population(writer, o, state.population() ? &*state.population() : nullptr); !s.ok())
    return fail(std::string(s.message()));
  if (Status s = reload_documents(writer, state); !s.ok()) return fail("ledger documents: " + std::string(s.message()));

  // Reads and pre-settlements are answered beside the writer on a read-only connection (SQLite);
  // on the memory ledger they stay on the writer.
  std::unique_ptr<Ledger> reader_ledger;
  std::optional<GroupCommitter> reader;
  if (o.ledger != "memory") {
    auto opened = open_sqlite_reader(o.ledger);
    if (!opened.ok()) return fail("ledger " + o.ledger + ": " + std::string(opened.status().message()));
    reader_ledger = std::move(opened).value();
    GroupCommitter::Options reads;
    reads.snapshot_after = &writer;  // a read never shows a batch before it is durable
    reader.emplace(*reader_ledger, reads);
  }

  RpcStats stats;
  Dispatcher dispatcher(state, writer, reader ? &*reader : nullptr, stats);
  SettlementService settlement(dispatcher);
  AdminService admin(state, writer, stats,
                     AdminInfo{*token, o.population, o.population.empty() ? 0 : o.seed,
                               state.population() ? state.population()->year() : 0, ledger->describe(),
                               format_iso(wall_civil_now()), kVersion});

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(o.listen, *creds, &port);
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
  const Result<CivilTime> now = state.clock().now();
  std::printf("yibao-core listening on %s:%d tls=%s clock=%s(%s)%s ledger=%s population=%s admin-token=%s\n",
              host.c_str(), port,
              !tls ? "off" : (o.tls_client_ca.empty() ? "on" : "on+client-cert"), o.clock.c_str(),
              now.ok() ? format_iso(*now).c_str() : "unset", o.fault_injection ? " FAULT-INJECTION" : "",
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
  if (reader) reader->stop();
  writer.stop();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace yibao::core
