// machine-drift: how much this machine's own costs move from one moment to
// the next, apart from runner. Each sample times four fixed workloads 41
// times, interleaved, on the CPU it runs on, and prints their medians:
//
//   compute  an L1-resident integer loop (1.5 million multiply-adds)
//   walk     a sequential read of a 10 MB buffer
//   fault    mapping 8 MB of fresh memory and touching each page
//   pread    reading 1 MB of FILE (from the page cache) into touched memory
//
// Run it a few times a minute (scripts/machine-drift.sh does): a workload
// whose median moves by more than 15% between samples cannot hold a ratio
// to within 15% between two runs, whatever the tool measuring it.
//
//   cc -O2 -o machine-drift scripts/machine-drift.c && ./machine-drift FILE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define RUNS 41

static double now(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v) {
	qsort(v, RUNS, sizeof v[0], cmp);
	return v[RUNS / 2];
}

int main(int argc, char **argv) {
	if (argc != 2) {
		fprintf(stderr, "usage: machine-drift FILE (1 MB or more, read from the page cache)\n");
		return 2;
	}
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	size_t walkN = 10 << 20, faultN = 8 << 20, readN = 1 << 20;
	unsigned char *buf = malloc(walkN);
	if (buf == NULL) {
		perror("malloc");
		return 1;
	}
	for (size_t i = 0; i < walkN; i++)
		buf[i] = (unsigned char)(i * 131);
	double compute[RUNS], walk[RUNS], fault[RUNS], rd[RUNS];
	volatile uint64_t sink = 0;
	for (int r = 0; r < RUNS; r++) {
		double t0 = now();
		uint64_t x = 1;
		for (int i = 0; i < 1500000; i++)
			x = x * 6364136223846793005ULL + (uint64_t)i;
		compute[r] = now() - t0;
		sink += x;

		t0 = now();
		uint64_t h = 1469598103934665603ULL;
		for (size_t i = 0; i < walkN; i += 8) {
			uint64_t v;
			memcpy(&v, buf + i, 8);
			h = (h ^ v) * 1099511628211ULL;
		}
		walk[r] = now() - t0;
		sink += h;

		t0 = now();
		char *p = mmap(NULL, faultN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		for (size_t i = 0; i < faultN; i += 4096)
			p[i] = 1;
		fault[r] = now() - t0;

		t0 = now();
		if (pread(fd, p, readN, 0) != (ssize_t)readN) {
			fprintf(stderr, "%s: shorter than 1 MB\n", argv[1]);
			return 1;
		}
		rd[r] = now() - t0;
		munmap(p, faultN);
	}
	printf("compute %.3f ms  walk %.3f ms  fault %.3f ms  pread %.3f ms\n",
	       median(compute) * 1e3, median(walk) * 1e3, median(fault) * 1e3, median(rd) * 1e3);
	return (int)(sink & 0);
}
