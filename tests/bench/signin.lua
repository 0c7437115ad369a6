-- SPDX-License-Identifier: AGPL-3.0-or-later
-- wrk script: sign-ins with the account given in SIGNIN_BODY (JSON), each
-- from a random client address, so that nginx's per-address limit and the
-- worker's per-network throttling measure nothing but the hashing.
local lib = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

wrk.method = "POST"
wrk.body = os.getenv("SIGNIN_BODY")
wrk.headers["Content-Type"] = "application/json"

request = function()
	wrk.headers["X-Forwarded-For"] = lib.address()
	return wrk.format()
end
