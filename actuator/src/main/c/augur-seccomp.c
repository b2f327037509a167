/*
 * augur-seccomp: the native half of Augur's supervised seccomp profiles (see actuator/README.md,
 * "Tightening the profile of a running task").
 *
 *   augur-seccomp exec FILTER SOCKET -- COMMAND [ARG...]
 *       Runs inside the sandbox, as the last step before the task's command. Installs the classic-BPF
 *       program in the file FILTER (struct sock_filter array; its calls return SECCOMP_RET_USER_NOTIF)
 *       with SECCOMP_FILTER_FLAG_NEW_LISTENER, hands the listener fd to the supervisor over the unix
 *       socket SOCKET (SCM_RIGHTS), waits for its receipt and execs COMMAND. Exit 96 when any of that
 *       fails (the command never runs unsupervised), 127 when COMMAND cannot be executed.
 *
 *   augur-seccomp supervise SOCKET TABLE STATE
 *       Runs outside the sandbox. Binds SOCKET, prints "READY" on stdout, takes one listener fd (then
 *       prints "SUPERVISING"), then
 *       answers each notification: CONTINUE when the profile named in the file STATE lets the call
 *       through, else what TABLE says that profile does with it (EPERM, or SIGKILL of the caller's
 *       process then EPERM). TABLE has one line per profile: NAME then NR:E / NR:K tokens. A missing or
 *       unknown STATE denies every notified call (fail closed). Exits 0 when the listener reports that
 *       no process uses the filter any more (the task ended), and dies with its parent (launcher).
 *
 * Decisions are by system-call number only (seccomp_data.nr), which the task cannot change after the
 * kernel has stopped it; arguments are never inspected (see seccomp_unotify(2) on why pointer
 * arguments read from the supervisor are subject to time-of-check/time-of-use races).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define SETUP_FAILED 96
#define MAX_PROFILES 64
#define MAX_NR 1024

static void die(const char *what) {
    fprintf(stderr, "augur-seccomp: %s: %s\n", what, strerror(errno));
    exit(SETUP_FAILED);
}

static void fail(const char *what) {
    fprintf(stderr, "augur-seccomp: %s\n", what);
    exit(SETUP_FAILED);
}

static struct sockaddr_un socket_address(const char *path) {
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof a.sun_path) fail("socket path too long");
    strcpy(a.sun_path, path);
    return a;
}

/* ---- exec: inside the sandbox ---- */

static int shim(const char *filter_path, const char *socket_path, char **command) {
    int f = open(filter_path, O_RDONLY | O_CLOEXEC);
    if (f < 0) die(filter_path);
    static struct sock_filter program[BPF_MAXINSNS];
    ssize_t n = read(f, program, sizeof program);
    if (n < 0) die("read filter");
    close(f);
    if (n == 0 || n % sizeof(struct sock_filter) != 0) fail("filter file is not a BPF program");
    struct sock_fprog prog = {.len = (unsigned short)(n / sizeof(struct sock_filter)),
                              .filter = program};

    /* Connect before the filter exists: the shim never waits on a supervisor it has not reached. */
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) die("socket");
    struct sockaddr_un a = socket_address(socket_path);
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) die(socket_path);

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die("no_new_privs");
    int listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
                           &prog);
    if (listener < 0) die("seccomp(SECCOMP_FILTER_FLAG_NEW_LISTENER)");

    char byte = 'L';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &listener, sizeof(int));
    if (sendmsg(s, &msg, 0) != 1) die("send listener");
    char receipt = 0;
    if (read(s, &receipt, 1) != 1 || receipt != 'K') fail("the supervisor did not take the listener");
    close(listener);
    close(s);
    execvp(command[0], command);
    fprintf(stderr, "augur-seccomp: %s: %s\n", command[0], strerror(errno));
    return 127;
}

/* ---- supervise: outside the sandbox ---- */

struct profile {
    char name[65];
    char action[MAX_NR]; /* 0 = continue, 'E' = EPERM, 'K' = kill the process */
};

static struct profile profiles[MAX_PROFILES];
static int profile_count;

static void load_table(const char *path) {
    FILE *t = fopen(path, "re");
    if (!t) die(path);
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, t) > 0) {
        char *save = NULL;
        char *name = strtok_r(line, " \t\n", &save);
        if (!name) continue;
        if (profile_count == MAX_PROFILES) fail("too many profiles in the table");
        struct profile *p = &profiles[profile_count++];
        memset(p, 0, sizeof *p);
        if (strlen(name) >= sizeof p->name) fail("profile name too long in the table");
        strcpy(p->name, name);
        for (char *tok; (tok = strtok_r(NULL, " \t\n", &save));) {
            int nr;
            char action;
            if (sscanf(tok, "%d:%c", &nr, &action) != 2 || nr < 0 || nr >= MAX_NR
                || (action != 'E' && action != 'K'))
                fail("bad entry in the table");
            p->action[nr] = action;
        }
    }
    free(line);
    fclose(t);
}

/* The profile the state file names, re-read only when the file was replaced or changed. */
static const struct profile *current;
static struct stat seen;
static int seen_valid;

