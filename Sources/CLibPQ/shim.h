#ifndef SEGFLOW_CLIBPQ_SHIM_H
#define SEGFLOW_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
