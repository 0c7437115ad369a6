-- SPDX-License-Identifier: AGPL-3.0-or-later
-- wrk script: PUT /api/v1/consultations/{id}/ballot by signed-in, verified
-- participants (tests/bench/seed.sql made their sessions).  BALLOT_SESSIONS
-- names a file of "TOKEN CSRF" lines; each wrk thread takes its own share
-- of them (BALLOT_THREADS threads) and cycles through it, so no participant
-- has two requests in flight and each request replaces a ballot with new
-- choices: 1 to BALLOT_K distinct ids of BALLOT_PRIORITIES (comma-separated),
-- in random order, so the tallies move every time.  Each request comes from
-- a random client address, so that nginx's per-address write limit measures
-- nothing.  The cookie and CSRF header are the browser's (src/auth.c); no
-- Origin, as a same-origin client may send none.
local lib = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
setup = lib.numbered()

local sessions, priorities, k, cursor

function init(args)
	sessions = lib.sessions(os.getenv("BALLOT_SESSIONS"), tid,
	    tonumber(os.getenv("BALLOT_THREADS") or "1"))
	priorities = lib.ids(os.getenv("BALLOT_PRIORITIES"))
	k = tonumber(os.getenv("BALLOT_K"))
	math.randomseed(os.time() * 16 + tid)
	cursor = math.random(#sessions)
end

request = function()
	local s = sessions[cursor]
	cursor = cursor % #sessions + 1
	return wrk.format("PUT", nil, {
		["Content-Type"] = "application/json",
		["Cookie"] = s.cookie,
		["X-CSRF-Token"] = s.csrf,
		["X-Forwarded-For"] = lib.address(),
	}, lib.ballot(priorities, k))
end
