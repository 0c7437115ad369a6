/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The HTTP handlers, grouped by resource under src/api/: one per route of
 * the table in src/api/routes.c, which alone includes this header.  Each
 * reads the typed values the router validated (request->fields,
 * request->qfields, request->id) and the viewer (ctx->session), and fills
 * the response.  A CACHE_VIEWER route may have a view beside its handler
 * (struct route_view, router.h).
 */
#ifndef CONCERTO_API_H
#define CONCERTO_API_H

struct ctx;
struct request;
struct response;

/* health.c */
void	 api_health_get(struct ctx *, struct request *, struct response *);

/* metrics.c */
void	 api_metrics_get(struct ctx *, struct request *, struct response *);

/* accounts.c */
void	 api_accounts_create(struct ctx *, struct request *, struct response *);
void	 api_accounts_verify(struct ctx *, struct request *, struct response *);
void	 api_password_reset(struct ctx *, struct request *, struct response *);
void	 api_password_reset_confirm(struct ctx *, struct request *,
	    struct response *);

/* session.c */
void	 api_session_create(struct ctx *, struct request *, struct response *);
void	 api_session_delete(struct ctx *, struct request *, struct response *);
void	 api_session_second_factor(struct ctx *, struct request *,
	    struct response *);

/* me.c */
void	 api_me_get(struct ctx *, struct request *, struct response *);
void	 api_me_patch(struct ctx *, struct request *, struct response *);
void	 api_me_delete(struct ctx *, struct request *, struct response *);
void	 api_me_export(struct ctx *, struct request *, struct response *);
void	 api_me_sessions_delete(struct ctx *, struct request *,
	    struct response *);

/* consultations.c */
void	 api_consultations_list(struct ctx *, struct request *,
	    struct response *);
void	 api_consultations_create(struct ctx *, struct request *,
	    struct response *);
void	 api_consultation_get(struct ctx *, struct request *,
	    struct response *);
void	 api_consultation_patch(struct ctx *, struct request *,
	    struct response *);

/* priorities.c */
void	 api_priorities_list(struct ctx *, struct request *, struct response *);
void	 api_priorities_create(struct ctx *, struct request *,
	    struct response *);
void	 api_priority_patch(struct ctx *, struct request *, struct response *);

/* submissions.c */
void	 api_submissions_list(struct ctx *, struct request *,
	    struct response *);
void	 api_submissions_create(struct ctx *, struct request *,
	    struct response *);

/* ballots.c */
void	 api_ballot_get(struct ctx *, struct request *, struct response *);
void	 api_ballot_put(struct ctx *, struct request *, struct response *);
void	 api_ballot_delete(struct ctx *, struct request *, struct response *);
void	 api_assisted_ballot_create(struct ctx *, struct request *,
	    struct response *);

/* comments.c */
void	 api_comments_list(struct ctx *, struct request *, struct response *);
extern const struct route_view api_comments_view;
void	 api_comments_create(struct ctx *, struct request *, struct response *);
void	 api_comment_patch(struct ctx *, struct request *, struct response *);
void	 api_comment_delete(struct ctx *, struct request *, struct response *);
void	 api_comment_vote(struct ctx *, struct request *, struct response *);

/* flags.c */
void	 api_comment_flag(struct ctx *, struct request *, struct response *);
void	 api_submission_flag(struct ctx *, struct request *, struct response *);

/* moderation.c */
void	 api_moderation_queue(struct ctx *, struct request *,
	    struct response *);
void	 api_moderation_decide(struct ctx *, struct request *,
	    struct response *);
void	 api_moderation_log(struct ctx *, struct request *, struct response *);
void	 api_account_suspend(struct ctx *, struct request *, struct response *);

/* notifications.c */
void	 api_notifications_list(struct ctx *, struct request *,
	    struct response *);
void	 api_notifications_read(struct ctx *, struct request *,
	    struct response *);

/* support.c */
void	 api_support_list(struct ctx *, struct request *, struct response *);
void	 api_support_put(struct ctx *, struct request *, struct response *);

/* results.c */
void	 api_results_get(struct ctx *, struct request *, struct response *);
void	 api_results_csv(struct ctx *, struct request *, struct response *);

#endif
