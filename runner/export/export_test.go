package export

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func testK8s() *K8s {
	return &K8s{
		Name: "runner-10k-flat", Image: "registry.example/runner:v1", Shards: 3, Parallelism: 2, RetriesPerIndex: 1,
		DataClaim: "runner-data", ResultsClaim: "runner-results", CPU: "2", Memory: "8Gi",
		Specs:    []File{{Name: "10k-flat.hcl", Bytes: []byte("dataset \"flat\" {\n  prims = 10000\n}\n")}},
		VarFiles: []File{{Name: "small.vars", Bytes: []byte("prims = 10\n")}},
		Estimate: &File{Name: "old.json", Bytes: []byte(`{"schema_version":1}`)},
		Flags:    RunFlags{Vars: []string{"repeat=3"}, Filter: "format=parquet-*"},
	}
}

// decode splits a manifest into its YAML documents and decodes them,
// strictly, into the API types.
func decode(t *testing.T, manifest []byte) (*corev1.ConfigMap, *batchv1.Job) {
	t.Helper()
	docs := strings.Split(string(manifest), "\n---\n")
	if len(docs) != 2 {
		t.Fatalf("%d YAML documents, want 2 (ConfigMap, Job):\n%s", len(docs), manifest)
	}
	var cm corev1.ConfigMap
	var job batchv1.Job
	if err := yaml.UnmarshalStrict([]byte(docs[0]), &cm); err != nil {
		t.Fatalf("ConfigMap: %v\n%s", err, docs[0])
	}
	if err := yaml.UnmarshalStrict([]byte(docs[1]), &job); err != nil {
		t.Fatalf("Job: %v\n%s", err, docs[1])
	}
	return &cm, &job
}

func TestK8sManifestDecodesToAValidIndexedJob(t *testing.T) {
	k := testK8s()
	manifest, err := k.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	cm, job := decode(t, manifest)
	if err := ValidateJob(job); err != nil {
		t.Fatalf("the decoded Job does not validate: %v", err)
	}
	if err := ValidateConfigMap(cm); err != nil {
		t.Fatalf("the decoded ConfigMap does not validate: %v", err)
	}
	s := job.Spec
	if job.APIVersion != "batch/v1" || job.Kind != "Job" || job.Name != "runner-10k-flat" ||
		*s.CompletionMode != batchv1.IndexedCompletion || *s.Completions != 3 || *s.Parallelism != 2 ||
		*s.BackoffLimitPerIndex != 1 || s.Template.Spec.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("job spec %+v", s)
	}
	c := s.Template.Spec.Containers[0]
	want := []string{"runner", "apply", "-shard", "auto", "-shards", "3", "-data-dir", "/data", "-out", "/results/runner-10k-flat",
		"-var", "repeat=3", "-var-file", "/spec/small.vars", "-filter", "format=parquet-*", "-estimate", "/spec/estimate.json",
		"/spec/10k-flat.hcl"}
	if c.Image != k.Image || !slices.Equal(c.Command, want) {
		t.Errorf("container %s %q\nwant %q", c.Image, c.Command, want)
	}
	if got := c.Resources.Limits.Memory().String(); got != "8Gi" || c.Resources.Requests.Cpu().String() != "2" {
		t.Errorf("resources %+v", c.Resources)
	}
	claims := map[string]string{}
	for _, v := range s.Template.Spec.Volumes {
		switch {
		case v.PersistentVolumeClaim != nil:
			claims[v.Name] = v.PersistentVolumeClaim.ClaimName
		case v.ConfigMap != nil:
			claims[v.Name] = "configmap:" + v.ConfigMap.Name
		}
	}
	if claims["data"] != "runner-data" || claims["results"] != "runner-results" || claims["spec"] != "configmap:"+cm.Name {
		t.Errorf("volumes %v", claims)
	}
	if cm.Data["10k-flat.hcl"] != string(k.Specs[0].Bytes) || cm.Data["small.vars"] == "" || cm.Data[EstimateName] == "" {
		t.Errorf("ConfigMap data %v", cm.Data)
	}
	// One pod per node.
	aa := s.Template.Spec.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution
	if len(aa) != 1 || aa[0].TopologyKey != "kubernetes.io/hostname" ||
		aa[0].LabelSelector.MatchLabels["app.kubernetes.io/instance"] != job.Spec.Template.Labels["app.kubernetes.io/instance"] {
		t.Errorf("anti-affinity %+v", aa)
	}
	// The same input, the same bytes.
	again, _ := testK8s().Manifest()
	if !bytes.Equal(manifest, again) {
		t.Error("two exports of one spec differ")
	}

	// Without a data claim each pod builds its data in an emptyDir.
	k.DataClaim = ""
	k.CPU, k.Memory = "", ""
	manifest, err = k.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	_, job = decode(t, manifest)
	if err := ValidateJob(job); err != nil {
		t.Fatal(err)
	}
	for _, v := range job.Spec.Template.Spec.Volumes {
		if v.Name == "data" && v.EmptyDir == nil {
			t.Errorf("data volume %+v, want an emptyDir", v)
		}
	}
}

