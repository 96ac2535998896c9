// SPDX-License-Identifier: MIT
/*
 * One devlink instance, read where the root says: the host's kernel over
 * the devlink socket, or under a --root tree the replies capture recorded
 * at /.sriovctl/devlink/BUS/DEV (the same bytes, parsed by the same code).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov/devlink.h"
#include "netdevsim_internal.h"

int devlink_recorded_read(struct sriov_root *r, const char *bus, const char *dev,
			  char **buf, size_t *len, struct sriov_err *e)
{
	int ret;

	*buf = NULL;
	*len = 0;
	if (!sriov_name_is_safe(bus) || !sriov_name_is_safe(dev))
		return sriov_err_set(e, -EINVAL, "devlink: invalid handle '%s/%s'",
				     bus ? bus : "", dev ? dev : "");
	*buf = malloc(DEVLINK_RECORDED_MAX);
	if (!*buf)
		return sriov_err_set(e, -ENOMEM, "out of memory");
	ret = sriov_readf_file(r, *buf, DEVLINK_RECORDED_MAX, len, e,
			       DEVLINK_RECORDED_DIR "/%s/%s", bus, dev);
	if (ret < 0) {
		free(*buf);
		*buf = NULL;
	}
	return ret;
}

static int read_recorded(struct sriov_root *r, struct devlink_state *s,
			 struct sriov_err *e)
{
	size_t len;
	char *buf;
	int ret;

	ret = devlink_recorded_read(r, s->bus, s->dev, &buf, &len, e);
	if (ret < 0)
		return ret;
	ret = devlink_replies_parse(buf, len, s, e);
	free(buf);
	if (ret == 0 && !s->present)
		return sriov_err_set(e, -ENOENT,
				     "devlink: the recording of %s/%s is empty", s->bus,
				     s->dev);
	return ret;
}

int sriov_devlink_read(struct sriov_root *r, struct devlink_nl *dl, const char *bus,
		       const char *dev, struct devlink_state *s, struct sriov_err *e)
{
	struct devlink_nl *own = NULL;
	int ret;

	if (!s)
		return sriov_err_set(e, -EINVAL, "devlink: no output");
	devlink_state_init(s, bus, dev);
	if (!bus || !dev || !bus[0] || !dev[0])
		return sriov_err_set(e, -ENOENT, "devlink: no handle");
	if (!sriov_root_is_host(r))
		return read_recorded(r, s, e);
	if (!dl) {
		ret = devlink_open(&own, e);
		if (ret < 0)
			return ret == -ENOMEM ? ret : -ENOENT;
		dl = own;
	}
	ret = devlink_read(dl, s, NULL, NULL, e);
	devlink_close(own);
	if (ret == -ENODEV)
		ret = -ENOENT;
	return ret;
}

static void clear_devlink_values(struct vf_info *vi)
{
	vi->has_dl_port = vi->has_dl_rate = false;
	vi->has_fn_hw_addr = vi->has_fn_state = false;
	vi->has_fn_roce = vi->has_fn_migratable = false;
	vi->tx_share = vi->tx_max = 0;
	vi->rate_group[0] = '\0';
}

/* Bytes per second as whole Mbit/s (125000 bytes), saturating. */
static uint32_t bytes_to_mbit(uint64_t bytes)
{
	uint64_t mbit = bytes / 125000u;

	return mbit > UINT32_MAX ? UINT32_MAX : (uint32_t)mbit;
}

static void fill_function(const struct devlink_port *p, struct vf_info *vi)
{
	if (!p->has_function)
		return;
	if (p->hw_addr_len == 6) {
		vi->has_fn_hw_addr = true;
		memcpy(vi->fn_hw_addr, p->hw_addr, 6);
	}
	vi->has_fn_state = p->state >= 0;
	vi->fn_state = p->state >= 0 ? (uint32_t)p->state : 0;
	vi->has_fn_roce = p->roce >= 0;
	vi->fn_roce = p->roce > 0;
	vi->has_fn_migratable = p->migratable >= 0;
	vi->fn_migratable = p->migratable > 0;
}

void vf_info_devlink_fill(const struct devlink_state *s, unsigned int index,
			  struct vf_info *vi)
{
	const struct devlink_port *p = devlink_vf_port(s, -1, index);
	const struct devlink_rate *rate;

	clear_devlink_values(vi);
	if (!p || !s->has_eswitch || s->eswitch.mode != DL_ESWITCH_SWITCHDEV)
		return;
	vi->has_dl_port = true;
	fill_function(p, vi);
	rate = devlink_port_rate(s, p->index);
	if (!rate)
		return;
	vi->has_dl_rate = true;
	vi->tx_share = rate->has_tx_share ? bytes_to_mbit(rate->tx_share) : 0;
	vi->tx_max = rate->has_tx_max ? bytes_to_mbit(rate->tx_max) : 0;
	snprintf(vi->rate_group, sizeof(vi->rate_group), "%s", rate->parent);
}

const char *devlink_bus_of(const char *dev_name)
{
	return netdevsim_name_ok(dev_name) ? NETDEVSIM_BUS : "pci";
}
