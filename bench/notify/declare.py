#!/usr/bin/python3
# Declares N incidents through POST /api/v1/incidents over `threads` keep-alive connections as
# fast as the server answers; exits non-zero unless every answer was 201.
#   declare.py PORT TOKEN N [threads]
import http.client
import json
import sys
import threading

port, token, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 8
failed = []


def worker(first, n):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for i in range(first, first + n):
        body = json.dumps({"title": "storm %d" % i, "severity": "SEV-2", "services": ["api"]})
        c.request("POST", "/api/v1/incidents", body,
                  {"Content-Type": "application/json", "Authorization": "Bearer " + token})
        r = c.getresponse()
        r.read()
        if r.status != 201:
            failed.append(r.status)


per = count // threads
ts = [threading.Thread(target=worker, args=(t * per, per + (count % threads if t == threads - 1 else 0)))
      for t in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
if failed:
    sys.exit("%d declares failed: %s" % (len(failed), failed[:5]))
