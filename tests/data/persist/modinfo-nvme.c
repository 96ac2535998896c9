// SPDX-License-Identifier: MIT
/* A stand-in for nvme.ko: parameters, none of them max_vfs. */
static const char modinfo[] __attribute__((section(".modinfo"), used, aligned(1))) =
	"name=nvme\0"
	"parm=io_queue_depth:queue depth (test stand-in)\0"
	"parmtype=io_queue_depth:uint\0";