static const struct profile *profile_in_force(const char *state_path) {
    struct stat st;
    if (stat(state_path, &st) < 0) {
        if (seen_valid) fprintf(stderr, "augur-seccomp: %s: %s: denying every supervised call\n",
                                state_path, strerror(errno));
        seen_valid = 0;
        current = NULL;
        return NULL;
    }
    if (seen_valid && st.st_ino == seen.st_ino && st.st_dev == seen.st_dev
        && st.st_size == seen.st_size && st.st_mtim.tv_sec == seen.st_mtim.tv_sec
        && st.st_mtim.tv_nsec == seen.st_mtim.tv_nsec)
        return current;
    seen = st;
    seen_valid = 1;
    current = NULL;
    char name[80] = {0};
    int f = open(state_path, O_RDONLY | O_CLOEXEC);
    if (f >= 0) {
        ssize_t n = read(f, name, sizeof name - 1);
        close(f);
        if (n > 0) name[strcspn(name, " \t\r\n")] = 0;
    }
    for (int i = 0; i < profile_count; i++)
        if (strcmp(profiles[i].name, name) == 0) current = &profiles[i];
    if (!current)
        fprintf(stderr, "augur-seccomp: unknown profile '%s' in %s: denying every supervised call\n",
                name, state_path);
    return current;
}

static int receive_listener(const char *socket_path) {
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) die("socket");
    struct sockaddr_un a = socket_address(socket_path);
    unlink(socket_path);
    mode_t old = umask(077); /* only root reaches the socket */
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) die(socket_path);
    umask(old);
    if (listen(s, 1) < 0) die("listen");
    printf("READY\n");
    fflush(stdout);
    int conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0) die("accept");
    close(s);
    unlink(socket_path); /* one task, one listener: nobody else can connect */

    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) != 1) die("receive listener");
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
        fail("no listener fd received");
    int listener;
    memcpy(&listener, CMSG_DATA(c), sizeof(int));
    char link[64], target[64] = {0};
    snprintf(link, sizeof link, "/proc/self/fd/%d", listener);
    if (readlink(link, target, sizeof target - 1) < 0 || strcmp(target, "anon_inode:seccomp notify") != 0)
        fail("the fd received is not a seccomp listener");
    /* Tell the launcher before the shim (receipt) lets the command start. */
    printf("SUPERVISING\n");
    fflush(stdout);
    if (write(conn, "K", 1) != 1) die("send receipt");
    close(conn);
    return listener;
}

static int supervise(const char *socket_path, const char *table_path, const char *state_path) {
    /* A terminal's Ctrl-C reaches the launcher's process group, this process included: the
     * launcher forwards it to the task; the supervisor must stay for as long as the task. */
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN); /* a shim gone before the receipt: write fails, no signal */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) die("pdeathsig");
    if (getppid() == 1) fail("the launcher is gone");
    load_table(table_path);
    int listener = receive_listener(socket_path);

    struct seccomp_notif_sizes sizes;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0) die("SECCOMP_GET_NOTIF_SIZES");
    struct seccomp_notif *req = calloc(1, sizes.seccomp_notif);
    struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp);
    if (!req || !resp) fail("out of memory");
    unsigned long continued = 0, denied = 0, killed = 0;
    for (;;) {
        struct pollfd p = {.fd = listener, .events = POLLIN};
        if (poll(&p, 1, -1) < 0) {
            if (errno == EINTR) continue;
            die("poll");
        }
        if (p.revents & POLLIN) {
            memset(req, 0, sizes.seccomp_notif);
            if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
                if (errno == EINTR || errno == ENOENT) continue; /* caller gone meanwhile */
                die("SECCOMP_IOCTL_NOTIF_RECV");
            }
            const struct profile *pr = profile_in_force(state_path);
            int nr = req->data.nr;
            char action = !pr ? 'E' : (nr >= 0 && nr < MAX_NR ? pr->action[nr] : 'E');
            memset(resp, 0, sizes.seccomp_notif_resp);
            resp->id = req->id;
            if (action == 0) {
                resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
                continued++;
            } else {
                resp->error = -EPERM;
                denied++;
                /* Kill only while the notification is still valid: then pid is still the caller. */
                if (action == 'K' && ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) == 0) {
                    kill((pid_t)req->pid, SIGKILL);
                    killed++;
                }
            }
            if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
                die("SECCOMP_IOCTL_NOTIF_SEND");
        } else if (p.revents & (POLLHUP | POLLERR)) {
            break; /* no process uses the filter any more: the task ended */
        }
    }
    fprintf(stderr, "augur-seccomp: task ended; supervised calls: %lu continued, %lu denied (%lu killed)\n",
            continued, denied, killed);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 6 && strcmp(argv[1], "exec") == 0 && strcmp(argv[4], "--") == 0)
        return shim(argv[2], argv[3], argv + 5);
    if (argc == 5 && strcmp(argv[1], "supervise") == 0) return supervise(argv[2], argv[3], argv[4]);
    fprintf(stderr,
            "usage: augur-seccomp exec FILTER SOCKET -- COMMAND [ARG...]\n"
            "       augur-seccomp supervise SOCKET TABLE STATE\n");
    return 2;
}
