/*
 * Each modelled xfs_io command's own option and operand parsing (xfsio_opts.c), as
 * the command table of xfsio_cmd.c calls it. Not a public interface.
 */
#ifndef XS_IO_XFSIO_OPTS_H
#define XS_IO_XFSIO_OPTS_H

#include "io/xfsio_args.h"

/*
 * Each parses ctx->argv (the argument count already checked) into ctx->cmd. Returns 0
 * (run it; ctx->unsup set: valid but not modelled) or -EINVAL after xfs_io's
 * complaint in cmd->out_text/err_text.
 */
int xs_io_parse_pwrite(struct xs_io_pctx *ctx);
int xs_io_parse_pread(struct xs_io_pctx *ctx);
int xs_io_parse_mmap(struct xs_io_pctx *ctx);
int xs_io_parse_mwrite(struct xs_io_pctx *ctx);
int xs_io_parse_mread(struct xs_io_pctx *ctx);
int xs_io_parse_msync(struct xs_io_pctx *ctx);
int xs_io_parse_none(struct xs_io_pctx *ctx);
int xs_io_parse_truncate(struct xs_io_pctx *ctx);
int xs_io_parse_falloc(struct xs_io_pctx *ctx);
int xs_io_parse_fpunch(struct xs_io_pctx *ctx);
int xs_io_parse_fzero(struct xs_io_pctx *ctx);
int xs_io_parse_bmap(struct xs_io_pctx *ctx);
int xs_io_parse_stat(struct xs_io_pctx *ctx);
int xs_io_parse_statfs(struct xs_io_pctx *ctx);

#endif /* XS_IO_XFSIO_OPTS_H */
