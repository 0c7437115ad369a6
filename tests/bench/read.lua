-- SPDX-License-Identifier: AGPL-3.0-or-later
-- wrk script: GET of the URL given to wrk, signed in or paced (or both).
--   READ_SESSIONS  a file of "TOKEN CSRF" lines (tests/bench/seed.sql):
--                  each request carries the cookie of the next session of
--                  its thread's share, as a browser of that participant
--                  would (no session: anonymous)
--   READ_RATE      requests a second in all (no rate: as fast as it goes),
--                  spread over READ_THREADS wrk threads (wrk -t)
local lib = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
setup = lib.numbered()

local sessions, cursor
local nthreads = tonumber(os.getenv("READ_THREADS") or "1")
local rate = tonumber(os.getenv("READ_RATE") or "")

function init(args)
	if os.getenv("READ_SESSIONS") then
		sessions = lib.sessions(os.getenv("READ_SESSIONS"), tid, nthreads)
		math.randomseed(os.time() * 16 + tid)
		cursor = math.random(#sessions)
	end
end

if rate then
	delay = lib.pacer(rate / nthreads)
end

request = function()
	if not sessions then
		return wrk.format("GET")
	end
	local s = sessions[cursor]
	cursor = cursor % #sessions + 1
	return wrk.format("GET", nil, { ["Cookie"] = s.cookie })
end
