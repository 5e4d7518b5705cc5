/*
 * header.c — a zero-allocation hot path: decoding a fixed 16-byte binary
 * record header (magic, version, flags, length, checksum) into a struct on
 * the caller's stack. The benchmark is declared zero-alloc, so a change that
 * makes the decoder allocate fails `make bench` and the CI gate, even with a
 * single run.
 */
#include <cbench.h>
#include <stdint.h>
#include <string.h>

struct header {
	uint32_t magic;
	uint8_t version;
	uint8_t flags;
	uint16_t kind;
	uint32_t length;
	uint32_t checksum;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Returns 0 and fills h, or -1 when the bytes are not a valid header. */
static int parse_header(const unsigned char *p, size_t n, struct header *h)
{
	if (n < 16)
		return -1;
	h->magic = be32(p);
	h->version = p[4];
	h->flags = p[5];
	h->kind = (uint16_t)(p[6] << 8 | p[7]);
	h->length = be32(p + 8);
	h->checksum = be32(p + 12);
	uint32_t sum = h->magic ^ h->length ^ ((uint32_t)h->version << 8 | h->flags);
	return h->magic == 0x43424e48 && h->checksum == sum ? 0 : -1;
}

BENCH_ZERO_ALLOC(ParseHeader) {
	unsigned char rec[16] = { 'C', 'B', 'N', 'H', 1, 2, 0, 7, 0, 0, 1, 0 };
	uint32_t sum = 0x43424e48u ^ 256u ^ (1u << 8 | 2u);
	rec[12] = (unsigned char)(sum >> 24);
	rec[13] = (unsigned char)(sum >> 16);
	rec[14] = (unsigned char)(sum >> 8);
	rec[15] = (unsigned char)sum;
	for (int64_t i = 0; i < b->n; i++) {
		/* Without this the compiler sees a constant record and decodes it
		 * once, outside the loop. */
		unsigned char *bytes = rec;
		cbench_keep(bytes);
		struct header h;
		int rc = parse_header(bytes, sizeof rec, &h);
		if (rc != 0)
			cbench_fatal(b, "the sample header does not parse");
		cbench_keep(h.length);
		cbench_clobber();
	}
}
