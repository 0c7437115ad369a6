/*
 * The route table: every URL the workers answer, with its role, CSRF
 * requirement and accepted fields.  www/api/openapi.json describes exactly
 * these routes (a test checks it).
 */
#include "concerto/api.h"
#include "concerto/field.h"
#include "concerto/router.h"

#define FIELDS(a)	(a), (sizeof(a) / sizeof((a)[0]))

static const struct field session_fields[] = {
	{ "email", FIELD_STRING, FIELD_REQUIRED, 3, 254, NULL, NULL },
	{ "password", FIELD_STRING, FIELD_REQUIRED, 1, 1024, NULL, NULL },
};

const struct route routes[] = {
	{ METHOD_GET, "/api/health", api_health_get, ROLE_ANY, false,
	  NULL, 0, NULL, 0 },
	{ METHOD_GET, "/metrics", api_metrics_get, ROLE_ANY, false,
	  NULL, 0, NULL, 0 },
	{ METHOD_POST, "/api/v1/session", api_session_create, ROLE_ANY, false,
	  FIELDS(session_fields), NULL, 0 },
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
