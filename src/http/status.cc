#include "http/status.h"

namespace im::http {

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 422;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists: return 409;
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kResourceExhausted: return 429;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kDeadlineExceeded: return 504;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

namespace {
net::HttpResponse Build(int status, const Error& error) {
  return JsonResponse(status,
                      json::object{{"error", json::object{{"code", ErrorCodeName(error.code)},
                                                          {"message", error.message}}}});
}
}  // namespace

net::HttpResponse ErrorResponse(const Error& error) {
  net::HttpResponse res = Build(HttpStatusFor(error.code), error);
  if (error.code == ErrorCode::kUnauthenticated) res.SetHeader("WWW-Authenticate", "Bearer");
  return res;
}

net::HttpResponse MalformedBodyResponse(const Error& error) { return Build(400, error); }

net::HttpResponse JsonResponse(int status, const json::value& body) {
  return JsonResponse(status, json::Serialize(body));
}

net::HttpResponse JsonResponse(int status, std::string body) {
  net::HttpResponse res;
  res.status = status;
  res.body = std::move(body);
  return res;
}

}  // namespace im::http
