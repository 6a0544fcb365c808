// HttpClient over libcurl. Thread-safe: each call borrows an easy handle from a pool and returns
// it afterwards, so connections (and TLS sessions) are reused across calls and threads.
#pragma once

#include <mutex>
#include <vector>

#include "net/http_client.h"

namespace im::net {

struct CurlOptions {
  size_t max_idle_handles = 16;  // pooled easy handles kept for reuse
  bool verify_tls = true;
  std::string proxy;  // empty: libcurl's defaults (honours the *_proxy environment variables)
};

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlOptions options = {});
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  Result<HttpResponse> Send(const ClientRequest& request) override;

 private:
  void* Acquire();
  void Release(void* handle);

  CurlOptions options_;
  std::mutex mu_;
  std::vector<void*> idle_;  // GUARDED_BY(mu_): CURL* easy handles
};

}  // namespace im::net
