// Package measure takes the runner's measurements from the machine: the
// probes that read memory, I/O and page faults of the current process from
// the kernel, the clock's own cost, calibration of sub-microsecond steps
// into batches, and the description of the machine a run happened on. The
// statistics of what it measures live in runner/stats.
package measure
