/*
 * The lock validator and the wait-for search; see lockdep.h.
 *
 * As in kernel/locking/lockdep.c, a dependency is checked when it is new: the first
 * time a task takes B while holding A, the graph is searched for a path B -> ... -> A,
 * which with the new edge would close a cycle. Unlike lockdep, every path found is
 * reported (the class graph is a handful of nodes), each distinct cycle once.
 *
 * Read and write acquisitions make the same edges: the model's rwsems are fair, so a
 * reader queues behind a waiting writer, and a cycle through a read-held lock closes
 * as soon as a writer queues for it (the ABBA of a write() faulting in its buffer under
 * mmap_lock against a fault taking i_rwsem, with an mmap waiting for mmap_lock).
 */
#include "actors/lockdep.h"

#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xs_lockdep_init(struct xs_lockdep *ld, const char *const *names, int n, xs_ld_report_fn report,
		     void *arg)
{
	memset(ld, 0, sizeof(*ld));
	ld->nclasses = n < XS_LD_MAX_CLASSES ? n : XS_LD_MAX_CLASSES;
	ld->names = names;
	ld->report = report;
	ld->arg = arg;
}

/*
 * Model functions whose kernel name is not the model's without its xs_ prefix; cls
 * NULL matches every class. Where one model function stands for two kernel functions
 * (the fault handler that takes the fault lock, and iomap_page_mkwrite under it that
 * locks the folio), the lock's class picks the name.
 */
static const struct {
	const char *model, *cls, *kernel;
} kernel_names[] = {
	{"xs_file_write", NULL, "xfs_file_buffered_write"},
	{"xs_file_read", NULL, "xfs_file_buffered_read"},
	/* xfs_file_buffered_read() takes i_rwsem shared around filemap_read(), whose
	 * copy_page_to_iter() into a mapped buffer faults with i_rwsem held */
	{"xs_file_read_user", NULL, "xfs_file_buffered_read"},
	/*
	 * A user access that misses its PTE (a store, a load, or the __get_user() of
	 * fault_in_readable()) traps into do_user_addr_fault(), which takes mmap_lock
	 * shared (itself in 6.1, through lock_mm_and_find_vma() later) before
	 * handle_mm_fault()
	 */
	{"xs_mmap_store", NULL, "do_user_addr_fault"},
	{"xs_mmap_load", NULL, "do_user_addr_fault"},
	{"xs_mmap_fault_in", NULL, "do_user_addr_fault"},
	{"xs_file_truncate", "i_rwsem", "do_truncate"},
	{"xs_file_truncate", NULL, "xfs_vn_setattr"},
	{"xs_page_mkwrite", "folio", "iomap_page_mkwrite"},
	{"xs_page_mkwrite", NULL, "xfs_write_fault"},
	{"xs_iomap_read_folio", "ILOCK", "xfs_read_iomap_begin"},
	{"xs_write_end_truncate_punch", NULL, "xfs_buffered_write_iomap_end"},
	{"xs_write_delalloc_scan", NULL, "iomap_write_delalloc_scan"},
	{"xs_writepages", NULL, "write_cache_pages"},
	/* XFS's own functions: xs_ stands for xfs_ */
	{"xs_alloc_file_space", NULL, "xfs_alloc_file_space"},
	{"xs_blockgc_free_space", NULL, "xfs_blockgc_free_space"},
	{"xs_blockgc_scan_inode", NULL, "xfs_blockgc_scan_inode"},
	{"xs_bmap_punch_delalloc_range", NULL, "xfs_bmap_punch_delalloc_range"},
	{"xs_bmapi_convert_delalloc", NULL, "xfs_bmapi_convert_delalloc"},
	{"xs_buffered_write_iomap_begin", NULL, "xfs_buffered_write_iomap_begin"},
	{"xs_buffered_write_iomap_end", NULL, "xfs_buffered_write_iomap_end"},
	{"xs_file_fallocate", NULL, "xfs_file_fallocate"},
	{"xs_file_release", NULL, "xfs_file_release"},
	{"xs_free_eofblocks", NULL, "xfs_free_eofblocks"},
	{"xs_free_file_space", NULL, "xfs_free_file_space"},
	{"xs_iomap_write_unwritten", NULL, "xfs_iomap_write_unwritten"},
	{"xs_map_blocks", NULL, "xfs_map_blocks"},
	{"xs_setattr_size", NULL, "xfs_setattr_size"},
};

