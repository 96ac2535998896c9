/* SPDX-License-Identifier: MIT */
#ifndef SRIOV_NL_COMPAT_H
#define SRIOV_NL_COMPAT_H

/* Netlink constants that older kernel headers lack. Internal to lib/ and its tests. */

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#ifndef RTEXT_FILTER_VF
#define RTEXT_FILTER_VF (1 << 0)
#endif
#ifndef RTEXT_FILTER_SKIP_STATS
#define RTEXT_FILTER_SKIP_STATS (1 << 3)
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED 0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif
#ifndef IFLA_PERM_ADDRESS
#define IFLA_PERM_ADDRESS 54
#endif

#endif
