#ifndef STREAMREC_CZLIB_SHIM_H
#define STREAMREC_CZLIB_SHIM_H
#include <zlib.h>
#endif
