/*
 * The fuzz harnesses of wpsim's input parsers (`make fuzz`, sim/fuzz/README.md): each
 * fuzz_NAME.c is one libFuzzer entry point. The same objects linked with replay.c
 * instead of libFuzzer replay a corpus in `make test`.
 */
#ifndef XS_FUZZ_H
#define XS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse data (size bytes) the way the harness's parser takes user input. Returns 0;
 * a bug aborts (a crash, a sanitizer report, or a broken property of the parser's own
 * contract).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The parsers of files read a path: put data in an anonymous memory file and give a
 * path that opens it ("/proc/self/fd/N", len >= 32). Returns the descriptor, to close
 * when done, or -1 (no memory: the input is skipped).
 */
int xs_fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t len);

#endif /* XS_FUZZ_H */
