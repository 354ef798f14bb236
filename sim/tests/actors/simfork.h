/*
 * Simulations in a forked child, for the tests of the actors layer. SimGrid's engine
 * can be initialised and run only once per process, and build/test-actors runs many
 * suites, so each simulation runs in a child that sends its measurements back through
 * a pipe; the parent makes the assertions.
 */
#ifndef XS_SIMFORK_H
#define XS_SIMFORK_H

#include "actors/device.h"

#include <stddef.h>

/*
 * Fork; the child runs fn(arg, out), which fills the outlen bytes at out, sends them to
 * the parent and exits. The parent copies them into out. Returns 0, or -1 if the child
 * crashed, timed out (60 s) or sent less than outlen bytes.
 */
int xs_simfork_run(void (*fn)(void *arg, void *out), void *arg, void *out, size_t outlen);

/*
 * In the child: initialise SimGrid (quiet), load a platform with one host "node" and
 * one disk "disk" at cfg's bandwidths (xs_device_write_platform), return the disk.
 */
sg_disk_t xs_simfork_platform(const struct xs_device_cfg *cfg);

#endif /* XS_SIMFORK_H */
