// SPDX-License-Identifier: MIT
/* Capabilities as JSON (docs/json.md) and as lspci-like text. */
#include <stdio.h>

#include "cli.h"

#define ADD(obj, key, val) json_object_object_add((obj), (key), (val))
#define JBOOL(v)	   json_object_new_boolean(v)
#define JINT(v)		   json_object_new_int64((int64_t)(v))

static struct json_object *sriov_json(const struct sriov_cap *s)
{
	struct json_object *o = json_object_new_object();
	struct json_object *cap = json_object_new_object();
	struct json_object *ctl = json_object_new_object();
	struct json_object *sta = json_object_new_object();
	struct json_object *bars = json_object_new_array();
	struct json_object *mig = json_object_new_object();

	ADD(o, "offset", JINT(s->offset));
	ADD(o, "initial_vfs", JINT(s->initial_vfs));
	ADD(o, "total_vfs", JINT(s->total_vfs));
	ADD(o, "num_vfs", JINT(s->num_vfs));
	ADD(o, "function_dependency_link", JINT(s->function_dependency_link));
	ADD(o, "vf_offset", JINT(s->vf_offset));
	ADD(o, "vf_stride", JINT(s->vf_stride));
	ADD(o, "vf_device_id", json_hex16(s->vf_device_id));
	ADD(o, "supported_page_sizes", JINT(s->supported_page_sizes));
	ADD(o, "system_page_size", JINT(s->system_page_size));
	ADD(cap, "migration", JBOOL(s->migration));
	ADD(cap, "ten_bit_tag_requester", JBOOL(s->ten_bit_tag_requester));
	ADD(cap, "interrupt_message_number", JINT(s->interrupt_message_number));
	ADD(o, "cap", cap);
	ADD(ctl, "vf_enable", JBOOL(s->vf_enable));
	ADD(ctl, "vf_migration_enable", JBOOL(s->vf_migration_enable));
	ADD(ctl, "vf_migration_interrupt_enable",
	    JBOOL(s->vf_migration_interrupt_enable));
	ADD(ctl, "vf_mse", JBOOL(s->vf_mse));
	ADD(ctl, "ari_capable_hierarchy", JBOOL(s->ari_capable_hierarchy));
	ADD(ctl, "ten_bit_tag_requester_enable", JBOOL(s->ten_bit_tag_requester_enable));
	ADD(o, "control", ctl);
	ADD(sta, "vf_migration", JBOOL(s->vf_migration));
	ADD(o, "status", sta);
	for (int i = 0; i < s->n_vf_bars; i++) {
		struct json_object *b = json_object_new_object();

		ADD(b, "index", JINT(s->vf_bars[i].index));
		ADD(b, "address", JINT(s->vf_bars[i].address));
		ADD(b, "is_64bit", JBOOL(s->vf_bars[i].is_64bit));
		ADD(b, "prefetchable", JBOOL(s->vf_bars[i].prefetchable));
		json_object_array_add(bars, b);
	}
	ADD(o, "vf_bars", bars);
	ADD(mig, "offset", JINT(s->vf_migration_state_offset));
	ADD(mig, "bir", JINT(s->vf_migration_state_bir));
	ADD(o, "vf_migration_state", mig);
	return o;
}

static struct json_object *ari_json(const struct ari_cap *a)
{
	struct json_object *o = json_object_new_object();
	struct json_object *ctl = json_object_new_object();

	ADD(o, "offset", JINT(a->offset));
	ADD(o, "mfvc", JBOOL(a->mfvc));
	ADD(o, "acs", JBOOL(a->acs));
	ADD(o, "next_function", JINT(a->next_function));
	ADD(ctl, "mfvc_enable", JBOOL(a->mfvc_enable));
	ADD(ctl, "acs_enable", JBOOL(a->acs_enable));
	ADD(ctl, "function_group", JINT(a->function_group));
	ADD(o, "control", ctl);
	return o;
}

