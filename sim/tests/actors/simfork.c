/*
 * Simulations in a forked child (simfork.h).
 */
#include "tests/actors/simfork.h"

#include <simgrid/disk.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <xbt/asserts.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int xs_simfork_run(void (*fn)(void *arg, void *out), void *arg, void *out, size_t outlen)
{
	size_t got = 0;
	ssize_t n;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds))
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		const char *p = out;

		close(fds[0]);
		alarm(60);
		fn(arg, out);
		while (got < outlen) {
			n = write(fds[1], p + got, outlen - got);
			if (n <= 0)
				_exit(1);
			got += (size_t)n;
		}
		_exit(0);
	}
	close(fds[1]);
	while (got < outlen) {
		n = read(fds[0], (char *)out + got, outlen - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got != outlen)
		return -1;
	return 0;
}

sg_disk_t xs_simfork_platform(const struct xs_device_cfg *cfg)
{
	char platform[] = "/tmp/wpsim-simtest-platform-XXXXXX";
	char *argv[] = {
		"simtest",
		"--log=root.thres:critical",
#if defined(__SANITIZE_ADDRESS__)
		"--cfg=contexts/factory:thread",
#endif
		NULL
	};
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;
	unsigned int ndisks = 0;
	sg_disk_t *disks = NULL, disk;
	int fd;

	simgrid_init(&argc, argv);
	fd = mkstemp(platform);
	xbt_assert(fd >= 0 && close(fd) == 0, "cannot create %s", platform);
	xbt_assert(xs_device_write_platform(cfg, platform) == 0, "cannot write %s", platform);
	simgrid_load_platform(platform);
	unlink(platform);
	sg_host_get_disks(sg_host_by_name("node"), &ndisks, &disks);
	xbt_assert(ndisks == 1, "platform has %u disks", ndisks);
	disk = disks[0];
	free(disks);
	return disk;
}
