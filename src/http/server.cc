// The only translation unit that includes Boost.Beast and Asio (they are heavy to compile).
#include "http/server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <future>
#include <list>
#include <mutex>
#include <thread>

namespace im::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

net::HttpResponse PlainError(int status, std::string_view code, std::string_view message) {
  net::HttpResponse res;
  res.status = status;
  res.body = "{\"error\":{\"code\":\"" + std::string(code) + "\",\"message\":\"" +
             std::string(message) + "\"}}";
  return res;
}

}  // namespace

class Session;

class Server::Impl {
 public:
  Impl(ServerOptions options, const Router& router, Metrics* metrics)
      : options_(std::move(options)),
        router_(router),
        metrics_(metrics),
        ios_(MakeContexts(options_.io_threads)),
        acceptor_(*ios_[0]),
        workers_(static_cast<size_t>(options_.worker_threads)) {}

  // One io_context per io thread, each run by its thread alone: a connection lives on one of
  // them, so its handlers need no strand, and threads never hand work to each other (with one
  // shared io_context, the wake-ups between the two threads were a large part of a request).
  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int n) {
    std::vector<std::unique_ptr<asio::io_context>> out;
    for (int i = 0; i < std::max(1, n); ++i) {
      out.push_back(std::make_unique<asio::io_context>(1));  // concurrency hint: one thread
    }
    return out;
  }

  Result<uint16_t> Start();
  void Stop();
  void CatchSignals();
  void RunUntilSignal();

  void Accept();
  void Forget(Session* s);

  ServerOptions options_;
  const Router& router_;
  Metrics* metrics_;
  // Before ios_, so they outlive sessions still queued in an io_context when it is destroyed.
  std::atomic<int> live_sessions_{0};
  std::atomic<int> owed_answers_{0};  // async handlers that have not answered yet
  std::vector<std::unique_ptr<asio::io_context>> ios_;
  // Keep the io threads running while a blocking handler works on the pool and no socket
  // operation is pending; released only at the end of Stop.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  tcp::acceptor acceptor_;  // on ios_[0]
  size_t next_io_ = 0;      // the io_context of the next accepted connection (round robin)
  asio::thread_pool workers_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;
  asio::io_context signals_io_;
  std::optional<asio::signal_set> signals_;
  std::mutex sessions_mu_;
  std::list<std::weak_ptr<Session>> sessions_;  // GUARDED_BY(sessions_mu_)
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl& server) : stream_(std::move(socket)), server_(server) {
    server_.live_sessions_++;
    boost::system::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  ~Session() { server_.live_sessions_--; }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

  // Called on Stop: an idle connection is closed now; a busy one closes after its response.
  void CloseIfIdle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) {
        boost::system::error_code ec;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        self->stream_.close();
      }
    });
  }

 private:
  void Read() {
    if (server_.stopping_) return Close();
    busy_ = false;
    parser_.emplace();
    parser_->body_limit(server_.options_.body_limit);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(server_.options_.idle_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return OnRead(ec);  // Content-Length already too big
    if (ec) return Close();
    busy_ = true;
    started_ = std::chrono::steady_clock::now();
    stream_.expires_after(server_.options_.read_timeout);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      keep_alive_ = false;
      return Respond(PlainError(413, "resource_exhausted",
                                "request body is larger than the limit of " +
                                    std::to_string(server_.options_.body_limit) + " bytes"),
                     "");
    }
    if (ec) return Close();
    auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    request_ = net::HttpRequest{};
    request_.method = std::string(req.method_string());
    request_.target = std::string(req.target());
    auto q = request_.target.find('?');
    request_.path = net::UrlDecode(std::string_view(request_.target).substr(0, q));
    if (q != std::string::npos) {
      request_.query = net::ParseQuery(std::string_view(request_.target).substr(q + 1));
    }
    for (const auto& field : req) {
      request_.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request_.body = std::move(req.body());
    request_.remote = remote_;

    RouteMatch match = server_.router_.Find(request_.method, request_.path);
    if (!match.route) {
      return Respond(
          match.path_matched
              ? PlainError(405, "method_not_allowed",
                           "this path does not accept " + request_.method)
              : PlainError(404, "not_found", "no such path; see /api/openapi.json for the API"),
          "");
    }
    request_.params = std::move(match.params);
    const Route* route = match.route;
    if (const auto& guard = server_.router_.guard(); guard) {
      if (auto denied = guard(request_, *route)) return Respond(std::move(*denied), route->pattern);
    }
    if (route->async_handler) {
      auto pending = std::make_shared<PendingAnswer>(shared_from_this(), route);
      route->async_handler(request_,
                           [pending](net::HttpResponse res) { pending->Answer(std::move(res)); });
      return;
    }
    if (!route->options.blocking) return Respond(route->handler(request_), route->pattern);
    asio::post(server_.workers_, [self = shared_from_this(), route] {
      net::HttpResponse res = route->handler(self->request_);
      asio::post(self->stream_.get_executor(), [self, res = std::move(res), route]() mutable {
        self->Respond(std::move(res), route->pattern);
      });
    });
  }

  // The answer an async handler owes: the first one given is sent, on the connection's own
  // thread; one never given (every copy of the Responder dropped) becomes a 500, so the
  // connection is not left waiting.
  struct PendingAnswer {
    PendingAnswer(std::shared_ptr<Session> s, const Route* r)
        : session(std::move(s)), route(r), owed(session->server_.owed_answers_) {
      owed++;
    }
    ~PendingAnswer() {
      Answer(PlainError(500, "internal", "the request was dropped without an answer"));
    }
    void Answer(net::HttpResponse res) {
      if (answered.exchange(true)) return;
      // The session goes with the answer: a Responder kept afterwards does not keep the
      // connection (and a stopping server) waiting.
      auto executor = session->stream_.get_executor();
      asio::post(executor, [s = std::move(session), r = route, res = std::move(res)]() mutable {
        s->Respond(std::move(res), r->pattern);
      });
      owed--;  // after the post: Stop keeps the io threads running until this is zero
    }
    std::shared_ptr<Session> session;
    const Route* route;
    std::atomic<int>& owed;
    std::atomic<bool> answered{false};
  };

  void Respond(net::HttpResponse res, const std::string& route) {
    if (res.reset) {
      if (server_.metrics_) {
        server_.metrics_->RecordRequest(route.empty() ? "unmatched" : route, request_.method, 0,
                                        Duration{});
      }
      boost::system::error_code ec;
      stream_.socket().set_option(asio::socket_base::linger(true, 0), ec);  // RST, not FIN
      busy_ = false;
      return stream_.close();
    }
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(res.status));
    response_.set(bhttp::field::server, "im");
    if (!res.content_type.empty()) response_.set(bhttp::field::content_type, res.content_type);
    for (auto& [k, v] : res.headers) response_.set(k, v);
    bool head = request_.method == "HEAD";
    response_.body() = head ? std::string() : std::move(res.body);
    if (server_.stopping_) keep_alive_ = false;
    response_.keep_alive(keep_alive_);
    response_.prepare_payload();
    if (head) response_.content_length(res.body.size());

    auto latency =
        std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - started_);
    if (server_.metrics_) {
      server_.metrics_->RecordRequest(route.empty() ? "unmatched" : route, request_.method,
                                      res.status, latency);
    }
    if (server_.options_.access_log) {
      server_.options_.access_log(AccessLogEntry{remote_, request_.method, request_.target, route,
                                                 res.status, response_.body().size(), latency});
    }
    stream_.expires_after(server_.options_.write_timeout);
    bhttp::async_write(stream_, response_,
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         if (ec || !self->keep_alive_) return self->Close();
                         self->Read();
                       });
  }

  // Half-closes and then discards what the peer still sends until it closes too (or 2 s pass),
  // so a response sent before the whole request was read (413) is not lost to a TCP reset.
  void Close() {
    busy_ = false;
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return stream_.close();
    stream_.expires_after(server_.stopping_ ? std::chrono::milliseconds(200)
                                            : std::chrono::milliseconds(2000));
    Drain();
  }

  void Drain() {
    stream_.async_read_some(asio::buffer(drain_, sizeof drain_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->stream_.close();
                              self->Drain();
                            });
  }

  beast::tcp_stream stream_;
  Server::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  net::HttpRequest request_;
  std::string remote_;
  bool keep_alive_ = true;
  bool busy_ = false;
  char drain_[4096];
  std::chrono::steady_clock::time_point started_;
};