const char *xs_lockdep_kernel_name(const char *fn, const char *cls)
{
	size_t i;

	if (!fn)
		return "?";
	for (i = 0; i < sizeof(kernel_names) / sizeof(kernel_names[0]); i++)
		if (strcmp(kernel_names[i].model, fn) == 0 &&
		    (!kernel_names[i].cls || (cls && strcmp(kernel_names[i].cls, cls) == 0)))
			return kernel_names[i].kernel;
	return strncmp(fn, "xs_", 3) == 0 ? fn + 3 : fn;
}

static const char *mode_name(bool write)
{
	return write ? "exclusive" : "shared";
}

/* Recursion on cls: reported once per (class, held mode, new mode). */
static int check_recursion(struct xs_lockdep *ld, const struct xs_ld_held *h, bool write,
			   const char *fn)
{
	const char *name = ld->names[h->cls];
	char detail[512];

	if (!h->write && !write)
		return 0;
	if (ld->recursion_seen[h->cls][h->write][write])
		return 0;
	ld->recursion_seen[h->cls][h->write][write] = true;
	ld->violations++;
	snprintf(detail, sizeof(detail),
		 "recursive locking: %s %s after %s (%s holds %s %s, %s takes %s %s)", name,
		 write ? "write" : "read", h->write ? "write" : "read",
		 xs_lockdep_kernel_name(h->fn, name), name, mode_name(h->write),
		 xs_lockdep_kernel_name(fn, name), name, mode_name(write));
	ld->report(ld->arg, detail);
	return 1;
}

/* The cycle c[0 .. n) rotated to start at its smallest class. */
static void canonical(const int *c, int n, uint8_t *out)
{
	int i, min = 0;

	for (i = 1; i < n; i++)
		if (c[i] < c[min])
			min = i;
	for (i = 0; i < n; i++)
		out[i] = (uint8_t)c[(min + i) % n];
}

/* Report the cycle c[0] -> c[1] -> ... -> c[n-1] -> c[0] unless it was before. */
static int report_cycle(struct xs_lockdep *ld, const int *c, int n)
{
	uint8_t key[XS_LD_MAX_CLASSES];
	char detail[2048];
	size_t len = 0;
	int i;

	canonical(c, n, key);
	for (i = 0; i < ld->ncycles; i++)
		if (ld->cycle_len[i] == n && memcmp(ld->cycle[i], key, (size_t)n) == 0)
			return 0;
	if (ld->ncycles < XS_LD_MAX_CYCLES) {
		memcpy(ld->cycle[ld->ncycles], key, (size_t)n);
		ld->cycle_len[ld->ncycles++] = (uint8_t)n;
	}
	ld->violations++;
	detail[0] = '\0';
	/* from the smallest class, so that the text does not depend on which edge was last */
	for (i = 0; i < n && len < sizeof(detail); i++) {
		int a = key[i], b = key[(i + 1) % n];
		const struct xs_ld_site *s = &ld->site[a][b];
		int w = snprintf(detail + len, sizeof(detail) - len,
				 "%s%s -> %s (%s holds %s, %s takes %s)", i ? "; " : "",
				 ld->names[a], ld->names[b],
				 xs_lockdep_kernel_name(s->holder_fn, ld->names[a]), ld->names[a],
				 xs_lockdep_kernel_name(s->taker_fn, ld->names[b]), ld->names[b]);

		if (w < 0)
			break;
		len += (size_t)w;
	}
	ld->report(ld->arg, detail);
	return 1;
}

/*
 * Every simple path from the last class of path[0 .. n) to target, each closing the
 * cycle target -> path[0] -> ... -> target: reported. Returns the reports made.
 */
static int find_paths(struct xs_lockdep *ld, int *path, int n, bool *on, int target)
{
	int cur = path[n - 1], next, made = 0;

	for (next = 0; next < ld->nclasses; next++) {
		if (!ld->edge[cur][next])
			continue;
		if (next == target) {
			int c[XS_LD_MAX_CLASSES];

			c[0] = target;
			memcpy(c + 1, path, (size_t)n * sizeof(*path));
			made += report_cycle(ld, c, n + 1);
		} else if (!on[next] && n < XS_LD_MAX_CLASSES - 1) {
			on[next] = true;
			path[n] = next;
			made += find_paths(ld, path, n + 1, on, target);
			on[next] = false;
		}
	}
	return made;
}

