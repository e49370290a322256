#ifndef CLIBPQ_SHIM_H
#define CLIBPQ_SHIM_H
/* Debian's libpq-dev installs this under /usr/include/postgresql (pkg-config libpq adds it). */
#include <libpq-fe.h>
#endif