static struct json_object *acs_bits_json(const struct acs_bits *b)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "source_validation", JBOOL(b->source_validation));
	ADD(o, "translation_blocking", JBOOL(b->translation_blocking));
	ADD(o, "request_redirect", JBOOL(b->request_redirect));
	ADD(o, "completion_redirect", JBOOL(b->completion_redirect));
	ADD(o, "upstream_forwarding", JBOOL(b->upstream_forwarding));
	ADD(o, "egress_control", JBOOL(b->egress_control));
	ADD(o, "direct_translated_p2p", JBOOL(b->direct_translated_p2p));
	return o;
}

static struct json_object *acs_json(const struct acs_cap *a)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "offset", JINT(a->offset));
	ADD(o, "cap", acs_bits_json(&a->cap));
	ADD(o, "control", acs_bits_json(&a->control));
	return o;
}

static const char *port_type_name(uint8_t t)
{
	switch (t) {
	case PCIE_TYPE_ENDPOINT:
		return "endpoint";
	case PCIE_TYPE_LEGACY_ENDPOINT:
		return "legacy_endpoint";
	case PCIE_TYPE_ROOT_PORT:
		return "root_port";
	case PCIE_TYPE_UPSTREAM:
		return "upstream_port";
	case PCIE_TYPE_DOWNSTREAM:
		return "downstream_port";
	case PCIE_TYPE_PCIE_PCI_BRIDGE:
		return "pcie_to_pci_bridge";
	case PCIE_TYPE_PCI_PCIE_BRIDGE:
		return "pci_to_pcie_bridge";
	case PCIE_TYPE_RC_ENDPOINT:
		return "rc_integrated_endpoint";
	case PCIE_TYPE_RC_EVENT_COLLECTOR:
		return "rc_event_collector";
	default:
		return "unknown";
	}
}

static struct json_object *pcie_json(const struct pcie_cap *p)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "offset", JINT(p->offset));
	ADD(o, "version", JINT(p->version));
	ADD(o, "port_type", json_object_new_string(port_type_name(p->port_type)));
	ADD(o, "flr", JBOOL(p->flr));
	ADD(o, "ari_forwarding_supported", JBOOL(p->ari_forwarding_supported));
	ADD(o, "ari_forwarding_enabled", JBOOL(p->ari_forwarding_enabled));
	return o;
}

static struct json_object *msix_json(const struct msix_cap *m)
{
	struct json_object *o = json_object_new_object();

	ADD(o, "offset", JINT(m->offset));
	ADD(o, "table_size", JINT(m->table_size));
	ADD(o, "enabled", JBOOL(m->enabled));
	return o;
}

struct json_object *caps_to_json(const struct pci_caps *caps)
{
	struct json_object *o = json_object_new_object();

	if (caps->has_sriov)
		ADD(o, "sriov", sriov_json(&caps->sriov));
	if (caps->has_ari)
		ADD(o, "ari", ari_json(&caps->ari));
	if (caps->has_acs)
		ADD(o, "acs", acs_json(&caps->acs));
	if (caps->has_pcie)
		ADD(o, "pcie", pcie_json(&caps->pcie));
	if (caps->has_msix)
		ADD(o, "msix", msix_json(&caps->msix));
	return o;
}

/* ---- text -------------------------------------------------------------- */

static char pm(bool b)
{
	return b ? '+' : '-';
}

