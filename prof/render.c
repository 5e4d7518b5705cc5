/* render.c: the per-site diff as a text table or a GitHub markdown table. */
#include "prof_internal.h"

#include <math.h>
#include <string.h>

/* Per-op figures: whole numbers as such, others to three digits. */
static void num(char *buf, size_t len, double x, int sign)
{
	const char *plus = sign && x > 0 ? "+" : "";
	if (fabs(x - round(x)) < 1e-9 || fabs(x) >= 100)
		snprintf(buf, len, "%s%.0f", plus, x);
	else
		snprintf(buf, len, "%s%.3g", plus, x);
}

static void change(char *buf, size_t len, double base, double head)
{
	char a[32], b[32], d[32];
	num(a, sizeof a, base, 0);
	num(b, sizeof b, head, 0);
	num(d, sizeof d, head - base, 1);
	snprintf(buf, len, "%s → %s (%s)", a, b, d);
}

static void site(char *buf, size_t len, const pf_change *c, int markdown)
{
	const char *q = markdown ? "`" : "";
	const char *file = c->file ? strrchr(c->file, '/') : NULL;
	file = file ? file + 1 : c->file;
	if (file && c->line > 0)
		snprintf(buf, len, "%s%s%s %s:%lld", q, c->function, q, file, (long long)c->line);
	else if (file)
		snprintf(buf, len, "%s%s%s %s", q, c->function, q, file);
	else
		snprintf(buf, len, "%s%s%s", q, c->function, q);
}

void pf_render(FILE *out, const char *bench, const pf_diff *d, int markdown, size_t max_rows)
{
	const char *unit = d->per_op ? "per op" : "totals, no iteration labels";
	if (markdown)
		fprintf(out, "\n**%s**: allocation sites that changed, %s (base → head)\n\n", bench, unit);
	else
		fprintf(out, "%s: allocation sites that changed, %s (base → head)\n", bench, unit);
	if (d->n == 0) {
		fprintf(out, "%sno site changed by 0.01 allocs/op or 1 B/op\n", markdown ? "" : "  ");
		return;
	}
	if (markdown)
		fprintf(out, "| site | allocs/op | B/op |\n| --- | --- | --- |\n");
	for (size_t i = 0; i < d->n && i < max_rows; i++) {
		char s[600], a[128], b[128];
		site(s, sizeof s, &d->changes[i], markdown);
		change(a, sizeof a, d->changes[i].base_allocs, d->changes[i].head_allocs);
		change(b, sizeof b, d->changes[i].base_bytes, d->changes[i].head_bytes);
		if (markdown)
			fprintf(out, "| %s | %s | %s |\n", s, a, b);
		else
			fprintf(out, "  %-40s  allocs/op %-22s  B/op %s\n", s, a, b);
	}
	if (d->n > max_rows)
		fprintf(out, "%s%zu more sites changed\n", markdown ? "\n" : "  ", d->n - max_rows);
}
