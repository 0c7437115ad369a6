/*
 * HTTP handlers, grouped by resource under src/api/.  Each reads the typed
 * values the router validated (request->fields, request->id) and fills the
 * response.  The route table itself is in src/api/routes.c.
 */
#ifndef CONCERTO_API_H
#define CONCERTO_API_H

struct request;
struct response;

/* Maps a database status that is not DB_OK to a response (503 or 500). */
#include "concerto/db.h"
void	 api_db_error(struct response *, enum db_status);

/* health.c */
void	 api_health_get(struct request *, struct response *);

/* metrics.c */
void	 api_metrics_get(struct request *, struct response *);

/* session.c */
void	 api_session_create(struct request *, struct response *);

#endif
