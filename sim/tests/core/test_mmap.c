/*
 * Unit tests of the mm model (sim/core/mmap.c): a process's PTEs, what takes them away
 * (reclaim, truncate, munmap, mprotect, writeback's folio_mkclean), and the user
 * copies of a write whose source is a mapping of the file: fault-in, then the atomic
 * copy that comes up short where a PTE went (docs/kernel.md, "The mm: mmap_lock, PTEs
 * and user copies").
 */
#include "core/file.h"
#include "core/mmap.h"
#include "core/writeback.h"
#include "tests/core/coretest.h"
#include "tests/testhelp.h"

#include <string.h>

static const uint8_t marker[8] = {'M', 'a', 'p', 'p', 'e', 'd', '-', '1'};

/* page_mkwrite runs dirtied a folio: how many so far (XS_EV_FAULT_DIRTY). */
static uint64_t mkwrites(const struct ct_host *h)
{
	return h->events[XS_EV_FAULT_DIRTY];
}

XS_TEST_SUITE(test_mmap_ptes)
{
	struct ct_host host = {0};
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_pagecache *pc = &ip->i_mapping;
	struct xs_mm *mm;
	struct ct_fill fill = {0x5a};
	struct xs_user_buf src = ct_fill_buf(&fill);
	bool write = true;
	uint8_t buf[8];

	if (ct_fs_init(&fs, CT_GIB, 4096, "6.13", &host)) {
		test_cond("setup", 0);
		return;
	}
	mm = xs_fs_mm(&fs);
	/* four written pages, 0x5a */
	test_cond("write 16k", xs_file_write(ip, 0, 16384, &src) == 16384);
	test_cond("no PTE before any access", !xs_mm_pte_folio(mm, pc, 1, &write) && !write);
	test_cond("load through the mapping",
		  xs_mmap_load(ip, 4096, buf, 8) == 0 && buf[0] == 0x5a);
	test_cond("a load maps read-only",
		  xs_mm_pte_folio(mm, pc, 1, &write) && !write && mkwrites(&host) == 0);
	test_cond("first store write-faults once",
		  xs_mmap_store(ip, 4096, marker, 8) == 0 && mkwrites(&host) == 1);
	test_cond("the PTE is writable", xs_mm_pte_folio(mm, pc, 1, &write) && write);
	test_cond("second store does not fault",
		  xs_mmap_store(ip, 4104, marker, 8) == 0 && mkwrites(&host) == 1);
	/* writeback: folio_clear_dirty_for_io() -> folio_mkclean() */
	test_cond("fsync", xs_file_fsync(ip) == 0);
	test_cond("writeback write-protected it, still present",
		  xs_mm_pte_folio(mm, pc, 1, &write) && !write);
	test_cond("the next store write-faults again",
		  xs_mmap_store(ip, 4096, marker, 8) == 0 && mkwrites(&host) == 2);
	/* mprotect: PTEs stay, none writable */
	test_cond("mprotect write-protects the one mapped page of 0-3",
		  xs_mm_wrprotect_range(mm, pc, 0, 3) == 1);
	test_cond("store after mprotect faults",
		  xs_mmap_store(ip, 4096, marker, 8) == 0 && mkwrites(&host) == 3);
	/* munmap: the PTE is gone, the folio stays cached */
	test_cond("munmap zaps the one PTE of 0-3", xs_mm_zap_range(mm, pc, 0, 3) == 1);
	test_cond("no PTE after munmap, folio cached",
		  !xs_mm_pte_folio(mm, pc, 1, &write) && xs_pagecache_lookup(pc, 1));
	test_cond("zapping again finds nothing", xs_mm_zap_range(mm, pc, 0, 3) == 0);
	/* reclaim: the folio goes, and a PTE naming it maps nothing */
	test_cond("load maps page 2",
		  xs_mmap_load(ip, 8192, buf, 8) == 0 && xs_mm_pte_folio(mm, pc, 2, &write));
	test_cond("fsync", xs_file_fsync(ip) == 0);
	xs_pagecache_remove(pc, xs_pagecache_lookup(pc, 2));
	test_cond("reclaim's eviction zapped page 2's PTE", !xs_mm_pte_folio(mm, pc, 2, &write));
	test_cond("a new folio at the same index is not mapped by the old PTE",
		  xs_pagecache_get(pc, 2) && !xs_mm_pte_folio(mm, pc, 2, &write));
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_mmap_short_copy)
{
	struct ct_host host = {0};
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct xs_pagecache *pc = &ip->i_mapping;
	struct ct_fill fill = {0x33};
	struct xs_user_buf src = ct_fill_buf(&fill);
	uint8_t dst[8192], want[8192];

	if (ct_fs_init(&fs, CT_GIB, 4096, "6.13", &host)) {
		test_cond("setup", 0);
		return;
	}
	memset(want, 0x33, sizeof(want));
	/* a page a write: single-page folios, so that reclaim can take page 2 alone */
	test_cond("write 16k, 4k at a time", xs_file_write(ip, 0, 4096, &src) == 4096 &&
						     xs_file_write(ip, 4096, 4096, &src) == 4096 &&
						     xs_file_write(ip, 8192, 4096, &src) == 4096 &&
						     xs_file_write(ip, 12288, 4096, &src) == 4096 &&
						     xs_pagecache_lookup(pc, 2)->order == 0);
	/* a source of 8k at 2048: pages 0, 1, 2 */
	test_cond("nothing mapped: the atomic copy copies nothing",
		  xs_mmap_copy_atomic(ip, 2048, dst, 8192) == 0);
	test_cond("fault-in maps all of it", xs_mmap_fault_in(ip, 2048, 8192) == 0);
	test_cond("then the copy is whole",
		  xs_mmap_copy_atomic(ip, 2048, dst, 8192) == 8192 && memcmp(dst, want, 8192) == 0);
	/* munmap of page 1 between fault-in and copy: the copy stops at 4096 */
	xs_mm_zap_range(xs_fs_mm(&fs), pc, 1, 1);
	test_cond("a zapped middle page: copied up to it (4096 - 2048 bytes)",
		  xs_mmap_copy_atomic(ip, 2048, dst, 8192) == 2048);
	/* reclaim of page 2: clean after fsync */
	test_cond("fault-in again", xs_mmap_fault_in(ip, 2048, 8192) == 0);
	test_cond("fsync", xs_file_fsync(ip) == 0);
	xs_pagecache_remove(pc, xs_pagecache_lookup(pc, 2));
	test_cond("an evicted last page: copied up to 8192 - 2048 = 6144",
		  xs_mmap_copy_atomic(ip, 2048, dst, 8192) == 6144);
	/* beyond EOF the fault-in fails: EFAULT's condition */
	test_cond("fault-in past EOF: the 4096 bytes of page 4 cannot be faulted in",
		  xs_mmap_fault_in(ip, 16384, 4096) == 4096);
	test_cond("fault-in straddling EOF: the part past it fails",
		  xs_mmap_fault_in(ip, 12288, 8192) == 4096);
	xs_fs_destroy(&fs);
}
