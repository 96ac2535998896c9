// SPDX-License-Identifier: MIT
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/devarg.h"
#include "netdevsim_internal.h"
#include "sysfs_paths.h"

static int no_such_device(const char *arg, struct sriov_err *e)
{
	sriov_err_set(e, -ENODEV, "no such device: %s", arg);
	sriov_err_hint(e, "run `sriovctl list` to see the SR-IOV devices of this host");
	return -ENODEV;
}

static int resolve_pci(struct sriov_root *r, const char *arg, const char *name,
		       struct dev_ref *ref, struct sriov_err *e)
{
	pci_addr_format(&ref->addr, ref->addr_str);
	if (sriov_pathf_exists(r, SYS_PCI_DEVICES "/%s", ref->addr_str) < 0)
		return no_such_device(arg, e);
	snprintf(ref->bus_name, sizeof(ref->bus_name), "pci");
	snprintf(ref->dev_name, sizeof(ref->dev_name), "%s", ref->addr_str);
	(void)name;
	return 0;
}

/* name: netdevsim_name_ok() already */
static int resolve_netdevsim(struct sriov_root *r, const char *arg, const char *name,
			     struct dev_ref *ref, struct sriov_err *e)
{
	if (sriov_pathf_exists(r, SYS_NETDEVSIM_DEVICES "/%s", name) < 0)
		return no_such_device(arg, e);
	memset(&ref->addr, 0, sizeof(ref->addr));
	snprintf(ref->bus_name, sizeof(ref->bus_name), NETDEVSIM_BUS);
	snprintf(ref->dev_name, sizeof(ref->dev_name), "%s", name);
	snprintf(ref->addr_str, sizeof(ref->addr_str), "%s", name);
	return 0;
}

int netdev_link_pci_addr(const char *target, struct pci_addr *a)
{
	const char *net = strstr(target, "/net/");
	const char *start = net;
	char buf[PCI_ADDR_STRLEN];

	if (!net)
		return -ENOENT;
	while (start > target && start[-1] != '/')
		start--;
	if ((size_t)(net - start) >= sizeof(buf))
		return -ENOENT;
	memcpy(buf, start, (size_t)(net - start));
	buf[net - start] = '\0';
	return pci_addr_parse(buf, a) < 0 ? -ENOENT : 0;
}

static int resolve_netdev(struct sriov_root *r, const char *arg, const char *name,
			  struct dev_ref *ref, struct sriov_err *e)
{
	char target[512], dev[32];

	if (!sriov_name_is_safe(name) || strlen(name) >= sizeof(ref->netdev))
		return sriov_err_set(e, -EINVAL,
				     "invalid device \"%s\": not a PCI address "
				     "([DDDD:]BB:DD.F) nor an interface name",
				     arg);
	if (sriov_readf_link(r, target, sizeof(target), NULL, SYS_CLASS_NET "/%s", name) <
	    0)
		return no_such_device(arg, e);
	if (netdev_link_netdevsim(target, dev) == 0) {
		snprintf(ref->netdev, sizeof(ref->netdev), "%s", name);
		return resolve_netdevsim(r, arg, dev, ref, e);
	}
	if (netdev_link_pci_addr(target, &ref->addr) < 0) {
		sriov_err_set(e, -ENODEV, "%s is not a PCI network interface", name);
		sriov_err_hint(e, "it is %s", target);
		return -ENODEV;
	}
	snprintf(ref->netdev, sizeof(ref->netdev), "%s", name);
	pci_addr_format(&ref->addr, ref->addr_str);
	snprintf(ref->bus_name, sizeof(ref->bus_name), "pci");
	snprintf(ref->dev_name, sizeof(ref->dev_name), "%s", ref->addr_str);
	return 0;
}

/* "pci/" or "netdevsim/" in front of DEV (a devlink handle): the rest, bus set. */
static const char *strip_bus(const char *arg, char bus[16])
{
	static const char *const buses[] = {"pci", NETDEVSIM_BUS};

	bus[0] = '\0';
	for (size_t i = 0; i < sizeof(buses) / sizeof(buses[0]); i++) {
		size_t n = strlen(buses[i]);

		if (!strncmp(arg, buses[i], n) && arg[n] == '/') {
			snprintf(bus, 16, "%s", buses[i]);
			return arg + n + 1;
		}
	}
	return arg;
}

