// bench_measure: runs one program and reports its wall time and peak resident set size, for bench/run.py.
//
//   bench_measure REPORT-FILE TIMEOUT-SECONDS PROGRAM [ARG...]
//
// Forks, execs PROGRAM (searched on PATH) with the inherited stdin/stdout/stderr, waits for it with wait4 and writes
// one line to REPORT-FILE:
//   status=N wall=SECONDS maxrss_kib=K user=SECONDS sys=SECONDS timed_out=0|1
// where N is the exit status, or -SIGNAL when a signal ended it, and 127 when it could not be started. After
// TIMEOUT-SECONDS (0: none) the program is killed with SIGKILL and timed_out=1. The exit status of bench_measure is 0
// when the report was written, 2 on a usage or system error.
//
// Why this exists instead of os.wait4 in Python: Linux charges a process's peak RSS (ru_maxrss) with the high-water
// mark of the memory image it replaced at exec (fs/exec.c, exec_mmap -> setmax_mm_hiwater_rss). A program started from
// the Python harness therefore reports at least the harness's own ~10-14 MB, which would hide the difference between
// two engines that each need a few MB. Started from this small process, the child's peak is its own (to within this
// program's few hundred KiB). Wall time runs from just before fork to the return of wait4: the whole process, start-up
// and exit included, as the user sees it.
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace {

volatile sig_atomic_t g_alarm = 0;
void on_alarm(int) { g_alarm = 1; }

double seconds_between(const timespec& a, const timespec& b) {
    return static_cast<double>(b.tv_sec - a.tv_sec) + static_cast<double>(b.tv_nsec - a.tv_nsec) * 1e-9;
}

double timeval_seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; }

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: bench_measure REPORT-FILE TIMEOUT-SECONDS PROGRAM [ARG...]\n");
        return 2;
    }
    const char* report_path = argv[1];
    char* end = nullptr;
    double timeout = std::strtod(argv[2], &end);
    if (end == argv[2] || *end != '\0' || timeout < 0 || timeout > 1e6) {
        std::fprintf(stderr, "bench_measure: the timeout must be a number of seconds in [0, 1e6], got '%s'\n", argv[2]);
        return 2;
    }

    // No SA_RESTART: the alarm must interrupt wait4.
    struct sigaction action {};
    action.sa_handler = on_alarm;
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, nullptr);

    timespec start{};
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t child = fork();
    if (child < 0) {
        std::fprintf(stderr, "bench_measure: fork failed: %s\n", std::strerror(errno));
        return 2;
    }
    if (child == 0) {
        execvp(argv[3], argv + 3);
        std::fprintf(stderr, "bench_measure: cannot run '%s': %s\n", argv[3], std::strerror(errno));
        _exit(127);
    }
    if (timeout > 0) {
        itimerval timer{};
        timer.it_value.tv_sec = static_cast<time_t>(timeout);
        timer.it_value.tv_usec = static_cast<suseconds_t>((timeout - static_cast<double>(timer.it_value.tv_sec)) * 1e6);
        if (timer.it_value.tv_sec == 0 && timer.it_value.tv_usec == 0) timer.it_value.tv_usec = 1;
        setitimer(ITIMER_REAL, &timer, nullptr);
    }

    int status = 0;
    rusage usage{};
    bool timed_out = false;
    for (;;) {
        pid_t r = wait4(child, &status, 0, &usage);
        if (r == child) break;
        if (r < 0 && errno == EINTR) {
            if (g_alarm && !timed_out) {
                timed_out = true;
                kill(child, SIGKILL);
            }
            continue;
        }
        std::fprintf(stderr, "bench_measure: wait4 failed: %s\n", std::strerror(errno));
        return 2;
    }
    timespec stop{};
    clock_gettime(CLOCK_MONOTONIC, &stop);

    int code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? -WTERMSIG(status) : -1;
    std::FILE* report = std::fopen(report_path, "w");
    if (!report) {
        std::fprintf(stderr, "bench_measure: cannot write '%s': %s\n", report_path, std::strerror(errno));
        return 2;
    }
    std::fprintf(report, "status=%d wall=%.6f maxrss_kib=%ld user=%.6f sys=%.6f timed_out=%d\n", code,
                 seconds_between(start, stop), usage.ru_maxrss, timeval_seconds(usage.ru_utime),
                 timeval_seconds(usage.ru_stime), timed_out ? 1 : 0);
    bool ok = std::fclose(report) == 0;
    return ok ? 0 : 2;
}
