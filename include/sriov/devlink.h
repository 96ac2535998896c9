/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_DEVLINK_H
#define SRIOV_DEVLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "netlink.h"
#include "sysroot.h"

/*
 * devlink over generic netlink (family "devlink"), read and written with
 * libmnl: the eswitch of one instance ("bus/dev", e.g. pci/0000:03:00.0),
 * its ports with their port functions, and its rate objects. Values the
 * kernel did not send are -1 (ints), empty (strings) or has_* false.
 *
 * The kernel's replies are parsed from bytes (devlink_replies_parse), so the
 * same code reads the live socket, a capture's recording and a fuzzer's input.
 */

/* Numbers of include/uapi/linux/devlink.h (the kernel's, stable ABI). */
enum devlink_eswitch_mode_value { DL_ESWITCH_LEGACY = 0, DL_ESWITCH_SWITCHDEV = 1 };

struct devlink_eswitch {
	int mode;	 /* DEVLINK_ESWITCH_MODE_*: legacy 0, switchdev 1 */
	int inline_mode; /* none 0, link 1, network 2, transport 3 */
	int encap_mode;	 /* none 0, basic 1 */
};

struct devlink_port {
	uint32_t index;
	int flavour;	 /* DEVLINK_PORT_FLAVOUR_*: physical 0, pcipf 3, pcivf 4, ... */
	int pf_number;	 /* PCI PF number of a pcipf/pcivf/pcisf port */
	int vf_number;	 /* VF number of a pcivf port */
	int controller;	 /* controller number (0: this host) */
	bool external;	 /* the function belongs to an external host */
	char netdev[16]; /* the port's netdev (a representor in switchdev) */
	int ifindex;
	/* DEVLINK_ATTR_PORT_FUNCTION */
	bool has_function;
	size_t hw_addr_len; /* 0: not reported */
	uint8_t hw_addr[32];
	int state;	/* inactive 0, active 1 */
	int opstate;	/* detached 0, attached 1 */
	int roce;	/* 1/0, -1 when the kernel does not report the capability */
	int migratable; /* 1/0/-1 */
};

struct devlink_rate {
	bool is_node;
	uint32_t port_index; /* a leaf's port */
	char name[64];	     /* a node's name */
	bool has_tx_share, has_tx_max;
	uint64_t tx_share; /* bytes per second */
	uint64_t tx_max;   /* bytes per second, 0: no limit */
	char parent[64];   /* parent node, empty: none */
};

struct devlink_state {
	char bus[16]; /* the handle: set before parsing (empty: any) */
	char dev[32];
	bool present;	  /* the instance exists (DEVLINK_CMD_GET answered) */
	bool has_eswitch; /* ESWITCH_GET answered */
	struct devlink_eswitch eswitch;
	int eswitch_err; /* the kernel's -errno for ESWITCH_GET, 0 */
	struct devlink_port *ports;
	size_t n_ports;
	struct devlink_rate *rates;
	size_t n_rates;
};

/* Empties s and sets its handle (bus, dev may be NULL: any). */
void devlink_state_init(struct devlink_state *s, const char *bus, const char *dev);
void devlink_state_free(struct devlink_state *s); /* frees the arrays, keeps the handle */

/*
 * Parses a run of netlink messages (each NLMSG_ALIGN'd, as one datagram or a
 * recording holds them): DEVLINK_CMD_NEW, ESWITCH_GET, PORT_NEW and RATE_NEW
 * messages of s's handle are added to s (a DEVLINK_CMD_NEW with a port
 * index is a port: the kernel's port dump answers with that command); other handles,
 * NLMSG_DONE and control messages are skipped; an NLMSG_ERROR is the kernel's refusal of
 * ESWITCH_GET (eswitch_err). Pure. Returns 0, -EINVAL (malformed, with the
 * offset), -ENOMEM. What was parsed before a malformed message stays in s.
 */
int devlink_replies_parse(const void *buf, size_t len, struct devlink_state *s,
			  struct sriov_err *e);

/* A pcivf port of this host's controller with a VF number. */
bool devlink_port_is_local_vf(const struct devlink_port *p);
/* The port of VF vf (flavour pcivf, this host; pf_number preferred when >= 0). */
const struct devlink_port *devlink_vf_port(const struct devlink_state *s, int pf_number,
					   unsigned int vf);
/* The rate leaf of port index, or the node name; NULL when none. */
const struct devlink_rate *devlink_port_rate(const struct devlink_state *s,
					     uint32_t index);
const struct devlink_rate *devlink_rate_node(const struct devlink_state *s,
					     const char *name);

/* Names as iproute2's devlink prints them; "unknown" for other values. */
const char *devlink_eswitch_mode_name(int mode);
const char *devlink_inline_mode_name(int mode);
const char *devlink_encap_mode_name(int mode);
const char *devlink_flavour_name(int flavour);
const char *devlink_fn_state_name(int state);
const char *devlink_fn_opstate_name(int opstate);
/* Name to value, -1 when unknown ("legacy" -> 0, "transport" -> 3, "basic" -> 1). */
int devlink_eswitch_mode_parse(const char *s);
int devlink_inline_mode_parse(const char *s);
int devlink_encap_mode_parse(const char *s);

/* Mbit/s (as max_tx_rate) <-> bytes per second (devlink rate). */
uint64_t devlink_mbit_to_bytes(uint32_t mbit);
double devlink_bytes_to_mbit(uint64_t bytes);

/* ---- requests (lib/devlink_req.c): built into a buffer, no I/O ---------- */

/* Large enough for every request below. */
#define DEVLINK_REQ_SIZE 512

/*
 * ESWITCH_SET: each of mode, inline_mode, encap_mode is sent when >= 0.
 * Every builder returns the message length, 0 when size is too small or an
 * argument cannot be put (a name too long).
 */
