// Package export writes what a cluster scheduler needs to run a plan's
// shards, one machine each: a Kubernetes Indexed Job (with a ConfigMap
// holding the spec files), or a Slurm sbatch job-array script. Each task
// runs `runner apply -shard auto`, which takes its index from the
// scheduler's environment; runner merge joins the results afterwards.
// runner schedules nothing itself.
//
// The Kubernetes manifest is built from the Kubernetes API types
// (k8s.io/api) and encoded with sigs.k8s.io/yaml, so it has the API's
// field names and layout by construction, and ValidateJob checks the
// fields the API server requires before it is written.
package export

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// File is a file shipped to the cluster: a spec, a -var-file or an
// estimate, by base name and contents.
type File struct {
	Name  string
	Bytes []byte
}

// RunFlags are the apply flags every task passes on: they decide the
// plan, so every shard must be given the same.
type RunFlags struct {
	Vars   []string // -var NAME=VALUE
	Filter string   // -filter
}

// K8s describes an Indexed Job of Shards pods.
type K8s struct {
	// Name names the Job, its pods ("NAME-INDEX-xxxxx") and the ConfigMap
	// (NAME-spec); a DNS label.
	Name      string
	Namespace string // "" = the kubectl context's
	Image     string
	// Runner is the runner command in the image (default "runner").
	Runner      string
	Shards      int
	Parallelism int // pods at once (default Shards)
	// RetriesPerIndex is the Job's backoffLimitPerIndex: how often one
	// shard's pod is started again after a failure that is not a failed
	// cell (exit 1) or a bad spec (exit 2).
	RetriesPerIndex int32
	// DataClaim and ResultsClaim name PersistentVolumeClaims mounted at
	// DataDir and ResultsDir; an empty DataClaim gives each pod an
	// emptyDir, so that each builds the data its shard needs.
	DataClaim, ResultsClaim string
	// CPU and Memory, when set, are each pod's requests and limits alike.
	CPU, Memory string
	Specs       []File
	VarFiles    []File
	// Estimate, when set, is an -estimate file every pod is given.
	Estimate *File
	Flags    RunFlags
}

// Where the pods see their volumes.
const (
	SpecDir    = "/spec"
	DataDir    = "/data"
	ResultsDir = "/results"
	// EstimateName is the estimate's key in the ConfigMap.
	EstimateName = "estimate.json"
	// ContainerName is the name of the container that runs runner.
	ContainerName = "runner"
)

// Volume names in the pod template.
const (
	specVolume    = "spec"
	dataVolume    = "data"
	resultsVolume = "results"
)

// configMapLimit is the most a ConfigMap may hold (the API server's 1 MiB).
const configMapLimit = 1 << 20

// Labels every object carries.
func (k *K8s) labels() map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":       "runner",
		"app.kubernetes.io/instance":   k.Name,
		"app.kubernetes.io/managed-by": "runner-export",
	}
}

// OutDir is where the pods write their results: the Job's own directory
// on the results volume, one shard-I-of-N directory per pod below it.
func (k *K8s) OutDir() string { return path.Join(ResultsDir, k.Name) }

// Command is the container's command: runner apply of one shard.
func (k *K8s) Command() []string {
	cmd := []string{k.runner(), "apply", "-shard", "auto", "-shards", strconv.Itoa(k.Shards),
		"-data-dir", DataDir, "-out", k.OutDir()}
	for _, v := range k.Flags.Vars {
		cmd = append(cmd, "-var", v)
	}
	for _, f := range k.VarFiles {
		cmd = append(cmd, "-var-file", path.Join(SpecDir, f.Name))
	}
	if k.Flags.Filter != "" {
		cmd = append(cmd, "-filter", k.Flags.Filter)
	}
	if k.Estimate != nil {
		cmd = append(cmd, "-estimate", path.Join(SpecDir, EstimateName))
	}
	for _, f := range k.Specs {
		cmd = append(cmd, path.Join(SpecDir, f.Name))
	}
	return cmd
}

func (k *K8s) runner() string {
	if k.Runner == "" {
		return "runner"
	}
	return k.Runner
}

// ConfigMap holds the spec files, the var files and the estimate.
func (k *K8s) ConfigMap() (*corev1.ConfigMap, error) {
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: k.Name + "-spec", Namespace: k.Namespace, Labels: k.labels()},
		Data:       map[string]string{},
	}
	files := append(append([]File(nil), k.Specs...), k.VarFiles...)
	if k.Estimate != nil {
		files = append(files, File{Name: EstimateName, Bytes: k.Estimate.Bytes})
	}
	size := 0
	for _, f := range files {
		if _, dup := cm.Data[f.Name]; dup {
			return nil, fmt.Errorf("two files named %s: the pods see the spec files side by side in %s, so their names must differ", f.Name, SpecDir)
		}
		cm.Data[f.Name] = string(f.Bytes)
		size += len(f.Name) + len(f.Bytes)
	}
	if size > configMapLimit {
		return nil, fmt.Errorf("the spec files come to %d bytes, more than a ConfigMap holds (1 MiB)", size)
	}
	return cm, nil
}

