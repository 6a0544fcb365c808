-- wrk script: PagerDuty Events API v2 triggers, each with its own dedup_key, to POST /v2/enqueue.
-- ROUTING_KEY comes from the environment (im integration add events).
local key = os.getenv("ROUTING_KEY")
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
    '{"routing_key":"%s","event_action":"trigger","dedup_key":"bench-%d-%d",' ..
    '"payload":{"summary":"Disk full on db%d","source":"db%d","severity":"critical",' ..
    '"custom_details":{"free":"0%%"}}}', key, thread_id, counter, counter % 100, counter % 100)
  return wrk.format("POST", "/v2/enqueue", {["Content-Type"] = "application/json"}, body)
end
