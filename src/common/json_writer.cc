#include "common/json_writer.h"

#include <array>
#include <charconv>

#include "common/time.h"

namespace im::json {

namespace {

// Which bytes AppendQuoted escapes: control characters, '"' and '\\'.
constexpr auto kEscaped = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t['"'] = t['\\'] = true;
  return t;
}();

}  // namespace

void AppendQuoted(std::string& out, std::string_view s) {
  // The escapes boost::json::serialize uses: \" \\ \b \t \n \f \r, other control characters as
  // \u00XX with lower-case hex; everything else (UTF-8 included) as it is.
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  const char* run = s.data();  // start of the pending run that needs no escape
  const char* end = s.data() + s.size();
  for (const char* p = run; p != end; ++p) {
    auto c = static_cast<unsigned char>(*p);
    if (!kEscaped[c]) continue;
    out.append(run, p);
    run = p + 1;
    out.push_back('\\');
    switch (c) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '\b': out.push_back('b'); break;
      case '\t': out.push_back('t'); break;
      case '\n': out.push_back('n'); break;
      case '\f': out.push_back('f'); break;
      case '\r': out.push_back('r'); break;
      default:
        out += "u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
    }
  }
  out.append(run, end);
  out.push_back('"');
}

Writer& Writer::Key(Name key) {
  Separate();
  out_.push_back('"');
  out_ += key.text();
  out_ += "\":";
  need_comma_ = false;
  return *this;
}

Writer& Writer::EscapedKey(std::string_view key) {
  Separate();
  AppendQuoted(out_, key);
  out_.push_back(':');
  need_comma_ = false;
  return *this;
}

Writer& Writer::String(std::string_view v) {
  Separate();
  AppendQuoted(out_, v);
  need_comma_ = true;
  return *this;
}

Writer& Writer::Int(int64_t v) {
  Separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
  need_comma_ = true;
  return *this;
}

Writer& Writer::Bool(bool v) { return Raw(v ? "true" : "false"); }

Writer& Writer::Null() { return Raw("null"); }

Writer& Writer::Time(im::Time t) {
  Separate();
  out_.push_back('"');
  AppendTime(out_, t);
  out_.push_back('"');
  need_comma_ = true;
  return *this;
}

Writer& Writer::Raw(std::string_view json) {
  Separate();
  out_ += json;
  need_comma_ = true;
  return *this;
}

}  // namespace im::json
