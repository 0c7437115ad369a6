-- SPDX-License-Identifier: AGPL-3.0-or-later
-- wrk script: the mixed workload of `make bench`, from the signed-in
-- sessions of MIXED_SESSIONS ("TOKEN CSRF" lines; each of MIXED_THREADS
-- threads cycles through its own share): per request, 90% reads (the
-- paths of MIXED_READS, space-separated, in turn), 9% ballots
-- (PUT MIXED_BALLOT, as ballot.lua: 1 to BALLOT_K distinct ids of
-- BALLOT_PRIORITIES) and 1% comments (POST MIXED_COMMENT, as
-- comment.lua).  Writes come from random client addresses.
local lib = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
setup = lib.numbered()

local sessions, priorities, cursor, k
local reads = {}
local ballot_path = os.getenv("MIXED_BALLOT")
local comment_path = os.getenv("MIXED_COMMENT")
local r, n = 0, 0

function init(args)
	sessions = lib.sessions(os.getenv("MIXED_SESSIONS"), tid,
	    tonumber(os.getenv("MIXED_THREADS") or "1"))
	for p in os.getenv("MIXED_READS"):gmatch("%S+") do
		reads[#reads + 1] = p
	end
	priorities = lib.ids(os.getenv("BALLOT_PRIORITIES"))
	k = tonumber(os.getenv("BALLOT_K"))
	math.randomseed(os.time() * 16 + tid)
	cursor = math.random(#sessions)
end

request = function()
	local s = sessions[cursor]
	cursor = cursor % #sessions + 1
	local x = math.random(100)
	if x > 10 then
		r = r % #reads + 1
		return wrk.format("GET", reads[r], { ["Cookie"] = s.cookie })
	end
	local headers = {
		["Content-Type"] = "application/json",
		["Cookie"] = s.cookie,
		["X-CSRF-Token"] = s.csrf,
		["X-Forwarded-For"] = lib.address(),
	}
	if x > 1 then
		return wrk.format("PUT", ballot_path, headers,
		    lib.ballot(priorities, k))
	end
	n = n + 1
	return wrk.format("POST", comment_path, headers, string.format(
	    '{"body":"Commentaire mixte %d-%d-%d : merci pour cette consultation."}',
	    tid, n, math.random(1, 1000000000)))
end
