//! The built-in resources of a kubeadm 1.26 API server, and what discovery lists of them.

use super::Api;

pub(crate) const NAMESPACES: Api = Api::core("namespaces", "Namespace", false);
pub(crate) const NODES: Api = Api::core("nodes", "Node", false);
pub(crate) const PODS: Api = Api::core("pods", "Pod", true);
pub(crate) const SERVICES: Api = Api::core("services", "Service", true);
pub(crate) const ENDPOINTS: Api = Api::core("endpoints", "Endpoints", true);
pub(crate) const CONFIGMAPS: Api = Api::core("configmaps", "ConfigMap", true);
pub(crate) const SECRETS: Api = Api::core("secrets", "Secret", true);
pub(crate) const SERVICEACCOUNTS: Api = Api::core("serviceaccounts", "ServiceAccount", true);
pub(crate) const EVENTS: Api = Api::core("events", "Event", true);
pub(crate) const PVCS: Api = Api::core("persistentvolumeclaims", "PersistentVolumeClaim", true);
pub(crate) const PERSISTENTVOLUMES: Api = Api::core("persistentvolumes", "PersistentVolume", false);
pub(crate) const LIMITRANGES: Api = Api::core("limitranges", "LimitRange", true);
pub(crate) const RESOURCEQUOTAS: Api = Api::core("resourcequotas", "ResourceQuota", true);
pub(crate) const REPLICATIONCONTROLLERS: Api =
    Api::core("replicationcontrollers", "ReplicationController", true);
pub(crate) const PODTEMPLATES: Api = Api::core("podtemplates", "PodTemplate", true);
pub(crate) const DEPLOYMENTS: Api = Api::new("apps", "v1", "deployments", "Deployment", true);
pub(crate) const STATEFULSETS: Api = Api::new("apps", "v1", "statefulsets", "StatefulSet", true);
pub(crate) const DAEMONSETS: Api = Api::new("apps", "v1", "daemonsets", "DaemonSet", true);
pub(crate) const REPLICASETS: Api = Api::new("apps", "v1", "replicasets", "ReplicaSet", true);
pub(crate) const CONTROLLERREVISIONS: Api = Api::new(
    "apps",
    "v1",
    "controllerrevisions",
    "ControllerRevision",
    true,
);
pub(crate) const JOBS: Api = Api::new("batch", "v1", "jobs", "Job", true);
pub(crate) const CRONJOBS: Api = Api::new("batch", "v1", "cronjobs", "CronJob", true);
pub(crate) const HPAS: Api = Api::new(
    "autoscaling",
    "v2",
    "horizontalpodautoscalers",
    "HorizontalPodAutoscaler",
    true,
);
const RBAC: &str = "rbac.authorization.k8s.io";
pub(crate) const CLUSTERROLES: Api = Api::new(RBAC, "v1", "clusterroles", "ClusterRole", false);
pub(crate) const CLUSTERROLEBINDINGS: Api = Api::new(
    RBAC,
    "v1",
    "clusterrolebindings",
    "ClusterRoleBinding",
    false,
);
pub(crate) const ROLES: Api = Api::new(RBAC, "v1", "roles", "Role", true);
pub(crate) const ROLEBINDINGS: Api = Api::new(RBAC, "v1", "rolebindings", "RoleBinding", true);
pub(crate) const CRDS: Api = Api::new(
    "apiextensions.k8s.io",
    "v1",
    "customresourcedefinitions",
    "CustomResourceDefinition",
    false,
);
const ADMISSION: &str = "admissionregistration.k8s.io";
pub(crate) const VALIDATING_WEBHOOKS: Api = Api::new(
    ADMISSION,
    "v1",
    "validatingwebhookconfigurations",
    "ValidatingWebhookConfiguration",
    false,
);
pub(crate) const MUTATING_WEBHOOKS: Api = Api::new(
    ADMISSION,
    "v1",
    "mutatingwebhookconfigurations",
    "MutatingWebhookConfiguration",
    false,
);
pub(crate) const LEASES: Api = Api::new("coordination.k8s.io", "v1", "leases", "Lease", true);
pub(crate) const ENDPOINTSLICES: Api = Api::new(
    "discovery.k8s.io",
    "v1",
    "endpointslices",
    "EndpointSlice",
    true,
);
pub(crate) const EVENTS_V1: Api = Api::new("events.k8s.io", "v1", "events", "Event", true);
const NETWORKING: &str = "networking.k8s.io";
pub(crate) const INGRESSES: Api = Api::new(NETWORKING, "v1", "ingresses", "Ingress", true);
pub(crate) const INGRESSCLASSES: Api =
    Api::new(NETWORKING, "v1", "ingressclasses", "IngressClass", false);
