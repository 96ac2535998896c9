// SPDX-License-Identifier: MIT
/*
 * netdevsim names and netdevs, for DEV arguments, the VF commands and the
 * inventory (lib/inventory_netdevsim.c reads the devices as PFs).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netdevsim_internal.h"
#include "sriov/pcicfg.h"
#include "sysfs_paths.h"

bool netdevsim_name_ok(const char *name)
{
	size_t prefix = strlen(NETDEVSIM_BUS), n;
	const char *digits;

	if (strncmp(name, NETDEVSIM_BUS, prefix))
		return false; /* checked first: name may be shorter than the prefix */
	digits = name + prefix;
	n = strspn(digits, "0123456789");
	if (!n || digits[n] || (digits[0] == '0' && n > 1))
		return false;
	return strlen(name) < PCI_ADDR_STRLEN;
}

bool netdevsim_target_ok(const char *s)
{
	const char *slash = strchr(s, '/');
	char name[PCI_ADDR_STRLEN];
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	size_t digits;

	if (len >= sizeof(name))
		return false;
	memcpy(name, s, len);
	name[len] = '\0';
	if (!netdevsim_name_ok(name))
		return false;
	if (!slash)
		return true;
	digits = strspn(slash + 1, "0123456789");
	return digits && digits <= 5 && !slash[1 + digits] &&
	       (slash[1] != '0' || digits == 1);
}

int netdev_link_netdevsim(const char *target, char dev[32])
{
	const char *net = strstr(target, "/net/");
	const char *start = net;
	size_t len;

	if (!net)
		return -ENOENT;
	while (start > target && start[-1] != '/')
		start--;
	len = (size_t)(net - start);
	/* directly under /sys/devices: "devices/netdevsimN/net/" */
	if (len >= 32 || start - target < 8 || strncmp(start - 8, "devices/", 8))
		return -ENOENT;
	memcpy(dev, start, len);
	dev[len] = '\0';
	return netdevsim_name_ok(dev) ? 0 : -ENOENT;
}

/* A VF representor: phys_port_name "pfNvfM" (netdevsim's switchdev ports). */
bool netdevsim_is_representor(struct sriov_root *r, const char *dev, const char *name)
{
	char port[32];
	unsigned int pf, vf;
	char end;

	if (sriov_readf_attr(r, port, sizeof(port), NULL,
			     SYS_NETDEVSIM_DEVICES "/%s/net/%s/phys_port_name", dev,
			     name) < 0)
		return false;
	return sscanf(port, "pf%uvf%u%c", &pf, &vf, &end) == 2;
}

int netdevsim_pf_netdev(struct sriov_root *r, const char *dev, char ifname[16],
			int *ifindex)
{
	struct sriov_dirent *ents;
	size_t n;
	uint64_t v;

	ifname[0] = '\0';
	*ifindex = 0;
	if (!netdevsim_name_ok(dev) ||
	    sriov_list_dirf(r, &ents, &n, NULL, SYS_NETDEVSIM_DEVICES "/%s/net", dev) < 0)
		return -ENOENT;
	for (size_t i = 0; i < n; i++) {
		const char *name = ents[i].name;

		if (strlen(name) >= 16 || !sriov_name_is_safe(name) ||
		    netdevsim_is_representor(r, dev, name) ||
		    (ifname[0] && strcmp(name, ifname) >= 0))
			continue;
		memcpy(ifname, name, strlen(name) + 1);
	}
	free(ents);
	if (!ifname[0])
		return -ENOENT;
	if (sriov_readf_u64(r, 10, &v, NULL, SYS_CLASS_NET "/%s/ifindex", ifname) == 0 &&
	    v > 0 && v < 0x7fffffff)
		*ifindex = (int)v;
	return 0;
}
