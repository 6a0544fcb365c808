#include "http/router.h"

#include <gtest/gtest.h>

namespace im::http {
namespace {

Handler Named(std::string name) {
  return [name](const net::HttpRequest&) {
    net::HttpResponse r;
    r.body = name;
    return r;
  };
}

TEST(RouterTest, CapturesParametersAndPrefersLiterals) {
  Router router;
  router.Add("GET", "/api/v1/incidents/{id}", Named("show"));
  router.Add("GET", "/api/v1/incidents/stats", Named("stats"));
  router.Add("POST", "/api/v1/incidents/{id}/ack", Named("ack"));

  auto m = router.Find("GET", "/api/v1/incidents/INC-4");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(m.params.at("id"), "INC-4");
  EXPECT_EQ(router.Find("GET", "/api/v1/incidents/stats").route->pattern,
            "/api/v1/incidents/stats");
  EXPECT_EQ(router.Find("POST", "/api/v1/incidents/INC-4/ack").params.at("id"), "INC-4");
}

TEST(RouterTest, TellsWrongMethodFromUnknownPath) {
  Router router;
  router.Add("GET", "/api/v1/incidents", Named("list"));
  auto wrong_method = router.Find("DELETE", "/api/v1/incidents");
  EXPECT_FALSE(wrong_method.route);
  EXPECT_TRUE(wrong_method.path_matched);
  auto unknown = router.Find("GET", "/api/v2/incidents");
  EXPECT_FALSE(unknown.route);
  EXPECT_FALSE(unknown.path_matched);
  EXPECT_FALSE(router.Find("GET", "/api/v1/incidents/").route);
  EXPECT_TRUE(router.Find("HEAD", "/api/v1/incidents").route);
}

TEST(RouterTest, DecodesParameters) {
  Router router;
  router.Add("GET", "/api/v1/services/{name}", Named("svc"));
  EXPECT_EQ(router.Find("GET", "/api/v1/services/billing%20api").params.at("name"), "billing api");
}

}  // namespace
}  // namespace im::http