static void sriov_text(FILE *out, const struct sriov_cap *s, const char *in)
{
	fprintf(out, "%sSR-IOV [%x]\n", in, s->offset);
	fprintf(out, "%s  IOVCap:  Migration%c 10BitTagReq%c IntMsgNum %u\n", in,
		pm(s->migration), pm(s->ten_bit_tag_requester),
		s->interrupt_message_number);
	fprintf(out,
		"%s  IOVCtl:  Enable%c Migration%c Interrupt%c MSE%c ARIHierarchy%c "
		"10BitTagReq%c\n",
		in, pm(s->vf_enable), pm(s->vf_migration_enable),
		pm(s->vf_migration_interrupt_enable), pm(s->vf_mse),
		pm(s->ari_capable_hierarchy), pm(s->ten_bit_tag_requester_enable));
	fprintf(out, "%s  IOVSta:  Migration%c\n", in, pm(s->vf_migration));
	fprintf(out,
		"%s  VFs:     initial %u, total %u, enabled %u, function dependency link "
		"%02x\n",
		in, s->initial_vfs, s->total_vfs, s->num_vfs,
		s->function_dependency_link);
	fprintf(out, "%s  Routing: VF offset %u, stride %u, VF device id %04x\n", in,
		s->vf_offset, s->vf_stride, s->vf_device_id);
	fprintf(out, "%s  Pages:   supported %08x, system %08x\n", in,
		s->supported_page_sizes, s->system_page_size);
	for (int i = 0; i < s->n_vf_bars; i++)
		fprintf(out, "%s  VF BAR %d: memory at %016llx (%s, %sprefetchable)\n",
			in, s->vf_bars[i].index,
			(unsigned long long)s->vf_bars[i].address,
			s->vf_bars[i].is_64bit ? "64-bit" : "32-bit",
			s->vf_bars[i].prefetchable ? "" : "non-");
	fprintf(out, "%s  VF migration state: offset %08x, BIR %u\n", in,
		s->vf_migration_state_offset, s->vf_migration_state_bir);
}

static void acs_bits_text(FILE *out, const struct acs_bits *b)
{
	fprintf(out,
		"SrcValid%c TransBlk%c ReqRedir%c CmpltRedir%c UpstreamFwd%c "
		"EgressCtrl%c "
		"DirectTrans%c",
		pm(b->source_validation), pm(b->translation_blocking),
		pm(b->request_redirect), pm(b->completion_redirect),
		pm(b->upstream_forwarding), pm(b->egress_control),
		pm(b->direct_translated_p2p));
}

void caps_print_text(FILE *out, const struct pci_caps *caps, const char *in)
{
	if (caps->config_all_ones) {
		fprintf(out,
			"%sconfig space reads all ones: the function does not respond "
			"(for a VF: is ARI forwarding enabled on the upstream port?)\n",
			in);
		return;
	}
	if (caps->has_pcie)
		fprintf(out,
			"%sPCI Express [%x] v%u %s, ARI forwarding: supported%c "
			"enabled%c\n",
			in, caps->pcie.offset, caps->pcie.version,
			port_type_name(caps->pcie.port_type),
			pm(caps->pcie.ari_forwarding_supported),
			pm(caps->pcie.ari_forwarding_enabled));
	if (caps->has_msix)
		fprintf(out, "%sMSI-X [%x]: %u vectors, Enable%c\n", in,
			caps->msix.offset, caps->msix.table_size, pm(caps->msix.enabled));
	if (caps->has_ari)
		fprintf(out,
			"%sARI [%x]: MFVC%c ACS%c, next function %u; control MFVC%c "
			"ACS%c, "
			"function group %u\n",
			in, caps->ari.offset, pm(caps->ari.mfvc), pm(caps->ari.acs),
			caps->ari.next_function, pm(caps->ari.mfvc_enable),
			pm(caps->ari.acs_enable), caps->ari.function_group);
	if (caps->has_acs) {
		fprintf(out, "%sACS [%x]\n%s  ACSCap: ", in, caps->acs.offset, in);
		acs_bits_text(out, &caps->acs.cap);
		fprintf(out, "\n%s  ACSCtl: ", in);
		acs_bits_text(out, &caps->acs.control);
		fputc('\n', out);
	}
	if (caps->has_sriov)
		sriov_text(out, &caps->sriov, in);
	if (!caps->ext_space_read)
		fprintf(out,
			"%s(extended configuration space not available: SR-IOV, ARI and "
			"ACS capabilities cannot be shown)\n",
			in);
	if (caps->walk_truncated)
		fprintf(out, "%s(capability list is damaged: the walk stopped early)\n",
			in);
}
