// The OpenAPI 3 document of im's HTTP API, kept in src/http/api/openapi.json and compiled in.
#pragma once

#include <string>

namespace im::http::api {

const std::string& OpenApiDocument();

}  // namespace im::http::api
