/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The master process (see server.h).  It does no request work: it owns the
 * socket, the shared region and the worker slots.  Signals are blocked and
 * taken synchronously with sigtimedwait(), so the loop below is the only
 * place that reacts to them and no handler runs at an awkward moment.
 *
 * An upgrade (SIGUSR2) follows nginx: the master executes the binary it was
 * started from again, as a new master that inherits the listening socket
 * (CONCERTO_LISTEN_FD) and forks its own workers; once they have run for a
 * second, the new master sends the old one SIGTERM, and the old master,
 * seeing it come from its successor, tells the service manager the new main
 * pid, lets go of the pid file without removing it or the socket, and stops
 * its workers gracefully.  Connections wait in the socket's backlog
 * throughout: none is refused.  If the new master fails, the old one goes
 * on serving.
 */
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "concerto/config.h"
#include "concerto/geo.h"
#include "concerto/log.h"
#include "concerto/mem.h"
#include "concerto/notify.h"
#include "concerto/privilege.h"
#include "concerto/server.h"
#include "concerto/shared.h"
#include "concerto/worker.h"

struct slot {
	pid_t		 pid;		/* 0: not running */
	double		 started;	/* monotonic seconds */
	double		 restart_at;	/* when to fork again, if pid == 0 */
	int		 quick_deaths;	/* consecutive deaths soon after start */
	bool		 retiring;	/* asked to stop by a reload */
};

/* How long a new master's workers must have run before it takes over. */
#define SERVER_UPGRADE_SETTLE_S		1.0
/* How long a new master waits for its workers to settle, then gives up. */
#define SERVER_UPGRADE_DEADLINE_S	20.0

struct master {
	const struct config	*cfg;
	const struct privilege	*priv;
	struct shared		*shared;
	int			 fd;		/* the listening socket */
	struct stat		 sock;		/* the socket file we made */
	bool			 own_socket;	/* ours to remove at the end */
	int			 pidfd;		/* the locked pid file, or -1 */
	struct slot		*slots;
	sigset_t		 sigs;
	bool			 stopping;
	char			 exe[PATH_MAX];	/* the binary, for upgrades */
	pid_t			 successor;	/* new master of an upgrade */
	pid_t			 predecessor;	/* old master we replace */
	double			 upgrade_deadline;
};

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* True if path names the file that st describes. */
static bool
server_same_file(const char *path, const struct stat *st)
{
	struct stat	 now;

	return stat(path, &now) == 0 && now.st_dev == st->st_dev &&
	    now.st_ino == st->st_ino;
}

/*
 * Makes room for our socket at sun's path: nothing there, or a stale
 * socket (nobody accepts on it: connect(2) is refused), which is removed.
 * Returns 0, or -1 after logging why not: a server listens on it (even one
 * without a pid file), or the path is not a socket; either is left alone.
 */
