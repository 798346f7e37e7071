// Signal-time cleanup of temporary output files: a killed run must leave no half-written file.
#include "CShims.h"
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#define HUKOU_MAX_TEMPS 64
#define HUKOU_MAX_PATH 4096
static char temp_paths[HUKOU_MAX_TEMPS][HUKOU_MAX_PATH];
static volatile sig_atomic_t temp_used[HUKOU_MAX_TEMPS];

int hukou_register_temp_path(const char *path) {
    if (strlen(path) >= HUKOU_MAX_PATH) return -1;
    for (int i = 0; i < HUKOU_MAX_TEMPS; i++) {
        if (!temp_used[i]) {
            strcpy(temp_paths[i], path);
            temp_used[i] = 1;
            return i;
        }
    }
    return -1;
}

void hukou_unregister_temp_path(int slot) {
    if (slot >= 0 && slot < HUKOU_MAX_TEMPS) temp_used[slot] = 0;
}

static void hukou_cleanup_handler(int sig) {
    for (int i = 0; i < HUKOU_MAX_TEMPS; i++) {
        if (temp_used[i]) unlink(temp_paths[i]);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void hukou_install_cleanup_handlers(void) {
    /* A parent may have started us with these signals blocked (Foundation's Process does):
       unblock them, or a killed run could neither die nor clean up. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    signal(SIGINT, hukou_cleanup_handler);
    signal(SIGTERM, hukou_cleanup_handler);
    signal(SIGHUP, hukou_cleanup_handler);
}
