package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/scenebench/runner/internal/atomicfile"
	"github.com/scenebench/runner/runner/export"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/shard"
)

func init() { register(exportCmd) }

var exportCmd = &command{
	Name:     "export",
	Synopsis: "write a Kubernetes Indexed Job or a Slurm job-array script that runs a spec's shards",
	Usage: `runner export k8s|slurm [flags] SPEC...

Writes what a cluster needs to run the spec's shards, one machine each,
every task running runner apply -shard auto; runner merge joins their
results afterwards. The shard count is -shards or settings.shards.

k8s: a ConfigMap holding the spec files (and -var-file, -estimate files)
and a batch/v1 Job with completionMode Indexed, completions N, one pod per
node (pod anti-affinity), restartPolicy Never, backoffLimitPerIndex, and
volumes: the ConfigMap at /spec, -data-volume at /data (an emptyDir
without it: each pod builds its own data) and -results-volume at /results
(required, ReadWriteMany when pods run on several nodes). Apply it with
kubectl apply -f.

slurm: an sbatch script with --array=0-(N-1), --exclusive nodes, running
the same command on a file system the nodes share, and the merge to run
after it. Submit it with sbatch.

Flags for k8s:
  -image IMG -results-volume CLAIM [-data-volume CLAIM] [-name NAME]
  [-namespace NS] [-parallelism P] [-retries N] [-cpu Q] [-memory Q]
Flags for slurm:
  [-name NAME] [-parallelism P] [-partition P] [-time T] [-account A]
  [-data-dir DIR] [-out DIR]
Both: [-shards N] [-runner PATH] [-estimate RESULTS.json] [-o FILE]
  [-filter EXPR] [-var NAME=VALUE]... [-var-file FILE]...`,
	Run: runExport,
}

// exportFlags are the flags of both targets; each target reads its own.
type exportFlags struct {
	sf          specFlags
	sh          shardFlags
	name        string
	runner      string
	parallelism int
	out         string // -o
	// k8s
	image, dataVolume, resultsVolume, namespace, cpu, memory string
	retries                                                  int
	// slurm
	partition, time, account, dataDir, resultsDir string
}

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprintf(stdout, "usage: %s\n", lookup("export").Usage)
			return exitOK
		}
		fmt.Fprintf(stderr, "runner export: name the target first: k8s or slurm\nusage: %s\n", usageLine("export"))
		return exitUsage
	}
	target := args[0]
	if target != "k8s" && target != "slurm" {
		fmt.Fprintf(stderr, "runner export: unknown target %q: k8s or slurm\n", target)
		return exitUsage
	}
	var ef exportFlags
	fs := flagSet("export", stderr)
	ef.sh.addCount(fs)
	ef.sf.addFilter(fs)
	ef.sf.addVars(fs)
	fs.StringVar(&ef.name, "name", "", "`NAME` of the Job (k8s) or job (slurm) (default runner-<first spec's name>)")
	fs.StringVar(&ef.runner, "runner", "runner", "the runner `COMMAND` in the image (k8s) or on the nodes (slurm)")
	fs.IntVar(&ef.parallelism, "parallelism", 0, "run at most `P` shards at once (default all)")
	fs.StringVar(&ef.out, "o", "", "write to `FILE` instead of standard output")
	if target == "k8s" {
		fs.StringVar(&ef.image, "image", "", "container `IMAGE` with runner on its PATH (required)")
		fs.StringVar(&ef.resultsVolume, "results-volume", "", "PersistentVolumeClaim `CLAIM` mounted at /results for the shards' results (required)")
		fs.StringVar(&ef.dataVolume, "data-volume", "", "PersistentVolumeClaim `CLAIM` mounted at /data and shared by the pods for data files (default: an emptyDir per pod)")
		fs.StringVar(&ef.namespace, "namespace", "", "`NAMESPACE` of the Job and ConfigMap (default: kubectl's)")
		fs.IntVar(&ef.retries, "retries", 1, "start a shard's pod again up to `N` times after a crash (backoffLimitPerIndex)")
		fs.StringVar(&ef.cpu, "cpu", "", "CPU request and limit of each pod (`QUANTITY`, e.g. 4)")
		fs.StringVar(&ef.memory, "memory", "", "memory request and limit of each pod (`QUANTITY`, e.g. 16Gi)")
	} else {
		fs.StringVar(&ef.partition, "partition", "", "Slurm `PARTITION`")
		fs.StringVar(&ef.time, "time", "", "Slurm time limit per task (`TIME`, e.g. 02:00:00)")
		fs.StringVar(&ef.account, "account", "", "Slurm `ACCOUNT`")
		fs.StringVar(&ef.dataDir, "data-dir", "", "data `DIR` on a file system the nodes share (default settings.data_dir)")
		fs.StringVar(&ef.resultsDir, "out", "", "results `DIR` on a file system the nodes share (default settings.out)")
	}
	specs, err := parseFlags(fs, args[1:])
	if err != nil {
		return flagExit(err)
	}
	if !ef.sh.checkCount("export", stderr) {
		return exitUsage
	}
	p, code := loadPlan(ctx, "export", specs, &ef.sf, stderr)
	if p == nil {
		return code
	}
	n, _ := ef.sh.count(p)
	if n == 0 {
		fmt.Fprintln(stderr, "runner export: how many shards? give -shards N or settings { shards = N }")
		return exitUsage
	}
	a := ef.sh.assign("export", p, n, stderr)
	if a == nil {
		return exitUsage
	}
	if ef.name == "" {
		ef.name = jobName(specs[0], n)
	}
	var out []byte
	if target == "k8s" {
		out, err = ef.k8s(specs, n)
	} else {
		out, err = ef.slurm(p, specs, n)
	}
	if err != nil {
		fmt.Fprintf(stderr, "runner export %s: %v\n", target, err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "%s: %s over %s (plan SHA-256 %s…)\n", ef.name, plural(len(a.Groups), "comparison group", "comparison groups"),
		plural(n, "shard", "shards"), a.PlanSHA256[:12])
	if empty := n - len(a.Groups); empty > 0 {
		fmt.Fprintf(stderr, "runner export: %s will have nothing to run: the plan has only %s\n",
			plural(empty, "shard", "shards"), plural(len(a.Groups), "comparison group", "comparison groups"))
	}
	if ef.out == "" {
		_, err = stdout.Write(out)
	} else {
		err = atomicfile.WriteFile(ef.out, out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "runner export: %v\n", err)
		return exitFailure
	}
	return exitOK
}