static int
server_socket_free(const struct sockaddr_un *sun)
{
	const char	*path = sun->sun_path;
	struct stat	 st;
	int		 fd, rc, err;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		log_error("socket %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		log_error("socket %s: the path exists and is not a socket; "
		    "not starting", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0) {
		log_error("socket: %s", strerror(errno));
		return -1;
	}
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	err = errno;
	close(fd);
	/* EAGAIN: a listener whose backlog is full, alive all the same. */
	if (rc == 0 || err == EAGAIN) {
		log_error("socket %s: another server is listening on it; "
		    "not starting", path);
		return -1;
	}
	if (err != ECONNREFUSED) {
		log_error("socket %s: %s", path, strerror(err));
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		log_error("socket %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Opens the unix socket, mode 0660, group cfg->socket_group when that group
 * exists, and records its file in m->sock.  Returns the fd or -1.  A stale
 * socket file is replaced; a live one or another file is refused (see
 * server_socket_free()).  The socket blocks: worker threads wait in
 * accept(2) itself (the kernel wakes one waiter per connection), and its
 * receive timeout brings an idle thread back to see a stop (worker.c).
 */
static int
server_listen(const struct config *cfg, struct master *m)
{
	/* accept(2) gives up after this (EAGAIN): see worker.h. */
	const struct timeval	 accept_wait = { WORKER_ACCEPT_WAIT_MS / 1000,
				    WORKER_ACCEPT_WAIT_MS % 1000 * 1000 };
	struct sockaddr_un	 sun;
	struct group		*gr;
	int			 fd = -1;
	bool			 bound = false;
	mode_t			 old;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(cfg->socket_path) >= sizeof(sun.sun_path)) {
		log_error("socket path too long: %s", cfg->socket_path);
		return -1;
	}
	memcpy(sun.sun_path, cfg->socket_path, strlen(cfg->socket_path) + 1);
	if (server_socket_free(&sun) < 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &accept_wait,
	    sizeof(accept_wait)) < 0)
		goto fail;
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		umask(old);
		goto fail;
	}
	umask(old);
	bound = true;
	if (stat(cfg->socket_path, &m->sock) < 0)
		goto fail;
	if ((gr = getgrnam(cfg->socket_group)) != NULL &&
	    chown(cfg->socket_path, (uid_t)-1, gr->gr_gid) < 0)
		log_warn("socket: cannot give it group %s", cfg->socket_group);
	if (chmod(cfg->socket_path, 0660) < 0 || listen(fd, 1024) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		goto fail;
	m->own_socket = true;
	return fd;
fail:
	log_error("socket %s: %s", cfg->socket_path, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (bound)
		unlink(cfg->socket_path);
	return -1;
}

/*
 * Takes over the listening socket an old master handed down in fdtext
 * (CONCERTO_LISTEN_FD): it must be a listening unix socket bound to
 * CONCERTO_SOCKET.  Returns the fd, or -1 after logging why not.
 */
static int
server_adopt(const struct config *cfg, struct master *m, const char *fdtext)
{
	struct sockaddr_un	 sun;
	socklen_t		 len = sizeof(sun), optlen;
	size_t			 pathlen;
	char			*end;
	long			 n;
	int			 fd, listening = 0;

	errno = 0;
	n = strtol(fdtext, &end, 10);
	if (errno != 0 || *end != '\0' || end == fdtext || n < 3 ||
	    n > INT_MAX) {
		log_error("CONCERTO_LISTEN_FD: not a descriptor: %s", fdtext);
		return -1;
	}
	fd = (int)n;
	optlen = sizeof(listening);
	memset(&sun, 0, sizeof(sun));
	if (getsockname(fd, (struct sockaddr *)&sun, &len) < 0 ||
	    sun.sun_family != AF_UNIX || getsockopt(fd, SOL_SOCKET,
	    SO_ACCEPTCONN, &listening, &optlen) < 0 || !listening) {
		log_error("CONCERTO_LISTEN_FD %d: not a listening unix socket",
		    fd);
		return -1;
	}
	pathlen = len > offsetof(struct sockaddr_un, sun_path) ?
	    (size_t)len - offsetof(struct sockaddr_un, sun_path) : 0;
	if (strnlen(sun.sun_path, pathlen) != strlen(cfg->socket_path) ||
	    strncmp(sun.sun_path, cfg->socket_path, pathlen) != 0) {
		log_error("CONCERTO_LISTEN_FD %d: bound to %.*s, not to "
		    "CONCERTO_SOCKET %s", fd, (int)strnlen(sun.sun_path,
		    pathlen), sun.sun_path, cfg->socket_path);
		return -1;
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ||
	    stat(cfg->socket_path, &m->sock) < 0) {
		log_error("socket %s: %s", cfg->socket_path, strerror(errno));
		return -1;
	}
	return fd;
}

/*
 * Closes the socket; removes its file if it is ours (made by us, or
 * taken over in an upgrade), unless another file has taken its path since.
 */
static void
server_unlisten(struct master *m)
{
	if (m->fd < 0)
		return;
	close(m->fd);
	m->fd = -1;
	if (m->own_socket && server_same_file(m->cfg->socket_path, &m->sock))
		unlink(m->cfg->socket_path);
}

/* The pid written in a pid file's text, or 0 (none yet, or garbage). */
static long
server_pid(const char *text)
{
	char	*end;
	long	 pid;

	errno = 0;
	pid = strtol(text, &end, 10);
	return errno == 0 && end != text && pid > 0 ? pid : 0;
}

/* Logs that another master holds the pid file at path (pid 0: unknown). */
static void
server_pidfile_held(const char *path, long pid)
{
	if (pid > 0)
		log_error("another concerto serve (pid %ld) holds %s; not "
		    "starting", pid, path);
	else
		log_error("another concerto serve holds %s; not starting",
		    path);
}

/*
 * Takes the pid file for the master's life: opens (or creates) it, locks
 * it with flock(LOCK_EX | LOCK_NB) and writes our pid, into m->pidfd.  The
 * lock lasts as long as that descriptor is open (workers close their
 * copy).  Returns 0 (also when no pid file is configured), or -1 after
 * logging why: another master holds the lock, or an error.  The file is
 * not touched when the lock is refused.  If the file was replaced between
 * open and lock, it is opened again, so the lock is on the file at path.
 * quiet: a lock held elsewhere is not logged (a new master waiting for the
 * old one to let go).
 */
static int
server_pidfile_lock(struct master *m, bool quiet)
{
	const char	*path = m->cfg->pidfile;
	struct stat	 st;
	char		 line[32];
	ssize_t		 n;
	int		 fd, tries, len;

	if (path == NULL)
		return 0;
	for (tries = 0; tries < 5; tries++) {
		if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
			log_error("pidfile %s: %s", path, strerror(errno));
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			if (errno != EWOULDBLOCK)
				log_error("pidfile %s: %s", path,
				    strerror(errno));
			else if (!quiet) {
				n = pread(fd, line, sizeof(line) - 1, 0);
				line[n > 0 ? n : 0] = '\0';
				server_pidfile_held(path, server_pid(line));
			}
			close(fd);
			return -1;
		}
		if (fstat(fd, &st) == 0 && server_same_file(path, &st))
			break;
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		log_error("pidfile %s: replaced while being locked", path);
		return -1;
	}
	m->pidfd = fd;
	len = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 ||
	    pwrite(fd, line, (size_t)len, 0) != (ssize_t)len) {
		log_error("pidfile %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Removes and unlocks the pid file we hold, if we hold one. */
static void
server_pidfile_release(struct master *m)
{
	struct stat	 st;

	if (m->pidfd < 0)
		return;
	if (fstat(m->pidfd, &st) == 0 &&
	    server_same_file(m->cfg->pidfile, &st))
		unlink(m->cfg->pidfile);
	close(m->pidfd);
	m->pidfd = -1;
}

/* Closes the pid file without removing it: a new master takes it. */
static void
server_pidfile_hand_over(struct master *m)
{
	if (m->pidfd >= 0)
		close(m->pidfd);
	m->pidfd = -1;
}

/* Forks the worker for slot i; the child never returns. */
static void
server_spawn(struct master *m, int i)
{
	pid_t	 pid, master = getpid();

	if ((pid = fork()) < 0) {
		log_error("fork: %s", strerror(errno));
		m->slots[i].restart_at = now_s() + 1;
		return;
	}
	if (pid == 0) {
		/*
		 * A worker ends with its master; one forked as the master
		 * died would never be told, so it checks that it has not
		 * already been handed to another parent.
		 */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != master)
			_exit(0);
		sigprocmask(SIG_UNBLOCK, &m->sigs, NULL);
		if (m->pidfd >= 0)
			close(m->pidfd);
		_exit(worker_run(m->cfg, m->priv, m->shared, m->fd, i));
	}
	m->slots[i].pid = pid;
	counters_worker_started(&m->shared->counters, i, pid);
	m->slots[i].started = now_s();
	m->slots[i].retiring = false;
}

/*
 * Books the death of a worker.  A worker that exits after a reload or a
 * stop is replaced at once (or not at all when stopping); one that died
 * within a second of its start is restarted after a growing delay (0.1 s,
 * 0.2 s, ... up to 5 s) so a crash loop does not spin.
 */
static void
server_reap(struct master *m)
{
	pid_t	 pid;
	int	 status, i;
	double	 t, delay;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == m->successor) {
			log_error("upgrade: the new master (pid %ld) ended "
			    "before taking over (%s %d); this one goes on "
			    "serving", (long)pid, WIFSIGNALED(status) ?
			    "signal" : "status", WIFSIGNALED(status) ?
			    WTERMSIG(status) : WEXITSTATUS(status));
			m->successor = 0;
			continue;
		}
		for (i = 0; i < m->cfg->workers; i++)
			if (m->slots[i].pid == pid)
				break;
		if (i == m->cfg->workers)
			continue;
		m->slots[i].pid = 0;
		counters_worker_stopped(&m->shared->counters, i);
		if (m->stopping)
			continue;
		t = now_s();
		if (m->slots[i].retiring) {
			m->slots[i].restart_at = t;
			continue;
		}
		if (WIFSIGNALED(status))
			log_warn("worker %d (pid %ld) killed by signal %d", i,
			    (long)pid, WTERMSIG(status));
		else
			log_warn("worker %d (pid %ld) exited with status %d", i,
			    (long)pid, WEXITSTATUS(status));
		counters_worker_restarted(&m->shared->counters);
		if (t - m->slots[i].started < 1.0)
			m->slots[i].quick_deaths++;
		else
			m->slots[i].quick_deaths = 0;
		delay = 0;
		if (m->slots[i].quick_deaths > 0) {
			delay = 0.1 * (double)(1 << (m->slots[i].quick_deaths < 6 ?
			    m->slots[i].quick_deaths - 1 : 5));
			if (delay > 5)
				delay = 5;
		}
		m->slots[i].restart_at = t + delay;
	}
}