Result<uint16_t> Server::Impl::Start() {
  boost::system::error_code ec;
  auto address =
      asio::ip::make_address(options_.host == "localhost" ? "127.0.0.1" : options_.host, ec);
  if (ec) {
    return Fail(ErrorCode::kInvalidArgument,
                "cannot listen on '" + options_.host + "': not an IP address (use e.g. 127.0.0.1)");
  }
  tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Fail(ErrorCode::kUnavailable,
                "cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " +
                    ec.message() + " (is another process using the port? pick one with --listen)");
  }
  uint16_t port = acceptor_.local_endpoint().port();
  for (auto& io : ios_) work_.push_back(asio::make_work_guard(*io));
  Accept();
  for (auto& io : ios_) threads_.emplace_back([io = io.get()] { io->run(); });
  return port;
}

void Server::Impl::Accept() {
  asio::io_context& io = *ios_[next_io_++ % ios_.size()];
  acceptor_.async_accept(io, [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!acceptor_.is_open()) return;  // stopped
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      auto session = std::make_shared<Session>(std::move(socket), *this);
      {
        std::lock_guard lock(sessions_mu_);
        // Drop entries of sessions that are gone, so the list stays as long as the live ones.
        sessions_.remove_if([](const std::weak_ptr<Session>& w) { return w.expired(); });
        sessions_.push_back(session);
      }
      session->Start();
    }
    if (!stopping_) Accept();
  });
}

