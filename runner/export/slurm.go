package export

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Slurm describes an sbatch job array of Shards tasks.
type Slurm struct {
	Name string
	// Runner is the runner binary on the nodes (default "runner").
	Runner      string
	Shards      int
	Parallelism int // tasks at once (default all: no throttle)
	// Partition, Time and Account go to #SBATCH lines when set.
	Partition, Time, Account string
	// DataDir and Out go to -data-dir and -out when set (otherwise the
	// spec's settings decide); paths are as the nodes see them, on a
	// file system they share.
	DataDir, Out string
	// Specs, VarFiles and Estimate are paths as the nodes see them.
	Specs, VarFiles []string
	Estimate        string
	Flags           RunFlags
}

// Command is the command every task runs.
func (s *Slurm) Command() []string {
	runner := s.Runner
	if runner == "" {
		runner = "runner"
	}
	cmd := []string{runner, "apply", "-shard", "auto"}
	if s.DataDir != "" {
		cmd = append(cmd, "-data-dir", s.DataDir)
	}
	if s.Out != "" {
		cmd = append(cmd, "-out", s.Out)
	}
	for _, v := range s.Flags.Vars {
		cmd = append(cmd, "-var", v)
	}
	for _, f := range s.VarFiles {
		cmd = append(cmd, "-var-file", f)
	}
	if s.Flags.Filter != "" {
		cmd = append(cmd, "-filter", s.Flags.Filter)
	}
	if s.Estimate != "" {
		cmd = append(cmd, "-estimate", s.Estimate)
	}
	return append(cmd, s.Specs...)
}

// Script is the sbatch script: a job array 0..Shards-1, one node per task
// and no other job on it, each task running its shard.
func (s *Slurm) Script(outDir string) ([]byte, error) {
	if s.Shards < 1 {
		return nil, fmt.Errorf("%d shards: want at least 1", s.Shards)
	}
	for _, v := range []struct{ what, value string }{{"name", s.Name}, {"partition", s.Partition}, {"time", s.Time}, {"account", s.Account}} {
		if strings.ContainsAny(v.value, " \t\n\r'\"\\$`") {
			return nil, fmt.Errorf("%s %q: an #SBATCH option takes no spaces, quotes or shell characters", v.what, v.value)
		}
	}
	var b bytes.Buffer
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("#!/bin/bash")
	line("# runner export slurm: %d shards of %s, one node each.", s.Shards, strings.Join(s.Specs, ", "))
	line("# Submit from the directory the paths below are relative to: sbatch THIS_FILE")
	line("#SBATCH --job-name=%s", s.Name)
	array := fmt.Sprintf("0-%d", s.Shards-1)
	if s.Parallelism > 0 && s.Parallelism < s.Shards {
		array += "%" + strconv.Itoa(s.Parallelism)
	}
	line("#SBATCH --array=%s", array)
	line("#SBATCH --nodes=1")
	line("#SBATCH --ntasks=1")
	// Benchmark cells must not share a machine: the whole node, nothing
	// else on it.
	line("#SBATCH --exclusive")
	line("#SBATCH --output=%s-%%A_%%a.out", s.Name)
	if s.Partition != "" {
		line("#SBATCH --partition=%s", s.Partition)
	}
	if s.Time != "" {
		line("#SBATCH --time=%s", s.Time)
	}
	if s.Account != "" {
		line("#SBATCH --account=%s", s.Account)
	}
	line("")
	line("set -euo pipefail")
	line("# runner apply -shard auto reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT")
	line("# and writes %s/shard-$SLURM_ARRAY_TASK_ID-of-%d.", outDir, s.Shards)
	line("%s", shellJoin(s.Command()))
	line("")
	line("# When every task has finished (or as a job of its own:")
	line("#   sbatch --dependency=afterany:$SLURM_ARRAY_JOB_ID --wrap '...'), merge the shards:")
	line("#   %s %s/shard-*-of-%d", shellJoin([]string{s.runnerName(), "merge", "-out", outDir + "/merged"}), shellQuote(outDir), s.Shards)
	return b.Bytes(), nil
}

func (s *Slurm) runnerName() string {
	if s.Runner == "" {
		return "runner"
	}
	return s.Runner
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellQuote quotes a word for a POSIX shell: a safe word as it is, any
// other in single quotes.
func shellQuote(a string) string {
	if shellSafe.MatchString(a) {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}

// shellJoin quotes each of args and joins them with spaces.
func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = shellQuote(a)
	}
	return strings.Join(out, " ")
}
