// EventQueue: the timers of one actor (DESIGN.md §5: "queues are data, not actors"). An actor
// that owns many counters or a whole station keeps its own future events here and sleeps in
// SimGrid until the earliest one (or until a message arrives), so thousands of queues cost
// one actor and no SimGrid activity per timer.
//
// Events are plain values (kind + two payload words) ordered by (time, insertion sequence):
// two events at the same time pop in the order they were pushed, which keeps runs
// deterministic. Thread safety: none (one actor owns it).
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

namespace yibao::sim {

struct Event {
  double time = 0;   // simulated seconds
  uint64_t seq = 0;  // insertion order, the tie-breaker
  uint32_t kind = 0; // meaning is the owner's
  uint64_t a = 0;
  uint64_t b = 0;
};

class EventQueue {
 public:
  void push(double time, uint32_t kind, uint64_t a = 0, uint64_t b = 0) {
    heap_.push(Event{time, next_seq_++, kind, a, b});
  }
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  // Time of the earliest event; only when !empty().
  double next_time() const { return heap_.top().time; }
  Event pop() {
    Event e = heap_.top();
    heap_.pop();
    return e;
  }

 private:
  struct Later {
    bool operator()(const Event& x, const Event& y) const {
      return x.time != y.time ? x.time > y.time : x.seq > y.seq;
    }
  };
  std::priority_queue<Event, std::vector<Event>, Later> heap_;
  uint64_t next_seq_ = 0;
};

}  // namespace yibao::sim
