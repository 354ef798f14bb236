/*
 * The scenario file's key table (scenario_keys.c), read by scenario.c through the
 * key-table engine (keytab.h). Not a public interface.
 */
#ifndef XS_SCENARIO_KEYS_H
#define XS_SCENARIO_KEYS_H

#include "config/keytab.h"
#include "config/scenario.h"

/* Section types. The first XS_NSPECIAL have fixed names; any other name is an actor. */
enum xs_scn_sec {
	SEC_GLOBAL = 0,
	SEC_WRITEBACK,
	SEC_RECLAIM,
	SEC_BLOCKGC,
	SEC_CPU,
	SEC_ACTOR,
};

#define XS_NSPECIAL 5

/* Which struct a key lives in (xs_kt_key.base): the scenario, the policy, its group. */
enum xs_scn_base { KB_SCN, KB_POLICY, KB_GROUP };

#define KIND(k)	  (1u << (k))
#define KINDS_ALL 0x3fu

#define XS_SCN_NKEYS 59

/* The cost file whose figures are the [cpu] defaults (configs/cpu/NAME.ini). */
#define XS_CPU_DEFAULT "linux-6.18"

extern const char *const xs_scn_sec_names[XS_NSPECIAL];
/* Every key. Within a section, the order is the order of the param listing. */
extern const struct xs_kt_key xs_scn_keys[XS_SCN_NKEYS];
/* The actor kinds, indexed by enum xs_actor_kind. */
extern const struct xs_kt_val xs_scn_kind_vals[];

#endif /* XS_SCENARIO_KEYS_H */
