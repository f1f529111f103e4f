// SPDX-License-Identifier: MIT
/* A type's id in a raw BTF file, by a walk over the mapped file (btf_find.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/btf.h>

#include "runtime/btf_find.h"

/* The bytes that follow a type's struct btf_type, by its kind; -1 for a kind unknown here. */
static long extra_bytes(const struct btf_type *t)
{
	long vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
		return sizeof(__u32);
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_decl_tag);
	case BTF_KIND_ENUM64:
		return vlen * sizeof(struct btf_enum64);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

/* The walk over a whole file's bytes: the id, or a negative errno. */
static int walk(const char *data, size_t size, const char *name, int kind)
{
	const struct btf_header *h = (const void *)data;
	size_t name_len = strlen(name), pos, end;
	const char *strs;
	int id = 1;	/* 0 is void */

	if (size < sizeof(*h) || h->magic != BTF_MAGIC || h->hdr_len < sizeof(*h) ||
	    h->hdr_len > size || (h->hdr_len & 3) || (h->type_off & 3) ||
	    (size_t)h->type_off + h->type_len > size - h->hdr_len ||
	    (size_t)h->str_off + h->str_len > size - h->hdr_len)
		return -EINVAL;
	strs = data + h->hdr_len + h->str_off;
	pos = h->hdr_len + h->type_off;
	end = pos + h->type_len;
	while (pos < end) {
		const struct btf_type *t = (const void *)(data + pos);
		long extra;

		if (end - pos < sizeof(*t) || (extra = extra_bytes(t)) < 0 ||
		    end - pos - sizeof(*t) < (size_t)extra)
			return -EINVAL;
		if ((int)BTF_INFO_KIND(t->info) == kind && t->name_off < h->str_len &&
		    h->str_len - t->name_off > name_len && !memcmp(strs + t->name_off, name, name_len + 1))
			return id;
		pos += sizeof(*t) + extra;
		id++;
	}
	return -ENOENT;
}

int btf_find(const char *path, const char *name, int kind)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), found = -errno;
	void *data = MAP_FAILED;
	struct stat st;

	if (fd >= 0 && !fstat(fd, &st) && st.st_size > 0) {
		data = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		found = data == MAP_FAILED ? -errno : walk(data, st.st_size, name, kind);
	} else if (fd >= 0) {
		found = -EINVAL;
	}
	if (data != MAP_FAILED)
		munmap(data, st.st_size);
	if (fd >= 0)
		close(fd);
	return found;
}
