-- wrk script: POST /v1/solve with the body in $BODY_FILE. With UNIQUE=1 every request carries a new
-- seed (per thread and request), so no two requests share a store key and every one is solved.
local body = nil
local unique = os.getenv("UNIQUE") == "1"
local counter = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("offset", threads * 1000000000)
end

function init(args)
  local file = assert(io.open(os.getenv("BODY_FILE"), "r"))
  body = file:read("*a")
  file:close()
  counter = offset or 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = body
end

function request()
  if not unique then return wrk.format(nil, "/v1/solve") end
  counter = counter + 1
  local seeded = body:gsub('"seed"%s*:%s*%d+', '"seed": ' .. counter, 1)
  return wrk.format(nil, "/v1/solve", nil, seeded)
end
