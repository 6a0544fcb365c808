// Loopback sockets on a port the kernel picked, for tests that need a listener (TCP checks), a
// server that never answers (DNS timeouts) or a port to hand to another program.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>

namespace im::testing {

class LoopbackSocket {
 public:
  // SOCK_STREAM sockets listen (so connects succeed); SOCK_DGRAM ones are only bound.
  explicit LoopbackSocket(int type = SOCK_STREAM) : fd_(::socket(AF_INET, type, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
    if (type == SOCK_STREAM && ::listen(fd_, 16) != 0) return;
    socklen_t len = sizeof addr;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~LoopbackSocket() { Close(); }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;

  bool ok() const { return port_ != 0; }
  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A port nothing listens on right now, for a program that cannot pick its own and say which.
inline uint16_t FreeLoopbackPort(int type = SOCK_STREAM) { return LoopbackSocket(type).port(); }

}  // namespace im::testing
