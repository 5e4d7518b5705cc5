/* cb_sysinfo.c: the goos/goarch/cpu header values Go prints, and the number
 * of CPUs this process may run on (Go's runtime.NumCPU, the -cpu default). */
#include "cb_internal.h"

#include <sched.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* GOARCH of the code this file was compiled to, not of the kernel: a 32-bit
 * program on a 64-bit kernel is "386", as in Go. */
static const char *goarch(void)
{
#if defined(__x86_64__)
	return "amd64";
#elif defined(__i386__)
	return "386";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__arm__)
	return "arm";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
	return "ppc64le";
#elif defined(__powerpc64__)
	return "ppc64";
#elif defined(__s390x__)
	return "s390x";
#elif defined(__loongarch64)
	return "loong64";
#else
	static struct utsname u;
	return uname(&u) == 0 ? u.machine : "unknown";
#endif
}

/* The first "model name" of /proc/cpuinfo, as Go's internal/sysinfo. */
static void cpu_name(char *buf, size_t len)
{
	buf[0] = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "model name", 10) != 0)
			continue;
		char *v = strchr(line, ':');
		if (!v)
			continue;
		v += 1 + strspn(v + 1, " \t");
		v[strcspn(v, "\n")] = 0;
		snprintf(buf, len, "%s", v);
		break;
	}
	fclose(f);
}

void cb_sysinfo_get(struct cb_sysinfo *si)
{
	si->goos = "linux";
	si->goarch = goarch();
	cpu_name(si->cpu, sizeof si->cpu);
}

int cb_sysinfo_nprocs(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}