func (ef *exportFlags) k8s(specs []string, n int) ([]byte, error) {
	k := &export.K8s{Name: ef.name, Namespace: ef.namespace, Image: ef.image, Runner: ef.runner, Shards: n,
		Parallelism: ef.parallelism, RetriesPerIndex: int32(ef.retries), DataClaim: ef.dataVolume, ResultsClaim: ef.resultsVolume,
		CPU: ef.cpu, Memory: ef.memory, Flags: export.RunFlags{Vars: ef.sf.vars, Filter: ef.sf.filter}}
	if ef.retries < 0 {
		return nil, fmt.Errorf("-retries %d: want 0 or more", ef.retries)
	}
	if ef.image == "" {
		return nil, fmt.Errorf("give -image: the container image that has runner on its PATH")
	}
	if ef.resultsVolume == "" {
		return nil, fmt.Errorf("give -results-volume: a PersistentVolumeClaim for the shards' results, which must outlive their pods")
	}
	var err error
	if k.Specs, err = readFiles(specs); err != nil {
		return nil, err
	}
	if k.VarFiles, err = readFiles(ef.sf.varFiles); err != nil {
		return nil, err
	}
	if ef.sh.estimate != "" {
		est, err := shard.LoadEstimate(ef.sh.estimate)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if err := results.Write(&b, est.File()); err != nil {
			return nil, err
		}
		k.Estimate = &export.File{Name: export.EstimateName, Bytes: b.Bytes()}
	}
	return k.Manifest()
}

func (ef *exportFlags) slurm(p *plan.Plan, specs []string, n int) ([]byte, error) {
	s := &export.Slurm{Name: ef.name, Runner: ef.runner, Shards: n, Parallelism: ef.parallelism, Partition: ef.partition,
		Time: ef.time, Account: ef.account, DataDir: ef.dataDir, Out: ef.resultsDir, Specs: specs, VarFiles: ef.sf.varFiles,
		Estimate: ef.sh.estimate, Flags: export.RunFlags{Vars: ef.sf.vars, Filter: ef.sf.filter}}
	out := ef.resultsDir
	if out == "" {
		out = p.Settings.Out
	}
	return s.Script(out)
}

// readFiles reads the files at paths for the ConfigMap, by base name.
func readFiles(paths []string) ([]export.File, error) {
	var out []export.File
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		out = append(out, export.File{Name: filepath.Base(p), Bytes: b})
	}
	return out, nil
}

// jobName is "runner-" and the spec file's name, made a DNS label short
// enough for the pods' NAME-INDEX hostnames.
func jobName(spec string, shards int) string {
	base := strings.TrimSuffix(filepath.Base(spec), filepath.Ext(spec))
	var b strings.Builder
	b.WriteString("runner-")
	dash := true
	for _, r := range strings.ToLower(base) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.TrimRight(b.String(), "-")
	if limit := 63 - 1 - len(fmt.Sprint(shards-1)); len(name) > limit {
		name = strings.TrimRight(name[:limit], "-")
	}
	return name
}