/*
 * Reload: every worker is told to retire at once; each finishes the
 * requests it has in flight and exits, and the master forks its
 * replacement as it reaps it (server_reap()), which reads the
 * configuration and reconnects afresh.  The listening socket stays open,
 * so connections that arrive meanwhile wait in its backlog.
 */
static void
server_reload(struct master *m)
{
	int	 i;

	log_info("reload: rolling over %d workers", m->cfg->workers);
	for (i = 0; i < m->cfg->workers; i++)
		if (m->slots[i].pid > 0) {
			m->slots[i].retiring = true;
			kill(m->slots[i].pid, SIGTERM);
		}
}

/* SIGUSR1: reopens the log file, then has every worker reopen it. */
static void
server_log_reopen(struct master *m)
{
	int	 i;

	if (m->cfg->log_file == NULL)
		return;
	if (log_reopen() < 0) {
		log_error("log: cannot reopen %s: %s; still writing to the "
		    "old file", m->cfg->log_file, strerror(errno));
		return;
	}
	for (i = 0; i < m->cfg->workers; i++)
		if (m->slots[i].pid > 0)
			kill(m->slots[i].pid, SIGUSR1);
	log_info("log: reopened %s", m->cfg->log_file);
}

/*
 * SIGUSR2: forks and executes m->exe (the path this master was started
 * from, where an upgrade installs the new binary) as a new master, with
 * the listening socket open in it and named by CONCERTO_LISTEN_FD.
 */