int xs_lockdep_acquire(struct xs_lockdep *ld, const struct xs_ld_task *t, int cls, bool write,
		       const char *fn)
{
	int i, made = 0;

	if (cls < 0 || cls >= ld->nclasses)
		return 0;
	for (i = 0; i < t->n; i++) {
		const struct xs_ld_held *h = &t->held[i];
		int path[XS_LD_MAX_CLASSES];
		bool on[XS_LD_MAX_CLASSES] = {false};

		if (h->cls == cls) {
			made += check_recursion(ld, h, write, fn);
			continue;
		}
		if (ld->edge[h->cls][cls])
			continue;
		ld->edge[h->cls][cls] = true;
		ld->site[h->cls][cls].holder_fn = h->fn;
		ld->site[h->cls][cls].taker_fn = fn;
		/* a path cls -> ... -> h->cls closes a cycle through the new edge */
		path[0] = cls;
		on[cls] = on[h->cls] = true;
		made += find_paths(ld, path, 1, on, h->cls);
	}
	return made;
}

int xs_lockdep_push(struct xs_ld_task *t, int cls, bool write, const void *lock, uint64_t sub,
		    const char *fn)
{
	struct xs_ld_held *h;

	if (t->n >= XS_LD_MAX_HELD)
		return -1;
	h = &t->held[t->n++];
	h->cls = cls;
	h->write = write;
	h->lock = lock;
	h->sub = sub;
	h->fn = fn;
	return 0;
}

void xs_lockdep_release(struct xs_ld_task *t, const void *lock, uint64_t sub)
{
	int i;

	for (i = t->n - 1; i >= 0; i--) {
		if (t->held[i].lock != lock || t->held[i].sub != sub)
			continue;
		memmove(&t->held[i], &t->held[i + 1], (size_t)(t->n - i - 1) * sizeof(t->held[i]));
		t->n--;
		return;
	}
}

/* ---- the wait-for graph ---- */

struct wf_search {
	int start, ntasks, max;
	xs_wf_edges_fn edges;
	void *arg;
	int *from;
	struct xs_wf_edge *out;
	char *seen; /* visited tasks: each is searched once */
};

static int wf_dfs(struct wf_search *s, int task, int depth)
{
	struct xs_wf_edge e[XS_WF_MAX_OUT];
	int n, i, len;

	if (depth >= s->max)
		return 0;
	n = s->edges(s->arg, task, e, XS_WF_MAX_OUT);
	for (i = 0; i < n; i++) {
		s->from[depth] = task;
		s->out[depth] = e[i];
		if (e[i].to == s->start)
			return depth + 1;
		if (e[i].to < 0 || e[i].to >= s->ntasks || s->seen[e[i].to])
			continue;
		s->seen[e[i].to] = 1;
		len = wf_dfs(s, e[i].to, depth + 1);
		if (len)
			return len;
	}
	return 0;
}

int xs_waitfor_cycle(int start, int ntasks, xs_wf_edges_fn edges, void *arg, int *from,
		     struct xs_wf_edge *out, int max)
{
	struct wf_search s = {start, ntasks, max, edges, arg, from, out, NULL};
	int len;

	if (start < 0 || start >= ntasks || max < 1)
		return 0;
	s.seen = xs_xcalloc((size_t)ntasks, 1);
	s.seen[start] = 1;
	len = wf_dfs(&s, start, 0);
	free(s.seen);
	return len;
}

char *xs_waitfor_format(const int *from, const struct xs_wf_edge *out, int n,
			const char *(*name)(void *arg, int task), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int i;

	if (!f)
		return NULL;
	for (i = 0; i < n; i++) {
		fprintf(f, "%s%s waits for %s", i ? "; " : "", name(arg, from[i]), out[i].lock);
		if (out[i].index >= 0)
			fprintf(f, " %lld", (long long)out[i].index);
		fprintf(f, " (%s), %s %s", mode_name(out[i].write),
			out[i].queued ? "queued behind" : "held by", name(arg, out[i].to));
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
