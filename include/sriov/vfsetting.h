/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_VFSETTING_H
#define SRIOV_VFSETTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "netlink.h"

/*
 * The VF settings, one table row each (lib/vfsetting.c): the single source
 * of their names (`vf set` key and JSON name, configuration key, names a
 * file may mistakenly use), their values (type, range, names, what a
 * message calls them), where the kernel carries them (the interface and
 * its attribute, and the field of the request and of the current state),
 * and their help and man page text. Parsing, formatting and comparing are
 * done once per value type, from the row. Config validation, the plan,
 * `vf set`, `vf show`, export, the help texts, the bash completion (which
 * reads `vf --help`) and the man page's key lists (docs/vfkeys-doc.c) all
 * come from the table.
 *
 * Adding a setting: one enum vf_key entry and one row (with its clean value
 * for `vf reset`: .reset, .reset_to), plus, for a new
 * kernel attribute, its get (netlink.c: into struct vf_info) and put
 * (netlink_set.c: from struct rtnl_vf_set). A setting of another kernel
 * interface (devlink rate or port function, sysfs, NVMe) names that
 * interface in .iface and its request in .attr (enum vf_other_attr, after
 * the rtnetlink ones); the interface's reader (current values into struct
 * vf_info), its checks before sending and its writer are one entry of the
 * interface table in lib/vfset.c, the only place that dispatches on .iface.
 */

enum vf_key {
	VF_KEY_MAC,
	VF_KEY_VLAN,
	VF_KEY_QOS,
	VF_KEY_PROTO,
	VF_KEY_MIN_TX_RATE,
	VF_KEY_MAX_TX_RATE,
	VF_KEY_SPOOFCHK,
	VF_KEY_TRUST,
	VF_KEY_STATE,
	VF_KEY_QUERY_RSS,
	VF_KEY_NODE_GUID,
	VF_KEY_PORT_GUID,
	VF_KEY_MTU,
	VF_KEY_MSIX,
	VF_KEY_TX_SHARE,
	VF_KEY_TX_MAX,
	VF_KEY_RATE_GROUP,
	VF_KEY_HW_ADDR,
	VF_KEY_FN_STATE,
	VF_KEY_ROCE,
	VF_KEY_MIGRATABLE,
	VF_KEY_COUNT,
};

/* Wanted values, as a user gives them (`vf set`, [vf] sections). */
struct vf_settings {
	unsigned int given; /* bit (1u << enum vf_key) for each key given */
	bool mac_auto;
	uint8_t mac[6];
	uint16_t vlan;
	uint8_t qos;
	uint16_t vlan_proto; /* ETH_P_8021Q or ETH_P_8021AD */
	uint32_t min_tx_rate;
	uint32_t max_tx_rate;
	bool spoofchk;
	bool trust;
	bool query_rss;
	enum vf_link_state state;
	bool node_guid_auto;
	uint64_t node_guid; /* first byte highest */
	bool port_guid_auto;
	uint64_t port_guid;
	uint32_t mtu;
	uint32_t msix;
	uint32_t tx_share; /* devlink rate, Mbit/s */
	uint32_t tx_max;
	char rate_group[64]; /* empty: none (detach) */
	uint8_t hw_addr[6];
	uint32_t fn_state;
	bool roce;
	bool migratable;
};

/*
 * The rate pairs: the first (a guaranteed rate) may not be above the second
 * (a limit) when that is not 0. min_tx_rate/max_tx_rate, tx_share/tx_max.
 */
struct vf_rate_pair {
	enum vf_key low, high;
};
#define VF_RATE_PAIRS 2
extern const struct vf_rate_pair vf_rate_pairs[VF_RATE_PAIRS];

/* The pair's values in s contradict each other (both given, low > high > 0). */
bool vf_rate_pair_conflicts(const struct vf_rate_pair *p, const struct vf_settings *s,
			    uint32_t *low, uint32_t *high);

/* Some key given takes its value from "mac auto" (mac, node_guid, port_guid auto). */
bool vf_settings_want_auto(const struct vf_settings *s);