static void
server_upgrade_start(struct master *m)
{
	char	 fdtext[16], from[24];
	char	*argv[3];
	pid_t	 pid;

	if (m->successor > 0 || m->predecessor > 0) {
		log_warn("upgrade: one is under way already; SIGUSR2 ignored");
		return;
	}
	if (m->exe[0] == '\0') {
		log_error("upgrade: the binary's path is unknown");
		return;
	}
	snprintf(fdtext, sizeof(fdtext), "%d", m->fd);
	snprintf(from, sizeof(from), "%ld", (long)getpid());
	if ((pid = fork()) < 0) {
		log_error("upgrade: fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		argv[0] = m->exe;
		argv[1] = (char *)"serve";
		argv[2] = NULL;
		if (fcntl(m->fd, F_SETFD, 0) == 0 &&
		    setenv("CONCERTO_LISTEN_FD", fdtext, 1) == 0 &&
		    setenv("CONCERTO_UPGRADE_FROM", from, 1) == 0) {
			sigprocmask(SIG_UNBLOCK, &m->sigs, NULL);
			execv(m->exe, argv);
		}
		log_error("upgrade: cannot execute %s: %s", m->exe,
		    strerror(errno));
		_exit(127);
	}
	m->successor = pid;
	log_info("upgrade: executing %s as a new master (pid %ld)", m->exe,
	    (long)pid);
}

/*
 * The old master's side of the handover (SIGTERM from its successor): the
 * manager is told the new main pid; the pid file and the socket are left
 * to the new master.
 */
static void
server_upgrade_hand_over(struct master *m)
{
	log_info("upgrade: the new master (pid %ld) takes over; stopping "
	    "this master's workers", (long)m->successor);
	if (notify_mainpid(m->successor) < 0)
		log_warn("upgrade: cannot tell the service manager the new "
		    "main pid");
	server_pidfile_hand_over(m);
	m->own_socket = false;
}

/*
 * The new master's side, at every tick: once every worker has run for
 * SERVER_UPGRADE_SETTLE_S, the old master is asked to leave; then the pid
 * file is taken as soon as the old master lets go of it.  Returns -1 when
 * the workers did not settle in time (the old master stays).
 */
static int
server_upgrade_tick(struct master *m, double t)
{
	int	 i;

	if (m->predecessor > 0) {
		for (i = 0; i < m->cfg->workers; i++)
			if (m->slots[i].pid == 0 ||
			    t - m->slots[i].started < SERVER_UPGRADE_SETTLE_S)
				break;
		if (i < m->cfg->workers) {
			if (t < m->upgrade_deadline)
				return 0;
			log_error("upgrade: the workers did not start; "
			    "leaving the old master (pid %ld) in charge",
			    (long)m->predecessor);
			return -1;
		}
		if (kill(m->predecessor, SIGTERM) < 0)
			log_warn("upgrade: old master (pid %ld): %s",
			    (long)m->predecessor, strerror(errno));
		m->predecessor = 0;
		m->own_socket = true;
		log_info("upgrade: serving; the old master is leaving");
	}
	if (m->cfg->pidfile != NULL && m->pidfd < 0 && m->own_socket &&
	    server_pidfile_lock(m, true) == 0 && m->pidfd >= 0)
		log_info("upgrade: pid file %s taken", m->cfg->pidfile);
	return 0;
}

/* The path of the running binary, into m->exe (empty if unknown). */
static void
server_exe(struct master *m)
{
	static const char	 deleted[] = " (deleted)";
	ssize_t			 n;
	size_t			 len;

	n = readlink("/proc/self/exe", m->exe, sizeof(m->exe) - 1);
	len = n > 0 ? (size_t)n : 0;
	m->exe[len] = '\0';
	if (len > sizeof(deleted) - 1 &&
	    strcmp(m->exe + len - (sizeof(deleted) - 1), deleted) == 0)
		m->exe[len - (sizeof(deleted) - 1)] = '\0';
}

/*
 * Reads the handover variables of an upgrade, if any, into m and removes
 * them from the environment (workers and later upgrades must not see
 * them).  Returns 0, or -1 when CONCERTO_UPGRADE_FROM is not a pid.
 */
static int
server_upgrade_env(struct master *m, const char **listen_fd)
{
	const char	*from = getenv("CONCERTO_UPGRADE_FROM");
	char		*end;
	long		 pid;

	*listen_fd = getenv("CONCERTO_LISTEN_FD");
	if (from == NULL)
		return 0;
	errno = 0;
	pid = strtol(from, &end, 10);
	if (errno != 0 || *end != '\0' || pid <= 1 || *listen_fd == NULL) {
		log_error("CONCERTO_UPGRADE_FROM: not an old master's pid, or "
		    "no CONCERTO_LISTEN_FD");
		return -1;
	}
	m->predecessor = (pid_t)pid;
	m->upgrade_deadline = now_s() + SERVER_UPGRADE_DEADLINE_S;
	unsetenv("CONCERTO_UPGRADE_FROM");
	return 0;
}

static int
server_running(const struct master *m)
{
	int	 i, n = 0;

	for (i = 0; i < m->cfg->workers; i++)
		if (m->slots[i].pid > 0)
			n++;
	return n;
}

/* Stops every worker: SIGTERM, then SIGKILL after the grace period. */
static void
server_stop(struct master *m)
{
	siginfo_t	 info;
	struct timespec	 tick = { 0, 100 * 1000 * 1000 };
	double		 deadline;
	int		 i;

	m->stopping = true;
	log_info("stopping: waiting for in-flight requests");
	for (i = 0; i < m->cfg->workers; i++)
		if (m->slots[i].pid > 0)
			kill(m->slots[i].pid, SIGTERM);
	deadline = now_s() + m->cfg->shutdown_grace_s;
	while (server_running(m) > 0 && now_s() < deadline) {
		(void)sigtimedwait(&m->sigs, &info, &tick);
		server_reap(m);
	}
	for (i = 0; i < m->cfg->workers; i++)
		if (m->slots[i].pid > 0) {
			log_warn("worker %d did not stop in time", i);
			kill(m->slots[i].pid, SIGKILL);
		}
	while (server_running(m) > 0 && waitpid(-1, NULL, 0) > 0)
		server_reap(m);
}

/*
 * GeoIP is required unless switched off: a missing or unreadable database
 * stops the start with a message saying which and why.  Returns 0 or -1.
 */
static int
server_geoip_check(const struct config *cfg)
{
	struct geo	*g = NULL;
	char		 err[256];

	if (cfg->geoip_off)
		return 0;
	if (cfg->geoip == NULL) {
		log_error("CONCERTO_GEOIP is not set: point it at a GeoIP2 or "
		    "GeoLite2 City database, or set it to \"off\"");
		return -1;
	}
	if (geo_open(cfg->geoip, &g, err, sizeof(err)) < 0) {
		log_error("GeoIP: %s", err);
		return -1;
	}
	geo_close(g);
	return 0;
}

/*
 * Handles the signal sig (-1: none) of the master's loop.  Returns false
 * when the master must stop.
 */
static bool
server_signal(struct master *m, int sig, const siginfo_t *info)
{
	switch (sig) {
	case SIGTERM:
		if (m->successor > 0 && info->si_pid == m->successor)
			server_upgrade_hand_over(m);
		return false;
	case SIGINT:
		return false;
	case SIGHUP:
		server_reload(m);
		break;
	case SIGUSR1:
		server_log_reopen(m);
		break;
	case SIGUSR2:
		server_upgrade_start(m);
		break;
	default:
		break;
	}
	return true;
}

/*
 * Takes the socket: the one an old master handed down in an upgrade, or a
 * new one.  The pid file of an upgrade is taken later (server_upgrade_tick).
 */
static int
server_open(struct master *m)
{
	const char	*listen_fd;

	if (server_upgrade_env(m, &listen_fd) < 0)
		return -1;
	if (m->predecessor == 0 && server_pidfile_lock(m, false) < 0)
		return -1;
	if (server_geoip_check(m->cfg) < 0)
		return -1;
	if ((m->shared = shared_create(m->cfg->hash_slots)) == NULL) {
		log_error("cannot map the shared region");
		return -1;
	}
	if (m->predecessor > 0) {
		m->fd = server_adopt(m->cfg, m, listen_fd);
		unsetenv("CONCERTO_LISTEN_FD");
	} else
		m->fd = server_listen(m->cfg, m);
	return m->fd < 0 ? -1 : 0;
}

int
server_run(const struct config *cfg, const struct privilege *priv)
{
	struct master	 m;
	siginfo_t	 info;
	struct timespec	 tick = { 0, 100 * 1000 * 1000 };
	int		 i, sig, rc = 1;
	double		 t;

	memset(&m, 0, sizeof(m));
	m.cfg = cfg;
	m.priv = priv;
	m.fd = -1;
	m.pidfd = -1;
	sigemptyset(&m.sigs);
	sigaddset(&m.sigs, SIGCHLD);
	sigaddset(&m.sigs, SIGTERM);
	sigaddset(&m.sigs, SIGINT);
	sigaddset(&m.sigs, SIGHUP);
	sigaddset(&m.sigs, SIGUSR1);
	sigaddset(&m.sigs, SIGUSR2);
	sigprocmask(SIG_BLOCK, &m.sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	server_exe(&m);

	if (log_open(cfg->log_file, priv->drop ? priv->uid : (uid_t)-1) < 0) {
		log_error("CONCERTO_LOG_FILE %s: %s", cfg->log_file,
		    strerror(errno));
		goto out;
	}
	if (server_open(&m) < 0)
		goto out;
	m.slots = xcalloc((size_t)cfg->workers, sizeof(struct slot));
	for (i = 0; i < cfg->workers; i++)
		server_spawn(&m, i);
	log_info("serving on %s with %d workers x %d threads%s",
	    cfg->socket_path, cfg->workers, cfg->threads,
	    m.predecessor > 0 ? " (upgrade: taking over)" : "");
	if (m.predecessor == 0 && notify_ready() < 0)
		log_warn("cannot tell the service manager that serve is ready");

	for (;;) {
		counters_proc_publish(&m.shared->counters.master);
		sig = sigtimedwait(&m.sigs, &info, &tick);
		if (!server_signal(&m, sig, &info))
			break;
		server_reap(&m);
		t = now_s();
		for (i = 0; i < cfg->workers; i++)
			if (m.slots[i].pid == 0 && t >= m.slots[i].restart_at)
				server_spawn(&m, i);
		if (server_upgrade_tick(&m, t) < 0)
			break;
	}
	rc = m.predecessor > 0 ? 1 : 0;
	server_stop(&m);
	log_info("stopped");
out:
	server_unlisten(&m);
	server_pidfile_release(&m);
	free(m.slots);
	shared_destroy(m.shared);
	return rc;
}
