#include "common/strings.h"

#include <gtest/gtest.h>

namespace im {
namespace {

TEST(HtmlEscapeTest, EscapesWhatCouldOpenATagOrCloseAnAttribute) {
  EXPECT_EQ(HtmlEscape(R"(<a href="x">Tom & "Jerry"</a>)"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &quot;Jerry&quot;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("plain text, ünïcode"), "plain text, ünïcode");
  EXPECT_EQ(HtmlEscape("&amp;"), "&amp;amp;");  // escaped once more, never left as an entity
}

}  // namespace
}  // namespace im
