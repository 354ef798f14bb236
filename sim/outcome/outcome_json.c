/*
 * The run's result as JSON (outcome_json.h). The outcomes are the printed name=value
 * lines, parsed back: the JSON and the lines then say the same digits.
 */
#include "outcome/outcome_json.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The length of the valid UTF-8 sequence at s (its first byte >= 0x80), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07u;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	/* overlong forms, surrogates, past U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void xs_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n;

	fputc('"', f);
	while (*p) {
		if (*p == '"' || *p == '\\') {
			fprintf(f, "\\%c", *p++);
		} else if (*p == '\n') {
			fputs("\\n", f);
			p++;
		} else if (*p == '\t') {
			fputs("\\t", f);
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p++);
		} else if (*p < 0x80) {
			fputc(*p++, f);
		} else if ((n = utf8_len(p)) > 0) {
			fwrite(p, 1, n, f);
			p += n;
		} else {
			fputs("\\ufffd", f);
			p++;
		}
	}
	fputc('"', f);
}

void xs_json_real(FILE *f, double v, int decimals)
{
	if (isfinite(v))
		fprintf(f, "%.*f", decimals, v);
	else
		fputs("null", f);
}

bool xs_json_is_number(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (isdigit((unsigned char)*p))
			p++;
	else
		return false;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return *p == '\0';
}

struct members {
	FILE *f;
	const char *indent;
	int n;
};

static void outcome_member(void *arg, const char *name, const char *value)
{
	struct members *m = arg;

	fprintf(m->f, "%s\n%s  ", m->n++ ? "," : "", m->indent);
	xs_json_string(m->f, name);
	fputs(": ", m->f);
	if (xs_json_is_number(value))
		fputs(value, m->f);
	else
		fputs("null", m->f);
}

static void latency_object(FILE *f, const struct xs_latency *l)
{
	fprintf(f, "{\"count\": %llu, \"mean_us\": ", (unsigned long long)l->count);
	xs_json_real(f, l->mean_us, 3);
	fputs(", \"p50_us\": ", f);
	xs_json_real(f, l->p50_us, 3);
	fputs(", \"p90_us\": ", f);
	xs_json_real(f, l->p90_us, 3);
	fputs(", \"p99_us\": ", f);
	xs_json_real(f, l->p99_us, 3);
	fputs(", \"max_us\": ", f);
	xs_json_real(f, l->max_us, 3);
	fputc('}', f);
}

void xs_outcome_json_members(FILE *f, const struct xs_run_result *res, const char *indent)
{
	struct members m = {f, indent, 0};
	char *text = NULL;
	size_t len = 0, i, j;
	FILE *o = open_memstream(&text, &len);
	int k;

	if (o) {
		xs_run_print_outcomes(o, res);
		fclose(o);
	}
	fprintf(f, "%s\"outcomes\": {", indent);
	if (text)
		xs_outcome_parse(text, outcome_member, &m);
	free(text);
	fprintf(f, "%s%s},\n%s\"latency\": {", m.n ? "\n" : "", m.n ? indent : "", indent);
	for (k = 0; k < res->nlatency; k++) {
		fprintf(f, "%s\n%s  ", k ? "," : "", indent);
		xs_json_string(f, res->latency[k].op);
		fputs(": ", f);
		latency_object(f, &res->latency[k]);
	}
	fprintf(f, "%s%s},\n%s\"latency_by_group\": {", res->nlatency ? "\n" : "",
		res->nlatency ? indent : "", indent);
	/* a group's rows are together, in scenario order */
	for (i = 0; i < res->ngroup_latency; i = j) {
		const char *g = res->group_latency[i].group;

		fprintf(f, "%s\n%s  ", i ? "," : "", indent);
		xs_json_string(f, g);
		fputs(": {", f);
		for (j = i; j < res->ngroup_latency && strcmp(res->group_latency[j].group, g) == 0;
		     j++) {
			fputs(j > i ? ", " : "", f);
			xs_json_string(f, res->group_latency[j].lat.op);
			fputs(": ", f);
			latency_object(f, &res->group_latency[j].lat);
		}
		fputc('}', f);
	}
	fprintf(f, "%s%s},\n%s\"anomalies\": [", res->ngroup_latency ? "\n" : "",
		res->ngroup_latency ? indent : "", indent);
	for (i = 0; i < res->nanomalies; i++) {
		const struct xs_anomaly *a = &res->anomalies[i];

		fprintf(f, "%s\n%s  {\"kind\": ", i ? "," : "", indent);
		xs_json_string(f, a->kind);
		fprintf(f, ", \"offset\": %llu, \"length\": %llu, \"t\": ",
			(unsigned long long)a->offset, (unsigned long long)a->length);
		xs_json_real(f, a->sim_time_s, 9);
		fputs(", \"detail\": ", f);
		xs_json_string(f, a->detail);
		fputc('}', f);
	}
	fprintf(f, "%s%s]", res->nanomalies ? "\n" : "", res->nanomalies ? indent : "");
}