void Server::Impl::Stop() {
  if (stopped_) return;
  stopped_ = true;
  stopping_ = true;
  // Close the listening socket on an io thread (the acceptor is not thread-safe) and wait for
  // it, so nobody can connect after Stop begins.
  std::promise<void> closed;
  asio::post(*ios_[0], [this, &closed] {
    boost::system::error_code ec;
    acceptor_.close(ec);
    closed.set_value();
  });
  if (!threads_.empty()) {
    closed.get_future().wait();
  } else {
    boost::system::error_code ec;
    acceptor_.close(ec);
  }
  {
    std::lock_guard lock(sessions_mu_);
    for (auto& w : sessions_) {
      if (auto s = w.lock()) s->CloseIfIdle();
    }
  }
  // In-flight requests finish and their connections close after responding. An answer an
  // async handler still owes (a write waiting for its commit) is waited for past the grace,
  // as the worker pool's join below waits for blocking handlers: it must not reach an
  // io_context that is gone.
  auto deadline = std::chrono::steady_clock::now() + options_.shutdown_grace;
  while ((live_sessions_ > 0 && std::chrono::steady_clock::now() < deadline) || owed_answers_ > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling a counter, not a test
  }
  work_.clear();
  for (auto& io : ios_) io->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  workers_.join();
}

void Server::Impl::CatchSignals() {
  if (signals_) return;
  signals_.emplace(signals_io_, SIGINT, SIGTERM);
  signals_->async_wait([](const boost::system::error_code&, int) {});
}

void Server::Impl::RunUntilSignal() {
  CatchSignals();
  signals_io_.run();
  Stop();
}

Server::Server(ServerOptions options, const Router& router, Metrics* metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}

Server::~Server() { Stop(); }

Result<void> Server::Start() {
  auto port = impl_->Start();
  if (!port) return std::unexpected(port.error());
  port_ = *port;
  return Ok();
}

void Server::Stop() { impl_->Stop(); }

void Server::CatchSignals() { impl_->CatchSignals(); }
void Server::RunUntilSignal() { impl_->RunUntilSignal(); }

}  // namespace im::http
