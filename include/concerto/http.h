/* HTTP vocabulary shared by the request layer, the router and the responses. */
#ifndef CONCERTO_HTTP_H
#define CONCERTO_HTTP_H

enum http_method {
	METHOD_GET,
	METHOD_HEAD,
	METHOD_POST,
	METHOD_PUT,
	METHOD_PATCH,
	METHOD_DELETE,
	METHOD_OPTIONS,
	METHOD__MAX		/* also: an unknown method */
};

const char	*http_method_name(enum http_method);
enum http_method http_method_parse(const char *);
const char	*http_status_text(int status);

#endif
