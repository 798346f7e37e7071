// Small C helpers Swift cannot reach directly: glibc iconv and async-signal-safe cleanup on signals.
#ifndef HUKOU_CSHIMS_H
#define HUKOU_CSHIMS_H
#include <iconv.h>
#include <stddef.h>

/// Registers a path to unlink if SIGINT/SIGTERM/SIGHUP arrives (a partial output file). Returns a slot.
int hukou_register_temp_path(const char *path);
/// Forgets a registered path (the file was renamed into place or removed).
void hukou_unregister_temp_path(int slot);
/// Installs the handlers that unlink registered paths and re-raise the signal.
void hukou_install_cleanup_handlers(void);
#endif
