package shard

import (
	"fmt"
	"strconv"
	"strings"
)

// The environment variables -shard auto reads.
const (
	// EnvK8sIndex is set by Kubernetes in every pod of an Indexed Job
	// (completionMode: Indexed): the pod's completion index, 0 to
	// completions-1. The count is not in the environment.
	EnvK8sIndex = "JOB_COMPLETION_INDEX"
	// Slurm sets these in every task of a job array (sbatch --array).
	EnvSlurmID    = "SLURM_ARRAY_TASK_ID"
	EnvSlurmCount = "SLURM_ARRAY_TASK_COUNT"
	EnvSlurmMin   = "SLURM_ARRAY_TASK_MIN"
	EnvSlurmStep  = "SLURM_ARRAY_TASK_STEP"
)

// Auto is the -shard value that takes the index and count from the
// scheduler's environment.
const Auto = "auto"

// Which is a resolved -shard: shard Index of Count, and where that came
// from, for the progress output.
type Which struct {
	Index, Count int
	From         string
}

// Resolve turns the -shard value ("I/N" or "auto") into an index and a
// count. count is the count given outside the environment (-shards, else
// settings.shards; 0 for none) and countFrom names where it came from;
// getenv reads the environment (os.Getenv).
//
// With "auto", a Kubernetes Indexed Job gives the index (JOB_COMPLETION_INDEX)
// and count must give the count; a Slurm job array gives both
// (SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN, divided by
// SLURM_ARRAY_TASK_STEP when the array strides, and SLURM_ARRAY_TASK_COUNT),
// and count, when given, must agree.
func Resolve(value string, count int, countFrom string, getenv func(string) string) (Which, error) {
	value = strings.TrimSpace(value)
	if value != Auto {
		i, n, err := parseIndex(value)
		if err != nil {
			return Which{}, err
		}
		if count > 0 && count != n {
			return Which{}, fmt.Errorf("-shard %s splits the plan into %d shards, but %s says %d", value, n, countFrom, count)
		}
		return Which{Index: i, Count: n, From: "-shard " + value}, nil
	}
	k8s, slurm := getenv(EnvK8sIndex), getenv(EnvSlurmID)
	switch {
	case k8s != "" && slurm != "":
		return Which{}, fmt.Errorf("-shard auto: both %s (Kubernetes) and %s (Slurm) are set; give -shard I/N", EnvK8sIndex, EnvSlurmID)
	case k8s != "":
		i, err := envInt(EnvK8sIndex, k8s)
		if err != nil {
			return Which{}, err
		}
		if count == 0 {
			return Which{}, fmt.Errorf("-shard auto: %s=%s gives the index only; give the count with -shards N or settings { shards = N } (the Job's completions)", EnvK8sIndex, k8s)
		}
		if i >= count {
			return Which{}, fmt.Errorf("-shard auto: %s=%d is not below the %d shards %s gives (completions and the shard count must match)", EnvK8sIndex, i, count, countFrom)
		}
		return Which{Index: i, Count: count, From: fmt.Sprintf("%s=%d of %d shards (%s)", EnvK8sIndex, i, count, countFrom)}, nil
	case slurm != "":
		return slurmShard(slurm, count, countFrom, getenv)
	}
	return Which{}, fmt.Errorf("-shard auto: neither %s (a Kubernetes Indexed Job) nor %s (a Slurm job array) is set; run under one of them or give -shard I/N", EnvK8sIndex, EnvSlurmID)
}

func slurmShard(idText string, count int, countFrom string, getenv func(string) string) (Which, error) {
	id, err := envInt(EnvSlurmID, idText)
	if err != nil {
		return Which{}, err
	}
	nText := getenv(EnvSlurmCount)
	if nText == "" {
		return Which{}, fmt.Errorf("-shard auto: %s is set but %s is not", EnvSlurmID, EnvSlurmCount)
	}
	n, err := envInt(EnvSlurmCount, nText)
	if err != nil {
		return Which{}, err
	}
	if n == 0 {
		return Which{}, fmt.Errorf("-shard auto: %s=0", EnvSlurmCount)
	}
	lo, step := 0, 1
	if v := getenv(EnvSlurmMin); v != "" {
		if lo, err = envInt(EnvSlurmMin, v); err != nil {
			return Which{}, err
		}
	}
	if v := getenv(EnvSlurmStep); v != "" {
		if step, err = envInt(EnvSlurmStep, v); err != nil {
			return Which{}, err
		}
		step = max(step, 1)
	}
	if id < lo || (id-lo)%step != 0 || (id-lo)/step >= n {
		return Which{}, fmt.Errorf("-shard auto: task %d is not one of the %d tasks of the array from %d by %d; submit the array as a range, sbatch --array=0-%d",
			id, n, lo, step, n-1)
	}
	if count > 0 && count != n {
		return Which{}, fmt.Errorf("-shard auto: the Slurm array has %d tasks (%s), but %s says %d shards", n, EnvSlurmCount, countFrom, count)
	}
	i := (id - lo) / step
	return Which{Index: i, Count: n, From: fmt.Sprintf("%s=%d of %d tasks (Slurm array)", EnvSlurmID, id, n)}, nil
}

// parseIndex reads "I/N".
func parseIndex(s string) (int, int, error) {
	is, ns, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(is))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("-shard %q: want I/N (shard I of N, I from 0) or auto", s)
	}
	if n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("-shard %s: want 0 <= I < N", s)
	}
	return i, n, nil
}

func envInt(name, v string) (int, error) {
	i, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || i < 0 {
		return 0, fmt.Errorf("-shard auto: %s=%q is not a non-negative integer", name, v)
	}
	return i, nil
}
