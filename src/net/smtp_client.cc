#include "net/smtp_client.h"

#include <curl/curl.h>

#include <cstring>
#include <memory>

namespace im::net {
namespace {

struct Upload {
  const std::string* text;
  size_t offset = 0;
};

size_t ReadMessage(char* buffer, size_t size, size_t nitems, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t room = size * nitems;
  size_t left = up->text->size() - up->offset;
  size_t n = std::min(room, left);
  std::memcpy(buffer, up->text->data() + up->offset, n);
  up->offset += n;
  return n;
}

}  // namespace

Result<void> SendMail(const SmtpRequest& r) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Fail(ErrorCode::kInternal, "libcurl could not start an SMTP session");
  CURL* c = curl.get();
  curl_slist* rcpt = nullptr;
  for (const auto& to : r.to) rcpt = curl_slist_append(rcpt, ("<" + to + ">").c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt_guard(rcpt, curl_slist_free_all);
  Upload up{.text = &r.message};
  std::string from = "<" + r.from + ">";
  curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadMessage);
  curl_easy_setopt(c, CURLOPT_READDATA, &up);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
  if (r.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!r.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, r.ca_file.c_str());
  if (!r.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, r.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, r.password.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  if (rc == CURLE_OK) return Ok();
  std::string what = "SMTP " + r.url + ": " + curl_easy_strerror(rc) +
                     (code ? " (server answered " + std::to_string(code) + ")" : "");
  if (rc == CURLE_LOGIN_DENIED) {
    return Fail(ErrorCode::kUnauthenticated, what + "; check the username and password");
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) return Fail(ErrorCode::kDeadlineExceeded, what);
  if (rc == CURLE_USE_SSL_FAILED) {
    return Fail(ErrorCode::kFailedPrecondition,
                what +
                    "; the server does not offer STARTTLS (set starttls false only for a "
                    "relay on a trusted network)");
  }
  if (code >= 500 && code < 600) return Fail(ErrorCode::kInvalidArgument, what);
  return Fail(ErrorCode::kUnavailable, what);
}

}  // namespace im::net
