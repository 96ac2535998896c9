/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_CHECKS_PF_H
#define SRIOV_CHECKS_PF_H

#include <stdbool.h>
#include <stddef.h>
#include "vfdev.h"
#include "checks.h"
#include "distro.h"
#include "inventory.h"
#include "pcicfg.h"

/*
 * The per-PF rules of `sriovctl check` in two phases: check_pf_read() reads
 * what the rules need (the bridges above the PF and their config space, the
 * PF's resource file, the drivers in its IOMMU groups, the modules matching
 * the PF and its VFs, who else uses the VF module, the initramfs tool) into
 * a struct pf_facts; check_pf_judge() turns those facts into findings
 * without reading anything. Unit tests can build facts by hand and judge.
 */

#define PF_FACTS_CHAIN_MAX 16
#define PF_FACTS_LIST_MAX  512

/* Config space of one function (as much as is readable) and its capabilities. */
struct fn_config {
	int ret; /* 0, or -errno when it could not be read (why says so) */
	struct pcicfg cfg;
	struct pci_caps caps;
	bool decoded;
	char path[96]; /* /sys/bus/pci/devices/ADDR/config, for evidence */
	char why[160];
};

/* The PCI bridges between the PF and its root bus, nearest first. */
struct pf_chain {
	int ret; /* 0, or -ENOENT when the device link cannot be read (why) */
	char why[256];
	char bridges[PF_FACTS_CHAIN_MAX][PCI_ADDR_STRLEN];
	size_t n;
	char root_bus[32]; /* "pci0000:00"; empty when not seen */
};

/* Lines 7-12 of the PF's resource file: the IOV BARs. */
struct iov_resources {
	int ret; /* 0, or -errno reading the file */
	char path[96];
	int lines;    /* lines of "resource" read */
	int declared; /* IOV lines with flags or an address */
	int assigned; /* IOV lines with a non-zero start */
	char text[6][80];
};

/* A member of an IOMMU group the rules look at. */
struct fn_fact {
	char addr[PCI_ADDR_STRLEN];
	char driver[64]; /* empty: none */
	bool bridge;	 /* class 0604 */
};

/* The modules of the module index matching one modalias. */
struct module_match {
	int ret; /* 0, or -errno when the index cannot be searched */
	char names[PF_FACTS_LIST_MAX];	     /* every module matching, ", " between */
	char blacklisted[PF_FACTS_LIST_MAX]; /* those a modprobe.d blacklist names */
	char first[64];
	size_t n, n_blacklisted;
};

/*
 * Who on the host uses a module besides VFs: the functions without a physfn
 * link bound to one of its drivers (the PF itself for nvme or mlx5_core, the
 * boot disk for nvme), and the modules that hold it. Blacklisting such a
 * module takes it from them.
 */
struct module_users {
	char functions[PF_FACTS_LIST_MAX]; /* "ADDR (DRIVER)", ", " between */
	size_t n_functions;
	char holders[256]; /* /sys/module/MOD/holders entries, ", " between */
	size_t n_holders;
};

struct pf_facts {
	const struct pf *pf;
	const struct inventory *inv;
	/* the module index: when absent, why (and the module facts are empty) */
	bool module_index;
	char module_index_unavailable[256];
	struct pf_chain chain;
	struct fn_config *bridges; /* chain.n entries, nearest first; malloc'd */
	struct iov_resources resources;
	/* the members of the IOMMU groups judged (the PF's, or each VF's) */
	struct fn_fact *fns;
	size_t n_fns;
	/* the PF's modalias and its modules (read when no driver is bound) */
	int pf_modalias_ret;
	char pf_modalias[256];
	struct module_match pf_modules;
	/* a VF's modalias (or one built from the VF device id) and its modules */
	int vf_modalias_ret;
	char vf_modalias[256];
	char vf_modalias_source[160];
	struct module_match vf_modules;
	struct module_users vf_module_users; /* of vf_modules.first */
	struct initramfs_tool initramfs;
	/* the PF netdev's MTU and MSI-X pool (vfdev.h), for the VFs' MTUs */
	struct vf_fn_pf bounds;
};

/* Reads the facts of pf into a new *f (free with check_pf_facts_free). 0 or -ENOMEM. */
int check_pf_read(const struct check_context *c, const struct pf *pf, struct pf_facts **f,
		  struct sriov_err *e);

/* Appends the findings of every PF rule over f. 0 or -ENOMEM. */
int check_pf_judge(const struct pf_facts *f, struct findings *out, struct sriov_err *e);

void check_pf_facts_free(struct pf_facts *f);

#endif
