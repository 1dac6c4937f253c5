// CoreGateway: the one interface the simulated facilities settle through (DESIGN.md §5 "Core
// hop"): the modelled core (sim/core_model.*) or the live bridge to a running yibao-core
// (sim/live/live_bridge.*). Actors never see which one they talk to.
//
// The protocol is SimGrid mailboxes, so the network between a facility and the core is
// simulated the same way in both modes:
//   - a facility actor puts a `CoreRequest*` (size = the request's serialized bytes) on the
//     gateway's inbox mailbox; SimGrid moves it over the route facility host -> core host;
//   - the gateway answers every request exactly once with a `CoreReply*` put on
//     `request->reply_to` (size = reply bytes) from the core host, so the reply travels back;
//   - the receiver of the reply owns it (and the request inside it).
// A request the gateway cannot answer (core down in a drill) is answered with a transport
// status (UNAVAILABLE), never dropped: the caller's deadline handles slowness, not loss.
//
// Life cycle (engine thread only): the engine creates the gateway, calls start() once the
// platform exists and before Engine::run, and finish() after the simulation ended.
#pragma once

#include <string>

namespace simgrid::s4u {
class Host;
class Mailbox;
}  // namespace simgrid::s4u

namespace yibao::sim {

class CoreGateway {
 public:
  virtual ~CoreGateway() = default;
  // Creates the gateway's actors on `host` receiving from `inbox` (a mailbox the gateway makes
  // its permanent receiver, so transfers start as soon as they are sent).
  virtual void start(simgrid::s4u::Host* host, simgrid::s4u::Mailbox* inbox) = 0;
  // After Engine::run returned: stop threads, flush figures. Default: nothing.
  virtual void finish() {}
  // "modelled" or "live".
  virtual std::string mode() const = 0;
};

}  // namespace yibao::sim
