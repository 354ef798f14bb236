/*
 * The work whose CPU cost depends on what the core found (enum xs_cost, charged by the
 * host: docs/scenarios.md, "[cpu]"): a write chunk that allocates its folio, the bytes
 * zeroed in a folio, a write fault on a present write-protected PTE. Each expectation
 * is the kernel's path written out beside it.
 */
#include "core/file.h"
#include "core/mmap.h"
#include "tests/core/coretest.h"
#include "tests/testhelp.h"

static const uint8_t marker[8] = {'C', 'o', 's', 't', 'e', 'd', '-', '1'};

XS_TEST_SUITE(test_cost_write)
{
	struct ct_host host = {0};
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct ct_fill fill = {0x5a};
	struct xs_user_buf src = ct_fill_buf(&fill);

	if (ct_fs_init(&fs, CT_GIB, 4096, "6.13", &host)) {
		test_cond("setup", 0);
		return;
	}
	/* iomap_write_begin() -> __filemap_get_folio(FGP_CREAT): a new folio */
	test_cond("a 4 KiB write into an empty file", xs_file_write(ip, 0, 4096, &src) == 4096);
	test_cond("allocates one folio and zeroes nothing (the write covers it)",
		  host.costs[XS_COST_FOLIO_ALLOC] == 1 && host.cost_bytes[XS_COST_ZERO] == 0);
	test_cond("the same write again", xs_file_write(ip, 0, 4096, &src) == 4096);
	test_cond("finds its folio cached: nothing allocated",
		  host.costs[XS_COST_FOLIO_ALLOC] == 1);
	/* __iomap_write_begin(): a new block past EOF is zeroed outside [from, to) */
	test_cond("512 bytes at the start of a new page",
		  xs_file_write(ip, 8192, 512, &src) == 512);
	test_cond("allocate a folio and zero the 3584 bytes of its block it does not cover",
		  host.costs[XS_COST_FOLIO_ALLOC] == 2 &&
			  host.cost_bytes[XS_COST_ZERO] == 4096 - 512);
	test_cond("512 more into that folio, now uptodate",
		  xs_file_write(ip, 8704, 512, &src) == 512);
	test_cond("neither allocate nor zero", host.costs[XS_COST_FOLIO_ALLOC] == 2 &&
						       host.cost_bytes[XS_COST_ZERO] == 4096 - 512);
	test_cond("no write fault", host.costs[XS_COST_WP_FAULT] == 0);
	xs_fs_destroy(&fs);
}

XS_TEST_SUITE(test_cost_fault)
{
	struct ct_host host = {0};
	struct xs_fs fs;
	struct xs_inode *ip = &fs.inode;
	struct ct_fill fill = {0x5a};
	struct xs_user_buf src = ct_fill_buf(&fill);
	uint64_t zero;
	uint8_t buf[8];

	if (ct_fs_init(&fs, CT_GIB, 4096, "6.13", &host)) {
		test_cond("setup", 0);
		return;
	}
	/* no readahead (read_ahead_kb 0): each fault reads in its own page and no other */
	ip->i_mapping.ra.ra_pages = 0;
	/* pages 0 and 8 written, 1-7 holes inside EOF */
	test_cond("write pages 0 and 8", xs_file_write(ip, 0, 4096, &src) == 4096 &&
						 xs_file_write(ip, 32768, 4096, &src) == 4096);
	zero = host.cost_bytes[XS_COST_ZERO];
	/* filemap_fault() -> filemap_read_folio(): a hole is read in as zeroes */
	test_cond("a read of the hole at page 3 through the mapping",
		  xs_mmap_load(ip, 3 * 4096, buf, 8) == 0 && buf[0] == 0);
	test_cond("reads its folio in: 4096 bytes zeroed, no write fault",
		  host.cost_bytes[XS_COST_ZERO] == zero + 4096 &&
			  host.costs[XS_COST_WP_FAULT] == 0);
	/* do_wp_page(): the PTE the read mapped is present and read-only */
	test_cond("a store there", xs_mmap_store(ip, 3 * 4096, marker, 8) == 0);
	test_cond("is a write-protect fault, reading nothing in",
		  host.costs[XS_COST_WP_FAULT] == 1 &&
			  host.cost_bytes[XS_COST_ZERO] == zero + 4096);
	test_cond("a second store to the now writable PTE",
		  xs_mmap_store(ip, 3 * 4096 + 8, marker, 8) == 0);
	test_cond("does not fault", host.costs[XS_COST_WP_FAULT] == 1);
	/* do_shared_fault(): no PTE; the hole at page 4 is read in first */
	test_cond("a store to the hole at page 4, never mapped",
		  xs_mmap_store(ip, 4 * 4096, marker, 8) == 0);
	test_cond("reads its folio in, and is no write-protect fault",
		  host.cost_bytes[XS_COST_ZERO] == zero + 2 * 4096 &&
			  host.costs[XS_COST_WP_FAULT] == 1);
	/* do_shared_fault() on a cached uptodate folio: nothing to read in */
	test_cond("a store to written page 0, never mapped", xs_mmap_store(ip, 0, marker, 8) == 0);
	test_cond("neither reads in nor is a write-protect fault",
		  host.cost_bytes[XS_COST_ZERO] == zero + 2 * 4096 &&
			  host.costs[XS_COST_WP_FAULT] == 1);
	test_cond("the faults allocate no folio through the write path",
		  host.costs[XS_COST_FOLIO_ALLOC] == 2);
	xs_fs_destroy(&fs);
}
