/*
 * Helpers for the unit tests of the model core; see coretest.h.
 */
#include "tests/core/coretest.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void ct_host_event(void *host, const struct xs_event *ev)
{
	struct ct_host *h = host;

	h->events[ev->kind]++;
	if (ev->kind == XS_EV_IO)
		h->io_bytes += ev->len_bytes;
}

static void ct_host_preempt(void *host, enum xs_point point, uint64_t off_bytes)
{
	struct ct_host *h = host;

	(void)off_bytes;
	if (h->hook_armed && point == h->hook_point) {
		h->hook_armed = false;
		h->hook(h);
	}
}

static void ct_host_cost(void *host, enum xs_cost cost, uint64_t bytes)
{
	struct ct_host *h = host;

	h->costs[cost]++;
	h->cost_bytes[cost] += bytes;
}

static const struct xs_host_ops ct_host_ops = {
	.preempt = ct_host_preempt,
	.cost = ct_host_cost,
	.event = ct_host_event,
};

int ct_fs_init(struct xs_fs *fs, uint64_t fs_bytes, uint32_t blocksize, const char *kernel,
	       struct ct_host *host)
{
	struct xs_geometry geo;
	struct xs_policy pol;
	struct xs_err err = {0};
	int error;

	error = xs_geometry_default(&geo, fs_bytes, blocksize, &err);
	if (!error)
		error = xs_policy_preset(&pol, kernel);
	if (!error) {
		if (host)
			memset(host, 0, sizeof(*host));
		error = xs_fs_init(fs, &geo, &pol, host ? &ct_host_ops : NULL, host, &err);
	}
	if (error) {
		printf("  ct_fs_init: %d %s\n", error, err.msg);
		return error;
	}
	if (host)
		host->fs = fs;
	return 0;
}

void ct_host_arm(struct ct_host *host, enum xs_point point, void (*fn)(struct ct_host *), void *arg)
{
	host->hook_point = point;
	host->hook = fn;
	host->hook_arg = arg;
	host->hook_armed = true;
}

bool ct_inode_ok(struct xs_inode *ip)
{
	struct xs_err err = {0};
	int error = xs_inode_check(ip, &err);

	if (error)
		printf("  xs_inode_check: %d %s\n", error, err.msg);
	return error == 0;
}

bool ct_inode_corrupt(struct xs_inode *ip)
{
	struct xs_err err = {0};

	return xs_inode_check(ip, &err) == -EUCLEAN;
}

int ct_reserve(struct xs_inode *ip, uint64_t off_fsb, uint64_t len_fsb, uint64_t prealloc,
	       struct xs_bmbt_irec *got)
{
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec rec;
	bool eof = !xs_iext_lookup_extent(&ip->i_df, off_fsb, &icur, &rec);
	int error = xs_bmapi_reserve_delalloc(ip, off_fsb, len_fsb, prealloc, &rec, &icur, eof);

	if (got)
		*got = rec;
	return error;
}

void ct_del_delay(struct xs_inode *ip, uint64_t off_fsb, uint64_t len_fsb)
{
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec got, del;
	bool found = xs_iext_lookup_extent(&ip->i_df, off_fsb, &icur, &got);

	XS_ASSERT(found && got.br_startoff <= off_fsb && xs_isnullstartblock(got.br_startblock));
	del = got;
	xs_trim_extent(&del, off_fsb, len_fsb);
	XS_ASSERT(del.br_startoff == off_fsb && del.br_blockcount == len_fsb);
	xs_bmap_del_extent_delay(ip, &icur, &got, &del);
}

size_t ct_records(struct xs_inode *ip, struct xs_bmbt_irec *out, size_t max)
{
	struct xs_iext_cursor icur;
	struct xs_bmbt_irec got;
	size_t n = 0;

	xs_iext_first(&ip->i_df, &icur);
	while (xs_iext_get_extent(&ip->i_df, &icur, &got)) {
		if (n < max)
			out[n] = got;
		n++;
		xs_iext_next(&ip->i_df, &icur);
	}
	return n;
}

bool ct_is_delay(const struct xs_bmbt_irec *r, uint64_t off, uint64_t len, uint64_t indlen)
{
	bool ok = r->br_startoff == off && r->br_blockcount == len &&
		  xs_isnullstartblock(r->br_startblock) &&
		  xs_startblockval(r->br_startblock) == indlen;

	if (!ok)
		printf("  record [%llu +%llu] %s indlen %llu; expected delalloc [%llu +%llu] "
		       "indlen %llu\n",
		       (unsigned long long)r->br_startoff, (unsigned long long)r->br_blockcount,
		       xs_isnullstartblock(r->br_startblock) ? "delalloc" : "real",
		       (unsigned long long)xs_startblockval(r->br_startblock),
		       (unsigned long long)off, (unsigned long long)len,
		       (unsigned long long)indlen);
	return ok;
}

bool ct_is_real(const struct xs_bmbt_irec *r, uint64_t off, uint64_t len, enum xs_exntst st)
{
	bool ok = r->br_startoff == off && r->br_blockcount == len &&
		  !xs_isnullstartblock(r->br_startblock) && r->br_state == st;

	if (!ok)
		printf("  record [%llu +%llu] %s state %d; expected real [%llu +%llu] state %d\n",
		       (unsigned long long)r->br_startoff, (unsigned long long)r->br_blockcount,
		       xs_isnullstartblock(r->br_startblock) ? "delalloc" : "real",
		       (int)r->br_state, (unsigned long long)off, (unsigned long long)len, (int)st);
	return ok;
}

uint64_t ct_bavail(struct xs_fs *fs)
{
	return xs_mount_statfs_bavail(&fs->mount);
}

static size_t ct_fill_copy(void *arg, uint8_t *dst, uint64_t src_off, size_t len)
{
	struct ct_fill *f = arg;

	(void)src_off;
	memset(dst, f->byte, len);
	return len;
}

struct xs_user_buf ct_fill_buf(struct ct_fill *f)
{
	struct xs_user_buf b = {ct_fill_copy, NULL, f, 0};

	return b;
}

static size_t ct_failing_copy(void *arg, uint8_t *dst, uint64_t src_off, size_t len)
{
	struct ct_failing *f = arg;

	(void)dst;
	(void)src_off;
	(void)len;
	f->copy_calls++;
	return 0;
}

static size_t ct_failing_fault_in(void *arg, uint64_t src_off, size_t len)
{
	struct ct_failing *f = arg;

	(void)src_off;
	f->fault_in_calls++;
	return f->fault_in_calls <= f->readable_calls ? 0 : len;
}

struct xs_user_buf ct_failing_buf(struct ct_failing *f)
{
	struct xs_user_buf b = {ct_failing_copy, ct_failing_fault_in, f, 0};

	return b;
}
