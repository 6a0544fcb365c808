#include "monitor/checks.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <resolv.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>

#include "common/json.h"
#include "common/time.h"

namespace im::monitor {
namespace {

using SteadyClock = std::chrono::steady_clock;

Duration CheckElapsed(SteadyClock::time_point start) {
  return std::chrono::duration_cast<Duration>(SteadyClock::now() - start);
}

size_t CheckWriteBody(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  // Enough for body_contains and JSON checks; a monitor is not a download.
  if (body->size() < 1024 * 1024) body->append(data, size * n);
  return size * n;
}

// "Expire date: Mar  1 12:00:00 2027 GMT" from libcurl's certificate info.
std::optional<Time> ParseCertDate(const std::string& text) {
  struct tm tm = {};
  const char* end = strptime(text.c_str(), "%b %d %H:%M:%S %Y GMT", &tm);
  if (!end) return std::nullopt;
  return Time(std::chrono::seconds(timegm(&tm)));
}

std::once_flag check_curl_init;

CheckOutcome RunHttp(const Monitor& m, const CheckInput& in) {
  std::call_once(check_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CheckOutcome out{.at = in.now};
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    out.error = "cannot start an HTTP request (libcurl)";
    return out;
  }
  CURL* h = curl.get();
  std::string body;
  char error[CURL_ERROR_SIZE] = {};
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : m.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
  curl_easy_setopt(h, CURLOPT_URL, m.target.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m.method.c_str());
  if (m.method == "HEAD") curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  if (!m.body.empty()) curl_easy_setopt(h, CURLOPT_POSTFIELDS, m.body.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, m.follow_redirects ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(
      h, CURLOPT_TIMEOUT_MS,
      static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(m.timeout).count()));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "im-monitor/1");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, CheckWriteBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  if (m.target.starts_with("https") && m.tls_expiry_days > 0) {
    curl_easy_setopt(h, CURLOPT_CERTINFO, 1L);
  }
  auto start = SteadyClock::now();
  CURLcode rc = curl_easy_perform(h);
  out.response_time = CheckElapsed(start);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    out.error = std::string(error[0] ? error : curl_easy_strerror(rc));
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      out.error = "no answer within " + FormatDuration(m.timeout) + " (" + out.error + ")";
    }
    return out;
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  std::optional<Time> expires;
  curl_certinfo* certs = nullptr;
  if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &certs) == CURLE_OK && certs &&
      certs->num_of_certs > 0) {
    for (curl_slist* s = certs->certinfo[0]; s; s = s->next) {
      std::string_view line(s->data);
      if (line.starts_with("Expire date:")) {
        std::string date(line.substr(12));
        while (!date.empty() && date.front() == ' ') date.erase(0, 1);
        expires = ParseCertDate(date);
      }
    }
  }
  out.error = JudgeHttpAnswer(m, status, body, expires, in.now);
  out.ok = out.error.empty();
  return out;
}

// Resolves host and port for connect(); "" and the addresses, or an error.
std::string ResolveHost(const std::string& host, const std::string& port, int family, int socktype,
                        addrinfo** res) {
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = socktype;
  int rc = getaddrinfo(host.c_str(), port.empty() ? nullptr : port.c_str(), &hints, res);
  if (rc != 0) return "cannot resolve " + host + ": " + gai_strerror(rc);
  return "";
}

CheckOutcome RunTcp(const Monitor& m, const CheckInput& in) {
  CheckOutcome out{.at = in.now};
  auto colon = m.target.rfind(':');
  std::string host = m.target.substr(0, colon), port = m.target.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  auto start = SteadyClock::now();
  addrinfo* res = nullptr;
  out.error = ResolveHost(host, port, AF_UNSPEC, SOCK_STREAM, &res);
  if (!out.error.empty()) return out;
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(res, freeaddrinfo);
  std::string last = "no address";
  for (addrinfo* a = res; a; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int rc = connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(m.timeout - CheckElapsed(start));
      pollfd p{.fd = fd, .events = POLLOUT, .revents = 0};
      int ready = left.count() > 0 ? poll(&p, 1, static_cast<int>(left.count())) : 0;
      if (ready <= 0) {
        close(fd);
        out.response_time = CheckElapsed(start);
        out.error = "connecting to " + m.target + ": no answer within " + FormatDuration(m.timeout);
        return out;
      }
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      rc = err == 0 ? 0 : -1;
      errno = err;
    }
    int saved = errno;
    close(fd);
    if (rc == 0) {
      out.ok = true;
      out.response_time = CheckElapsed(start);
      return out;
    }
    last = std::strerror(saved);
  }
  out.response_time = CheckElapsed(start);
  out.error = "connecting to " + m.target + ": " + last;
  return out;
}

