// SPDX-License-Identifier: MIT
/* A stand-in for igb.ko: only the .modinfo section libkmod reads (name, parameters). */
static const char modinfo[] __attribute__((section(".modinfo"), used, aligned(1))) =
	"name=igb\0"
	"parm=max_vfs:VFs per port (test stand-in)\0"
	"parmtype=max_vfs:uint\0"
	"parm=debug:debug level (test stand-in)\0"
	"parmtype=debug:int\0";
