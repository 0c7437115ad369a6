-- wrk script: sign-ins with the account given in SIGNIN_BODY (JSON), each
-- from a random client address, so that nginx's per-address limit and the
-- worker's per-network throttling measure nothing but the hashing.
wrk.method = "POST"
wrk.body = os.getenv("SIGNIN_BODY")
wrk.headers["Content-Type"] = "application/json"

request = function()
	wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d",
	    math.random(0, 255), math.random(0, 255), math.random(1, 254))
	return wrk.format()
end