// A and AAAA through getaddrinfo: what applications on this host get (hosts file included).
CheckOutcome RunDnsSystem(const Monitor& m, const CheckInput& in) {
  CheckOutcome out{.at = in.now};
  auto start = SteadyClock::now();
  addrinfo* res = nullptr;
  out.error =
      ResolveHost(m.target, "", m.record_type == "AAAA" ? AF_INET6 : AF_INET, SOCK_STREAM, &res);
  out.response_time = CheckElapsed(start);
  if (!out.error.empty()) return out;
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(res, freeaddrinfo);
  std::string answers;
  for (addrinfo* a = res; a; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* addr =
        a->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    inet_ntop(a->ai_family, addr, text, sizeof text);
    if (DnsAnswerMatches(m.record_type, text, m.expected_answer)) {
      out.ok = true;
      return out;
    }
    if (answers.find(text) == std::string::npos)
      answers += (answers.empty() ? "" : ", ") + std::string(text);
  }
  out.error =
      m.record_type + " " + m.target + " answered " + answers + ", not " + m.expected_answer;
  return out;
}

int DnsTypeCode(const std::string& type) {
  if (type == "A") return ns_t_a;
  if (type == "AAAA") return ns_t_aaaa;
  if (type == "CNAME") return ns_t_cname;
  if (type == "MX") return ns_t_mx;
  if (type == "NS") return ns_t_ns;
  return ns_t_txt;
}

// One answer record as text, or "" when it cannot be read.
std::string DnsRecordText(const ns_msg& msg, const ns_rr& rr) {
  const unsigned char* data = ns_rr_rdata(rr);
  const size_t len = ns_rr_rdlen(rr);
  char name[NS_MAXDNAME] = {};
  switch (ns_rr_type(rr)) {
    case ns_t_a:
    case ns_t_aaaa: {
      char text[INET6_ADDRSTRLEN] = {};
      const int family = ns_rr_type(rr) == ns_t_a ? AF_INET : AF_INET6;
      if (len != (family == AF_INET ? 4u : 16u)) return "";
      inet_ntop(family, data, text, sizeof text);
      return text;
    }
    case ns_t_cname:
    case ns_t_ns:
      if (ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg), data, name, sizeof name) < 0)
        return "";
      return name;
    case ns_t_mx:
      if (len < 3 ||
          ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg), data + 2, name, sizeof name) < 0)
        return "";
      return std::to_string(ns_get16(data)) + " " + name;
    case ns_t_txt: {
      std::string text;  // character-strings, each a length byte and its bytes
      for (size_t i = 0; i < len;) {
        size_t n = data[i];
        if (i + 1 + n > len) return "";
        text.append(reinterpret_cast<const char*>(data + i + 1), n);
        i += 1 + n;
      }
      return text;
    }
    default: return "";
  }
}

// Every record type through the resolver library, asking `m.resolver` when one is set.
CheckOutcome RunDnsQuery(const Monitor& m, const CheckInput& in) {
  CheckOutcome out{.at = in.now};
  auto start = SteadyClock::now();
  struct __res_state state {};
  if (res_ninit(&state) != 0) {
    out.error = "cannot start the DNS resolver (resolv.conf)";
    return out;
  }
  struct Closer {
    res_state s;
    ~Closer() { res_nclose(s); }
  } closer{&state};
  if (!m.resolver.empty()) {
    auto server = ParseResolver(m.resolver);
    if (!server) {
      out.error = "resolver '" + m.resolver + "' is not an address";
      return out;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server->second);
    inet_pton(AF_INET, server->first.c_str(), &addr.sin_addr);
    state.nsaddr_list[0] = addr;
    state.nscount = 1;
  }
  state.retrans = std::max<int>(
      1, static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(m.timeout).count()));
  state.retry = 1;
  unsigned char answer[8192];
  int n = res_nquery(&state, m.target.c_str(), ns_c_in, DnsTypeCode(m.record_type), answer,
                     sizeof answer);
  out.response_time = CheckElapsed(start);
  const std::string what = m.record_type + " " + m.target;
  if (n < 0) {
    switch (state.res_h_errno) {
      case HOST_NOT_FOUND: out.error = what + ": no such name (NXDOMAIN)"; break;
      case NO_DATA: out.error = what + ": the name has no " + m.record_type + " records"; break;
      case TRY_AGAIN:
        out.error = what + ": no answer from " +
                    (m.resolver.empty() ? std::string("the resolver") : m.resolver) + " within " +
                    FormatDuration(m.timeout);
        break;
      default: out.error = what + ": the DNS server refused or failed the query"; break;
    }
    return out;
  }
  ns_msg msg;
  if (ns_initparse(answer, n, &msg) < 0) {
    out.error = what + ": the DNS answer cannot be read";
    return out;
  }
  std::string answers;
  const int type = DnsTypeCode(m.record_type);
  for (int i = 0; i < ns_msg_count(msg, ns_s_an); ++i) {
    ns_rr rr;
    if (ns_parserr(&msg, ns_s_an, i, &rr) < 0 || ns_rr_type(rr) != type) continue;
    std::string text = DnsRecordText(msg, rr);
    if (text.empty()) continue;
    if (DnsAnswerMatches(m.record_type, text, m.expected_answer)) {
      out.ok = true;
      return out;
    }
    answers += (answers.empty() ? "" : ", ") + text;
  }
  out.error = answers.empty() ? what + ": the name has no " + m.record_type + " records"
                              : what + " answered " + answers + ", not " + m.expected_answer;
  return out;
}

