#include "grpc/client/client_pool.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace yibao::client {

namespace v1 = yibao::settlement::v1;

namespace {

// Reads a whole file; false if it cannot be opened or read.
bool read_whole_file(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return false;
  *out = std::move(buf).str();
  return true;
}

std::string find_key(const std::multimap<grpc::string_ref, grpc::string_ref>& md, const char* key) {
  auto it = md.find(key);
  if (it == md.end()) return {};
  return std::string(it->second.data(), it->second.size());
}

grpc::Status invalid(std::string what) { return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::move(what)); }

}  // namespace

bool should_retry(const grpc::Status& status, std::string_view reason, std::string_view retry_after,
                  const RetryPolicy& policy, int attempts) {
  if (attempts > policy.max_retries) return false;
  // A window: waiting for its end is the caller's decision, never a blind retry now.
  if (reason == kSwitchoverReason || !retry_after.empty()) return false;
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return true;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return policy.on_deadline_exceeded;
    default:
      return false;  // OK, or a refusal that a resend would only repeat
  }
}

Clock::duration retry_backoff(const RetryPolicy& policy, int retry, double unit_draw) {
  const double initial = std::chrono::duration<double, std::milli>(policy.initial_backoff).count();
  const double cap = std::chrono::duration<double, std::milli>(policy.max_backoff).count();
  double ms = initial * std::pow(std::max(policy.multiplier, 1.0), std::max(retry - 1, 0));
  ms = std::min(ms, cap);
  const double jitter = std::clamp(policy.jitter, 0.0, 1.0);
  ms *= 1.0 + jitter * (2.0 * std::clamp(unit_draw, 0.0, 1.0) - 1.0);
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(std::max(ms, 0.0)));
}

grpc::Status read_admin_token(const std::string& path, std::string* token) {
  std::string text;
  if (!read_whole_file(path, &text)) return grpc::Status(grpc::StatusCode::NOT_FOUND, "cannot read admin token file " + path);
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return invalid("admin token file " + path + " is empty");
  const auto last = text.find_last_not_of(" \t\r\n");
  *token = text.substr(first, last - first + 1);
  return grpc::Status::OK;
}

grpc::Status ClientPool::create(ClientOptions options, std::unique_ptr<ClientPool>* out) {
  if (options.target.empty()) return invalid("client pool: empty target");
  if (options.channels < 1 || options.channels > 256) return invalid("client pool: channels must lie in [1, 256]");
  if (options.default_deadline.count() <= 0) return invalid("client pool: default deadline must be > 0");
  if (options.initial_reconnect_backoff.count() <= 0 || options.max_reconnect_backoff < options.initial_reconnect_backoff)
    return invalid("client pool: need 0 < initial_reconnect_backoff <= max_reconnect_backoff");
  if (options.tls.client_cert_file.empty() != options.tls.client_key_file.empty())
    return invalid("client pool: a TLS client certificate needs its key and the other way round");

  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (options.tls.enabled()) {
    grpc::SslCredentialsOptions ssl;
    const std::pair<const std::string*, std::string*> files[] = {
        {&options.tls.ca_file, &ssl.pem_root_certs},
        {&options.tls.client_cert_file, &ssl.pem_cert_chain},
        {&options.tls.client_key_file, &ssl.pem_private_key}};
    for (const auto& [path, pem] : files) {
      if (!path->empty() && !read_whole_file(*path, pem))
        return grpc::Status(grpc::StatusCode::NOT_FOUND, "client pool: cannot read TLS file " + *path);
    }
    creds = grpc::SslCredentials(ssl);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }

  std::unique_ptr<ClientPool> pool(new ClientPool(std::move(options)));
  const ClientOptions& o = pool->options_;
  for (int i = 0; i < o.channels; ++i) {
    grpc::ChannelArguments args;
    // Own subchannel pool plus a unique argument: every channel gets its own connection.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("yb.channel_index", i);
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, static_cast<int>(o.initial_reconnect_backoff.count()));
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, static_cast<int>(o.max_reconnect_backoff.count()));
    args.SetMaxReceiveMessageSize(o.max_receive_message_bytes);
    if (!o.tls.server_name_override.empty()) args.SetSslTargetNameOverride(o.tls.server_name_override);
    Slot slot;
    slot.channel = grpc::CreateCustomChannel(o.target, creds, args);
    slot.settlement = v1::Settlement::NewStub(slot.channel);
    slot.admin = v1::Admin::NewStub(slot.channel);
    pool->slots_.push_back(std::move(slot));
  }
  *out = std::move(pool);
  return grpc::Status::OK;
}

ClientPool::~ClientPool() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return in_flight_ == 0; });
}

bool ClientPool::wait_connected(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::system_clock::now() + timeout;
  // Ask every channel to connect first, so the connections come up in parallel.
  for (Slot& s : slots_) s.channel->GetState(/*try_to_connect=*/true);
  bool all = true;
  for (Slot& s : slots_) all = s.channel->WaitForConnected(deadline) && all;
  return all;
}

int ClientPool::ready_channels() const {
  int n = 0;
  for (const Slot& s : slots_) n += s.channel->GetState(false) == GRPC_CHANNEL_READY ? 1 : 0;
  return n;
}

int64_t ClientPool::in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

int ClientPool::pick_channel(int pinned) {
  const auto n = static_cast<int>(slots_.size());
  if (pinned >= 0) return pinned % n;
  return static_cast<int>(next_channel_.fetch_add(1, std::memory_order_relaxed) % static_cast<uint64_t>(n));
}

std::unique_ptr<grpc::ClientContext> ClientPool::make_context(const CallOptions& options, bool admin) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  const auto deadline = options.deadline.count() > 0 ? options.deadline : options_.default_deadline;
  ctx->set_deadline(std::chrono::system_clock::now() + deadline);
  ctx->set_wait_for_ready(options.wait_for_ready);
  if (admin && !options_.admin_token.empty()) ctx->AddMetadata("authorization", "Bearer " + options_.admin_token);
  return ctx;
}

void ClientPool::decode_metadata(const grpc::ClientContext& ctx, CallResult* result) {
  const auto& trailers = ctx.GetServerTrailingMetadata();
  result->reason = find_key(trailers, kReasonKey);
  result->field = find_key(trailers, kFieldKey);
  result->retry_after = find_key(trailers, kRetryAfterKey);
  // The replay mark may come as initial or trailing metadata. A finished unary callback call
  // has always received (possibly empty) initial metadata.
  result->replay = find_key(trailers, kReplayKey) == "1" || find_key(ctx.GetServerInitialMetadata(), kReplayKey) == "1";
}

double ClientPool::jitter_draw() {
  // SplitMix64 over an atomic counter: cheap, lock-free, good enough for jitter.
  uint64_t z = jitter_state_.fetch_add(0x9E3779B97F4A7C15ULL, std::memory_order_relaxed) + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

void ClientPool::begin_call() {
  std::lock_guard lock(mu_);
  ++in_flight_;
}

void ClientPool::end_call() {
  // Notify under the lock: the destructor may free mu_ and idle_ as soon as it sees 0.
  std::lock_guard lock(mu_);
  if (--in_flight_ == 0) idle_.notify_all();
}

}  // namespace yibao::client
