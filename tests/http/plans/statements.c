/*
 * Prints the statement table of src/db_sql.c as JSON lines, {"name",
 * "nparams", "text"}, for tests/http/plans.test.mjs, which compiles it
 * with src/db_sql.c: the plans it checks are those of the very texts the
 * workers prepare.
 */
#include <stdio.h>

#include "concerto/db_sql.h"

static void
put_json_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

int
main(void)
{
	size_t	 i;

	for (i = 0; i < STMT__MAX; i++) {
		printf("{\"name\":");
		put_json_string(db_statements[i].name);
		printf(",\"nparams\":%d,\"text\":", (int)db_statements[i].nparams);
		put_json_string(db_statements[i].sql);
		printf("}\n");
	}
	return 0;
}
