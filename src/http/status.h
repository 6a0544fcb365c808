// The one table from error codes to HTTP statuses, and im's JSON error body
// {"error":{"code":"...","message":"..."}}.
#pragma once

#include "common/error.h"
#include "common/json.h"
#include "net/http_message.h"

namespace im::http {

int HttpStatusFor(ErrorCode code);

net::HttpResponse ErrorResponse(const Error& error);
// For a body that is not JSON at all: 400 rather than the 422 of a well-formed but wrong body.
net::HttpResponse MalformedBodyResponse(const Error& error);
net::HttpResponse JsonResponse(int status, const json::value& body);
// For a body already rendered as JSON text.
net::HttpResponse JsonResponse(int status, std::string body);

}  // namespace im::http
