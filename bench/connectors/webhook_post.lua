-- wrk script for bench/connectors/webhook_bench.sh: each thread sends its share of the signed
-- deliveries in $EVENTS (lines "signature<TAB>webhook id<TAB>body"), each exactly once; when a
-- thread runs out it starts again (those repeats are answered as duplicates and counted apart).
local threads = 0
function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

function init(args)
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
  events = {}
  local i = 0
  for line in io.lines(os.getenv("EVENTS")) do
    if i % nthreads == thread_index then
      local a = line:find("\t", 1, true)
      local b = line:find("\t", a + 1, true)
      events[#events + 1] = wrk.format("POST", nil, {
        ["Content-Type"] = "application/json",
        ["X-PagerDuty-Signature"] = line:sub(1, a - 1),
        ["X-Webhook-Id"] = line:sub(a + 1, b - 1),
      }, line:sub(b + 1))
    end
    i = i + 1
  end
  pos = 0
end

function request()
  pos = pos % #events + 1
  return events[pos]
end
