#ifndef STREAMREC_CROCKSDB_SHIM_H
#define STREAMREC_CROCKSDB_SHIM_H
#include <rocksdb/c.h>
#endif
