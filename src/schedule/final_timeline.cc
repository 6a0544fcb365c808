#include "schedule/final_timeline.h"

#include <algorithm>

#include "schedule/layer_pieces.h"

namespace im::schedule {
namespace {

struct Event {
  Time at;
  bool is_start;
  int priority;
  const std::string* user;
};

}  // namespace

std::vector<Segment> FinalTimeline(const ValidSchedule& schedule, Time since, Time until) {
  std::vector<Segment> out;
  if (since >= until) return out;
  const Schedule& spec = schedule.spec();
  std::vector<Piece> pieces;
  int priority = 0;
  for (const Layer& layer : spec.layers) {
    AppendLayerPieces(layer, schedule.zone(), priority++, since, until, pieces);
  }
  for (const Override& o : spec.overrides) {
    const Time s = std::max(o.start, since);
    const Time e = std::min(o.end, until);
    if (s < e) pieces.push_back({s, e, &o.user, priority});
    ++priority;  // every override outranks the ones created before it
  }

  // Sweep: each source has at most one piece active at a time, so the active set is an array
  // indexed by priority; the highest active priority is who is on call.
  std::vector<Event> events;
  events.reserve(pieces.size() * 2);
  for (const Piece& p : pieces) {
    events.push_back({p.start, true, p.priority, p.user});
    events.push_back({p.end, false, p.priority, p.user});
  }
  // Ends before starts at the same instant, so abutting pieces of one source hand over cleanly.
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.at != b.at) return a.at < b.at;
    return a.is_start < b.is_start;
  });
  std::vector<const std::string*> active_user(static_cast<size_t>(priority), nullptr);
  int top = -1;  // highest active priority; -1 = nobody
  const std::string* current = nullptr;
  Time current_start{};
  for (size_t i = 0; i < events.size();) {
    const Time at = events[i].at;
    for (; i < events.size() && events[i].at == at; ++i) {
      const Event& e = events[i];
      if (e.is_start) {
        active_user[static_cast<size_t>(e.priority)] = e.user;
        top = std::max(top, e.priority);
      } else {
        active_user[static_cast<size_t>(e.priority)] = nullptr;
        while (top >= 0 && active_user[static_cast<size_t>(top)] == nullptr) --top;
      }
    }
    const std::string* on_call = top < 0 ? nullptr : active_user[static_cast<size_t>(top)];
    const bool same = (on_call == current) || (on_call && current && *on_call == *current);
    if (same) continue;
    if (current) out.push_back({current_start, at, current});
    current = on_call;
    current_start = at;
  }
  return out;  // every piece ends by `until`, so the sweep ends with nobody active
}

}  // namespace im::schedule
