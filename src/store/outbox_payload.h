// What the connector stores read out of an outbox message's payload, in C++ so both backends
// read it alike (no JSON functions of one database that the other would have to copy).
#pragma once

#include <string>
#include <string_view>

namespace im::store {

// The text a change carried to the provider: a note's "text", or the "note" of an acknowledge
// or resolve; "" when it has none or the payload is not a JSON object.
std::string SentChangeText(std::string_view payload);

}  // namespace im::store
