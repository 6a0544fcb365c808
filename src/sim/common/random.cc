// Rng helpers that need more than a line.
#include "sim/common/random.h"

namespace im::sim {

std::string Rng::Id(char first, size_t length) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string id(1, first);
  while (id.size() < length) id += kAlphabet[Next() % (sizeof(kAlphabet) - 1)];
  return id;
}

}  // namespace im::sim
