-- wrk script: Alertmanager's own POST /api/v2/alerts, one alert per request with its own
-- labels, as the peer figure beside im's /v2/enqueue.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  thread_id = id
end

request = function()
  counter = counter + 1
  local body = string.format(
    '[{"labels":{"alertname":"DiskFull","instance":"db-%d-%d","severity":"critical"},' ..
    '"annotations":{"summary":"Disk full"}}]', thread_id, counter)
  return wrk.format("POST", "/api/v2/alerts", {["Content-Type"] = "application/json"}, body)
end