/*
 * The current value of key can be known from what was read: the PF's
 * rtnetlink view (rtnl_known) for its rows, the VF function (always read,
 * vfdev.h) for the others.
 */
bool vf_key_readable(enum vf_key key, bool rtnl_known);

/* key is given in s as "auto". */
bool vf_key_is_auto(enum vf_key key, const struct vf_settings *s);

static inline bool vf_settings_has(const struct vf_settings *s, enum vf_key key)
{
	return s->given & (1u << key);
}

/* How a value is written and stored. */
enum vf_value_type {
	VF_VAL_MAC,  /* aa:bb:cc:dd:ee:ff (unicast, non-zero) or auto; 6 bytes */
	VF_VAL_UINT, /* 0..max, decimal; 1, 2 or 4 bytes */
	VF_VAL_BOOL, /* on/off (yes/no, 1/0, true/false); stored 0/1 */
	VF_VAL_ENUM, /* one of names (any case); stored as its value */
	VF_VAL_GUID, /* xx:xx:xx:xx:xx:xx:xx:xx or auto; uint64_t, first byte highest */
	VF_VAL_NAME, /* [A-Za-z0-9_.-], 1-63 characters, or none (empty); char[64] */
};

/* The value's type in JSON output (docs/json.md). */
enum vf_json_type {
	VF_JSON_STRING,
	VF_JSON_NUMBER,
	VF_JSON_BOOL,
};

/* The kernel interface that carries a setting. */
enum vf_iface {
	VF_IFACE_RTNL, /* rtnetlink IFLA_VF_* on the PF netdev; attr: enum rtnl_vf_attr */
	VF_IFACE_VF_NETDEV,    /* rtnetlink on the VF's own netdev (IFLA_MTU) */
	VF_IFACE_SYSFS,	       /* an attribute file of the VF's PCI function */
	VF_IFACE_DEVLINK_RATE, /* devlink rate of the VF's port (switchdev) */
	VF_IFACE_DEVLINK_FN,   /* devlink port function of the VF's port (switchdev) */
	VF_IFACE_COUNT,
};

/*
 * The requests of the interfaces other than VF_IFACE_RTNL, numbered after
 * the rtnetlink attributes so that one number (struct rtnl_vf_set's attr,
 * vf_key_attr()) names a request of any interface.
 */
enum vf_other_attr {
	VF_ATTR_MTU = RTNL_VF_ATTR_COUNT, /* VF_IFACE_VF_NETDEV: IFLA_MTU; value */
	VF_ATTR_MSIX,			  /* VF_IFACE_SYSFS: sriov_vf_msix_count; value */
	VF_ATTR_DL_RATE,       /* VF_IFACE_DEVLINK_RATE: tx_share, tx_max of the leaf */
	VF_ATTR_DL_GROUP,      /* VF_IFACE_DEVLINK_RATE: the leaf's parent; group */
	VF_ATTR_FN_HW_ADDR,    /* VF_IFACE_DEVLINK_FN: hw_addr; mac */
	VF_ATTR_FN_STATE,      /* VF_IFACE_DEVLINK_FN: state; value */
	VF_ATTR_FN_ROCE,       /* VF_IFACE_DEVLINK_FN: caps roce; value */
	VF_ATTR_FN_MIGRATABLE, /* VF_IFACE_DEVLINK_FN: caps migratable; value */
	VF_ATTR_COUNT,
};

/* The keys of iface are given in s. */
bool vf_settings_use_iface(const struct vf_settings *s, enum vf_iface iface);

/* The interface that carries request attr. */
enum vf_iface vf_attr_iface(unsigned int attr);

/* The request's name: "IFLA_VF_MAC", "IFLA_MTU", "sriov_vf_msix_count". */
const char *vf_request_name(const struct rtnl_vf_set *s);

struct vf_enum_name {
	const char *name;
	uint32_t value;
};

/*
 * What `vf reset` (lib/vfreset.c) does with a setting. A row without .reset
 * (VF_RESET_NONE) is left alone: a setting added to the table states its
 * clean value here to be reset too.
 */
