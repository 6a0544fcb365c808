-- wrk script for bench/connectors/incidentio_webhook_bench.sh: each thread sends its share of the
-- Standard Webhooks deliveries in $EVENTS (lines "signature<TAB>id<TAB>timestamp<TAB>body"),
-- each exactly once; when a thread runs out it starts again (those repeats are answered as
-- duplicates).
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
      local c = line:find("\t", b + 1, true)
      events[#events + 1] = wrk.format("POST", nil, {
        ["Content-Type"] = "application/json",
        ["webhook-signature"] = line:sub(1, a - 1),
        ["webhook-id"] = line:sub(a + 1, b - 1),
        ["webhook-timestamp"] = line:sub(b + 1, c - 1),
      }, line:sub(c + 1))
    end
    i = i + 1
  end
  pos = 0
end

function request()
  pos = pos % #events + 1
  return events[pos]
end
