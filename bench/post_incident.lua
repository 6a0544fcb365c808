-- wrk script: declare an incident per request (durable POST /api/v1/incidents).
wrk.method = "POST"
wrk.body = '{"title":"bench","severity":"SEV-3","services":["api"]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("IM_TOKEN")