CheckOutcome RunDns(const Monitor& m, const CheckInput& in) {
  if ((m.record_type == "A" || m.record_type == "AAAA") && m.resolver.empty()) {
    return RunDnsSystem(m, in);
  }
  return RunDnsQuery(m, in);
}

uint16_t IcmpChecksum(const unsigned char* data, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2) sum += (data[i] << 8) | data[i + 1];
  if (len % 2) sum += data[len - 1] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return htons(static_cast<uint16_t>(~sum));
}

// ICMP echo (IPv4) or ICMPv6 echo over an unprivileged datagram socket (Linux ping sockets,
// allowed for the groups in net.ipv4.ping_group_range, which covers both), else a raw socket
// (root or CAP_NET_RAW). The kernel fills in the ICMPv6 checksum.
CheckOutcome RunIcmp(const Monitor& m, const CheckInput& in) {
  CheckOutcome out{.at = in.now};
  auto start = SteadyClock::now();
  addrinfo* res = nullptr;
  std::string host = m.target;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  out.error = ResolveHost(host, "", AF_UNSPEC, SOCK_DGRAM, &res);
  if (!out.error.empty()) return out;
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(res, freeaddrinfo);
  const bool v6 = res->ai_family == AF_INET6;
  const int family = v6 ? AF_INET6 : AF_INET;
  const int proto = v6 ? static_cast<int>(IPPROTO_ICMPV6) : static_cast<int>(IPPROTO_ICMP);
  bool raw = false;
  int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, proto);
  if (fd < 0) {
    fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, proto);
    raw = true;
  }
  if (fd < 0) {
    out.error =
        "ICMP is not allowed for this process: add its group to net.ipv4.ping_group_range "
        "(sysctl) or give im CAP_NET_RAW, or use a tcp monitor instead";
    return out;
  }
  unsigned char packet[16] = {};
  if (v6) {
    auto* hdr = reinterpret_cast<icmp6_hdr*>(packet);
    hdr->icmp6_type = ICMP6_ECHO_REQUEST;
    hdr->icmp6_id = htons(static_cast<uint16_t>(getpid()));
    hdr->icmp6_seq = htons(1);
  } else {
    auto* hdr = reinterpret_cast<icmphdr*>(packet);
    hdr->type = ICMP_ECHO;
    hdr->un.echo.id = htons(static_cast<uint16_t>(getpid()));
    hdr->un.echo.sequence = htons(1);
    hdr->checksum = IcmpChecksum(packet, sizeof packet);
  }
  if (sendto(fd, packet, sizeof packet, 0, res->ai_addr, res->ai_addrlen) < 0) {
    out.error = std::string("sending ICMP echo: ") + std::strerror(errno);
    close(fd);
    return out;
  }
  for (;;) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(m.timeout - CheckElapsed(start));
    pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      out.error = "no ICMP echo reply from " + m.target + " within " + FormatDuration(m.timeout);
      break;
    }
    unsigned char reply[1500];
    ssize_t n = recv(fd, reply, sizeof reply, 0);
    if (v6) {  // no IP header on either kind of ICMPv6 socket
      if (n >= static_cast<ssize_t>(sizeof(icmp6_hdr)) &&
          reinterpret_cast<icmp6_hdr*>(reply)->icmp6_type == ICMP6_ECHO_REPLY) {
        out.ok = true;
        break;
      }
      continue;
    }
    size_t off = raw && n > 0 ? (reply[0] & 0x0f) * 4 : 0;  // raw sockets include the IP header
    if (n >= static_cast<ssize_t>(off + sizeof(icmphdr)) &&
        reinterpret_cast<icmphdr*>(reply + off)->type == ICMP_ECHOREPLY) {
      out.ok = true;
      break;
    }
  }
  out.response_time = CheckElapsed(start);
  close(fd);
  return out;
}

}  // namespace