func TestK8sRefuses(t *testing.T) {
	for name, change := range map[string]func(*K8s){
		"no image":           func(k *K8s) { k.Image = "" },
		"no results claim":   func(k *K8s) { k.ResultsClaim = "" },
		"bad name":           func(k *K8s) { k.Name = "Runner_10k" },
		"long name":          func(k *K8s) { k.Name = strings.Repeat("r", 62) },
		"bad quantity":       func(k *K8s) { k.Memory = "eight gigs" },
		"two specs, one key": func(k *K8s) { k.Specs = append(k.Specs, k.Specs[0]) },
		"huge spec":          func(k *K8s) { k.Specs[0].Bytes = make([]byte, 2<<20) },
	} {
		k := testK8s()
		change(k)
		if _, err := k.Manifest(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// ValidateJob catches what the API server would refuse.
func TestValidateJob(t *testing.T) {
	for name, tt := range map[string]struct {
		change func(*batchv1.Job)
		want   string
	}{
		"not indexed":      {func(j *batchv1.Job) { j.Spec.CompletionMode = nil }, "spec.completionMode"},
		"no completions":   {func(j *batchv1.Job) { j.Spec.Completions = nil }, "spec.completions"},
		"restart always":   {func(j *batchv1.Job) { j.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyAlways }, "restartPolicy"},
		"no image":         {func(j *batchv1.Job) { j.Spec.Template.Spec.Containers[0].Image = "" }, "image: required"},
		"no command":       {func(j *batchv1.Job) { j.Spec.Template.Spec.Containers[0].Command = nil }, "command: required"},
		"mount undeclared": {func(j *batchv1.Job) { j.Spec.Template.Spec.Volumes = j.Spec.Template.Spec.Volumes[1:] }, `mounts "spec"`},
		"no containers":    {func(j *batchv1.Job) { j.Spec.Template.Spec.Containers = nil }, "containers: required"},
		"wrong kind":       {func(j *batchv1.Job) { j.Kind = "CronJob" }, "want batch/v1 Job"},
		"two sources": {func(j *batchv1.Job) {
			j.Spec.Template.Spec.Volumes[1].EmptyDir = &corev1.EmptyDirVolumeSource{}
		}, "exactly one volume source"},
		"FailIndex without per-index limit": {func(j *batchv1.Job) { j.Spec.BackoffLimitPerIndex = nil }, "FailIndex needs backoffLimitPerIndex"},
		"exit code 0": {func(j *batchv1.Job) {
			j.Spec.PodFailurePolicy.Rules[1].OnExitCodes.Values = []int32{0}
		}, "0 is success"},
	} {
		job, err := testK8s().Job()
		if err != nil {
			t.Fatal(err)
		}
		tt.change(job)
		if err := ValidateJob(job); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error with %q", name, err, tt.want)
		}
	}
}

func testSlurm() *Slurm {
	return &Slurm{Name: "runner-10k-flat", Shards: 3, Parallelism: 2, Partition: "bench", Time: "02:00:00",
		DataDir: "/shared/data", Out: "/shared/results/10k flat",
		Specs: []string{"specs/10k-flat.hcl"}, Flags: RunFlags{Vars: []string{`label=it's "x"`}}}
}

func TestSlurmScript(t *testing.T) {
	s := testSlurm()
	script, err := s.Script(s.Out)
	if err != nil {
		t.Fatal(err)
	}
	text := string(script)
	for _, want := range []string{"#!/bin/bash\n", "#SBATCH --array=0-2%2\n", "#SBATCH --exclusive\n", "#SBATCH --partition=bench\n",
		"#SBATCH --time=02:00:00\n", "runner apply -shard auto -data-dir /shared/data -out '/shared/results/10k flat'",
		"runner merge -out '/shared/results/10k flat/merged' '/shared/results/10k flat'/shard-*-of-3"} {
		if !strings.Contains(text, want) {
			t.Errorf("script lacks %q:\n%s", want, text)
		}
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	path := filepath.Join(t.TempDir(), "job.sbatch")
	if err := os.WriteFile(path, script, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bash, "-n", path).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	// Run as a task would, with a stand-in runner that prints its
	// arguments one per line: every argument arrives as it was given.
	stub := filepath.Join(t.TempDir(), "runner")
	if err := os.WriteFile(stub, []byte("#!/bin/bash\nprintf '%s\\n' \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	s.Runner = stub
	script, _ = s.Script(s.Out)
	os.WriteFile(path, script, 0o755)
	cmd := exec.Command(bash, path)
	cmd.Env = append(os.Environ(), "SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=3")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if want := s.Command()[1:]; !slices.Equal(got, want) {
		t.Errorf("the task ran with\n%q\nwant\n%q", got, want)
	}

	s.Partition = "a b"
	if _, err := s.Script(s.Out); err == nil {
		t.Error("a partition with a space accepted")
	}
	s.Partition, s.Parallelism = "", 0
	script, _ = s.Script(s.Out)
	if !strings.Contains(string(script), "#SBATCH --array=0-2\n") || strings.Contains(string(script), "--partition") {
		t.Errorf("no throttle, no partition:\n%s", script)
	}
}
