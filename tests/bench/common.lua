-- SPDX-License-Identifier: AGPL-3.0-or-later
-- What the wrk scripts of `make bench` share (loaded with dofile from
-- BENCH_LUA_DIR): thread numbers, each thread's share of the signed-in
-- sessions, random client addresses, ballots, and pacing to a fixed rate.
local M = {}

-- A setup() for wrk that numbers the threads: each sees its own as tid.
function M.numbered()
	local n = 0
	return function(thread)
		thread:set("tid", n)
		n = n + 1
	end
end

-- The sessions of file (lines "TOKEN CSRF", tests/bench/seed.sql) that
-- thread tid of nthreads takes: every nthreads-th, so that no session is
-- in flight on two threads.
function M.sessions(file, tid, nthreads)
	local out, i = {}, 0
	for line in io.lines(file) do
		local token, csrf = line:match("^(%S+) (%S+)$")
		if token then
			if i % nthreads == tid then
				out[#out + 1] = { cookie = "__Host-concerto=" .. token, csrf = csrf }
			end
			i = i + 1
		end
	end
	assert(#out > 0, "no session for thread " .. tid .. " in " .. file)
	return out
end

-- A random client address of 10/8, so that nginx's per-network limits
-- (and the worker's throttling) measure nothing.
function M.address()
	return string.format("10.%d.%d.%d", math.random(0, 255),
	    math.random(0, 255), math.random(1, 254))
end

-- The ids of a comma-separated list (BALLOT_PRIORITIES).
function M.ids(list)
	local out = {}
	for id in list:gmatch("%d+") do
		out[#out + 1] = id
	end
	return out
end

-- A ballot's body: 1 to k distinct ids of ids in random order, the first
-- ones of a random permutation (Fisher-Yates, stopped early; ids is
-- shuffled in place), so that the tallies move at every ballot.
function M.ballot(ids, k)
	local n = math.random(math.min(k, #ids))
	for i = 1, n do
		local j = math.random(i, #ids)
		ids[i], ids[j] = ids[j], ids[i]
	end
	return '{"choices":[' .. table.concat(ids, ",", 1, n) .. ']}'
end

-- A delay() for wrk that gives this thread `rate` requests a second in all
-- (wrk 4 has no -R): each call books the next slot of a fixed schedule and
-- waits until it, whichever connection asks; a schedule that falls behind
-- (the server cannot keep up) restarts from now rather than burst.
function M.pacer(rate)
	local ffi = require("ffi")
	pcall(ffi.cdef, [[
		typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
		int clock_gettime(int clk, bench_timespec *ts);
	]])
	local ts = ffi.new("bench_timespec")
	local function now_ms()
		ffi.C.clock_gettime(1, ts)	-- CLOCK_MONOTONIC
		return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
	end
	local interval, next_at = 1000 / rate, nil
	return function()
		local t = now_ms()
		if next_at == nil or next_at < t - 100 then next_at = t end
		local d = next_at - t
		next_at = next_at + interval
		return d > 0 and math.floor(d) or 0
	end
end

return M