bool IsDnsRecordType(const std::string& type) {
  return type == "A" || type == "AAAA" || type == "CNAME" || type == "MX" || type == "NS" ||
         type == "TXT";
}

std::optional<std::pair<std::string, uint16_t>> ParseResolver(const std::string& text) {
  std::string host = text;
  uint16_t port = 53;
  if (auto colon = text.find(':'); colon != std::string::npos) {
    host = text.substr(0, colon);
    const char* first = text.data() + colon + 1;
    const char* last = text.data() + text.size();
    auto [p, ec] = std::from_chars(first, last, port);
    if (ec != std::errc() || p != last || port == 0) return std::nullopt;
  }
  in_addr addr{};
  if (inet_pton(AF_INET, host.c_str(), &addr) != 1) return std::nullopt;
  return std::pair{host, port};
}

bool DnsAnswerMatches(const std::string& type, const std::string& answer,
                      const std::string& expected) {
  if (expected.empty()) return true;
  auto norm = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    while (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  };
  if (type == "TXT") return answer == expected;
  if (type == "A" || type == "AAAA") {
    // 2001:db8::7 and 2001:DB8:0::7 are one address.
    unsigned char a[16] = {}, b[16] = {};
    const int family = type == "A" ? AF_INET : AF_INET6;
    return inet_pton(family, answer.c_str(), a) == 1 &&
           inet_pton(family, expected.c_str(), b) == 1 && std::equal(a, a + 16, b);
  }
  if (norm(answer) == norm(expected)) return true;
  if (type == "MX") {
    auto space = answer.find(' ');
    return space != std::string::npos && norm(answer.substr(space + 1)) == norm(expected);
  }
  return false;
}

std::string JudgeHttpAnswer(const Monitor& m, long status, const std::string& body,
                            std::optional<Time> cert_expires, Time now) {
  bool expected = false;
  for (const auto& r : m.expected_status)
    expected = expected || (status >= r.from && status <= r.to);
  if (!expected) return "HTTP " + std::to_string(status);
  if (!m.body_contains.empty() && body.find(m.body_contains) == std::string::npos) {
    return "HTTP " + std::to_string(status) + ": the body does not contain \"" + m.body_contains +
           "\"";
  }
  if (!m.json_path.empty()) {
    auto v = json::Parse(body);
    if (!v) return "HTTP " + std::to_string(status) + ": the body is not JSON";
    boost::system::error_code ec;
    const json::value* at = v->find_pointer(m.json_path, ec);
    if (!at) return "HTTP " + std::to_string(status) + ": no " + m.json_path + " in the body";
    std::string text = at->is_string() ? std::string(at->as_string()) : json::Serialize(*at);
    if (text != m.json_equals) {
      return "HTTP " + std::to_string(status) + ": " + m.json_path + " is " + text + ", not " +
             m.json_equals;
    }
  }
  if (cert_expires && m.tls_expiry_days > 0 &&
      *cert_expires - now < std::chrono::days(m.tls_expiry_days)) {
    return "the TLS certificate expires " + FormatTime(*cert_expires) + ", within " +
           std::to_string(m.tls_expiry_days) + " days";
  }
  return "";
}

CheckOutcome JudgeHeartbeat(const Monitor& m, const CheckInput& in) {
  CheckOutcome out{.at = in.now};
  Time last = in.last_heartbeat && *in.last_heartbeat > in.watching_since ? *in.last_heartbeat
                                                                          : in.watching_since;
  if (in.now - last <= m.interval + m.timeout) {
    out.ok = true;
  } else if (in.last_heartbeat) {
    out.error = "no heartbeat since " + FormatTime(*in.last_heartbeat) + " (expected every " +
                FormatDuration(m.interval) + ")";
  } else {
    out.error = "no heartbeat yet (expected every " + FormatDuration(m.interval) + ")";
  }
  return out;
}

CheckOutcome RunCheck(const Monitor& m, const CheckInput& in) {
  switch (m.type) {
    case MonitorType::kHttp: return RunHttp(m, in);
    case MonitorType::kTcp: return RunTcp(m, in);
    case MonitorType::kDns: return RunDns(m, in);
    case MonitorType::kIcmp: return RunIcmp(m, in);
    case MonitorType::kHeartbeat: return JudgeHeartbeat(m, in);
  }
  return CheckOutcome{.at = in.now, .error = "unknown monitor type"};
}

}  // namespace im::monitor