enum vf_reset_rule {
	VF_RESET_NONE,	      /* not reset */
	VF_RESET_VALUE,	      /* reset to .reset_to */
	VF_RESET_CONFIG,      /* the configured value, else .reset_to (mac: the zero
			       * MAC, which gives the VF back its driver's default) */
	VF_RESET_CONFIG_ONLY, /* the configured value, else left as it is (no
			       * value is known to be clean: GUIDs) */
	VF_RESET_KEEP,	      /* left as it is, on purpose (msix: the kernel
			       * takes it only while the VF has no driver) */
};

/* A field of a struct: its offset and size. */
struct vf_field {
	size_t off;
	size_t size;
};

/* vf_setting.cur_known: the current value is unknown when it is negative (int). */
#define VF_CUR_SIGNED ((size_t)-1)

struct vf_setting {
	const char *name;      /* `vf set` key and its JSON name: "proto" */
	const char *conf_name; /* configuration key, and `show --json`: "vlan_proto" */
	const char *alias;     /* another name people write (suggested), or NULL */
	const char *help;      /* one line of `vf --help` */
	const char *doc;       /* the man page's configuration key list */
	/* the value */
	enum vf_value_type type;
	enum vf_json_type json;
	uint32_t min, max;		  /* VF_VAL_UINT */
	const char *unit;		  /* VF_VAL_UINT: "Mbit/s", or NULL */
	const char *what;		  /* VF_VAL_ENUM: "a link state" */
	const struct vf_enum_name *names; /* VF_VAL_ENUM: NULL-terminated */
	uint32_t dflt;			  /* sent when neither given nor known */
	bool zero_unreported;		  /* a current value 0 means not reported */
	bool needs_carrier;		  /* drivers (igb) take it only with PF carrier */
	enum vf_reset_rule reset;	  /* `vf reset` */
	uint32_t reset_to;		  /* its clean value (MAC rows: all zero) */
	bool needs_vf_driver;	   /* set through the VF's own driver: after binding */
	struct vf_field want;	   /* in struct vf_settings */
	struct vf_field auto_flag; /* its bool "auto" in vf_settings; size 0: none */
	/* where the kernel carries it */
	enum vf_iface iface;
	unsigned int attr;   /* enum rtnl_vf_attr, or enum vf_other_attr */
	struct vf_field req; /* in struct rtnl_vf_set */
	struct vf_field cur; /* in struct vf_info */
	size_t cur_known;    /* offset of the bool in vf_info, or VF_CUR_SIGNED */
};

/* The row of key (NULL past the table). */
const struct vf_setting *vf_setting_of(enum vf_key key);

/* A value of any type. */
struct vf_value {
	uint32_t u; /* UINT, BOOL, ENUM */
	uint8_t mac[6];
	uint64_t guid;
	char name[64]; /* NAME: empty for none */
};

/* "mac", "vlan", ... */
const char *vf_key_name(enum vf_key key);

/*
 * Looks up a `vf set` key by name (exact, lower case). -EINVAL for an
 * unknown one, with a message listing the valid keys.
 */
int vf_key_lookup(const char *name, enum vf_key *key, struct sriov_err *e);

/* A configuration key (exact): 0 or -ENOENT. */
int vf_key_lookup_conf(const char *name, enum vf_key *key);

/* The configuration key an alias stands for ("proto": "vlan_proto"), or NULL. */
const char *vf_key_alias_of(const char *name);

/* A buffer that holds vf_key_list()'s text. */
#define VF_KEY_LIST_SIZE 384

/* "mac, vlan, ..., query_rss": every key, as `vf set` (conf false) or a file names it. */
void vf_key_list(bool conf, char *buf, size_t size);

/* The values a key takes, for messages: "0-4095", "on or off", "Mbit/s". */
void vf_key_values(enum vf_key key, char *buf, size_t size);

/* The value syntax for help and man pages: "0-4095", "on|off", "MAC|auto". */
void vf_key_syntax(enum vf_key key, char *buf, size_t size);

/*
 * Parses text into key's field of s (does not mark it given). name names the
 * key in messages (a file's name for it). -EINVAL for a malformed value,
 * -ERANGE for a number out of range: "vlan: '5000' is out of range 0-4095".
 */
int vf_key_parse(enum vf_key key, const char *name, const char *text,
		 struct vf_settings *s, struct sriov_err *e);