pub(crate) const NETWORKPOLICIES: Api =
    Api::new(NETWORKING, "v1", "networkpolicies", "NetworkPolicy", true);
pub(crate) const PDBS: Api = Api::new(
    "policy",
    "v1",
    "poddisruptionbudgets",
    "PodDisruptionBudget",
    true,
);
const STORAGE: &str = "storage.k8s.io";
pub(crate) const STORAGECLASSES: Api =
    Api::new(STORAGE, "v1", "storageclasses", "StorageClass", false);
pub(crate) const CSIDRIVERS: Api = Api::new(STORAGE, "v1", "csidrivers", "CSIDriver", false);
pub(crate) const CSINODES: Api = Api::new(STORAGE, "v1", "csinodes", "CSINode", false);
pub(crate) const CSISTORAGECAPACITIES: Api = Api::new(
    STORAGE,
    "v1",
    "csistoragecapacities",
    "CSIStorageCapacity",
    true,
);
pub(crate) const VOLUMEATTACHMENTS: Api = Api::new(
    STORAGE,
    "v1",
    "volumeattachments",
    "VolumeAttachment",
    false,
);
pub(crate) const PRIORITYCLASSES: Api = Api::new(
    "scheduling.k8s.io",
    "v1",
    "priorityclasses",
    "PriorityClass",
    false,
);
pub(crate) const APISERVICES: Api = Api::new(
    "apiregistration.k8s.io",
    "v1",
    "apiservices",
    "APIService",
    false,
);
pub(crate) const RUNTIMECLASSES: Api =
    Api::new("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", false);
const FLOWCONTROL: &str = "flowcontrol.apiserver.k8s.io";
pub(crate) const FLOWSCHEMAS: Api =
    Api::new(FLOWCONTROL, "v1beta3", "flowschemas", "FlowSchema", false);
pub(crate) const PRIORITYLEVELS: Api = Api::new(
    FLOWCONTROL,
    "v1beta3",
    "prioritylevelconfigurations",
    "PriorityLevelConfiguration",
    false,
);

/// The group-versions of a kubeadm 1.26 API server, in the order discovery lists them (after
/// `/api/v1`).
pub(crate) const BUILTIN_GROUP_VERSIONS: &[&str] = &[
    "apiregistration.k8s.io/v1",
    "apps/v1",
    "events.k8s.io/v1",
    "authentication.k8s.io/v1",
    "authorization.k8s.io/v1",
    "autoscaling/v2",
    "autoscaling/v1",
    "batch/v1",
    "certificates.k8s.io/v1",
    "networking.k8s.io/v1",
    "policy/v1",
    "rbac.authorization.k8s.io/v1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "admissionregistration.k8s.io/v1",
    "apiextensions.k8s.io/v1",
    "scheduling.k8s.io/v1",
    "coordination.k8s.io/v1",
    "node.k8s.io/v1",
    "discovery.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "flowcontrol.apiserver.k8s.io/v1beta2",
];

/// The namespaced built-in resources the namespace controller empties when a namespace goes, in
/// discovery order (`events` twice: the core and the `events.k8s.io` group both serve them).
pub(crate) const NAMESPACED_BUILTINS: &[Api] = &[
    CONFIGMAPS,
    ENDPOINTS,
    EVENTS,
    LIMITRANGES,
    PVCS,
    PODS,
    PODTEMPLATES,
    REPLICATIONCONTROLLERS,
    RESOURCEQUOTAS,
    SECRETS,
    SERVICEACCOUNTS,
    SERVICES,
    CONTROLLERREVISIONS,
    DAEMONSETS,
    DEPLOYMENTS,
    REPLICASETS,
    STATEFULSETS,
    EVENTS_V1,
    HPAS,
    CRONJOBS,
    JOBS,
    INGRESSES,
    NETWORKPOLICIES,
    PDBS,
    ROLEBINDINGS,
    ROLES,
    CSISTORAGECAPACITIES,
    LEASES,
    ENDPOINTSLICES,
];
