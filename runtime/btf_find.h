/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_BTF_FIND_H
#define BPFQ_BTF_FIND_H

/*
 * The id of the type named name, of BTF kind kind (BTF_KIND_FUNC, ...), in
 * the raw BTF file at path (/sys/kernel/btf/vmlinux), found by walking the
 * file mapped read-only: -ENOENT when it has no such type; another
 * negative errno when the file cannot be mapped (kernels before 6.16 do
 * not map /sys/kernel/btf/vmlinux) or holds what the walk does not know (a
 * kind newer than this code, another byte order): parse it with libbpf then.
 *
 * Why not libbpf: btf__load_vmlinux_btf() reads the whole file through
 * sysfs a page per read() and checks every type, on each first run after a
 * boot (the hooks are probed again then); the walk reads only what it needs.
 */
int btf_find(const char *path, const char *name, int kind);

#endif /* BPFQ_BTF_FIND_H */
