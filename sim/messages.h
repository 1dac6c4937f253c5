// The one message model of the simulator (DESIGN.md §5 "The life of a visit"): every call a
// simulated facility makes is the real protobuf request of the wire contract, and every answer
// the real reply. Its serialized size is the payload SimGrid moves over each link; in live mode
// the very same request object is what the core receives.
//
// Ownership: a CoreRequest travels by pointer through SimGrid mailboxes (the sender allocates,
// whoever consumes the reply frees both, see CoreReply). One CoreRequest per attempt: a retry
// is a new CoreRequest carrying the same msgid and a copy of the same body.
// Thread safety: none inside the simulation (one engine thread). The live bridge reads a
// request on a gRPC thread only after the actor has handed it over and never touches it again
// on the simulation side until the reply comes back through the poller.
#pragma once

#include <google/protobuf/message.h>

#include <cstdint>
#include <memory>
#include <string>

namespace simgrid::s4u {
class Mailbox;
}

namespace yibao::sim {

// The RPCs the simulator calls (Settlement service of grpc/proto). Never renumber: journals
// and result.json keys use the transaction code, not this value.
enum class Rpc : uint8_t {
  kSignIn = 0,              // 9001
  kGetPerson,               // 1101
  kRegister,                // 2201
  kVisitInfo,               // 2203
  kUploadFees,              // 2204
  kPreSettle,               // 2206
  kSettle,                  // 2207
  kCancelSettlement,        // 2208
  kAdmit,                   // 2401
  kDischarge,               // 2402
  kUploadInpatientFees,     // 2301
  kInpatientPreSettle,      // 2303
  kInpatientSettle,         // 2304
  kPharmacyPreSettle,       // 2101
  kPharmacySettle,          // 2102
  kReverse,                 // 2601
  kCancelRegistration,      // 2202
  kCancelAdmission,         // 2404
  kCount
};

// Transaction code (infno) of an RPC: 9001, 1101, 2201, ...
int txn_code(Rpc rpc);
// True for the calls that move money (2207, 2208, 2304, 2102): 30 s deadline, 2601 when the
// outcome stays unknown.
bool moves_money(Rpc rpc);

struct CoreReply;

struct CoreRequest {
  Rpc rpc = Rpc::kSignIn;
  std::string msgid;
  std::unique_ptr<google::protobuf::Message> body;  // the request message of `rpc`
  uint32_t bytes = 0;                               // body's serialized size
  // Latency reference and bookkeeping, simulated seconds.
  double intended = 0;      // when the visit meant to send this call (first attempt)
  double sent = 0;          // when this attempt left the facility
  int attempt = 0;          // 0 = first
  double at_core = 0;       // when it reached the core host (set by the gateway)
  // Who waits for the answer: the reply goes to `reply_to` carrying `tag` back.
  simgrid::s4u::Mailbox* reply_to = nullptr;
  uint64_t tag = 0;
  uint32_t facility = 0;    // population facility index of the caller
  int32_t host_vertex = -1; // topology vertex of the caller's host (for routes and faults)
  bool warm_up = false;     // a warm ward's admission or catch-up upload (left out of the figures)
};

struct CoreReply {
  std::unique_ptr<CoreRequest> request;             // the attempt this answers
  int status = 0;           // grpc::StatusCode number (0 OK, 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED...)
  std::string reason;       // yb-reason ("" when OK or a transport failure)
  std::string retry_after;  // yb-retry-after (ISO civil time) if given
  bool replay = false;      // yb-replay
  std::unique_ptr<google::protobuf::Message> body;  // the reply message (empty unless OK)
  uint32_t bytes = 0;       // serialized size of the reply (what travels back)
  // Time spent in the core hop, seconds: modelled = queue + service + commit in simulated time;
  // live = wall time from the intended wall send time to the gRPC completion.
  double core_s = 0;
  // Simulated seconds the request spent at the core host (arrival to the reply's departure).
  // Modelled: equal to core_s. Live: the wall wait × speed, which the site replaces by core_s
  // when it times the call, so a live latency is simulated network time + the core's real time.
  double core_sim_s = 0;

  bool ok() const { return status == 0; }
};

}  // namespace yibao::sim
