/*
 * header.c — a zero-allocation hot path: decoding fixed 16-byte binary
 * record headers (magic, version, flags, length, checksum) into a struct on
 * the caller's stack, a batch of 64 per operation (one header is 3 cycles,
 * too close to an empty loop for bench_bounds.sh to tell that the work
 * survived). The benchmark is declared zero-alloc, so a change that makes
 * the decoder allocate fails `make bench` and the CI gate, even with a
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

enum { RECORDS = 64, RECORD = 16 };

static void write_header(unsigned char *p, uint32_t length)
{
	static const unsigned char fixed[8] = { 'C', 'B', 'N', 'H', 1, 2, 0, 7 };
	memcpy(p, fixed, sizeof fixed);
	uint32_t sum = 0x43424e48u ^ length ^ (1u << 8 | 2u);
	for (int i = 0; i < 4; i++) {
		p[8 + i] = (unsigned char)(length >> (24 - 8 * i));
		p[12 + i] = (unsigned char)(sum >> (24 - 8 * i));
	}
}

BENCH_ZERO_ALLOC(ParseHeaders) {
	unsigned char recs[RECORDS * RECORD];
	for (int k = 0; k < RECORDS; k++)
		write_header(recs + k * RECORD, 256u + (uint32_t)k);
	for (int64_t i = 0; i < b->n; i++) {
		/* Without this the compiler sees constant records and decodes
		 * them once, outside the loop. */
		cbench_keep(recs);
		uint32_t total = 0;
		for (int k = 0; k < RECORDS; k++) {
			struct header h;
			if (parse_header(recs + k * RECORD, RECORD, &h) != 0)
				cbench_fatal(b, "sample header %d does not parse", k);
			total += h.length;
		}
		cbench_keep(total);
	}
}
