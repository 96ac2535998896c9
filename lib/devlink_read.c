// SPDX-License-Identifier: MIT
/*
 * One devlink instance, read where the root says: the host's kernel over
 * the devlink socket, or under a --root tree the replies capture recorded
 * at /.sriovctl/devlink/BUS/DEV (the same bytes, parsed by the same code).
 */
#include <errno.h>
#include <stdlib.h>

#include "sriov/devlink.h"

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
