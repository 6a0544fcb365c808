// Writes JSON text straight into a string, for the paths that render many objects: the incident
// GET and lists of up to 100,000 incidents. Building a boost::json tree first costs an
// allocation per field and a hash per key, which was most of their time; Boost.JSON 1.81 has no
// streaming writer (its serializer takes a finished value), hence this small one. Its output is
// the text boost::json::serialize gives for the same tree (tests/common/json_writer_test.cc).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace im::json {

// Appends `s` as a JSON string literal (quoted and escaped) to `out`.
void AppendQuoted(std::string& out, std::string_view s);

// A member name written in the code: checked at compile time to need no escaping, so it is
// copied as it is (a name with a quote, backslash or control character does not compile).
class Name {
 public:
  consteval Name(const char* text) : text_(text) {  // NOLINT: implicit from a literal
    for (const char* p = text; *p; ++p) {
      if (static_cast<unsigned char>(*p) < 0x20 || *p == '"' || *p == '\\') {
        throw "this JSON member name needs escaping: use Writer::EscapedKey";
      }
    }
  }
  std::string_view text() const { return text_; }

 private:
  std::string_view text_;
};

// Commas are placed by the writer: call Key before each member's value inside an object.
// It does not check nesting; a mismatched Begin/End is a bug of the caller.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  Writer& BeginObject() { return Open('{'); }
  Writer& EndObject() { return Close('}'); }
  Writer& BeginArray() { return Open('['); }
  Writer& EndArray() { return Close(']'); }
  Writer& Key(Name key);                     // a name in the code
  Writer& EscapedKey(std::string_view key);  // a name from data (custom fields), escaped

  Writer& String(std::string_view v);
  Writer& Int(int64_t v);
  Writer& Bool(bool v);
  Writer& Null();
  // An RFC 3339 UTC timestamp, as FormatTime writes it.
  Writer& Time(im::Time t);
  // Already rendered JSON text, written as it is.
  Writer& Raw(std::string_view json);

  // The empty string as null, for optional text.
  Writer& StringOrNull(std::string_view v) { return v.empty() ? Null() : String(v); }

 private:
  void Separate() {
    if (need_comma_) out_.push_back(',');
  }
  Writer& Open(char c) {
    Separate();
    out_.push_back(c);
    need_comma_ = false;
    return *this;
  }
  Writer& Close(char c) {
    out_.push_back(c);
    need_comma_ = true;
    return *this;
  }

  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace im::json
