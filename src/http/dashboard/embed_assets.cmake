# Writes a C++ file holding every dashboard asset (web/) twice: as is, and gzip-compressed
# (gzip -9 -n, so the output does not change between builds of the same files), with its
# content type and an ETag. index.html gets style.css inlined in place of its stylesheet link
# (one render-blocking request fewer) and the modules bundled into one inline script in place
# of its app.js (bundle_js.cmake); dashboard.cc allows both by their hashes in the
# Content-Security-Policy. The modules are still served one by one from /assets/. Run at build
# time by src/http/CMakeLists.txt:
#   cmake -DWEB_DIR=... -DOUT=... -DGZIP=... -P embed_assets.cmake
file(GLOB_RECURSE files RELATIVE ${WEB_DIR} ${WEB_DIR}/*.html ${WEB_DIR}/*.js ${WEB_DIR}/*.css
     ${WEB_DIR}/*.svg)
list(SORT files)
set(arrays "")
set(table "")
set(i 0)
get_filename_component(out_dir ${OUT} DIRECTORY)
set(stylesheet_link "<link rel=\"stylesheet\" href=\"/assets/style.css\">")
set(app_script "<script type=\"module\" src=\"/assets/app.js\"></script>")
include(${CMAKE_CURRENT_LIST_DIR}/bundle_js.cmake)
foreach(f IN LISTS files)
  set(src ${WEB_DIR}/${f})
  if(f STREQUAL "index.html")
    file(READ ${src} html)
    file(READ ${WEB_DIR}/style.css css)
    string(FIND "${html}" "${stylesheet_link}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "web/index.html has no ${stylesheet_link} to inline")
    endif()
    string(REPLACE "${stylesheet_link}" "<style>${css}</style>" html "${html}")
    string(FIND "${html}" "${app_script}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "web/index.html has no ${app_script} to inline")
    endif()
    im_bundle_js(${WEB_DIR} bundle)
    string(REPLACE "${app_script}" "<script type=\"module\">${bundle}</script>" html "${html}")
    set(src ${out_dir}/dashboard_index.html)
    file(WRITE ${src} "${html}")
  endif()
  set(gz ${out_dir}/dashboard_asset_${i}.gz)
  execute_process(COMMAND ${GZIP} -9 -n -c ${src} OUTPUT_FILE ${gz} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip failed on ${src}")
  endif()
  foreach(kind raw gz)
    if(kind STREQUAL raw)
      file(READ ${src} hex HEX)
    else()
      file(READ ${gz} hex HEX)
    endif()
    string(LENGTH "${hex}" n)
    math(EXPR n "${n} / 2")
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
    string(REGEX REPLACE "((0x..,){24})" "\\1\n" hex "${hex}")
    string(APPEND arrays "const unsigned char k${kind}${i}[] = {\n${hex}0};\n")
    set(${kind}_len ${n})
  endforeach()
  file(SHA256 ${src} sha)
  string(SUBSTRING ${sha} 0 20 etag)
  if(f MATCHES "\\.html$")
    set(type "text/html; charset=utf-8")
  elseif(f MATCHES "\\.js$")
    set(type "text/javascript; charset=utf-8")
  elseif(f MATCHES "\\.css$")
    set(type "text/css; charset=utf-8")
  else()
    set(type "image/svg+xml")
  endif()
  string(APPEND table "    {\"/${f}\", \"${type}\", \"\\\"${etag}\\\"\",\n"
         "     {reinterpret_cast<const char*>(kraw${i}), ${raw_len}},\n"
         "     {reinterpret_cast<const char*>(kgz${i}), ${gz_len}}},\n")
  math(EXPR i "${i} + 1")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from web/ by src/http/dashboard/embed_assets.cmake; edit web/ instead.
#include \"http/dashboard/assets.h\"

namespace im::http::dashboard {
namespace {
${arrays}
const Asset kDashboardAssets[] = {
${table}};
}  // namespace

std::span<const Asset> Assets() { return kDashboardAssets; }

}  // namespace im::http::dashboard
")
# Only touch the output when it changed, so an unchanged web/ recompiles nothing.
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
