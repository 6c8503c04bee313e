package export

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// The API server's own validation (k8s.io/kubernetes/pkg/apis/batch/validation)
// cannot be imported here: it works on the internal API types and lives in
// the k8s.io/kubernetes module, which requires every k8s.io staging module
// at v0.0.0 through replace directives that only its own build applies.
// These checks are the subset of its rules that a manifest like ours can
// break, written against the public batch/v1 types, with apimachinery's
// name and label checks.

// ValidateJob checks what the API server requires of an Indexed Job like
// those Manifest writes: the kind, names, completion mode, counts, the
// pod failure policy, restart policy, containers, and that every volume a
// container mounts is declared.
func ValidateJob(j *batchv1.Job) error {
	var errs []string
	add := func(field, format string, args ...any) {
		errs = append(errs, field+": "+fmt.Sprintf(format, args...))
	}
	if j.APIVersion != "batch/v1" || j.Kind != "Job" {
		add("apiVersion/kind", "%s/%s, want batch/v1 Job", j.APIVersion, j.Kind)
	}
	checkMeta(add, "metadata", j.ObjectMeta, validation.IsDNS1123Subdomain)
	s := j.Spec
	indexed := s.CompletionMode != nil && *s.CompletionMode == batchv1.IndexedCompletion
	if !indexed {
		add("spec.completionMode", "want Indexed")
	}
	if s.Completions == nil {
		add("spec.completions", "required for an Indexed Job")
	} else if c := *s.Completions; c < 1 || c > 100000 {
		add("spec.completions", "%d, want 1 to 100000", c)
	}
	if s.Parallelism == nil {
		add("spec.parallelism", "required")
	} else if p := *s.Parallelism; p < 1 || p > 100000 {
		add("spec.parallelism", "%d, want 1 to 100000", p)
	}
	if indexed && s.Completions != nil {
		// Pods are named and hostnamed NAME-INDEX: that must stay a DNS
		// label.
		if n := len(j.Name) + 1 + len(fmt.Sprint(*s.Completions-1)); n > validation.DNS1123LabelMaxLength {
			add("metadata.name", "%q is too long for an Indexed Job of %d completions (pod hostnames NAME-INDEX have at most 63 characters)", j.Name, *s.Completions)
		}
		for _, msg := range validation.IsDNS1123Label(j.Name) {
			add("metadata.name", "%s", msg)
		}
	}
	if s.BackoffLimitPerIndex != nil && *s.BackoffLimitPerIndex < 0 {
		add("spec.backoffLimitPerIndex", "must not be negative")
	}
	if s.BackoffLimitPerIndex != nil && !indexed {
		add("spec.backoffLimitPerIndex", "needs completionMode Indexed")
	}
	if s.Selector != nil || (s.ManualSelector != nil && *s.ManualSelector) {
		add("spec.selector", "leave it to the Job controller")
	}

	pod := s.Template.Spec
	checkLabels(add, "spec.template.metadata.labels", s.Template.Labels)
	switch pod.RestartPolicy {
	case corev1.RestartPolicyNever, corev1.RestartPolicyOnFailure:
	default:
		add("spec.template.spec.restartPolicy", "%q, want Never or OnFailure", pod.RestartPolicy)
	}
	if len(pod.Containers) == 0 {
		add("spec.template.spec.containers", "required")
	}
	volumes := map[string]bool{}
	for i, v := range pod.Volumes {
		field := fmt.Sprintf("spec.template.spec.volumes[%d]", i)
		for _, msg := range validation.IsDNS1123Label(v.Name) {
			add(field+".name", "%s", msg)
		}
		if volumes[v.Name] {
			add(field+".name", "%q declared twice", v.Name)
		}
		volumes[v.Name] = true
		checkVolumeSource(add, field, v.VolumeSource)
	}
	containers := map[string]bool{}
	for i, c := range pod.Containers {
		field := fmt.Sprintf("spec.template.spec.containers[%d]", i)
		for _, msg := range validation.IsDNS1123Label(c.Name) {
			add(field+".name", "%s", msg)
		}
		if containers[c.Name] {
			add(field+".name", "%q used twice", c.Name)
		}
		containers[c.Name] = true
		if strings.TrimSpace(c.Image) == "" {
			add(field+".image", "required")
		}
		if len(c.Command) == 0 || c.Command[0] == "" {
			add(field+".command", "required: the runner command")
		}
		paths := map[string]bool{}
		for k, m := range c.VolumeMounts {
			mf := fmt.Sprintf("%s.volumeMounts[%d]", field, k)
			if !volumes[m.Name] {
				add(mf+".name", "mounts %q, which no volume of the pod declares", m.Name)
			}
			if !path.IsAbs(m.MountPath) {
				add(mf+".mountPath", "%q is not an absolute path", m.MountPath)
			}
			if paths[m.MountPath] {
				add(mf+".mountPath", "%q mounted twice", m.MountPath)
			}
			paths[m.MountPath] = true
		}
		for name, limit := range c.Resources.Limits {
			if req, ok := c.Resources.Requests[name]; ok && req.Cmp(limit) > 0 {
				add(field+".resources", "%s request %s above its limit %s", name, req.String(), limit.String())
			}
		}
	}
	if a := pod.Affinity; a != nil && a.PodAntiAffinity != nil {
		for i, t := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
			field := fmt.Sprintf("spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[%d]", i)
			if t.TopologyKey == "" {
				add(field+".topologyKey", "required")
			}
			if t.LabelSelector != nil {
				if _, err := metav1.LabelSelectorAsSelector(t.LabelSelector); err != nil {
					add(field+".labelSelector", "%v", err)
				}
			}
		}
	}
	if pfp := s.PodFailurePolicy; pfp != nil {
		if pod.RestartPolicy != corev1.RestartPolicyNever {
			add("spec.podFailurePolicy", "needs restartPolicy Never")
		}
		if len(pfp.Rules) > 20 {
			add("spec.podFailurePolicy.rules", "at most 20")
		}
		for i, r := range pfp.Rules {
			field := fmt.Sprintf("spec.podFailurePolicy.rules[%d]", i)
			switch r.Action {
			case batchv1.PodFailurePolicyActionFailJob, batchv1.PodFailurePolicyActionIgnore, batchv1.PodFailurePolicyActionCount:
			case batchv1.PodFailurePolicyActionFailIndex:
				if s.BackoffLimitPerIndex == nil {
					add(field+".action", "FailIndex needs backoffLimitPerIndex")
				}
			default:
				add(field+".action", "unknown action %q", r.Action)
			}
			if (r.OnExitCodes == nil) == (len(r.OnPodConditions) == 0) {
				add(field, "give exactly one of onExitCodes and onPodConditions")
			}
			if e := r.OnExitCodes; e != nil {
				if e.ContainerName != nil && !containers[*e.ContainerName] {
					add(field+".onExitCodes.containerName", "%q names no container", *e.ContainerName)
				}
				if e.Operator != batchv1.PodFailurePolicyOnExitCodesOpIn && e.Operator != batchv1.PodFailurePolicyOnExitCodesOpNotIn {
					add(field+".onExitCodes.operator", "%q, want In or NotIn", e.Operator)
				}
				if len(e.Values) == 0 || len(e.Values) > 255 || !slices.IsSorted(e.Values) || len(slices.Compact(slices.Clone(e.Values))) != len(e.Values) {
					add(field+".onExitCodes.values", "want 1 to 255 distinct exit codes in increasing order")
				}
				if e.Operator == batchv1.PodFailurePolicyOnExitCodesOpIn && slices.Contains(e.Values, 0) {
					add(field+".onExitCodes.values", "0 is success, not a failure")
				}
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errors.New("invalid Job " + j.Name + ":\n  " + strings.Join(errs, "\n  "))
}

func checkVolumeSource(add func(field, format string, args ...any), field string, v corev1.VolumeSource) {
	n := 0
	if v.ConfigMap != nil {
		n++
		for _, msg := range validation.IsDNS1123Subdomain(v.ConfigMap.Name) {
			add(field+".configMap.name", "%s", msg)
		}
	}
	if v.PersistentVolumeClaim != nil {
		n++
		if v.PersistentVolumeClaim.ClaimName == "" {
			add(field+".persistentVolumeClaim.claimName", "required")
		}
		for _, msg := range validation.IsDNS1123Subdomain(v.PersistentVolumeClaim.ClaimName) {
			add(field+".persistentVolumeClaim.claimName", "%s", msg)
		}
	}
	if v.EmptyDir != nil {
		n++
	}
	if n != 1 {
		add(field, "give exactly one volume source (configMap, persistentVolumeClaim or emptyDir), not %d", n)
	}
}

func checkMeta(add func(field, format string, args ...any), field string, m metav1.ObjectMeta, name func(string) []string) {
	if m.Name == "" {
		add(field+".name", "required")
	}
	for _, msg := range name(m.Name) {
		add(field+".name", "%s", msg)
	}
	if m.Namespace != "" {
		for _, msg := range validation.IsDNS1123Label(m.Namespace) {
			add(field+".namespace", "%s", msg)
		}
	}
	checkLabels(add, field+".labels", m.Labels)
}

func checkLabels(add func(field, format string, args ...any), field string, labels map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		v := labels[k]
		for _, msg := range validation.IsQualifiedName(k) {
			add(field, "key %q: %s", k, msg)
		}
		for _, msg := range validation.IsValidLabelValue(v) {
			add(field, "value %q: %s", v, msg)
		}
	}
}

// ValidateConfigMap checks the ConfigMap's kind, name and keys.
func ValidateConfigMap(cm *corev1.ConfigMap) error {
	var errs []string
	add := func(field, format string, args ...any) {
		errs = append(errs, field+": "+fmt.Sprintf(format, args...))
	}
	if cm.APIVersion != "v1" || cm.Kind != "ConfigMap" {
		add("apiVersion/kind", "%s/%s, want v1 ConfigMap", cm.APIVersion, cm.Kind)
	}
	checkMeta(add, "metadata", cm.ObjectMeta, validation.IsDNS1123Subdomain)
	size := 0
	for k, v := range cm.Data {
		for _, msg := range validation.IsConfigMapKey(k) {
			add("data", "key %q: %s", k, msg)
		}
		size += len(k) + len(v)
	}
	if size > configMapLimit {
		add("data", "%d bytes, more than 1 MiB", size)
	}
	if len(errs) == 0 {
		return nil
	}
	return errors.New("invalid ConfigMap " + cm.Name + ":\n  " + strings.Join(errs, "\n  "))
}
