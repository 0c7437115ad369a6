/*
 * The master process (see server.h).  It does no request work: it owns the
 * socket, the shared region and the worker slots.  Signals are blocked and
 * taken synchronously with sigtimedwait(), so the loop below is the only
 * place that reacts to them and no handler runs at an awkward moment.
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

struct master {
	const struct config	*cfg;
	struct shared		*shared;
	int			 fd;		/* the listening socket */
	struct stat		 sock;		/* the socket file we made */
	int			 pidfd;		/* the locked pid file, or -1 */
	struct slot		*slots;
	sigset_t		 sigs;
	bool			 stopping;
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
	if (chmod(cfg->socket_path, 0660) < 0 || listen(fd, 1024) < 0)
		goto fail;
	return fd;
fail:
	log_error("socket %s: %s", cfg->socket_path, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (bound)
		unlink(cfg->socket_path);
	return -1;
}

/* Removes our socket file, unless another file has taken its path since. */
static void
server_unlisten(struct master *m)
{
	if (m->fd < 0)
		return;
	close(m->fd);
	m->fd = -1;
	if (server_same_file(m->cfg->socket_path, &m->sock))
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
 */
static int
server_pidfile_lock(struct master *m)
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
			else {
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
		_exit(worker_run(m->cfg, m->shared, m->fd, i));
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

int
server_run(const struct config *cfg)
{
	struct master	 m;
	siginfo_t	 info;
	struct timespec	 tick = { 0, 100 * 1000 * 1000 };
	int		 i, sig, rc = 1;
	double		 t;

	memset(&m, 0, sizeof(m));
	m.cfg = cfg;
	m.fd = -1;
	m.pidfd = -1;
	sigemptyset(&m.sigs);
	sigaddset(&m.sigs, SIGCHLD);
	sigaddset(&m.sigs, SIGTERM);
	sigaddset(&m.sigs, SIGINT);
	sigaddset(&m.sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &m.sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (server_pidfile_lock(&m) < 0 || server_geoip_check(cfg) < 0)
		goto out;
	if ((m.shared = shared_create(cfg->hash_slots)) == NULL) {
		log_error("cannot map the shared region");
		goto out;
	}
	if ((m.fd = server_listen(cfg, &m)) < 0)
		goto out;
	m.slots = xcalloc((size_t)cfg->workers, sizeof(struct slot));
	for (i = 0; i < cfg->workers; i++)
		server_spawn(&m, i);
	log_info("serving on %s with %d workers x %d threads",
	    cfg->socket_path, cfg->workers, cfg->threads);

	for (;;) {
		counters_proc_publish(&m.shared->counters.master);
		sig = sigtimedwait(&m.sigs, &info, &tick);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		if (sig == SIGHUP)
			server_reload(&m);
		server_reap(&m);
		t = now_s();
		for (i = 0; i < cfg->workers; i++)
			if (m.slots[i].pid == 0 && t >= m.slots[i].restart_at)
				server_spawn(&m, i);
	}
	server_stop(&m);
	log_info("stopped");
	rc = 0;
out:
	server_unlisten(&m);
	server_pidfile_release(&m);
	free(m.slots);
	shared_destroy(m.shared);
	return rc;
}