size_t devlink_build_eswitch_set(void *buf, size_t size, uint16_t family, uint32_t seq,
				 const char *bus, const char *dev,
				 const struct devlink_eswitch *want);

/* One rate object to change, create or delete. */
struct devlink_rate_req {
	bool is_node;
	uint32_t port_index; /* leaf */
	const char *node;    /* node name */
	bool set_tx_share, set_tx_max;
	uint64_t tx_share, tx_max; /* bytes per second */
	const char *parent;	   /* NULL: unchanged, "": detach from its parent */
};

/* cmd: DEVLINK_CMD_RATE_SET, RATE_NEW (a node) or RATE_DEL (a node). */
size_t devlink_build_rate(void *buf, size_t size, uint16_t family, uint32_t seq,
			  uint8_t cmd, const char *bus, const char *dev,
			  const struct devlink_rate_req *r);

/* The port function attributes to set; -1 / hw_addr_len 0: unchanged. */
struct devlink_fn_req {
	size_t hw_addr_len;
	uint8_t hw_addr[32];
	int state;
	int roce;
	int migratable;
};

/* PORT_SET with DEVLINK_ATTR_PORT_FUNCTION. */
size_t devlink_build_port_fn(void *buf, size_t size, uint16_t family, uint32_t seq,
			     const char *bus, const char *dev, uint32_t port_index,
			     const struct devlink_fn_req *f);

/* ---- the socket (lib/devlink_sock.c) ----------------------------------- */

struct devlink_nl;

/*
 * Opens a NETLINK_GENERIC socket and resolves the family "devlink";
 * -ENOENT when the kernel has none (old kernel, CONFIG_NET_DEVLINK off).
 */
int devlink_open(struct devlink_nl **out, struct sriov_err *e);
void devlink_close(struct devlink_nl *dl);

/*
 * Reads the instance bus/dev: DEVLINK_CMD_GET, ESWITCH_GET, and the port
 * and rate dumps (multi-part replies, any number of ports) into s
 * (devlink_state_init'ed with the handle). -ENODEV when there is no such
 * instance. The eswitch's refusal (-EOPNOTSUPP, -EPERM without
 * CAP_NET_ADMIN) is s->eswitch_err, not a failure. When raw is non-NULL it
 * gets the replies of this handle as one run (malloc'd) for capture.
 */
int devlink_read(struct devlink_nl *dl, struct devlink_state *s, void **raw,
		 size_t *raw_len, struct sriov_err *e);

/*
 * Sends one request built above (its nlmsg_seq is replaced) with NLM_F_ACK
 * and waits for the answer: 0 with ack filled (ack->error 0 or the kernel's
 * -errno and extended-ack text), -errno with e when the socket failed.
 */
int devlink_send(struct devlink_nl *dl, void *req, size_t len, struct nl_ack *ack,
		 struct sriov_err *e);
uint16_t devlink_family(const struct devlink_nl *dl);

/*
 * The requests above, built and sent for the instance bus/dev: 0 with ack
 * filled (ack->error: the kernel's answer), -EINVAL when the request
 * cannot be built (a name too long), -errno when the socket failed.
 */
int devlink_eswitch_set(struct devlink_nl *dl, const char *bus, const char *dev,
			const struct devlink_eswitch *want, struct nl_ack *ack,
			struct sriov_err *e);
/* cmd: DEVLINK_CMD_RATE_SET (a leaf or a node), RATE_NEW or RATE_DEL (a node). */
int devlink_rate_request(struct devlink_nl *dl, uint8_t cmd, const char *bus,
			 const char *dev, const struct devlink_rate_req *r,
			 struct nl_ack *ack, struct sriov_err *e);
int devlink_port_fn_set(struct devlink_nl *dl, const char *bus, const char *dev,
			uint32_t port_index, const struct devlink_fn_req *f,
			struct nl_ack *ack, struct sriov_err *e);

/* ---- root-aware reading (lib/devlink_read.c) ---------------------------- */

/* Where capture stores the replies of one handle: DIR/BUS/DEV. */
#define DEVLINK_RECORDED_DIR "/.sriovctl/devlink"
#define DEVLINK_RECORDED_MAX (4u << 20)

/*
 * The instance bus/dev as the host's kernel reports it (dl; opened on
 * demand when NULL) or, under a --root tree, as capture recorded it.
 * -ENOENT: no instance (no devlink, no recording), -EINVAL: a bus or dev
 * name that is no path component. s is devlink_state_init'ed here.
 */
int sriov_devlink_read(struct sriov_root *r, struct devlink_nl *dl, const char *bus,
		       const char *dev, struct devlink_state *s, struct sriov_err *e);

/*
 * The devlink values of VF index (its pcivf port's function, its rate leaf:
 * Mbit/s, bytes/s rounded down) into vi's has_dl_rate .. fn_migratable, the
 * current values of the devlink rows of the VF settings table (vfsetting.h).
 * Cleared first: all unknown (has_dl_port false) when s has no port for the
 * VF or its eswitch is not in switchdev mode (ice lists VF ports in legacy
 * mode too, but they take no rate or function settings there).
 */
void vf_info_devlink_fill(const struct devlink_state *s, unsigned int index,
			  struct vf_info *vi);

/*
 * The devlink handle of the PF whose device (its netdev's "device" link) is
 * dev_name: "netdevsim" for a netdevsim device, else "pci".
 */
const char *devlink_bus_of(const char *dev_name);

/* The recorded replies of bus/dev under r (malloc'd *buf): capture's copy. */
int devlink_recorded_read(struct sriov_root *r, const char *bus, const char *dev,
			  char **buf, size_t *len, struct sriov_err *e);

#endif
