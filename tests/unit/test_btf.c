// SPDX-License-Identifier: MIT
/*
 * runtime/btf_find.c against libbpf: a BTF file of every kind the walk
 * knows, written by libbpf, must give each named type the id libbpf
 * finds; a damaged file must be refused (the caller then asks libbpf), not
 * walked; and where this kernel's BTF can be mapped, the hooks' names must
 * get libbpf's ids there too.
 *
 * The last line is "N passed, N failed", as in the other unit tests (unit.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "runtime/btf_find.h"

static int passed, failed;

static void expect_id(const char *what, int expected, int actual)
{
	if (expected == actual) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: expected %d, actual %d\n", what, expected, actual);
}

/* One type of each kind, names shared across kinds, and a name used twice in one kind. */
static struct btf *every_kind(void)
{
	struct btf *btf = btf__new_empty();
	int i32, s, e, e64, proto, var, sec;

	i32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	btf__add_ptr(btf, i32);
	btf__add_array(btf, i32, i32, 4);
	s = btf__add_struct(btf, "pair", 8);
	btf__add_field(btf, "a", i32, 0, 0);
	btf__add_field(btf, "b", i32, 32, 0);
	btf__add_union(btf, "either", 4);
	btf__add_field(btf, "a", i32, 0, 0);
	e = btf__add_enum(btf, "colour", 4);
	btf__add_enum_value(btf, "red", 0);
	btf__add_enum_value(btf, "green", 1);
	e64 = btf__add_enum64(btf, "wide", 8, false);
	btf__add_enum64_value(btf, "big", 1ULL << 40);
	btf__add_fwd(btf, "later", BTF_FWD_STRUCT);
	btf__add_typedef(btf, "pair", s);	/* the struct's name, another kind */
	btf__add_volatile(btf, i32);
	btf__add_const(btf, e);
	btf__add_restrict(btf, btf__add_ptr(btf, e64));
	proto = btf__add_func_proto(btf, i32);
	btf__add_func_param(btf, "x", i32);
	btf__add_func_param(btf, "y", s);
	btf__add_func(btf, "vfs_read", BTF_FUNC_GLOBAL, proto);
	btf__add_func(btf, "vfs_read", BTF_FUNC_STATIC, proto);	/* the first one counts */
	var = btf__add_var(btf, "counter", BTF_VAR_GLOBAL_ALLOCATED, i32);
	sec = btf__add_datasec(btf, ".data", 4);
	btf__add_datasec_var_info(btf, var, 0, 4);
	btf__add_decl_tag(btf, "tag", sec, -1);
	btf__add_float(btf, "double", 8);
	btf__add_type_tag(btf, "user", i32);
	btf__add_typedef(btf, "btf_trace_sys_exit", proto);
	return btf;
}

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(data, 1, size, f) != size) {
		printf("cannot write %s: %s\n", path, strerror(errno));
		exit(2);
	}
	fclose(f);
}

static void test_every_kind(const char *path)
{
	struct btf *btf = every_kind();
	__u32 size;
	const void *raw = btf__raw_data(btf, &size);
	char what[128];

	write_file(path, raw, size);
	for (__u32 id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);

		if (!name || !*name)
			continue;
		snprintf(what, sizeof(what), "%s (kind %d)", name, btf_kind(t));
		expect_id(what, btf__find_by_name_kind(btf, name, btf_kind(t)),
			  btf_find(path, name, btf_kind(t)));
	}
	expect_id("a name not there", -ENOENT, btf_find(path, "vfs_write", BTF_KIND_FUNC));
	expect_id("a name of another kind", -ENOENT, btf_find(path, "colour", BTF_KIND_FUNC));
	expect_id("a name's prefix", -ENOENT, btf_find(path, "vfs_rea", BTF_KIND_FUNC));
	expect_id("no such file", -ENOENT, btf_find("/nonexistent/vmlinux", "x", BTF_KIND_FUNC));
	btf__free(btf);
}

/* The file with its bytes changed: the walk must say -EINVAL, never an id or -ENOENT. */
static void test_damaged(const char *path)
{
	struct btf *btf = every_kind();
	__u32 size;
	const unsigned char *raw = btf__raw_data(btf, &size);
	unsigned char *copy = malloc(size);
	struct btf_header *h = (void *)copy;

	memcpy(copy, raw, size);
	write_file(path, copy, size - 1);
	expect_id("truncated", -EINVAL, btf_find(path, "btf_trace_sys_exit", BTF_KIND_TYPEDEF));

	h->magic = __builtin_bswap16(BTF_MAGIC);
	write_file(path, copy, size);
	expect_id("other byte order", -EINVAL, btf_find(path, "vfs_read", BTF_KIND_FUNC));

	memcpy(copy, raw, size);
	h->type_len += 4;
	write_file(path, copy, size);
	expect_id("types past the strings", -EINVAL, btf_find(path, "nothing", BTF_KIND_FUNC));

	/* The first type (int) made a kind the walk does not know. */
	memcpy(copy, raw, size);
	((struct btf_type *)(copy + h->hdr_len + h->type_off))->info = (BTF_KIND_MAX + 1) << 24;
	write_file(path, copy, size);
	expect_id("an unknown kind", -EINVAL, btf_find(path, "vfs_read", BTF_KIND_FUNC));

	write_file(path, "", 0);
	expect_id("empty", -EINVAL, btf_find(path, "vfs_read", BTF_KIND_FUNC));
	free(copy);
	btf__free(btf);
}

/* This kernel's BTF, when it can be mapped (6.16 on) and read (root). */
static void test_vmlinux(void)
{
	static const char vmlinux[] = "/sys/kernel/btf/vmlinux";
	int id = btf_find(vmlinux, "vfs_read", BTF_KIND_FUNC);
	struct btf *btf;

	if (id < 0 && id != -ENOENT) {
		printf("skip: %s cannot be mapped here: %s\n", vmlinux, strerror(-id));
		return;
	}
	btf = btf__load_vmlinux_btf();
	if (!btf) {
		printf("skip: libbpf cannot read %s\n", vmlinux);
		return;
	}
	expect_id("vmlinux vfs_read", btf__find_by_name_kind(btf, "vfs_read", BTF_KIND_FUNC),
		  btf_find(vmlinux, "vfs_read", BTF_KIND_FUNC));
	expect_id("vmlinux btf_trace_sys_exit",
		  btf__find_by_name_kind(btf, "btf_trace_sys_exit", BTF_KIND_TYPEDEF),
		  btf_find(vmlinux, "btf_trace_sys_exit", BTF_KIND_TYPEDEF));
	expect_id("vmlinux task_struct", btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT),
		  btf_find(vmlinux, "task_struct", BTF_KIND_STRUCT));
	btf__free(btf);
}

int main(void)
{
	char path[] = "/tmp/bpfq-test-btf-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0) {
		perror("mkstemp");
		return 2;
	}
	close(fd);
	test_every_kind(path);
	test_damaged(path);
	test_vmlinux();
	unlink(path);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
