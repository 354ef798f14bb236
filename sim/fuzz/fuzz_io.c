/*
 * `wpsim io`'s input (sim/io/): the script file as xs_textfile_read() takes it, then
 * every line through the command parser xs_io_parse(), with and without a current
 * mapping (commands such as mwrite are checked differently), and a "# mkfs-size:"
 * line's number through xs_io_cvtnum(). Parsing only: running the commands is the
 * model's business, and a script may ask for terabytes.
 */
#include "core/textfile.h"
#include "fuzz/fuzz.h"
#include "io/xfsio_cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What io.c does to a line before parsing it: the comment cut, blanks trimmed. */
static char *io_words(char *line)
{
	char *hash = strchr(line, '#');
	size_t n;

	if (hash)
		*hash = '\0';
	n = strlen(line);
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

/* Each line parsed as io.c would, with and without a current mapping. */
static void parse_lines(const struct xs_textfile *tf, struct xs_io_cmd *cmd)
{
	char errbuf[2 * XS_IO_MSG_MAX];

	for (size_t i = 0; i < tf->nlines; i++) {
		char *size_text = strstr(tf->lines[i], "mkfs-size:");
		char *line;

		if (size_text)
			(void)xs_io_cvtnum(4096, 512, size_text + strlen("mkfs-size:"));
		line = io_words(tf->lines[i]);
		for (int mapped = 0; mapped < 2 && *line; mapped++) {
			struct xs_io_env env = {4096, 512, mapped};
			int error = xs_io_parse(&env, line, cmd, errbuf, sizeof(errbuf));

			/* a refusal says something; -EOPNOTSUPP names what */
			if (error && error != -ENOMEM && !errbuf[0])
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512];
	int fd = xs_fuzz_memfile(data, size, path, sizeof(path));
	struct xs_io_cmd *cmd = fd < 0 ? NULL : malloc(sizeof(*cmd));
	struct xs_textfile tf;

	if (cmd) {
		/* the bounds of `wpsim io`'s own read, but 1 MiB: a fuzz input is small */
		if (xs_textfile_read(path, 1u << 20, 4095, &tf, err, sizeof(err)) == 0) {
			parse_lines(&tf, cmd);
			xs_textfile_free(&tf);
		} else if (!strstr(err, path)) {
			abort(); /* a refusal names the file */
		}
	}
	free(cmd);
	if (fd >= 0)
		close(fd);
	return 0;
}
