// One layer rendered alone: its turns cut by its start/end and by its restriction windows.
#pragma once

#include <string>
#include <vector>

#include "schedule/model.h"
#include "schedule/rotation.h"
#include "schedule/zone.h"

namespace im::schedule {

// A stretch of one source (a layer or an override) with one user on call. `user` points into
// the schedule the piece was rendered from.
struct Piece {
  Time start;
  Time end;
  const std::string* user;
  int priority;  // higher wins: layers by index, then overrides by creation order
};

struct Window {
  Time start;
  Time end;
};

// The instants in [since, until) when `restrictions` let the layer put someone on call, sorted
// and merged. Restrictions are wall-clock in `zone`: a daily 22:00 + 10h window runs 22:00 to
// 08:00 local, whatever DST does in between.
std::vector<Window> RestrictionWindows(const std::vector<Restriction>& restrictions, Zone zone,
                                       Time since, Time until);

// Appends the layer's pieces overlapping [since, until), clipped to it, in time order.
// Turns of the nobody user ("") produce no piece.
void AppendLayerPieces(const Layer& layer, Zone zone, int priority, Time since, Time until,
                       std::vector<Piece>& out);

}  // namespace im::schedule
