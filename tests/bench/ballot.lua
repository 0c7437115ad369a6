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
local next_thread = 0

function setup(thread)
	thread:set("tid", next_thread)
	next_thread = next_thread + 1
end

local sessions = {}
local priorities = {}
local k, cursor

function init(args)
	local nthreads = tonumber(os.getenv("BALLOT_THREADS") or "1")
	local i = 0
	for line in io.lines(os.getenv("BALLOT_SESSIONS")) do
		local token, csrf = line:match("^(%S+) (%S+)$")
		if token then
			if i % nthreads == tid then
				sessions[#sessions + 1] = { cookie = "__Host-concerto=" .. token, csrf = csrf }
			end
			i = i + 1
		end
	end
	assert(#sessions > 0, "ballot.lua: no session for thread " .. tid)
	for id in os.getenv("BALLOT_PRIORITIES"):gmatch("%d+") do
		priorities[#priorities + 1] = id
	end
	k = math.min(tonumber(os.getenv("BALLOT_K")), #priorities)
	math.randomseed(os.time() * 16 + tid)
	cursor = math.random(#sessions)
end

request = function()
	local s = sessions[cursor]
	cursor = cursor % #sessions + 1
	-- The first n of a random permutation (Fisher-Yates, stopped early).
	local n = math.random(k)
	for i = 1, n do
		local j = math.random(i, #priorities)
		priorities[i], priorities[j] = priorities[j], priorities[i]
	end
	return wrk.format("PUT", nil, {
		["Content-Type"] = "application/json",
		["Cookie"] = s.cookie,
		["X-CSRF-Token"] = s.csrf,
		["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255),
		    math.random(0, 255), math.random(1, 254)),
	}, '{"choices":[' .. table.concat(priorities, ",", 1, n) .. ']}')
end
