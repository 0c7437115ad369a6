-- SPDX-License-Identifier: AGPL-3.0-or-later
-- wrk script: POST /api/v1/consultations/{id}/comments (the URL given to
-- wrk) by signed-in participants (COMMENT_SESSIONS: "TOKEN CSRF" lines;
-- each of the COMMENT_THREADS threads cycles through its own share), each
-- a new thread of text no one posted before (a repeated text is refused
-- as a duplicate), from a random client address so that nginx's
-- per-network write limit measures nothing.  The per-account budget,
-- CONCERTO_COMMENTS_PER_MINUTE, is raised on the bench stack only.
local lib = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
setup = lib.numbered()

local sessions, cursor
local n = 0

function init(args)
	sessions = lib.sessions(os.getenv("COMMENT_SESSIONS"), tid,
	    tonumber(os.getenv("COMMENT_THREADS") or "1"))
	math.randomseed(os.time() * 16 + tid)
	cursor = math.random(#sessions)
end

request = function()
	local s = sessions[cursor]
	cursor = cursor % #sessions + 1
	n = n + 1
	return wrk.format("POST", nil, {
		["Content-Type"] = "application/json",
		["Cookie"] = s.cookie,
		["X-CSRF-Token"] = s.csrf,
		["X-Forwarded-For"] = lib.address(),
	}, string.format('{"body":"Commentaire de mesure %d-%d-%d : la question '
	    .. 'du retour au travail me semble la plus utile."}', tid, n,
	    math.random(1, 1000000000)))
end