/* Key's value in a and b is the same (mac: both auto, or the same address). */
bool vf_key_equal(enum vf_key key, const struct vf_settings *a,
		  const struct vf_settings *b);

/* Copies key's value from src to dst and marks it given there. */
void vf_key_copy(enum vf_key key, struct vf_settings *dst, const struct vf_settings *src);

/*
 * The wanted value of key in s (given); "mac auto" is auto_mac (NULL: keep
 * "auto"), and "node_guid auto" / "port_guid auto" vf_guid_auto(auto_mac).
 */
void vf_key_want(enum vf_key key, const struct vf_settings *s, const uint8_t *auto_mac,
		 struct vf_value *v);

/*
 * The VF's current value of key: false when the kernel did not report it.
 * A value 0 of a zero_unreported key reads as fallback.
 */
bool vf_key_current(enum vf_key key, const struct vf_info *vi, uint32_t fallback,
		    struct vf_value *v);

/* key's value in a kernel request, and setting it there. */
void vf_key_req_get(enum vf_key key, const struct rtnl_vf_set *rq, struct vf_value *v);
void vf_key_req_put(enum vf_key key, struct rtnl_vf_set *rq, const struct vf_value *v);

/* Values compare equal. */
bool vf_value_equal(enum vf_key key, const struct vf_value *a, const struct vf_value *b);

/*
 * A value as text, in the syntax vf_settings_add() accepts: "100", "802.1Q",
 * "on", "enable", "52:54:00:12:34:56". Empty for a value that has no name.
 */
void vf_value_format(enum vf_key key, const struct vf_value *v, char *buf, size_t size);

/* The wanted value as text ("auto" for mac auto without auto_mac). */
void vf_key_format_want(enum vf_key key, const struct vf_settings *s,
			const uint8_t *auto_mac, char *buf, size_t size);

/* The current value as text; "" when unknown (802.1Q for an unreported proto). */
void vf_key_format_current(enum vf_key key, const struct vf_info *vi, char *buf,
			   size_t size);

/* The value parsers of the types; key names the setting in messages. */
int vf_mac_parse(const char *key, const char *text, uint8_t mac[6], struct sriov_err *e);
int vf_bool_parse(const char *key, const char *text, bool *v, struct sriov_err *e);
int vf_uint_parse(const char *key, const char *text, uint32_t max, const char *unit,
		  uint32_t *v, struct sriov_err *e);
/* A devlink rate node name ([A-Za-z0-9_.-], 1-63), or none/"" (empty). */
int vf_name_parse(const char *key, const char *text, char name[64], struct sriov_err *e);
/* "00:11:22:33:44:55:66:77" exactly (any case): -EINVAL naming key and text. */
int vf_guid_parse(const char *key, const char *text, uint64_t *guid, struct sriov_err *e);

/*
 * "node_guid auto", "port_guid auto": the VF's "mac auto" address (a stable
 * function of the PF's permanent MAC and the VF index, vfattr.h) widened to
 * 64 bits the EUI-48 to EUI-64 way, ff:fe between its third and fourth byte:
 * 52:54:00:12:34:56 gives 52:54:00:ff:fe:12:34:56. Node and port GUID are the
 * same. Zero when auto_mac is NULL.
 */
uint64_t vf_guid_auto(const uint8_t *auto_mac);

/* A buffer that holds any value as text (a rate node name of 63 characters). */
#define VF_VALUE_STRLEN 72

/* Values as text. The names are NULL for a value that has none. */
#define VF_MAC_STRLEN 18 /* "aa:bb:cc:dd:ee:ff" and its NUL */
void vf_mac_format(const uint8_t mac[6], char buf[VF_MAC_STRLEN]);
#define VF_GUID_STRLEN 24 /* "00:11:22:33:44:55:66:77" and its NUL */
void vf_guid_format(uint64_t guid, char buf[VF_GUID_STRLEN]);
const char *vf_link_state_name(int state);	/* "auto", "enable", "disable" */
const char *vf_vlan_proto_name(uint16_t proto); /* "802.1Q", "802.1ad" */

#endif
