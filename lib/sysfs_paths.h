/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_SYSFS_PATHS_H
#define SRIOV_SYSFS_PATHS_H

/* Where the kernel lists things, as paths inside a struct sriov_root. Internal. */
#define SYS_PCI_DEVICES "/sys/bus/pci/devices"
#define SYS_CLASS_NET	"/sys/class/net"
/* netdevsim, the kernel's software device: PFs without PCI functions */
#define SYS_NETDEVSIM_DEVICES "/sys/bus/netdevsim/devices"
#define NETDEVSIM_DEBUGFS     "/sys/kernel/debug/netdevsim"

#endif