// Job is the Indexed Job: Shards completions, one pod per index, each on a
// node of its own, running one shard.
func (k *K8s) Job() (*batchv1.Job, error) {
	parallelism := k.Parallelism
	if parallelism <= 0 || parallelism > k.Shards {
		parallelism = k.Shards
	}
	container := corev1.Container{
		Name:    ContainerName,
		Image:   k.Image,
		Command: k.Command(),
		VolumeMounts: []corev1.VolumeMount{
			{Name: specVolume, MountPath: SpecDir, ReadOnly: true},
			{Name: dataVolume, MountPath: DataDir},
			{Name: resultsVolume, MountPath: ResultsDir},
		},
	}
	if k.CPU != "" || k.Memory != "" {
		list := corev1.ResourceList{}
		for name, q := range map[corev1.ResourceName]string{corev1.ResourceCPU: k.CPU, corev1.ResourceMemory: k.Memory} {
			if q == "" {
				continue
			}
			v, err := resource.ParseQuantity(q)
			if err != nil {
				return nil, fmt.Errorf("%s %q: %w", name, q, err)
			}
			list[name] = v
		}
		// Requests equal to limits: the Guaranteed class, which the
		// kubelet evicts last and, with the static CPU manager, gives
		// whole cores.
		container.Resources = corev1.ResourceRequirements{Requests: list, Limits: list.DeepCopy()}
	}
	data := corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
	if k.DataClaim != "" {
		data = corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: k.DataClaim}}
	}
	mode := batchv1.IndexedCompletion
	completions, par := int32(k.Shards), int32(parallelism)
	retries := k.RetriesPerIndex
	job := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{Name: k.Name, Namespace: k.Namespace, Labels: k.labels()},
		Spec: batchv1.JobSpec{
			CompletionMode:       &mode,
			Completions:          &completions,
			Parallelism:          &par,
			BackoffLimitPerIndex: &retries,
			PodFailurePolicy: &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{
				// A node drained or a pod preempted is no fault of the
				// shard: start it again without counting.
				{Action: batchv1.PodFailurePolicyActionIgnore, OnPodConditions: []batchv1.PodFailurePolicyOnPodConditionsPattern{
					{Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue}}},
				// Exit 2, a bad spec or flag, fails every shard alike.
				{Action: batchv1.PodFailurePolicyActionFailJob, OnExitCodes: &batchv1.PodFailurePolicyOnExitCodesRequirement{
					ContainerName: ptr(ContainerName), Operator: batchv1.PodFailurePolicyOnExitCodesOpIn, Values: []int32{2}}},
				// Exit 1, cells that failed: the shard ran to the end and
				// wrote its results; running it again would not fix them.
				{Action: batchv1.PodFailurePolicyActionFailIndex, OnExitCodes: &batchv1.PodFailurePolicyOnExitCodesRequirement{
					ContainerName: ptr(ContainerName), Operator: batchv1.PodFailurePolicyOnExitCodesOpIn, Values: []int32{1}}},
			}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: k.labels()},
				Spec: corev1.PodSpec{
					RestartPolicy: corev1.RestartPolicyNever,
					// Benchmark cells must not share a machine: no two
					// pods of this Job on one node.
					Affinity: &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
						RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{
							LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/instance": k.Name}},
							TopologyKey:   "kubernetes.io/hostname",
						}},
					}},
					Containers: []corev1.Container{container},
					Volumes: []corev1.Volume{
						{Name: specVolume, VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
							LocalObjectReference: corev1.LocalObjectReference{Name: k.Name + "-spec"}}}},
						{Name: dataVolume, VolumeSource: data},
						{Name: resultsVolume, VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
							ClaimName: k.ResultsClaim}}},
					},
				},
			},
		},
	}
	return job, nil
}

func ptr[T any](v T) *T { return &v }

// Manifest is the ConfigMap and the Job as two YAML documents, checked
// with ValidateConfigMap and ValidateJob first.
func (k *K8s) Manifest() ([]byte, error) {
	if k.Image == "" {
		return nil, fmt.Errorf("no image: give the container image that has runner on its PATH")
	}
	if k.ResultsClaim == "" {
		return nil, fmt.Errorf("no results volume: the shards' results must outlive their pods; give a PersistentVolumeClaim")
	}
	cm, err := k.ConfigMap()
	if err != nil {
		return nil, err
	}
	job, err := k.Job()
	if err != nil {
		return nil, err
	}
	if err := ValidateConfigMap(cm); err != nil {
		return nil, err
	}
	if err := ValidateJob(job); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# runner export k8s: %d shards of %s, one pod per node.\n", k.Shards, specNames(k.Specs))
	fmt.Fprintf(&b, "# kubectl apply -f this file; each pod writes %s/shard-I-of-%d on the volume %s.\n", k.OutDir(), k.Shards, k.ResultsClaim)
	fmt.Fprintf(&b, "# Then, with that volume mounted: runner merge -out merged %s/shard-*\n", k.OutDir())
	for i, obj := range []any{cm, job} {
		y, err := yaml.Marshal(obj)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(y)
	}
	return b.Bytes(), nil
}

func specNames(fs []File) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}