static int resolve_name(struct sriov_root *r, const char *arg, const char *bus,
			const char *name, struct dev_ref *ref, struct sriov_err *e)
{
	bool is_pci = pci_addr_parse(name, &ref->addr) == 0;

	if (!strcmp(bus, "pci") && !is_pci)
		return sriov_err_set(
			e, -EINVAL,
			"invalid device \"%s\": \"pci/\" takes a PCI address "
			"([DDDD:]BB:DD.F)",
			arg);
	if (!strcmp(bus, NETDEVSIM_BUS) && !netdevsim_name_ok(name))
		return sriov_err_set(e, -EINVAL,
				     "invalid device \"%s\": \"netdevsim/\" takes a "
				     "netdevsim device name (netdevsimN)",
				     arg);
	if (is_pci)
		return resolve_pci(r, arg, name, ref, e);
	if (netdevsim_name_ok(name) &&
	    (bus[0] || sriov_pathf_exists(r, SYS_NETDEVSIM_DEVICES "/%s", name) == 0))
		return resolve_netdevsim(r, arg, name, ref, e);
	return resolve_netdev(r, arg, name, ref, e);
}

int sriov_dev_resolve(struct sriov_root *r, const char *arg, struct dev_ref *ref,
		      struct sriov_err *e)
{
	char name[64], bus[16];
	const char *slash, *dev;
	size_t len;

	memset(ref, 0, sizeof(*ref));
	if (!arg || !*arg)
		return sriov_err_set(e, -EINVAL, "empty device argument");
	dev = strip_bus(arg, bus);
	slash = strchr(dev, '/');
	len = slash ? (size_t)(slash - dev) : strlen(dev);
	if (len == 0 || len >= sizeof(name))
		return sriov_err_set(e, -EINVAL, "invalid device \"%s\"", arg);
	memcpy(name, dev, len);
	name[len] = '\0';
	if (slash) {
		if (!slash[1] || strlen(slash + 1) >= sizeof(ref->vf_spec) ||
		    strchr(slash + 1, '/'))
			return sriov_err_set(e, -EINVAL,
					     "invalid VF index in \"%s\": expected "
					     "PF/INDEX, PF/FIRST-LAST or PF/all",
					     arg);
		ref->has_vf_spec = true;
		snprintf(ref->vf_spec, sizeof(ref->vf_spec), "%s", slash + 1);
	}
	return resolve_name(r, arg, bus, name, ref, e);
}

static int parse_index(const char *s, const char **end, unsigned long *v)
{
	char *stop;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoul(s, &stop, 10);
	if (errno || *v > 0xffff)
		return -EINVAL;
	*end = stop;
	return 0;
}

static int range_error(const char *spec, unsigned long idx, unsigned int count,
		       struct sriov_err *e)
{
	if (count == 0)
		return sriov_err_set(e, -ERANGE,
				     "VF index %lu in \"%s\": the PF has no VFs", idx,
				     spec);
	return sriov_err_set(e, -ERANGE,
			     "VF index %lu in \"%s\" is out of range: the PF has %u VFs "
			     "(0-%u)",
			     idx, spec, count, count - 1);
}

static int parse_item(const char *spec, const char **p, unsigned int count, bool *sel,
		      struct sriov_err *e)
{
	unsigned long first, last;
	const char *end;

	if (parse_index(*p, &end, &first) < 0)
		goto bad;
	last = first;
	if (*end == '-' && parse_index(end + 1, &end, &last) < 0)
		goto bad;
	if (last < first)
		goto bad;
	if (last >= count)
		return range_error(spec, last, count, e);
	for (unsigned long i = first; i <= last; i++)
		sel[i] = true;
	*p = end;
	return 0;
bad:
	return sriov_err_set(e, -EINVAL,
			     "invalid VF index list \"%s\": use N, FIRST-LAST, all, or a "
			     "comma-separated list of those",
			     spec);
}

int vf_index_spec_parse(const char *spec, unsigned int count, bool *sel,
			struct sriov_err *e)
{
	const char *p = spec;

	for (unsigned int i = 0; i < count; i++)
		sel[i] = false;
	if (!strcmp(spec, "all")) {
		if (count == 0)
			return sriov_err_set(e, -ERANGE, "\"all\": the PF has no VFs");
		for (unsigned int i = 0; i < count; i++)
			sel[i] = true;
		return 0;
	}
	for (;;) {
		int ret = parse_item(spec, &p, count, sel, e);

		if (ret < 0)
			return ret;
		if (*p == '\0')
			return 0;
		if (*p != ',')
			return sriov_err_set(e, -EINVAL,
					     "invalid VF index list \"%s\": unexpected "
					     "\"%c\"",
					     spec, *p);
		p++;
	}
}

int bind_driver_name_check(const char *name, struct sriov_err *e)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > BIND_DRIVER_NAME_MAX || !sriov_name_is_safe(name))
		goto bad;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
			goto bad;
	return 0;
bad:
	return sriov_err_set(e, -EINVAL,
			     "invalid driver name \"%s\": a driver name is 1 to %d "
			     "letters, digits, '_' or '-' (e.g. vfio-pci)",
			     name ? name : "", BIND_DRIVER_NAME_MAX);
}
