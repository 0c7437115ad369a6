/*
 * GET /api/health: is this worker able to serve?  It runs one trivial
 * statement on the thread's connection (reconnecting if it must).
 */
#include "concerto/api.h"
#include "concerto/request.h"
#include "concerto/response.h"
#include "concerto/version.h"

void
api_health_get(struct request *req, struct response *res)
{
	enum db_status	 rc = db_ping(req->db);

	response_json(res, rc == DB_OK ? 200 : 503, json_pack("{s:s,s:s,s:s}",
	    "status", rc == DB_OK ? "ok" : "unavailable",
	    "db", rc == DB_OK ? "ok" : "unavailable",
	    "version", CONCERTO_VERSION));
	if (rc != DB_OK)
		response_header(res, "Retry-After", "2");
}
